"""Text overlays: bundled and installed fonts, fallback notes, bold, alignment, wrapping and Unicode."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from avatarstudio.render.compose.fonts import DEFAULT_FAMILY, bundled_families, choose_font, missing_characters
from avatarstudio.render.compose.text import draw_text, render_text
from avatarstudio.spec import TextOverlay

W, H = 640, 360


def test_bundled_families_are_there() -> None:
    assert {"Roboto", "Noto Sans"} <= set(bundled_families())
    assert choose_font("noto sans", False, "hi").family == "Noto Sans"
    assert choose_font(None, False, "hi").note is None


def test_unknown_family_falls_back_and_says_so() -> None:
    layer = render_text(TextOverlay("Hello", "No Such Font"), W, H)
    assert layer.note and "No Such Font" in layer.note and DEFAULT_FAMILY in layer.note
    assert render_text(TextOverlay("Hello", "Roboto"), W, H).note is None


def test_text_lands_where_positioned_in_its_colour() -> None:
    canvas = np.zeros((H, W, 4), np.uint8)
    canvas[..., 3] = 255
    out, note = draw_text(canvas, TextOverlay("Left", font_size=80, color="#FF0000", x=0.1, y=0.2, align="left"))
    assert note is None and not canvas[..., 0].any()            # the input is not modified
    ys, xs = np.nonzero(out[..., 0] > 200)
    assert abs(xs.min() - 0.1 * W) <= 4 and abs(ys.min() - 0.2 * H) <= 0.1 * H
    layer = render_text(TextOverlay("Right", x=0.9, y=0.5, align="right"), W, H)
    assert abs(layer.x + layer.patch.shape[1] - 0.9 * W) <= 4
    centred = render_text(TextOverlay("Centre", x=0.5, y=0.5, align="center"), W, H)
    assert abs(centred.x + centred.patch.shape[1] / 2 - W / 2) <= 3


def test_bold_is_heavier_and_width_wraps() -> None:
    regular = render_text(TextOverlay("Heavy words", font_size=60), W, H)
    bold = render_text(TextOverlay("Heavy words", font_size=60, bold=True), W, H)
    assert bold.patch[..., 3].astype(int).sum() > 1.15 * regular.patch[..., 3].astype(int).sum()
    text = "one two three four five six seven eight"
    wrapped = render_text(TextOverlay(text, font_size=96, width=0.3), W, H)
    assert wrapped.patch.shape[1] <= 0.3 * W + 4
    tall = render_text(TextOverlay(text, font_size=96, width=0.3, line_height=2.0), W, H)
    assert wrapped.patch.shape[0] > 3 * 32 and tall.patch.shape[0] > 1.4 * wrapped.patch.shape[0]


def test_accents_render() -> None:
    plain = render_text(TextOverlay("Cafe", font_size=60), W, H)
    accented = render_text(TextOverlay("Café", font_size=60), W, H)
    assert accented.note is None and accented.patch.shape[0] > plain.patch.shape[0]   # the accent rises above


@pytest.mark.parametrize("text", ["你好世界", "こんにちは", "안녕하세요", "שלום עולם", "مرحبا بالعالم"])
def test_chinese_japanese_korean_hebrew_and_arabic_render_in_real_glyphs(text: str) -> None:
    layer = render_text(TextOverlay(text, font_size=200), W, H)
    assert layer.note is not None and "was used" in layer.note    # Roboto lacks them: a named font that has them
    assert missing_characters(choose_font(None, False, text).path, text) == ""
    letters = set(text.replace(" ", ""))
    shapes = {render_text(TextOverlay(letter, font_size=200), W, H).patch.tobytes() for letter in letters}
    assert len(shapes) == len(letters)                            # each its own glyph, not the same empty box


def test_hebrew_is_laid_out_right_to_left() -> None:
    first = render_text(TextOverlay("ש", font_size=200), W, H).patch[..., 3]
    word = render_text(TextOverlay("שלום", font_size=200), W, H).patch[..., 3]
    canvas = np.zeros((word.shape[0] + 2 * first.shape[0], word.shape[1]), np.uint8)
    canvas[first.shape[0]:first.shape[0] + word.shape[0]] = word
    _, _, _, (x, _) = cv2.minMaxLoc(cv2.matchTemplate(canvas, first, cv2.TM_CCOEFF_NORMED))
    assert x + first.shape[1] > 0.8 * word.shape[1]               # the first letter is the rightmost one
