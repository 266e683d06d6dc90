"""Small pictures of evidence files: photos scaled by Qt's image reader (turned upright by
their EXIF orientation), the first page of a PDF rendered by QtPdf, and for Office and WPS
files a drawn document icon with the kind's letter. Made from bytes already checked
against their hash; kept in a small cache by hash, so reloading a form is cheap."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPen, QPixmap

_CACHE: OrderedDict[tuple[str, int], QPixmap] = OrderedDict()
_CACHE_SIZE = 300
_ICONS = {"pdf": ("PDF", "#b91c1c"), "docx": ("W", "#1d4ed8"), "doc": ("W", "#1d4ed8"),
          "xlsx": ("X", "#15803d"), "xls": ("X", "#15803d"), "pptx": ("P", "#c2410c"),
          "ppt": ("P", "#c2410c")}


def _image(data: bytes, side: int) -> QImage:
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > side:
        reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def _pdf_page(data: bytes, side: int) -> QImage:
    from PySide6.QtPdf import QPdfDocument  # loaded only when a PDF is shown

    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buf)
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
        return QImage()
    page = doc.pagePointSize(0)
    if page.width() <= 0 or page.height() <= 0:
        return QImage()
    size = QSize(int(page.width()), int(page.height())).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)
    img = doc.render(0, size)
    doc.close()
    if img.isNull():
        return img
    framed = QImage(img.size(), QImage.Format.Format_RGB32)
    framed.fill(QColor("white"))
    p = QPainter(framed)
    p.drawImage(0, 0, img)
    p.setPen(QPen(QColor("#9ca3af")))
    p.drawRect(0, 0, img.width() - 1, img.height() - 1)
    p.end()
    return framed


def document_icon(kind: str, side: int) -> QPixmap:
    """A page with a folded corner and the kind's letter (W, X, P, PDF)."""
    letter, color = _ICONS.get(kind, ("?", "#6b7280"))
    pix = QPixmap(side, side)
    pix.fill(QColor(0, 0, 0, 0))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    w = int(side * 0.72)
    x = (side - w) // 2
    p.setPen(QPen(QColor("#9ca3af")))
    p.setBrush(QColor("white"))
    p.drawRect(x, 2, w, side - 5)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    band = QRect(x - 4, side // 2 - side // 7, w + 8, side // 3)
    p.drawRoundedRect(band, 3, 3)
    f = QFont()
    f.setBold(True)
    f.setPixelSize(max(8, side // (5 if len(letter) > 1 else 4)))
    p.setFont(f)
    p.setPen(QColor("white"))
    p.drawText(band, Qt.AlignmentFlag.AlignCenter, letter)
    p.end()
    return pix


def thumbnail(sha: str, kind: str, data: bytes | None, side: int = 96) -> QPixmap:
    """The picture of a stored file (``data`` may be None when only the icon is wanted)."""
    key = (sha, side)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    img = QImage()
    if data is not None and kind in ("jpeg", "png"):
        img = _image(data, side)
    elif data is not None and kind == "pdf":
        img = _pdf_page(data, side)
    pix = QPixmap.fromImage(img) if not img.isNull() else document_icon(kind, side)
    if data is None and kind in ("jpeg", "png", "pdf"):
        return pix  # the file could not be read now: not remembered, tried again next time
    _CACHE[key] = pix
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return pix


def needs_data(kind: str, sha: str = "", side: int = 96) -> bool:
    """Whether the thumbnail of this kind is made from the file's bytes (and, given the
    hash and size, is not in the cache yet)."""
    return kind in ("jpeg", "png", "pdf") and (not sha or (sha, side) not in _CACHE)
