"""Run every bench script (bench/bench_*.py, in name order) and print its output.

`make bench` calls this. Each script prints its own medians and ratios against a baseline
measured in the same run; this runner only adds a heading and the exit status.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py")
                  if p.name != Path(__file__).name and not p.name.startswith("_"))


def main() -> int:
    failed = []
    for script in scripts():
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"--- {script.name}：退出码 {rc}，用时 {time.perf_counter() - t0:.1f} 秒", flush=True)
        if rc:
            failed.append(script.name)
    if failed:
        print(f"\n失败的测量脚本：{'、'.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
