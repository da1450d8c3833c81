"""Sizing a photo to an engine's frame height, with an optional real upscale for small photos.

Downscaling (and upscaling without `super_resolution`) is a Lanczos resize. With `super_resolution`, a photo
enlarged by more than `MIN_FACTOR` is resized with Lanczos and then sharpened with an edge-gated unsharp mask:
the detail lost to interpolation (the image minus a Gaussian blur whose radius grows with the enlargement) is
added back `AMOUNT` times, but only where it exceeds `THRESHOLD` grey levels, so edges (eyes, lips, hair)
regain their contrast while flat skin and sensor noise are not amplified.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

MIN_FACTOR = 1.05
AMOUNT = 0.8
THRESHOLD = 2.0
SIGMA_PER_FACTOR = 0.45   # blur sigma (output pixels) per unit of enlargement, clamped to 0.8 .. 3.0


def fit_height(rgba: np.ndarray, height: int, super_resolution: bool = False) -> np.ndarray:
    """`rgba` resized to exactly `height` pixels tall (aspect kept), as a new writable array."""
    width = max(1, round(rgba.shape[1] * height / rgba.shape[0]))
    resized = np.asarray(Image.fromarray(rgba, "RGBA").resize((width, height), Image.Resampling.LANCZOS)).copy()
    factor = height / rgba.shape[0]
    if super_resolution and factor > MIN_FACTOR:
        resized[..., :3] = sharpen(resized[..., :3], factor)
    return resized


def sharpen(rgb: np.ndarray, factor: float) -> np.ndarray:
    """The edge-gated unsharp mask for an image enlarged `factor` times (uint8 RGB in and out)."""
    sigma = float(np.clip(SIGMA_PER_FACTOR * factor, 0.8, 3.0))
    image = rgb.astype(np.float32)
    detail = image - cv2.GaussianBlur(image, (0, 0), sigma)
    gate = np.clip((np.abs(detail) - THRESHOLD) / THRESHOLD, 0.0, 1.0)
    return np.clip(image + AMOUNT * detail * gate + 0.5, 0, 255).astype(np.uint8)
