"""Running a child program and killing it (SIGKILL) after it reported some results.

The crash tests start a writer as a separate process, read the lines it prints after each
committed step and kill it at a chosen moment, again and again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def kill_after(script: Path, args: list[str], want: int, name: str) -> tuple[list[str], int]:
    """Run ``script ROOT *args``, read ``want`` result lines (a line "ready" is not a
    result), then kill it. Returns the lines read and the child's exit code; fails the
    test when the child ends on its own before it reported ``want`` results."""
    proc = subprocess.Popen([sys.executable, str(script), str(ROOT), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", cwd=str(ROOT))
    lines: list[str] = []
    with proc:
        try:
            while len(lines) < want:
                assert proc.stdout is not None
                line = proc.stdout.readline()
                if not line:
                    assert proc.stderr is not None
                    pytest.fail(f"{name} died on its own: {proc.stderr.read()}")
                if line.strip() != "ready":
                    lines.append(line.rstrip("\n"))
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    return lines, proc.returncode
