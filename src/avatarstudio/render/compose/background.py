"""The canvas a scene is drawn on: a colour, a still image fitted to the frame, or transparency.

Fit modes (the v2 `background.fit` values), for an image of size (iw, ih) on a canvas of (W, H):

- ``cover``: scaled by max(W/iw, H/ih) so it fills the canvas, then the overflow is cropped equally from both
  sides. No bars; nothing of the canvas colour shows unless the image itself is transparent.
- ``crop``: the same as ``cover``. HeyGen lists both; a crop that fills the frame is what cover does.
- ``contain``: scaled by min(W/iw, H/ih) so all of it is visible, centred; the bars left and right (or above and
  below) are `color`, or transparent when `color` is None.
- ``none``: drawn at its own pixel size, centred. A larger image is cut equally at the edges; a smaller one is
  surrounded by `color` (or transparency).

Centring rounds the image's top-left position down: an odd overflow pixel is cut from the left/top, an odd
leftover pixel of a bar goes to the right/bottom bar. An image with an alpha channel is drawn over the colour (or over transparency), so its transparent parts show it.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.compose.blend import alpha_over, as_rgba, parse_hex_color, resize
from avatarstudio.render.vocabulary import Frame

FITS = ("cover", "crop", "contain", "none")


def background_canvas(
    width: int,
    height: int,
    color: str | None = None,
    image: Frame | None = None,
    fit: str = "cover",
) -> Frame:
    """A new RGBA canvas of (height, width): `color` ('#RRGGBB') or transparent, with `image` fitted on top.

    Opaque when `color` is given (or an opaque image covers it); fully transparent when both are None.
    """
    if fit not in FITS:
        raise ValueError(f"fit must be one of {FITS}, got {fit!r}")
    canvas = np.zeros((height, width, 4), np.uint8)
    if color is not None:
        canvas[..., :3] = parse_hex_color(color)
        canvas[..., 3] = 255
    if image is not None:
        fitted, x, y = fit_image(as_rgba(image), width, height, fit)
        alpha_over(canvas, fitted, x, y)
    return canvas


def fit_image(image: Frame, width: int, height: int, fit: str) -> tuple[Frame, int, int]:
    """The image resized for `fit`, and the canvas position (x, y) of its top-left corner (may be negative)."""
    ih, iw = image.shape[:2]
    if fit == "none":
        return image, (width - iw) // 2, (height - ih) // 2
    if fit == "contain":
        factor = min(width / iw, height / ih)
    else:
        factor = max(width / iw, height / ih)
    new_w = min(width, max(1, round(iw * factor))) if fit == "contain" else max(width, round(iw * factor))
    new_h = min(height, max(1, round(ih * factor))) if fit == "contain" else max(height, round(ih * factor))
    return resize(image, new_w, new_h), (width - new_w) // 2, (height - new_h) // 2
