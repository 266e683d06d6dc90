"""The self-check's 佐证材料 step (``main.py --smoke``): the build carries Pillow (checking and
scaling photos) and QtPdf with its renderer (thumbnails of PDF files).

In a database of its own (never the one given with ``--db``), a photo made by Qt is
attached, scaled down and read back checked against its hash, and the first page of the
briefing the self-check wrote is rendered as a thumbnail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from models.errors import DomainError


def check_evidence(plan: Any, out: Path, briefing_pdf: Path) -> str:
    """Run the check; a problem raises ``DomainError`` with a Chinese message."""
    from models.app import CLI_ACTOR, App
    from models.entries import Entries
    from models.store import Store
    from ui.thumbnails import thumbnail

    img = QImage(2400, 1800, QImage.Format.Format_RGB32)
    img.fill(QColor("#2f855a"))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "JPG", 92)  # type: ignore[call-overload]  # a str at run time (the stubs say bytes)
    photo = bytes(QByteArray(buf.data()).data())
    app = App(Store(out / "佐证材料自检.db"), plan)
    try:
        e = Entries(app)
        unit = next(u for u in app.reporting_units() if app.tasks_of(u))
        task = app.tasks_of(unit)[0][0].code
        res = e.attach_bytes(CLI_ACTOR, unit, "2026-10", "task_report", task, "自检照片.jpg", photo)
        back = e.attachment_data(CLI_ACTOR, res.row["uid"])
    finally:
        app.close()
    if not res.scaled or max(res.row["width"], res.row["height"]) != 2000 or len(back) != res.row["size"]:
        raise DomainError("照片未能按设置缩小或读回。")
    pix = thumbnail("smoke", "pdf", briefing_pdf.read_bytes(), 96)
    if pix.isNull() or pix.toImage().pixelColor(pix.width() // 2, 2) != QColor("white"):
        raise DomainError("未能用 QtPdf 生成简报第一页的缩略图。")
    return (f"照片 2400×1800 → {res.row['width']}×{res.row['height']}（{len(back) // 1024} KB），"
            f"PDF 缩略图 {pix.width()}×{pix.height()}")
