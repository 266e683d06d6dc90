"""Start-up time: process start → main window shown with data loaded and the event loop idle.

Measured offscreen, from source and (when `make dist` has been run) from the built folder,
against a bare PySide6 window with one label measured in the same run with the same
interpreter. Prints medians of several runs and the ratio; the goal is ≤ 1.5×.

The program runs with ``--smoke`` and ``ZHUSHAN_STARTUP_PROBE=1``, which goes through the
real start-up (ui.app.run_gui) and prints markers once the first window and then the main
window are idle (ui/smoke.py). The database has accounts, so the first window is the
sign-in dialog. The probe signs in like a person who is quick but not instant: it waits
until the dialog has got ready (the main window built for the pre-filled user name, the
password key derived as it is typed), then presses the button.

Reported per run: the sign-in dialog's first idle moment; the time in the dialog before
the button (the person's time; the program prepares meanwhile); the time from the button
to the idle main window; and the program's own time = total − time in the dialog, which
is what the goal compares. "立即登录" signs in without waiting, for reference: no person
types a user name and password in the ~0.15 s the preparation takes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (ROOT, base_env, frozen_exe, make_demo_db, median_ms, probe,  # noqa: E402
                     ratio_line, run_in_temp)

from ui.smoke import LOGIN_ENV, NOWAIT_ENV, PROBE_ENV  # noqa: E402

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
    from models.plan_load import load_plan
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
    nowait_env = {**app_env, NOWAIT_ENV: "1"}
    bare_env = {**env, PROBE_ENV: "bare"}
    py = sys.executable
    bare_cmd = [py, "-c", "import sys; from ui.smoke import run_bare_probe; sys.exit(run_bare_probe())"]
    app_cmd = [py, str(ROOT / "main.py"), "--db", str(db), "--smoke"]
    runs: dict[str, tuple[list[str], dict[str, str]]] = {
        "源码·空白窗口": (bare_cmd, bare_env),
        "源码·主程序": (app_cmd, app_env),
        "源码·立即登录": (app_cmd, nowait_env),
    }
    exe = frozen_exe()
    if exe:
        runs["打包·空白窗口"] = ([str(exe), "--smoke"], bare_env)
        runs["打包·主程序"] = ([str(exe), "--db", str(db), "--smoke"], app_env)
        runs["打包·立即登录"] = ([str(exe), "--db", str(db), "--smoke"], nowait_env)
    for key, (cmd, e) in list(runs.items()):  # warm the disk cache; remembers the bench user
        try:
            probe(cmd, e)
        except RuntimeError as exc:
            if not key.startswith("打包"):
                raise
            print(f"打包程序无法测量（打包结果可能已过时，请重新 make dist）：{exc}")
            for k in [k for k in runs if k.startswith("打包")]:
                runs.pop(k)
            exe = None
            break
    print(f"启动时间（offscreen，{REPEAT} 次取中位数；{note}；数据库 {db}）")
    report(runs, measure(runs, REPEAT), [("源码", "源码"), ("打包", "打包")])
    if not exe:
        print("（未找到 dist/ZhushanCarbonPeak，跳过打包程序的测量；先运行 make dist）")
    if has_login:
        print(LOGIN_NOTE)
    return 0


class Runs(NamedTuple):
    totals: dict[str, list[float]]  # process start → main window idle (seconds)
    firsts: dict[str, list[float]]  # process start → first window idle
    waits: dict[str, list[float]]  # time the probe waited, as a person types
    logins: dict[str, list[float]]  # sign-in button → main window idle
    own: dict[str, list[float]]  # the program's own time: total − waiting for input
    infos: dict[str, dict[str, Any]]


def measure(runs: dict[str, tuple[list[str], dict[str, str]]], repeat: int) -> Runs:
    """Every command of ``runs`` ``repeat`` times, interleaved (so that a slow moment of the
    machine hits all of them alike)."""
    m = Runs({k: [] for k in runs}, {k: [] for k in runs}, {k: [] for k in runs}, {k: [] for k in runs},
             {}, {})
    for _ in range(repeat):
        for key, (cmd, e) in runs.items():
            t, info = probe(cmd, e)
            m.totals[key].append(t)
            m.firsts[key].append(float(info.get("first_s", t)))
            m.waits[key].append(float(info.get("wait_ms", 0.0)) / 1000.0)
            m.logins[key].append(float(info.get("login_ms", 0.0)) / 1000.0)
            m.infos[key] = info
    for k in runs:
        m.own[k] = [t - w for t, w in zip(m.totals[k], m.waits[k], strict=True)]
    return m


def report(runs: dict[str, tuple[list[str], dict[str, str]]], m: Runs, sides: list[tuple[str, str]]) -> None:
    """Print every run's medians, then for each (label, key prefix) in ``sides`` the ratios
    of "<prefix>·主程序" and "<prefix>·立即登录" to "<prefix>·空白窗口"."""
    totals, firsts, waits, logins, own, infos = m
    for key in runs:
        line = f"  {key:<8} 总用时 {median_ms(totals[key]):6.1f} ms"
        if infos[key].get("kind") == "app":
            line += (f"  登录窗口出现 {median_ms(firsts[key]):6.1f} ms"
                     f"  登录准备（用户输入期间）{median_ms(waits[key]):5.1f} ms"
                     f"  点“登录”到主窗口 {median_ms(logins[key]):5.1f} ms"
                     f"  程序用时 {median_ms(own[key]):6.1f} ms")
            if not infos[key].get("prepared"):
                line += "  （主窗口未预先构建）"
            heavy = infos[key].get("heavy") or []
            line += f"  首页 {infos[key].get('page') or '—'}，重型模块：{'、'.join(heavy) if heavy else '无'}"
        print(line)
    for side, prefix in sides:
        bare = f"{prefix}·空白窗口"
        if bare not in runs:
            continue
        base = median_ms(totals[bare])
        print(ratio_line(f"{side} 主程序用时（不含等待用户输入）/空白窗口", median_ms(own[f"{prefix}·主程序"]), base,
                         GOAL))
        print(ratio_line(f"{side} 登录窗口出现/空白窗口", median_ms(firsts[f"{prefix}·主程序"]), base, GOAL))
        print(ratio_line(f"{side} 立即登录（无输入时间）/空白窗口", median_ms(totals[f"{prefix}·立即登录"]), base,
                         GOAL) + "（仅供参考）")


LOGIN_NOTE = ("说明：程序用时 = 总用时 − 登录对话框就绪到点“登录”之间的时间（用户输入的时间）。探针像用户一样，"
              "等对话框准备好（预先构建主窗口、边输入边计算口令）后才点“登录”；真实用户输入用户名和密码"
              "至少需要一两秒，远长于这段准备时间。“立即登录”不等待，仅供参考。")


if __name__ == "__main__":
    sys.exit(run_in_temp(run))
