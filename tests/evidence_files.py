"""Real evidence files for the tests, made here: photos (Pillow), a PDF (reportlab), Word and
Excel packages, an OLE compound file like Word 97 or WPS writes, and hostile ones (a
renamed program, a truncated photo, a zip bomb posing as a .docx)."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw


def jpeg(width: int = 800, height: int = 600, seed: int = 1, quality: int = 90, noise: bool = False,
         exif_rotate: bool = False) -> bytes:
    """A photo-like JPEG: coloured shapes (and noise, which makes it as large as a camera's)."""
    rng = random.Random(seed)
    img = Image.new("RGB", (width, height), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    d = ImageDraw.Draw(img)
    for _ in range(30):
        x, y = rng.randrange(width), rng.randrange(height)
        d.rectangle([x, y, x + rng.randrange(1, width // 3 + 2), y + rng.randrange(1, height // 3 + 2)],
                    fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    if noise:
        img = Image.blend(img, Image.effect_noise((width, height), 90).convert("RGB"), 0.35)
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_rotate:
        exif[0x0112] = 6  # rotate 90° clockwise to show upright
    img.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def camera_photo(target_mb: float = 4.0, seed: int = 1) -> bytes:
    """A JPEG of about ``target_mb`` MB, 4000×3000 pixels, as a phone takes them."""
    quality = 92
    data = jpeg(4000, 3000, seed=seed, quality=quality, noise=True)
    while len(data) < target_mb * 1024 * 1024 * 0.9 and quality < 100:
        quality += 2
        data = jpeg(4000, 3000, seed=seed, quality=quality, noise=True)
    return data


def png(width: int = 640, height: int = 480, alpha: bool = False) -> bytes:
    img = Image.new("RGBA" if alpha else "RGB", (width, height), (30, 120, 200, 128) if alpha else (30, 120, 200))
    ImageDraw.Draw(img).ellipse([10, 10, width - 10, height - 10], fill=(250, 200, 0, 255) if alpha else (250, 200, 0))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def pdf(text: str = "Meeting minutes", pages: int = 1) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for i in range(pages):
        c.setFont("Helvetica", 24)
        c.drawString(72, 760, f"{text} {i + 1}")
        c.rect(72, 400, 300, 200)
        c.showPage()
    c.save()
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "统计报表"
    ws["B2"] = 123.4
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'),
    "word/document.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:body><w:p><w:r><w:t>会议纪要</w:t></w:r></w:p></w:body></w:document>'),
}


def docx(extra: dict[str, bytes] | None = None, drop: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in _DOCX_PARTS.items():
            if name != drop:
                z.writestr(name, text)
        for name, blob in (extra or {}).items():
            z.writestr(name, blob)
    return out.getvalue()


def zip_bomb_docx(megabytes: int = 40) -> bytes:
    """A .docx whose one extra part unpacks to ``megabytes`` MB of zeros (about 40 KB packed)."""
    return docx({"word/media/image1.bin": bytes(megabytes * 1024 * 1024)})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("照片/1.jpg", jpeg(64, 48))
    return out.getvalue()


def executable() -> bytes:
    """The start of a Windows program (MZ header, PE signature), as a renamed .exe has."""
    head = bytearray(b"MZ" + bytes(58) + struct.pack("<I", 64))
    head += b"PE\x00\x00" + bytes(200)
    return bytes(head)


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[:int(len(data) * keep)]


def ole(stream: str = "WordDocument", magic: int = 0xA5EC, extra_storage: str = "",
        size: int = 6000) -> bytes:
    """A compound file (512-byte sectors) with one stream, like a Word 97 or WPS 文字 file;
    ``extra_storage`` adds a storage (e.g. "Macros")."""
    sec = 512
    n = -(-size // sec)
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fatsect, end] + [3 + i for i in range(n - 1)] + [end]
    fat += [free] * (sec // 4 - len(fat))
    header = bytearray(sec)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))

    def entry(name: str, etype: int, child: int = free, right: int = free, start: int = end, length: int = 0) -> bytes:
        e = bytearray(128)
        raw = (name + "\x00").encode("utf-16-le")
        e[:len(raw)] = raw
        struct.pack_into("<HBB", e, 0x40, len(raw), etype, 1)
        struct.pack_into("<III", e, 0x44, free, right, child)
        struct.pack_into("<IQ", e, 0x74, start, length)
        return bytes(e)

    entries = [entry("Root Entry", 5, child=1), entry(stream, 2, start=2, length=size,
                                                         right=2 if extra_storage else free)]
    if extra_storage:
        entries.append(entry(extra_storage, 1))
    directory = b"".join(entries).ljust(sec, b"\x00")
    body = bytearray(n * sec)
    struct.pack_into("<H", body, 0, magic)
    return bytes(header) + struct.pack(f"<{sec // 4}I", *fat) + directory + bytes(body)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(data)
    return p
