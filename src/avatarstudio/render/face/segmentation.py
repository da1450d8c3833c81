"""Person segmentation (mediapipe's selfie model) refined at the image's own edges.

The model's mask is coarse (it runs at 256 x 256), so it is refined with a guided filter (He, Sun and Tang 2010)
that uses the photo's luminance as the guide: the matte's edges snap to the photo's edges (hair, shoulders)
instead of the model's blocky ones. A gentle contrast curve then makes the body fully opaque and the background
fully clear, and a small blur feathers the remaining edge by about a pixel.
"""
from __future__ import annotations

import cv2
import numpy as np

GUIDE_RADIUS = 0.012   # of the image's longer side
GUIDE_EPS = 1e-3
SOLID_BELOW, SOLID_ABOVE = 0.25, 0.75   # matte values mapped to 0 and 1 by the contrast curve


def raw_person_mask(rgb: np.ndarray) -> np.ndarray:
    """The selfie model's person probability per pixel (float32 0..1, the image's size)."""
    import mediapipe as mp

    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as segmenter:
        mask = segmenter.process(rgb).segmentation_mask
    return np.clip(mask, 0.0, 1.0).astype(np.float32)


def guided_filter(guide: np.ndarray, source: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """Edge-preserving smoothing of `source` that follows the edges of `guide` (both float32, same shape)."""
    size = (2 * radius + 1, 2 * radius + 1)

    def mean(values: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(values, cv2.CV_32F, size, borderType=cv2.BORDER_REFLECT)

    mean_g, mean_s = mean(guide), mean(source)
    var_g = mean(guide * guide) - mean_g * mean_g
    cov_gs = mean(guide * source) - mean_g * mean_s
    a = cov_gs / (var_g + eps)
    b = mean_s - a * mean_g
    return mean(a) * guide + mean(b)


def person_matte(rgb: np.ndarray) -> np.ndarray:
    """The person's matte for an RGB uint8 image: float32 0..1 (1 = person), edges refined to the photo."""
    return refine_matte(rgb, raw_person_mask(rgb))


def refine_matte(rgb: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """A coarse person mask (float32 0..1, the image's size) refined to the edges of the RGB uint8 image."""
    guide = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    radius = max(2, round(GUIDE_RADIUS * max(rgb.shape[:2])))
    refined = guided_filter(guide, raw, radius, GUIDE_EPS)
    solid = np.clip((refined - SOLID_BELOW) / (SOLID_ABOVE - SOLID_BELOW), 0.0, 1.0)
    solid = solid * solid * (3.0 - 2.0 * solid)
    return cv2.GaussianBlur(solid, (0, 0), 0.7).astype(np.float32)
