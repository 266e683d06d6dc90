"""Evidence files are recognised by content: real images, PDFs, Office and WPS files pass;
renamed programs, broken photos, archives and zip bombs are refused with a Chinese reason."""

from __future__ import annotations

import io
import zipfile

import pytest

from models.file_check import FileRefused, check_file
from models.photo import downscale
from tests import evidence_files as ef


@pytest.mark.parametrize(("data", "kind"), [
    (ef.jpeg(), "jpeg"), (ef.png(), "png"), (ef.png(alpha=True), "png"), (ef.pdf(), "pdf"),
    (ef.docx(), "docx"), (ef.xlsx(), "xlsx"), (ef.ole(), "doc"), (ef.ole("Workbook", 0x0809), "xls"),
    (ef.ole("PowerPoint Document", 0), "ppt"),
], ids=["jpeg", "png", "png-alpha", "pdf", "docx", "xlsx", "doc", "xls", "ppt"])
def test_real_files_are_recognised_by_content(data: bytes, kind: str) -> None:
    checked = check_file(data, "随便起的名字.bin")
    assert checked.kind == kind
    if kind in ("jpeg", "png"):
        assert checked.width > 0 and checked.height > 0


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(FileRefused) as info:
        check_file(data, name)
    msg = str(info.value)
    assert f"“{name}”" in msg and "Error" not in msg and "Exception" not in msg
    return msg


def test_renamed_executable_is_refused() -> None:
    assert "可执行程序" in _refusal(ef.executable(), "现场照片.jpg")
    assert "可执行程序" in _refusal(ef.executable(), "纪要.docx")


def test_corrupt_and_truncated_photos_are_refused() -> None:
    photo = ef.jpeg(1200, 900, noise=True)
    assert "已损坏或不完整" in _refusal(ef.truncated(photo, 0.6), "半张照片.jpg")
    broken = photo[:4] + bytes(len(photo) - 4)  # the JPEG start, then nothing of an image
    assert "照片" in _refusal(broken, "坏照片.jpg")
    image = ef.png(800, 600)
    assert "图片" in _refusal(image[:len(image) // 2], "半张图.png")


def test_zip_bomb_posing_as_docx_is_refused() -> None:
    bomb = ef.zip_bomb_docx(40)
    assert len(bomb) < 200_000
    assert "压缩炸弹" in _refusal(bomb, "会议纪要.docx")


def test_archives_scripts_and_unknown_content_are_refused() -> None:
    assert "压缩包" in _refusal(ef.plain_zip(), "材料.docx")
    assert "脚本" in _refusal(b"#!/bin/sh\nrm -rf /\n", "说明.pdf")
    assert "无法识别" in _refusal("普通文本".encode(), "说明.txt")
    assert "空的" in _refusal(b"", "空.jpg")


def test_office_files_with_macros_or_missing_parts_are_refused() -> None:
    assert "宏" in _refusal(ef.docx({"word/vbaProject.bin": b"x" * 100}), "宏.docx")
    assert "宏" in _refusal(ef.ole(extra_storage="Macros"), "宏.doc")
    assert "缺失" in _refusal(ef.docx(drop="word/document.xml"), "缺页.docx")
    assert "已损坏" in _refusal(ef.ole(magic=0x1234), "坏.doc")
    assert "扇区" in _refusal(ef.truncated(ef.ole(), 0.4), "半个.wps")
    parts = {n: t for n, t in ef._DOCX_PARTS.items()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "<Types", '<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]><Types')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, t in parts.items():
            z.writestr(n, t)
    assert "不允许的声明" in _refusal(out.getvalue(), "实体.docx")


def test_pdf_with_script_or_without_end_is_refused() -> None:
    good = ef.pdf()
    assert "不完整" in _refusal(good[:len(good) - 200], "半个.pdf")
    scripted = good.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    assert scripted != good
    assert "脚本" in _refusal(scripted, "带脚本.pdf")


def test_huge_image_dimensions_are_refused_before_decoding() -> None:
    import struct
    import zlib
    small = ef.png(40, 40)  # the header says 10000×9000; the image data is that of 40×40
    ihdr = struct.pack(">II", 10000, 9000) + small[24:29]
    huge = small[:16] + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + small[33:]
    assert "尺寸过大" in _refusal(huge, "巨图.png")


def test_downscaled_photo_is_upright_jpeg_of_the_set_size() -> None:
    photo = ef.jpeg(2400, 1600, exif_rotate=True, noise=True)
    scaled = downscale(photo, 1200)
    assert scaled is not None
    assert (scaled.width, scaled.height) == (800, 1200)  # turned upright: portrait
    assert check_file(scaled.data, "x.jpg").kind == "jpeg"
    assert len(scaled.data) < len(photo)
    assert downscale(photo, 1200) == scaled  # deterministic: the same photo gives the same bytes
    assert downscale(ef.jpeg(800, 600), 2000) is None
    assert downscale(photo, 0) is None
    flat = downscale(ef.png(2400, 1800, alpha=True), 1200)
    assert flat is not None and (flat.width, flat.height) == (1200, 900)
    assert check_file(flat.data, "x").kind == "jpeg"
