"""Start-up time of the Windows build under Wine, against a bare PySide6 window frozen the
same way, measured in the same run (the sibling of bench_startup.py, which measures the
same on Linux from source and from the Linux build).

Needs what ``make bench-windows`` prepares in the Wine work folder (WINSMOKE_WORK, default
~/.cache/carbon-peak-winsmoke): the program built by ../shared/tools/win-smoke.sh
(p/dist/ZhushanCarbonPeak) and the baseline bench/_bare_window.py built with
bench/_bare_window.spec (bare/dist/BareWindow, .ci/win-bare-build.sh). Without them (no
Wine here) it says so and measures nothing.

Each start goes through the ``wine`` launcher (a persistent wineserver is kept for the run);
measured twice: with Qt's offscreen plugin, and with the real "windows" plugin on an X
display (run under xvfb-run; skipped without DISPLAY; Wine's windows unmanaged, as there is
no window manager on Xvfb and Wine would wait 2 s for one whenever a window is hidden). The probe is the one of
bench_startup.py: the program's own time (total − the time a person types in the sign-in
dialog) against the bare window's total. Wine's absolute times are not Windows'; the ratio
is what counts (goal ≤ 1.5×). The wine launcher's own start is in both sides.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import base_env, make_demo_db, probe, run_in_temp  # noqa: E402
from bench_startup import BENCH_PASSWORD, BENCH_USER, LOGIN_NOTE, add_bench_user, measure, report  # noqa: E402

from ui.smoke import LOGIN_ENV, NOWAIT_ENV, PROBE_ENV  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
WORK = Path(os.environ.get("WINSMOKE_WORK", str(Path.home() / ".cache" / "carbon-peak-winsmoke")))
EXE = WORK / "p" / "dist" / "ZhushanCarbonPeak" / "ZhushanCarbonPeak.exe"
BARE = WORK / "bare" / "dist" / "BareWindow" / "BareWindow.exe"


def winpath(p: Path) -> str:
    return "Z:" + str(p).replace("/", "\\")


def wine_env() -> dict[str, str]:
    env = base_env()
    env.pop("QT_QPA_PLATFORM", None)  # Wine does not pass it on; WINEQT_QPA_PLATFORM below
    env.update(WINEPREFIX=str(WORK / "prefix"), WINEARCH="win64", WINEDEBUG="-all",
               WINEDLLOVERRIDES="mscoree,mshtml=;ucrtbase=n,b")
    return env


def run(tmp: Path) -> int:
    missing = [p for p in (EXE, BARE) if not p.is_file()]
    if shutil.which("wine") is None or missing:
        print("没有 Wine 中的打包结果，跳过（先运行 make bench-windows）："
              + "、".join(str(p) for p in missing) if missing else "没有安装 Wine，跳过。")
        return 0
    db = tmp / "启动测试" / "demo.db"
    note = make_demo_db(db)
    has_login = add_bench_user(db)
    env = wine_env()
    platforms = [("offscreen", "offscreen")]
    if os.environ.get("DISPLAY"):
        platforms.append(("windows", "windows 平台插件（Xvfb）"))
    # One wineserver and Wine's background services for the whole run, started here with
    # their output going nowhere: started by a probed program they would keep its pipes open.
    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(["wineserver", "-p"], env=env, check=True, **quiet)
    # Xvfb has no window manager, for which Wine would wait 2 s whenever a window is hidden
    # (the sign-in dialog): windows are left unmanaged, as Windows itself manages them.
    subprocess.run(["wine", "reg", "add", r"HKCU\Software\Wine\X11 Driver", "/v", "Managed", "/t", "REG_SZ",
                    "/d", "N", "/f"], env=env, check=False, timeout=300, **quiet)
    try:
        for plugin, label in platforms:
            e = {**env, "WINEQT_QPA_PLATFORM": plugin}
            app_env = {**e, PROBE_ENV: "1", LOGIN_ENV: f"{BENCH_USER}:{BENCH_PASSWORD}"}
            app_cmd = ["wine", str(EXE), "--db", winpath(db), "--smoke"]
            runs = {
                "Wine·空白窗口": (["wine", str(BARE)], e),
                "Wine·主程序": (app_cmd, app_env),
                "Wine·立即登录": (app_cmd, {**app_env, NOWAIT_ENV: "1"}),
            }
            for cmd, run_env in runs.values():  # warm up: disk cache, DLLs, the remembered user
                probe(cmd, run_env, timeout=300)
            print(f"Windows 版启动时间（Wine 8，{label}，{REPEAT} 次取中位数；{note}；数据库 {winpath(db)}）")
            report(runs, measure(runs, REPEAT), [(f"Windows 版（{plugin}）", "Wine")])
    finally:
        subprocess.run(["wineserver", "-k"], env=env, check=False)
    if has_login:
        print(LOGIN_NOTE)
    return 0


if __name__ == "__main__":
    sys.exit(run_in_temp(run))
