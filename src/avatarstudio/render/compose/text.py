"""On-screen text: drawn once per scene onto the scene's background layer.

Position x/y are fractions of the frame (0..1) of the text block's anchor: its top edge, and its left edge,
centre or right edge as `align` says. `width` (a fraction of the frame width) wraps the text; `font_size` is in
pixels of a 1080-pixel-high frame, scaled with the output height so a layout looks the same at 720p.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from avatarstudio.render.vocabulary import Frame
from avatarstudio.spec import TextOverlay

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


@lru_cache(maxsize=64)
def find_font(family: str | None, bold: bool) -> Path | None:
    """An installed font file whose name matches the family (bold variant when asked), else None."""
    if not family:
        return None
    wanted = family.lower().replace(" ", "")
    candidates = [path for root in FONT_DIRS if root.is_dir() for path in root.rglob("*.[ot]tf")
                  if wanted in path.stem.lower().replace(" ", "").replace("-", "")]
    candidates.sort(key=lambda path: (("bold" in path.stem.lower()) != bold, len(path.stem)))
    return candidates[0] if candidates else None


def _font(overlay: TextOverlay, size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    path = find_font(overlay.font_family, overlay.bold)
    if path is not None:
        return ImageFont.truetype(str(path), size), True
    return ImageFont.load_default(size=size), overlay.font_family is None


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: float | None) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}".strip()
            if max_width is None or not line or draw.textlength(candidate, font=font) <= max_width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def draw_text(canvas: Frame, overlay: TextOverlay) -> tuple[Frame, str | None]:
    """The canvas with the text drawn on it, and a note when the requested font family was not found."""
    height, width = canvas.shape[:2]
    size = max(1, round(overlay.font_size * height / 1080))
    font, found = _font(overlay, size)
    image = Image.fromarray(canvas, "RGBA")
    draw = ImageDraw.Draw(image)
    max_width = overlay.width * width if overlay.width else None
    lines = _wrap(draw, overlay.text, font, max_width)
    step = size * overlay.line_height
    anchor_x, top = overlay.x * width, overlay.y * height
    for index, line in enumerate(lines):
        line_width = draw.textlength(line, font=font)
        left = {"left": anchor_x, "center": anchor_x - line_width / 2, "right": anchor_x - line_width}[overlay.align]
        draw.text((left, top + index * step), line, font=font, fill=overlay.color)
    note = None if found else f"font_family {overlay.font_family!r} is not installed; the default font was used"
    return np.asarray(image).copy(), note
