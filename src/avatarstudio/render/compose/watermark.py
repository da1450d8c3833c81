"""A watermark (v3 `watermark`): an image in a corner of every frame, over the avatar, the same in every scene.

The anchor corner's edges keep a margin of MARGIN of the frame's shorter side (HeyGen's "standard margins");
offsets then move it by fractions of the frame (+x right, +y down), and it may leave the frame, clipped. `scale`
1 draws the image at its own pixel size; `opacity` multiplies its alpha.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from avatarstudio.render.compose.blend import alpha_over, as_rgba, resize
from avatarstudio.render.compose.fonts import choose_font, load_font
from avatarstudio.render.compose.image_file import load_image
from avatarstudio.render.vocabulary import Box, Frame, MediaResolver
from avatarstudio.spec import Watermark

MARGIN = 0.03
DEFAULT_TEXT = "avatarstudio"
DEFAULT_HEIGHT = 0.06
"""The default mark's height as a share of the frame's."""
MAX_FRAMES_ACROSS = 3
"""The scaled image is at most this many frame widths (or heights) across."""

Mark = tuple[Frame, int, int]
"""The watermark's pixels and where their top-left corner goes in the frame."""


def video_mark(mark: Watermark | None, resolve: MediaResolver, width: int, height: int) -> Mark | None:
    """The video's watermark ready to draw on frames of (width, height), or None when it has none."""
    if mark is None:
        return None
    return watermark_layer(load_image(resolve(mark.image, "image")), mark, width, height)


def draw_mark(frame: Frame, mark: Mark | None, area: Box | None = None) -> None:
    """The watermark over `frame`, only inside `area` when given: outside it, the frame still holds the watermark
    drawn on an earlier frame, and drawing it again would blend its soft edges twice."""
    if mark is None:
        return
    patch, x, y = mark
    x0, y0, x1, y1 = area or (0, 0, frame.shape[1], frame.shape[0])
    alpha_over(frame[y0:y1, x0:x1], patch, x - x0, y - y0)


def watermark_layer(image: np.ndarray, mark: Watermark, width: int, height: int) -> Mark:
    """The watermark's pixels (RGBA, opacity applied) and the frame position (x, y) of their top-left corner."""
    rgba = as_rgba(image)
    # Anything much larger than the frame is clipped anyway; the cap keeps a huge scale from exhausting memory.
    scale = min(mark.scale, MAX_FRAMES_ACROSS * max(width / rgba.shape[1], height / rgba.shape[0]))
    size = (max(1, round(rgba.shape[1] * scale)), max(1, round(rgba.shape[0] * scale)))
    patch = np.array(resize(rgba, *size), copy=True)
    patch[..., 3] = (patch[..., 3].astype(np.float32) * mark.opacity + 0.5).astype(np.uint8)
    margin = round(MARGIN * min(width, height))
    vertical, horizontal = mark.position.split("_")
    x = margin if horizontal == "left" else width - margin - size[0]
    y = margin if vertical == "top" else height - margin - size[1]
    return patch, x + round(mark.offset_x * width), y + round(mark.offset_y * height)


def write_default_mark(path: Path, frame_height: int) -> Path:
    """The service's own mark (a lipsync's enable_watermark), as a PNG sized for frames `frame_height` tall:
    DEFAULT_TEXT in white on a translucent dark plate, readable over any picture."""
    height = max(12, round(DEFAULT_HEIGHT * frame_height))
    font = load_font(choose_font(None, True, DEFAULT_TEXT).path, round(height * 0.7), True)
    left, top, right, bottom = font.getbbox(DEFAULT_TEXT)
    pad = height // 4
    image = Image.new("RGBA", (right - left + 2 * pad, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, image.width - 1, height - 1), radius=pad, fill=(0, 0, 0, 150))
    draw.text((pad - left, (height - (bottom - top)) // 2 - top), DEFAULT_TEXT, font=font, fill=(255, 255, 255, 255))
    image.save(path)
    return path
