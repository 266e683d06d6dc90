"""Hostile files: how long and how much memory refusing each one costs (README, threat model).

Each case runs in its own process through the command line (``main.main``), so that the
peak resident memory belongs to that one command: the figure printed is the peak during the
command minus the resident size just before it (Linux: the peak is reset through
/proc/self/clear_refs and read as VmHWM; elsewhere ``resource.getrusage``), beside Python's
own peak allocation (``tracemalloc``). The baseline is importing an ordinary
month's package of a unit and an ordinary filled-in template, measured in the same run.
Goal: every hostile file refused within a few seconds and under 150 MB of extra memory.

    python bench/bench_hostile.py
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

def _bench_units() -> tuple[str, str]:
    """The units measured, from the bundled plan (no unit is named in code): the unit
    responsible for I06a, and the lead of the plan's first task (its template)."""
    from models.plan_load import load_plan
    plan = load_plan()
    ind = plan.indicator_of("I06a")
    return (ind.responsible_unit if ind is not None else plan.tasks[0].lead), plan.tasks[0].lead


MONTH = "2026-03"
UNIT, TEMPLATE_UNIT = _bench_units()
GOAL_S, GOAL_MB = 5.0, 150.0


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, b in files.items():
            z.writestr(n, b)
    return buf.getvalue()


def _signed(pkg: Path, body: bytes, key: str | None) -> bytes:
    from models.package_format import dumps, mac_of, sha256
    with zipfile.ZipFile(pkg) as z:
        man = json.loads(z.read("manifest.json"))
    man.update(content_sha256=sha256(body), content_size=len(body),
               members=[{"name": "content.json", "size": len(body), "sha256": sha256(body)}])
    man_bytes = dumps(man)
    mac = mac_of(key, man_bytes) if key else "0" * 64
    return _zip({"manifest.json": man_bytes, "content.json": body,
                 "signature.json": dumps({"alg": "HMAC-SHA256", "mac": mac})})


def _sheet(template: Path, dst: Path, xml: bytes) -> Path:
    with zipfile.ZipFile(template) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["xl/worksheets/sheet2.xml"] = xml
    dst.write_bytes(_zip(files))
    return dst


def prepare(d: Path) -> dict[str, list[str]]:
    """The databases and files; returns {case: command-line arguments}."""
    from openpyxl import load_workbook

    from exports.template import build_template
    from models.app import CLI_ACTOR, CLERK, Actor, App
    from models.entries import Entries
    from models.exchange_export import export_package
    from models.exchange_install import install, installed_plan_path, make_install
    from models.package_format import sha256
    from models.plan_load import load_plan
    from models.store import Store
    office_db, bureau_db = d / "office.db", d / "bureau" / "bureau.db"
    office = App(Store(office_db), load_plan())
    zsi = make_install(office, CLI_ACTOR, UNIT, d / "unit.zsi")
    key = office.store.scalar("SELECT secret FROM unit_keys WHERE unit = ?", (UNIT,))
    install(bureau_db, zsi, CLI_ACTOR)
    bureau = App(Store(bureau_db), load_plan(installed_plan_path(bureau_db)))
    clerk = Actor("clerk", CLERK, UNIT)
    e = Entries(bureau)
    for t, _ in bureau.tasks_of(UNIT):
        e.save_task_report(clerk, t.code, UNIT, MONTH, {"status": "推进中", "progress": "本月推进" * 40, "person": "张三"})
    e.save_indicator_value(clerk, "I06a", UNIT, MONTH, "65")
    pkg = export_package(bureau, clerk, MONTH, d / "normal.zsp")
    bureau.close()
    template = build_template(office, CLI_ACTOR, MONTH, TEMPLATE_UNIT, d / "template.xlsx")
    wb = load_workbook(template)
    ws = wb["任务填报"]
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 1).value:
            ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 9).value = "推进中", "本月推进", "张三"
    wb.save(template)
    office.close()

    zeros = b"[" + b"0," * (60 * 1024 * 1024) + b"0]"
    (d / "bomb.zsp").write_bytes(_signed(pkg, zeros, None))
    (d / "bomb-signed.zsp").write_bytes(_signed(pkg, zeros, key))
    objects = b"[" + b"{}," * 1_300_000 + b"{}]"
    (d / "objects-signed.zsp").write_bytes(_signed(pkg, objects, key))
    deep = b"[" * 1_000_000 + b"]" * 1_000_000
    (d / "deep-signed.zsp").write_bytes(_signed(pkg, deep, key))
    (d / "manifest.zsp").write_bytes(_zip({"manifest.json": b'{"x": "' + b"a" * (30 * 1024 * 1024) + b'"}'}))
    far = load_workbook(template)
    far["任务填报"]["XFD1048576"] = "x"
    far.save(d / "far.xlsx")
    ns = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>1.1</t></is></c></row>' % (i, i)
                    for i in range(4, 100_004))
    _sheet(template, d / "rows.xlsx", ns + rows + b"</sheetData></worksheet>")
    _sheet(template, d / "sheet-bomb.xlsx", ns + b" " * (60 * 1024 * 1024) + b"</sheetData></worksheet>")
    with zipfile.ZipFile(zsi) as z:
        content = json.loads(z.read("content.json"))
        man = json.loads(z.read("manifest.json"))
    toml = "x = " + "[" * 200_000 + "]" * 200_000 + "\n"
    content["plan"]["toml"] = toml
    body = json.dumps(content).encode()
    man.update(plan_digest=sha256(toml.encode()), content_sha256=sha256(body), content_size=len(body),
               members=[{"name": "content.json", "size": len(body), "sha256": sha256(body)}])
    (d / "deep-plan.zsi").write_bytes(_zip({"manifest.json": json.dumps(man).encode(), "content.json": body}))
    o = str(office_db)
    return {
        "基线：正常的报送包": ["--db", o, "import-package", str(pkg), "--dry-run"],
        "基线：正常的填报模板": ["--db", o, "import-excel", str(template), "--dry-run"],
        "压缩炸弹报送包（60 MB 的内容压成几十 KB，签名错误）": ["--db", o, "import-package", str(d / "bomb.zsp")],
        "压缩炸弹报送包（单位密钥签名）": ["--db", o, "import-package", str(d / "bomb-signed.zsp")],
        "签名正确、内容为 130 万个 JSON 对象": ["--db", o, "import-package", str(d / "objects-signed.zsp")],
        "签名正确、内容嵌套 100 万层": ["--db", o, "import-package", str(d / "deep-signed.zsp")],
        "30 MB 的清单文件": ["--db", o, "import-package", str(d / "manifest.zsp")],
        "Excel：XFD1048576 处有一个单元格": ["--db", o, "import-excel", str(d / "far.xlsx")],
        "Excel：10 万行重复的任务行": ["--db", o, "import-excel", str(d / "rows.xlsx")],
        "Excel：60 MB 的工作表压成几十 KB": ["--db", o, "import-excel", str(d / "sheet-bomb.xlsx")],
        "安装文件：计划嵌套 20 万层": ["--db", str(d / "fresh.db"), "install", str(d / "deep-plan.zsi")],
    }


def _kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="utf-8")
        return True
    except OSError:
        return False


def run_case(args: list[str]) -> dict[str, Any]:
    """One command in this process: exit code, seconds, extra peak memory."""
    import contextlib

    import main
    from models import exchange, excel_import  # noqa: F401 - loaded before measuring
    linux = _reset_peak() and _kb("VmRSS") is not None
    rss0 = (_kb("VmRSS") if linux else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) or 0
    tracemalloc.start()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        rc = main.main(args)
    seconds = time.perf_counter() - t0
    py_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss1 = (_kb("VmHWM") if linux else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) or 0
    return {"rc": rc, "s": seconds, "rss_mb": (rss1 - rss0) / 1024, "py_mb": py_peak / 1024 / 1024,
            "message": err.getvalue().strip().splitlines()[:1]}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--case":
        print(json.dumps(run_case(json.loads(sys.argv[2])), ensure_ascii=False))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cases = prepare(d)
        results = {}
        for name, args in cases.items():
            out = subprocess.run([sys.executable, __file__, "--case", json.dumps(args)], capture_output=True,
                                 text=True, encoding="utf-8", cwd=ROOT, env={"PYTHONUTF8": "1", "PATH": "/usr/bin:/bin"})
            results[name] = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None
            if results[name] is None:
                print(f"{name}: 测量失败\n{out.stderr[-2000:]}")
    base_s = max(results["基线：正常的报送包"]["s"], results["基线：正常的填报模板"]["s"])
    print(f"{'文件':<40} {'退出码':>4} {'用时 s':>8} {'÷基线':>7} {'额外内存 MB':>11} {'Python 峰值 MB':>14}")
    worst_s = worst_mb = 0.0
    for name, r in results.items():
        if r is None:
            continue
        print(f"{name:<40} {r['rc']:>4} {r['s']:>8.2f} {r['s'] / base_s:>7.1f} {r['rss_mb']:>11.1f} {r['py_mb']:>14.1f}")
        if not name.startswith("基线"):
            worst_s, worst_mb = max(worst_s, r["s"]), max(worst_mb, r["rss_mb"])
            if r["message"]:
                print(f"    {r['message'][0][:110]}")
    ok = worst_s < GOAL_S and worst_mb < GOAL_MB
    print(f"最坏的恶意文件：{worst_s:.2f} 秒（目标 < {GOAL_S:g} 秒），额外内存 {worst_mb:.1f} MB（目标 < {GOAL_MB:g} MB）："
          + ("达标" if ok else "未达标"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
