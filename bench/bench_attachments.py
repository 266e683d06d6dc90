"""Speed and size of 佐证材料: a month of one unit with 20 photos of about 4 MB each.

Measured in one run, against copying the same 20 files (read, write, flush to disk) into
a folder — what a clerk would otherwise do with Explorer:
- attaching them (content check, scaling to the office's long side, storing by hash,
  database rows and audit), one after the other as the form does;
- the size kept after scaling, against the originals;
- the month's package (export at the unit) and its size, and its import at the office
  (every photo read from the package, checked by content and stored; the automatic
  backup before the import included), and the same photos sent again.
Prints the times, sizes and ratios.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _common import run_in_temp  # noqa: E402

PHOTOS = 20
TARGET_MB = 4.0
MONTH = "2026-10"


def _bench_unit() -> str:
    """The unit measured, from the bundled plan (no unit is named in code): the lead of
    its third action's second task, a bureau with several tasks."""
    from models.plan_load import load_plan
    plan = load_plan()
    tasks = plan.reported(plan.actions[2]) if len(plan.actions) > 2 else plan.tasks
    return (tasks[1] if len(tasks) > 1 else tasks[0]).lead


UNIT = _bench_unit()


def make_photos(folder: Path) -> list[Path]:
    """20 camera-like JPEGs of about 4 MB (4000×3000, shapes over noise, high quality)."""
    import io
    import random

    from PIL import Image, ImageDraw
    folder.mkdir(parents=True, exist_ok=True)
    noise = Image.effect_noise((4000, 3000), 90).convert("RGB")
    out = []
    quality = 0
    for i in range(PHOTOS):
        rng = random.Random(i)
        img = Image.new("RGB", (4000, 3000), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        d = ImageDraw.Draw(img)
        for _ in range(40):
            x, y = rng.randrange(4000), rng.randrange(3000)
            d.rectangle([x, y, x + rng.randrange(50, 1500), y + rng.randrange(50, 1000)],
                        fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        img = Image.blend(img, noise, 0.3)
        if not quality:  # the quality that gives about TARGET_MB, found on the first photo
            lo, hi = 40, 98
            while hi - lo > 2:
                mid = (lo + hi) // 2
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=mid)
                lo, hi = (mid, hi) if buf.tell() < TARGET_MB * 1024 * 1024 else (lo, mid)
            quality = lo
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        p = folder / f"IMG_{i + 1:04d}.JPG"
        with open(p, "wb") as f:
            f.write(buf.getvalue())
        out.append(p)
    return out


def copy_files(paths: list[Path], folder: Path) -> float:
    """The baseline: copy each file into ``folder`` and flush it to disk (seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for p in paths:
        data = p.read_bytes()
        with open(folder / p.name, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return time.perf_counter() - t0


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def run(tmp: Path) -> int:
    from models.app import CLERK, Actor, App
    from models.entries import Entries
    from models.plan_load import load_plan
    from models.store import Store

    print(f"生成 {PHOTOS} 张约 {TARGET_MB:g} MB 的照片……", flush=True)
    photos = make_photos(tmp / "照片")
    total = sum(p.stat().st_size for p in photos)
    print(f"照片：{PHOTOS} 张，共 {mb(total)}（每张 {mb(total // PHOTOS)}，4000×3000 像素）")
    copy_s = copy_files(photos, tmp / "复制")
    plan = load_plan()
    app = App(Store(tmp / "单位.db"), plan)
    clerk = Actor("bench", CLERK, UNIT, "")
    e = Entries(app)
    tasks = [t.code for t, _ in app.tasks_of(UNIT)]
    t0 = time.perf_counter()
    for i, p in enumerate(photos):
        e.attach_file(clerk, UNIT, MONTH, "task_report", tasks[i % len(tasks)], p)
    attach_s = time.perf_counter() - t0
    rows = e.attachments(clerk, UNIT, MONTH)
    kept = sum(r["size"] for r in rows)
    print(f"复制这些文件（基线）：{copy_s * 1000:8.0f} ms")
    print(f"添加为佐证材料：      {attach_s * 1000:8.0f} ms = {attach_s / copy_s:5.1f}× 基线；"
          f"每张 {attach_s / PHOTOS * 1000:.0f} ms（检查、缩小到长边 {app.settings.get('attachment_photo_px')} 像素、"
          "按哈希保存、写入数据库和修改记录）")
    print(f"保存的大小：{mb(kept)}，原照片的 {kept / total * 100:.1f}%"
          f"（{rows[0]['width']}×{rows[0]['height']} 像素）")
    again = time.perf_counter()
    e.attach_file(clerk, UNIT, MONTH, "task_report", tasks[-1] if len(tasks) > 1 else tasks[0], photos[0])
    print(f"同一张照片再次添加到另一事项：{(time.perf_counter() - again) * 1000:.0f} ms（按哈希认出，不再检查和缩小）")
    package_bench(app, plan, tmp, copy_s, total)
    app.close()
    hostile_bench(tmp)
    return 0


def package_bench(app: object, plan: object, tmp: Path, copy_s: float, total: int) -> None:
    """Export the month's package at the unit and import it at the office (a fresh office
    database with the unit installed), against copying the same photos."""
    from models.app import CLI_ACTOR, CLERK, REVIEWER, Actor, App
    from models.entries import Entries
    from models.exchange import import_package
    from models.exchange_export import export_package
    from models.exchange_install import install, installed_plan_path, make_install
    from models.plan_load import load_plan
    from models.store import Store

    office = App(Store(tmp / "办公室.db"), load_plan())
    zsi = make_install(office, CLI_ACTOR, UNIT, tmp / "单位.zsi")
    unit_db = tmp / "单位电脑.db"
    install(unit_db, zsi, CLI_ACTOR)
    unit = App(Store(unit_db), load_plan(installed_plan_path(unit_db)))
    clerk = Actor("bench", CLERK, UNIT, "", bureau=UNIT)
    e = Entries(unit)
    tasks = [t.code for t, _ in unit.tasks_of(UNIT)]
    photos = sorted((tmp / "照片").glob("*.JPG"))
    for i, p in enumerate(photos):
        e.attach_file(clerk, UNIT, MONTH, "task_report", tasks[i % len(tasks)], p)
    t0 = time.perf_counter()
    pkg = export_package(unit, clerk, MONTH, tmp / "报送包.zsp")
    export_s = time.perf_counter() - t0
    size = pkg.stat().st_size
    t0 = time.perf_counter()
    pv = import_package(office, Actor("office", REVIEWER), pkg)
    import_s = time.perf_counter() - t0
    assert pv.applied and not pv.refused, pv.summary()
    t0 = time.perf_counter()
    again = import_package(office, Actor("office", REVIEWER), export_package(unit, clerk, MONTH, tmp / "再次.zsp"))
    again_s = time.perf_counter() - t0
    print(f"报送包大小：{mb(size)}，原照片的 {size / total * 100:.1f}%（办公室上限 "
          f"{office.settings.get('attachment_package_mb'):g} MB）")
    print(f"单位导出报送包：     {export_s * 1000:8.0f} ms = {export_s / copy_s:5.2f}× 基线")
    print(f"办公室导入（含检查每张照片、保存、自动备份）：{import_s * 1000:8.0f} ms = {import_s / copy_s:5.2f}× 基线")
    print(f"同一批照片再次报送的导入：{again_s * 1000:8.0f} ms = {again_s / copy_s:5.2f}× 基线（文件已有，不再读取）"
          + ("" if again.applied or again.already_imported else "（未写入）"))
    unit.close()
    office.close()


HOSTILE_CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from models.file_check import FileRefused, check_file
data = open(sys.argv[2], "rb").read()
t0 = time.perf_counter()
try:
    check_file(data, "x")
    verdict = "接受"
except FileRefused as exc:
    verdict = "拒绝：" + str(exc).split("：", 1)[1].split("。")[0]
peak = ""
try:  # the high-water mark of this process's memory (reset by exec, unlike ru_maxrss on Linux)
    peak = next(ln.split()[1] for ln in open("/proc/self/status", encoding="ascii") if ln.startswith("VmHWM"))
except (OSError, StopIteration):
    import resource
    peak = str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(f"{(time.perf_counter() - t0) * 1000:.0f}|{peak}|{verdict}")
"""


def hostile_bench(tmp: Path) -> None:
    """Each hostile file checked in its own process: time of the check and the process's peak memory
    against the same process checking a normal 4 MB photo."""
    import io
    import struct
    import subprocess
    import zipfile
    import zlib

    from PIL import Image
    photo = sorted((tmp / "照片").glob("*.JPG"))[0].read_bytes()
    small = io.BytesIO()
    Image.new("RGB", (40, 40)).save(small, "PNG")
    png = small.getvalue()
    ihdr = struct.pack(">II", 60000, 60000) + png[24:29]
    bomb_png = png[:16] + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + png[33:]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/x.bin", bytes(200 * 1024 * 1024))
    cases = [("正常的 4 MB 照片（基线）", photo), ("只复制了一半的 4 MB 照片", photo[:len(photo) // 2]),
             ("文件头声明 60000×60000 像素的 PNG", bomb_png),
             (f"压缩炸弹 .docx（{len(bomb.getvalue()) // 1024} KB，解压 200 MB）", bomb.getvalue()),
             ("改名为 .jpg 的程序", b"MZ" + bytes(4096))]
    script = tmp / "check.py"
    script.write_text(HOSTILE_CHILD, encoding="utf-8")
    print("恶意文件（每个在单独的进程中检查；内存为该进程的峰值常驻内存，含 Python 和 Pillow 本身）：")
    for label, data in cases:
        f = tmp / "hostile.bin"
        f.write_bytes(data)
        out = subprocess.run([sys.executable, str(script), str(HERE.parent), str(f)], capture_output=True,
                             text=True, encoding="utf-8", check=False).stdout
        ms, peak, verdict = (out.strip().split("|", 2) + ["", "", "（检查进程出错）"])[:3]
        print(f"  {label}：{verdict}，检查 {ms} ms，进程峰值内存 {int(peak or 0) / 1024:.0f} MB")


if __name__ == "__main__":
    tempfile.tempdir = None
    sys.exit(run_in_temp(run))
