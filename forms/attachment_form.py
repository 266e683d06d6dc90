"""佐证材料 (evidence files): the fields of one attached file and the kinds of file accepted.

A file is recognised by its content (``models.file_check``), never by its name; the
extensions below only name the kinds in the file dialog and give a temporary copy the
suffix its viewer expects.
"""

from __future__ import annotations

from typing import NamedTuple

from forms.fields import TEXT, Field


class Kind(NamedTuple):
    key: str
    name: str  # Chinese name shown to the user
    suffix: str  # suffix of a copy handed to the system viewer
    suffixes: tuple[str, ...]  # names a user's file of this kind usually has
    image: bool = False


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("jpeg", "JPEG 图片", ".jpg", (".jpg", ".jpeg", ".jpe", ".jfif"), image=True),
    Kind("png", "PNG 图片", ".png", (".png",), image=True),
    Kind("pdf", "PDF 文档", ".pdf", (".pdf",)),
    Kind("docx", "Word 文档", ".docx", (".docx",)),
    Kind("xlsx", "Excel 表格", ".xlsx", (".xlsx",)),
    Kind("pptx", "演示文稿", ".pptx", (".pptx", ".dps")),
    # OLE compound files: Word 97–2003 and WPS 文字, Excel 97–2003 and WPS 表格, PowerPoint
    # and WPS 演示 all share this container; the main stream tells them apart.
    Kind("doc", "Word/WPS 文字文档", ".doc", (".doc", ".wps")),
    Kind("xls", "Excel/WPS 表格", ".xls", (".xls", ".et")),
    Kind("ppt", "PowerPoint/WPS 演示", ".ppt", (".ppt", ".dps")),
)}
# Newer WPS files (.wps/.et/.dps saved in the OOXML format) are zip packages like .docx.
OOXML_SUFFIXES = {"docx": (".wps",), "xlsx": (".et",), "pptx": (".dps",)}

CAPTION = Field("caption", "说明", TEXT, max_len=100, width=30,
                help="这份材料是什么，例如“9月施工现场”“项目验收会议纪要”（可不填）。")
NAME = Field("name", "文件名", TEXT, required=True, max_len=120, width=30)

# The file dialog's filter: every suffix of every kind.
DIALOG_FILTER = ("佐证材料（" + " ".join(sorted({f"*{s}" for k in KINDS.values() for s in k.suffixes}))
                 + "）")


def accepted_text() -> str:
    """The accepted kinds in one line, for hints and refusals."""
    return "JPEG/PNG 图片、PDF、Word/Excel（docx/xlsx/doc/xls）、WPS 文字/表格/演示（wps/et/dps）"
