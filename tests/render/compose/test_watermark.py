"""The watermark layer: corner anchoring with margins, offsets, scale and opacity."""
from __future__ import annotations

import numpy as np
import pytest

from avatarstudio.render.compose.watermark import MARGIN, watermark_layer
from avatarstudio.spec import MediaRef, Watermark

LOGO = np.zeros((20, 40, 4), np.uint8)
LOGO[...] = (255, 0, 0, 200)


@pytest.mark.parametrize(("position", "x", "y"), [("top_left", 22, 22), ("top_right", 1280 - 22 - 40, 22),
                                                  ("bottom_left", 22, 720 - 22 - 20),
                                                  ("bottom_right", 1280 - 22 - 40, 720 - 22 - 20)])
def test_each_corner_keeps_its_margin(position: str, x: int, y: int) -> None:
    assert round(MARGIN * 720) == 22
    patch, px, py = watermark_layer(LOGO, Watermark(MediaRef("url", "x"), position=position), 1280, 720)
    assert (px, py) == (x, y) and patch.shape == (20, 40, 4) and (patch[..., 3] == 200).all()


def test_offsets_scale_and_opacity() -> None:
    mark = Watermark(MediaRef("url", "x"), opacity=0.5, position="top_left", offset_x=0.1, offset_y=-0.05, scale=2.5)
    patch, x, y = watermark_layer(LOGO[..., :3], mark, 1000, 400)   # RGB: opaque before opacity
    assert patch.shape == (50, 100, 4) and (patch[..., 3] == 128).all() and (patch[..., 0] == 255).all()
    assert (x, y) == (12 + 100, 12 - 20)
