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


def fit_box(iw: int, ih: int, width: int, height: int, fit: str) -> tuple[int, int, int, int]:
    """(new_w, new_h, x, y): the size an (iw, ih) image is resized to for `fit`, and its top-left on the canvas.

    x and y may be negative (the image overflows and is cut there). Both still images and video use this rule.
    """
    if fit not in FITS:
        raise ValueError(f"fit must be one of {FITS}, got {fit!r}")
    if fit == "none":
        new_w, new_h = iw, ih
    elif fit == "contain":
        factor = min(width / iw, height / ih)
        new_w, new_h = min(width, max(1, round(iw * factor))), min(height, max(1, round(ih * factor)))
    else:
        factor = max(width / iw, height / ih)
        new_w, new_h = max(width, round(iw * factor)), max(height, round(ih * factor))
    return new_w, new_h, (width - new_w) // 2, (height - new_h) // 2


def fit_image(image: Frame, width: int, height: int, fit: str) -> tuple[Frame, int, int]:
    """The image resized for `fit`, and the canvas position (x, y) of its top-left corner (may be negative)."""
    new_w, new_h, x, y = fit_box(image.shape[1], image.shape[0], width, height, fit)
    return resize(image, new_w, new_h), x, y
