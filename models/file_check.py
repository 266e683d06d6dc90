"""Recognising an evidence file by its content and refusing anything else.

``check_file(data, name)`` looks at the bytes, never at the name: JPEG and PNG images
are decoded (a truncated or corrupt photo is refused, and so is one of more than
``MAX_PIXELS``); a PDF needs its header and end marker and may not carry scripts or
embedded programs; Word/Excel/PowerPoint files in the OOXML format (also what newer WPS
Office writes) are zip packages whose [Content_Types].xml names the main part, and every
member is decompressed with caps (so a "zip bomb" posing as a .docx is refused); older
Word/Excel and WPS files are OLE compound files (``models.ole_check``). A renamed
program, an archive or anything unknown is refused. Every refusal is a ``FileRefused``
with a Chinese message naming the file and the reason.

Pillow is imported only when an image is checked (not at start-up).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from typing import Any, NamedTuple
from xml.etree import ElementTree

from forms.attachment_form import KINDS, accepted_text
from models.authority import PUBLIC, module_rule
from models.errors import DomainError
from models.ole_check import SIGNATURE as OLE_SIGNATURE
from models.ole_check import OleProblem, ole_kind

__authority__ = module_rule(PUBLIC, why="checks the bytes it is given; no unit's data")

MAX_PIXELS = 80_000_000  # 80 megapixels: more than any phone or camera photo
MAX_ZIP_MEMBERS = 5000
MAX_UNZIPPED = 256 * 1024 * 1024  # bytes decompressed from one document, at most
RATIO_ALLOWANCE = 100  # … and at most 100 × the file's size plus 16 MiB
_CT = "[Content_Types].xml"
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_OOXML_MACRO = ("application/vnd.ms-word.document.macroEnabled.main+xml",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml")
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class FileRefused(DomainError):
    """A file that cannot be attached; the message says which and why."""


class Checked(NamedTuple):
    kind: str  # a key of forms.attachment_form.KINDS
    width: int = 0  # images only
    height: int = 0


def refuse(name: str, why: str) -> FileRefused:
    return FileRefused(f"文件“{name}”不能作为佐证材料：{why}。可以添加的是{accepted_text()}。")


def check_file(data: bytes, name: str, decode: bool = True) -> Checked:
    """What ``data`` is, checked all through; ``FileRefused`` otherwise. With ``decode``
    False a JPEG's header and size are checked but its image data is not decoded: for a
    photo about to be scaled down, which decodes it anyway (``models.photo``)."""
    if not data:
        raise refuse(name, "文件是空的")
    if data[:3] == b"\xff\xd8\xff":
        return _image(data, name, "JPEG", decode)
    if data[:8] == PNG_SIGNATURE:
        return _image(data, name, "PNG")
    if b"%PDF-" in data[:1024]:
        return _pdf(data, name)
    if data[:4] == b"PK\x03\x04":
        return Checked(_ooxml(data, name))
    if data[:8] == OLE_SIGNATURE:
        try:
            return Checked(ole_kind(data))
        except OleProblem as exc:
            raise refuse(name, str(exc)) from None
    raise refuse(name, _what_else(data))


def _what_else(data: bytes) -> str:
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF" or data[:4] in (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "文件内容是可执行程序（不论文件名是什么），不能添加"
    if data[:4] == b"Rar!" or data[:6] == b"7z\xbc\xaf\x27\x1c" or data[:2] == b"\x1f\x8b":
        return "文件是压缩包，请解压后逐个添加其中的材料"
    if data[:2] == b"#!" or data[:5].lower() in (b"@echo", b"<scri"):
        return "文件内容是脚本程序，不能添加"
    return "无法识别文件内容（按内容识别，不看文件名）"


# -- images ----------------------------------------------------------------------------------------

def corrupt_photo(name: str) -> FileRefused:
    return refuse(name, "照片已损坏或不完整，无法解码（可能复制时中断）")


def _image(data: bytes, name: str, fmt: str, decode: bool = True) -> Checked:
    from PIL import Image

    what = "照片" if fmt == "JPEG" else "图片"
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img: Any = Image.open(io.BytesIO(data))
            width, height = img.size
            if img.format != fmt or width <= 0 or height <= 0:
                raise refuse(name, f"{what}文件头无效")
            if width * height > MAX_PIXELS:
                raise refuse(name, f"{what}尺寸过大（{width}×{height}），最多{MAX_PIXELS // 1_000_000}百万像素")
            if fmt == "PNG":
                img.verify()  # every chunk's checksum
                img = Image.open(io.BytesIO(data))
            elif not decode:
                return Checked("jpeg", width, height)
            else:
                # Decoding at a reduced scale still reads every byte of the image data, so a
                # truncated or damaged photo fails here, in a fraction of the full decode.
                img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            img.load()
        except FileRefused:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise refuse(name, f"{what}尺寸过大") from None
        except Exception:  # noqa: BLE001 - any decoder failure on a hostile file is a refusal
            raise refuse(name, f"{what}已损坏或不完整，无法解码（可能复制时中断）") from None
    return Checked("jpeg" if fmt == "JPEG" else "png", width, height)


# -- PDF -------------------------------------------------------------------------------------------

def _pdf(data: bytes, name: str) -> Checked:
    head = data[:1024]
    i = head.find(b"%PDF-")
    if not re.match(rb"%PDF-[12]\.\d", head[i:i + 8]):
        raise refuse(name, "PDF 文件头无效")
    if b"%%EOF" not in data[-2048:]:
        raise refuse(name, "PDF 文件不完整（缺少文件结尾），可能复制时中断")
    m = _PDF_ACTIVE.search(data)
    if m:
        raise refuse(name, f"PDF 中含有脚本、启动程序或嵌入文件（{m.group(0).decode('ascii')}），可能不安全；"
                           "请用“打印为 PDF”另存一份后再添加")
    return Checked("pdf")


# -- OOXML (docx, xlsx, pptx; newer WPS files) -----------------------------------------------------

def _ooxml(data: bytes, name: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refuse(name, "压缩结构损坏") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise refuse(name, f"包含的部件过多（{len(infos)}个）")
        names = {i.filename for i in infos}
        if _CT not in names:
            raise refuse(name, "是压缩包而不是 Word/Excel/WPS 文档（缺少 [Content_Types].xml）；"
                               "如是压缩包，请解压后逐个添加其中的材料")
        budget = min(MAX_UNZIPPED, RATIO_ALLOWANCE * len(data) + 16 * 1024 * 1024)
        if sum(i.file_size for i in infos) > budget:
            raise refuse(name, "解压后的内容过大（可能是“压缩炸弹”）")
        if any(i.flag_bits & 0x1 for i in infos):
            raise refuse(name, "文件已加密，无法检查其内容；请去掉密码后再添加")
        content_types = b""
        total = 0
        try:
            for info in infos:
                with zf.open(info) as f:
                    while True:
                        chunk = f.read(1 << 16)
                        if not chunk:
                            break
                        total += len(chunk)
                        if total > budget:
                            raise refuse(name, "解压后的内容过大（可能是“压缩炸弹”）")
                        if info.filename == _CT and len(content_types) < (1 << 20):
                            content_types += chunk
        except FileRefused:
            raise
        except Exception:  # noqa: BLE001 - damaged members (bad CRC, bad deflate data)
            raise refuse(name, "文件已损坏（部件校验失败）") from None
    kind = _main_kind(content_types, names, name)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse(name, "文件含有宏（VBA 程序），可能不安全；请另存为不含宏的文档后再添加")
    return kind


def _main_kind(content_types: bytes, names: set[str], name: str) -> str:
    if b"<!DOCTYPE" in content_types or b"<!ENTITY" in content_types:
        raise refuse(name, "[Content_Types].xml 含有不允许的声明")
    try:
        root = ElementTree.fromstring(content_types)
    except (ElementTree.ParseError, ValueError):
        raise refuse(name, "[Content_Types].xml 无法解析") from None
    for el in root:
        ctype = el.get("ContentType") or ""
        if ctype in _OOXML_MACRO:
            raise refuse(name, "文件含有宏（VBA 程序），可能不安全；请另存为不含宏的文档后再添加")
        if el.tag.endswith("Override") and ctype in _OOXML_MAIN:
            part = (el.get("PartName") or "").lstrip("/")
            if part not in names or "_rels/.rels" not in names:
                raise refuse(name, f"文档主体部件“{part}”缺失，文件已损坏")
            return _OOXML_MAIN[ctype]
    raise refuse(name, "不是 Word、Excel 或演示文稿（[Content_Types].xml 中没有文档主体）")


def kind_name(kind: str) -> str:
    k = KINDS.get(kind)
    return k.name if k else kind
