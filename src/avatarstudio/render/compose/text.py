"""On-screen text: rendered once per scene into a small RGBA patch that is drawn over every frame.

Position x/y are fractions of the frame (0..1) of the text block's anchor: its top edge, and its left edge,
centre or right edge as `align` says. `width` (a fraction of the frame width) wraps the text at spaces, and inside
a word (or a run of CJK characters, which has no spaces) only when that word alone is too wide. `font_size` is in
pixels of a 1080-pixel-high frame, scaled with the output height so a layout looks the same at 720p;
`line_height` multiplies it to give the distance between baselines. Text runs are shaped with Raqm when Pillow
has it (right-to-left scripts and Arabic joining); fonts come from `fonts.choose_font`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from avatarstudio.render.compose.blend import alpha_over, parse_hex_color
from avatarstudio.render.compose.fonts import choose_font, load_font
from avatarstudio.render.vocabulary import Frame
from avatarstudio.spec import TextOverlay


@dataclass(frozen=True)
class TextLayer:
    """The overlay's pixels: `patch` (RGBA, straight alpha) with its top-left corner at (x, y) of the frame."""

    patch: Frame
    x: int
    y: int
    note: str | None = None


def _split_long(word: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """A word too wide for a line, cut into pieces that fit (at least one character each)."""
    pieces, piece = [], ""
    for char in word:
        if piece and font.getlength(piece + char) > max_width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece]


def wrap_lines(text: str, font: ImageFont.FreeTypeFont, max_width: float | None) -> list[str]:
    """The text broken into lines no wider than `max_width` pixels (None: only at its own newlines)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            pieces = [word] if max_width is None or font.getlength(word) <= max_width else \
                _split_long(word, font, max_width)
            for index, piece in enumerate(pieces):
                joiner = " " if index == 0 and line else ""
                candidate = f"{line}{joiner}{piece}"
                if max_width is None or not line or font.getlength(candidate) <= max_width:
                    line = candidate
                else:
                    lines.append(line)
                    line = piece
        lines.append(line)
    return lines


def render_text(overlay: TextOverlay, width: int, height: int) -> TextLayer:
    """The overlay laid out for a frame of (width, height); the patch may extend past the frame (it is clipped)."""
    size = max(1, round(overlay.font_size * height / 1080))
    choice = choose_font(overlay.font_family, overlay.bold, overlay.text)
    font = load_font(choice.path, size, overlay.bold)
    max_width = overlay.width * width if overlay.width else None
    lines = wrap_lines(overlay.text, font, max_width)
    step = size * overlay.line_height
    ascent, descent = font.getmetrics()
    widths = [font.getlength(line) for line in lines]
    box_w = int(np.ceil(max(widths, default=0))) + 2 * size  # room for overhanging glyphs
    box_h = int(np.ceil(step * (len(lines) - 1) + ascent + descent)) + size
    anchor_x, top = overlay.x * width, overlay.y * height
    block_left = {"left": anchor_x, "center": anchor_x - box_w / 2 + size,
                  "right": anchor_x - box_w + 2 * size}[overlay.align] - size
    mask = Image.new("L", (box_w, box_h), 0)
    draw = ImageDraw.Draw(mask)
    for index, (line, line_width) in enumerate(zip(lines, widths)):
        left = {"left": size, "center": (box_w - line_width) / 2, "right": box_w - size - line_width}[overlay.align]
        draw.text((left, index * step), line, font=font, fill=255)
    patch = np.zeros((box_h, box_w, 4), np.uint8)
    patch[..., :3] = parse_hex_color(overlay.color)
    patch[..., 3] = np.asarray(mask)
    trimmed, dx, dy = _trim(patch)
    return TextLayer(trimmed, round(block_left) + dx, round(top) + dy, choice.note)


def _trim(patch: Frame) -> tuple[Frame, int, int]:
    """The patch cut to its drawn pixels, and where that cut starts inside it (x, y)."""
    rows = np.flatnonzero(patch[..., 3].any(axis=1))
    cols = np.flatnonzero(patch[..., 3].any(axis=0))
    if rows.size == 0:
        return patch[:1, :1], 0, 0
    return np.ascontiguousarray(patch[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]), int(cols[0]), int(rows[0])


def draw_text(canvas: Frame, overlay: TextOverlay) -> tuple[Frame, str | None]:
    """A copy of the canvas with the text drawn on it, and a note when the font is not the one asked for."""
    layer = render_text(overlay, canvas.shape[1], canvas.shape[0])
    out = canvas.copy()
    alpha_over(out, layer.patch, layer.x, layer.y)
    return out, layer.note
