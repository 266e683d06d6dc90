"""Making a large photo small enough to keep and to send: long side at most N pixels, JPEG.

Phones take photos of 4000 pixels and more (4–8 MB); an office reading 形象进度 needs
far less. A photo (JPEG or PNG) whose long side exceeds the office's setting is
turned upright (its EXIF orientation applied), scaled down with a high-quality filter
and saved as a JPEG without its metadata (which also drops the camera's GPS position).
The same photo always gives the same bytes, so attaching it twice stores one file.
Pillow is imported only here, when a photo is attached.
"""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from models.authority import PUBLIC, module_rule

__authority__ = module_rule(PUBLIC, why="scales the image it is given; no unit's data")

JPEG_QUALITY = 85


class Scaled(NamedTuple):
    data: bytes
    width: int
    height: int


def downscale(data: bytes, long_side: int) -> Scaled | None:
    """The photo as a JPEG of at most ``long_side`` pixels on its long side, or None when
    it already fits (or ``long_side`` is 0: never scale). ``data`` is a checked image."""
    from PIL import Image, ImageOps

    if long_side <= 0:
        return None
    img: Any = Image.open(io.BytesIO(data))
    width, height = img.size
    if max(width, height) <= long_side:
        return None
    scale = long_side / max(width, height)
    if img.format == "JPEG":
        # Decode at the smallest of 1/2, 1/4, 1/8 that is still at least the target size.
        img.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        img = flat
    elif img.mode != "RGB":
        img = img.convert("RGB")
    img.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=JPEG_QUALITY)
    return Scaled(out.getvalue(), img.size[0], img.size[1])
