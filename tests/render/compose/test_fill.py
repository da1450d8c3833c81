"""Filling the frame around a photo of another shape: when, where the face goes, and what the backdrop shows."""
from __future__ import annotations

import numpy as np
import pytest

from avatarstudio import spec
from avatarstudio.render.avatars import FaceBox, astronaut_photo
from avatarstudio.render.compose.fill import face_centred, fill_backdrop, fills
from avatarstudio.render.compose.placement import place

CANVAS = (1280, 720)


def test_only_a_photo_of_another_shape_is_filled() -> None:
    assert fills((512, 512), CANVAS)
    assert fills((720, 1280), CANVAS)
    assert not fills((1920, 1080), CANVAS)
    assert not fills((1270, 720), CANVAS)


@pytest.mark.parametrize("offset_x", [0.0, 0.2])
def test_the_face_lands_at_the_centre_plus_the_offset_asked_for(offset_x: float) -> None:
    face = FaceBox(cx=0.3, cy=0.4, height=0.3)
    character = spec.Character(spec.BuiltinLook("Astronaut_Portrait_public"), scale=0.8, offset_x=offset_x)
    moved = face_centred(character, (512, 512), face, CANVAS)
    assert moved.matting
    box = place((512, 512), CANVAS, moved.scale, moved.offset_x, moved.offset_y, moved.style, face)
    assert box.x + face.cx * box.width == pytest.approx(CANVAS[0] * (0.5 + offset_x), abs=1)


def test_framings_that_centre_on_the_face_themselves_are_only_cut_out() -> None:
    character = spec.Character(spec.BuiltinLook("Astronaut_Portrait_public"), style="closeUp", offset_x=0.1)
    moved = face_centred(character, (512, 512), FaceBox(0.3, 0.4, 0.3), CANVAS)
    assert moved.matting and moved.offset_x == 0.1


@pytest.mark.slow
def test_the_backdrop_extends_the_photo_s_own_background_darkened() -> None:
    photo = astronaut_photo()
    layer = fill_backdrop(photo, *CANVAS)
    assert layer.shape == (720, 1280, 4) and (layer[..., 3] == 255).all()
    rgb = layer[..., :3].astype(float)
    assert rgb.mean() < photo.mean(), "not darkened"
    # The flag on the left of the portrait shows through as red; the grey wall on the right stays grey.
    left, right = rgb[:, :200].mean(axis=(0, 1)), rgb[:, -200:].mean(axis=(0, 1))
    assert left[0] > left[2] + 10 and abs(right[0] - right[2]) < 15


@pytest.mark.slow
def test_a_tight_close_up_gets_the_neutral_studio_backdrop() -> None:
    face_only = np.ascontiguousarray(astronaut_photo()[40:170, 170:300])
    rgb = fill_backdrop(face_only, *CANVAS)[..., :3].astype(float)
    assert np.ptp(rgb, axis=2).max() <= 16, "the studio backdrop is grey"
    assert rgb[300:420, 580:700].mean() > rgb[:60, :60].mean() + 20, "lighter behind the head than at the corners"
