"""Start-up time: process start → main window shown with data loaded and the event loop idle.

Measured offscreen, from source and (when `make dist` has been run) from the built folder,
against a bare PySide6 window with one label measured in the same run with the same
interpreter. Prints medians of several runs and the ratio; the goal is ≤ 1.5×.

The program runs with ``--smoke`` and ``ZHUSHAN_STARTUP_PROBE=1``, which goes through the
real start-up (ui.app.run_gui) and prints a marker once the main window is idle (ui/smoke.py).
If a sign-in dialog appears it is filled with a bench account; the password check (a
deliberately slow key derivation) is reported separately.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (ROOT, base_env, frozen_exe, make_demo_db, median_ms, probe,  # noqa: E402
                     ratio_line, run_in_temp)

from ui.smoke import LOGIN_ENV, PROBE_ENV  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
GOAL = 1.5
BENCH_USER, BENCH_PASSWORD = "bench", "Bench-2030-pw"


def add_bench_user(db: Path) -> bool:
    """An administrator account for the sign-in dialog, if accounts exist in this version."""
    try:
        from models import accounts
    except ImportError:
        return False
    from models.app import App
    from models.plan import load_plan
    from models.store import Store
    app = App(Store(db), load_plan())
    try:
        accounts.create_first_admin(app, BENCH_USER, BENCH_PASSWORD, "性能测试")
    finally:
        app.close()
    return True


def run(tmp: Path) -> int:
    db = tmp / "启动测试" / "demo.db"
    note = make_demo_db(db)
    has_login = add_bench_user(db)
    env = base_env()
    app_env = {**env, PROBE_ENV: "1", LOGIN_ENV: f"{BENCH_USER}:{BENCH_PASSWORD}"}
    bare_env = {**env, PROBE_ENV: "bare"}
    py = sys.executable
    runs: dict[str, tuple[list[str], dict[str, str]]] = {
        "源码·空白窗口": ([py, "-c", "import sys; from ui.smoke import run_bare_probe; "
                                  "sys.exit(run_bare_probe())"], bare_env),
        "源码·主程序": ([py, str(ROOT / "main.py"), "--db", str(db), "--smoke"], app_env),
    }
    exe = frozen_exe()
    if exe:
        runs["打包·空白窗口"] = ([str(exe), "--smoke"], bare_env)
        runs["打包·主程序"] = ([str(exe), "--db", str(db), "--smoke"], app_env)
    times: dict[str, list[float]] = {k: [] for k in runs}
    logins: dict[str, list[float]] = {k: [] for k in runs}
    infos: dict[str, dict] = {}
    for key, (cmd, e) in list(runs.items()):  # warm the disk cache
        try:
            probe(cmd, e)
        except RuntimeError as exc:
            if not key.startswith("打包"):
                raise
            print(f"打包程序无法测量（打包结果可能已过时，请重新 make dist）：{exc}")
            runs.pop("打包·空白窗口", None)
            runs.pop("打包·主程序", None)
            exe = None
            break
    times = {k: [] for k in runs}
    logins = {k: [] for k in runs}
    for _ in range(REPEAT):
        for key, (cmd, e) in runs.items():
            t, info = probe(cmd, e)
            times[key].append(t)
            logins[key].append(float(info.get("login_ms", 0.0)) / 1000.0)
            infos[key] = info
    print(f"启动时间（offscreen，{REPEAT} 次取中位数；{note}；数据库 {db}）")
    for key in runs:
        extra = ""
        if infos[key].get("kind") == "app":
            extra = f"  首页 {infos[key].get('page') or '—'}"
            if has_login:
                extra += f"，其中登录口令校验 {median_ms(logins[key]):.0f} ms"
            heavy = infos[key].get("heavy") or []
            extra += f"，已加载的重型模块：{'、'.join(heavy) if heavy else '无'}"
        print(f"  {key:<10} 中位数 {median_ms(times[key]):7.1f} ms  最快 {min(times[key]) * 1000:7.1f} ms{extra}")
    base = median_ms(times["源码·空白窗口"])
    print(ratio_line("源码 主程序/空白窗口", median_ms(times["源码·主程序"]), base, GOAL))
    if has_login:
        no_kdf = [t - k for t, k in zip(times["源码·主程序"], logins["源码·主程序"], strict=False)]
        print(ratio_line("源码 主程序（不含口令校验）/空白窗口", median_ms(no_kdf), base, GOAL))
    if exe:
        fbase = median_ms(times["打包·空白窗口"])
        print(ratio_line("打包 主程序/打包空白窗口", median_ms(times["打包·主程序"]), fbase, GOAL))
        print(ratio_line("打包 主程序/源码空白窗口", median_ms(times["打包·主程序"]), base, GOAL))
    else:
        print("（未找到 dist/ZhushanCarbonPeak，跳过打包程序的测量；先运行 make dist）")
    return 0


if __name__ == "__main__":
    sys.exit(run_in_temp(run))
