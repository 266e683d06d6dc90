"""Shared helpers of the bench scripts (not a bench itself: run_all.py skips ``_*.py``)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.smoke import FIRST_MARKER, PROBE_ENV, READY_MARKER, TIMEOUT_MARKER  # noqa: E402

DEMO_UNTIL = "2030-12"
EXE_NAME = "ZhushanCarbonPeak.exe" if sys.platform.startswith("win") else "ZhushanCarbonPeak"


def frozen_exe() -> Path | None:
    """The built program in dist/, if `make dist` has been run."""
    exe = ROOT / "dist" / "ZhushanCarbonPeak" / EXE_NAME
    return exe if exe.exists() else None


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONUTF8"] = "1"
    env.pop(PROBE_ENV, None)
    # Measure start-up as users get it: with compiled bytecode cached (the warm-up run
    # writes it). Some shells set PYTHONDONTWRITEBYTECODE, which recompiles every module
    # of the program on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def make_demo_db(path: Path, until: str = DEMO_UNTIL) -> str:
    """A database with the full-plan demo data up to ``until`` (made once per run).

    Returns a note saying what data the database holds."""
    from models.app import App
    from models.plan_load import load_plan
    from models.store import Store
    path.parent.mkdir(parents=True, exist_ok=True)
    app = App(Store(path), load_plan())
    try:
        try:
            from models.demo import generate_demo
        except ImportError:
            return "空数据库（models.demo 尚不可用）"
        t0 = time.perf_counter()
        try:
            from models.app import CLI_ACTOR
            generate_demo(app, CLI_ACTOR, until, streets=6, seed=1)
        except Exception as exc:  # noqa: BLE001 - the bench still measures, and says so
            return f"示例数据生成失败（{type(exc).__name__}: {exc}），使用部分数据"
        return f"示例数据至 {until}（生成用时 {time.perf_counter() - t0:.1f} 秒）"
    finally:
        app.close()


def probe(cmd: list[str], env: dict[str, str], timeout: float = 120.0) -> tuple[float, dict[str, Any]]:
    """Run a start-up probe; seconds from process start to the READY line, and its JSON
    (with ``first_s``: seconds from process start to the first window's idle moment)."""
    t0 = time.perf_counter()
    # (stdin: not a regular file, which a Windows program under Wine cannot take as a handle)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=ROOT)
    assert proc.stdout is not None
    elapsed, info, seen = -1.0, {}, []
    err = b""
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").strip()
            seen.append(line)
            if line.startswith(FIRST_MARKER) and "first_s" not in info:
                info["first_s"] = time.perf_counter() - t0
            if line.startswith(READY_MARKER):
                elapsed = time.perf_counter() - t0
                info.update(json.loads(line[len(READY_MARKER):].strip() or "{}"))
                break
            if line.startswith(TIMEOUT_MARKER):
                break
        _out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if elapsed < 0:
        text = "\n".join(seen[-10:]) + "\n" + err.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"探针未报告就绪：{' '.join(cmd)}\n{text}")
    return elapsed, info


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000.0


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls of ``fn``."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return median_ms(runs)


def ratio_line(name: str, value_ms: float, base_ms: float, goal: float) -> str:
    ratio = value_ms / base_ms if base_ms > 0 else float("inf")
    verdict = "达标" if ratio <= goal else "未达标"
    return f"{name}：{value_ms:7.1f} ms / 基线 {base_ms:7.1f} ms = {ratio:4.2f}×（目标 ≤ {goal}×，{verdict}）"


def run_in_temp(run: Callable[[Path], int]) -> int:
    """Run a bench in a fresh temporary folder, removed afterwards; its exit code."""
    tmp = Path(tempfile.mkdtemp(prefix="zhushan-bench-"))
    try:
        return run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
