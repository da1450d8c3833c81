import numpy as np
import pytest
from skimage import data

from avatarstudio.render.avatars import FaceParams, photo_engine
from avatarstudio.render.compose.backdrop import still_backdrop
from avatarstudio.render.compose.background import background_canvas
from avatarstudio.render.compose.placement import (
    Placement, composite, composite_into, composite_within, moving_area, place,
)


def test_colour_canvas_and_transparent_canvas():
    canvas = background_canvas(64, 36, color="#336699")
    assert canvas.shape == (36, 64, 4)
    assert (canvas.reshape(-1, 4) == [0x33, 0x66, 0x99, 255]).all()
    assert (background_canvas(8, 4) == 0).all()


def two_tone(width: int, height: int) -> np.ndarray:
    """An opaque image, red on its left half and blue on its right half."""
    image = np.zeros((height, width, 4), np.uint8)
    image[:, : width // 2] = [255, 0, 0, 255]
    image[:, width // 2:] = [0, 0, 255, 255]
    return image


def test_cover_fills_and_crops_the_overflow():
    canvas = background_canvas(100, 50, color="#00FF00", image=two_tone(100, 100), fit="cover")
    assert (canvas[..., 3] == 255).all()
    assert not (canvas[..., 1] == 255).any()                  # no green bars
    assert (canvas[:, :45, 0] == 255).all() and (canvas[:, 55:, 2] == 255).all()
    assert np.array_equal(background_canvas(100, 50, image=two_tone(100, 100), fit="crop"), canvas)


def test_contain_letterboxes_on_the_colour_or_transparency():
    canvas = background_canvas(100, 50, color="#00FF00", image=two_tone(100, 100), fit="contain")
    assert (canvas[:, :25, 1] == 255).all() and (canvas[:, 75:, 1] == 255).all()   # bars left and right
    assert (canvas[:, 27:48, 0] == 255).all() and (canvas[:, 52:73, 2] == 255).all()
    transparent = background_canvas(100, 50, image=two_tone(100, 100), fit="contain")
    assert (transparent[:, :25, 3] == 0).all() and (transparent[:, 26:74, 3] == 255).all()


def test_none_keeps_the_pixel_size_centred():
    canvas = background_canvas(100, 50, color="#000000", image=two_tone(20, 10), fit="none")
    assert (canvas[20:30, 40:50, 0] == 255).all() and (canvas[20:30, 50:60, 2] == 255).all()
    assert (canvas[:20, :, :3] == 0).all() and (canvas[:, :40, :3] == 0).all()
    big = background_canvas(10, 10, image=two_tone(40, 40), fit="none")
    assert (big[:, :, 3] == 255).all()


def test_place_convention():
    full = place((400, 500), (1280, 720))
    assert full == Placement(x=(1280 - 576) // 2, y=0, width=576, height=720)
    assert full.y + full.height == 720                         # bottom-aligned at scale 1
    moved = place((400, 500), (1280, 720), offset_x=0.25, offset_y=0.1)
    assert (moved.x - full.x, moved.y - full.y) == (320, 72)
    half = place((400, 500), (1280, 720), scale=0.5)
    assert (half.width, half.height) == (288, 360)
    assert (half.x + half.width / 2, half.y + half.height / 2) == (640, 360)


def test_close_up_zooms_on_the_face_and_circle_frames_it():
    close = place((400, 500), (1280, 720), style="closeUp")
    assert close.height > 720 and close.y < 0
    circle = place((400, 500), (1280, 720), scale=0.5, style="circle")
    left, top, diameter = circle.circle
    assert diameter == 360 and (left + diameter / 2, top + diameter / 2) == (640, 360)


def test_composite_clips_at_every_edge():
    canvas = background_canvas(64, 48, color="#FFFFFF")
    avatar = np.zeros((40, 30, 4), np.uint8)
    avatar[...] = [255, 0, 0, 255]
    for x, y in ((-20, -20), (50, 30), (-100, 0), (0, 100), (-10, 40)):
        out = composite(canvas, avatar, Placement(x, y, 30, 40))
        assert out.shape == canvas.shape
    out = composite(canvas, avatar, Placement(-20, -20, 30, 40))
    assert (out[:20, :10, 1] == 0).all() and (out[20:, :, 1] == 255).all()
    assert (canvas[..., 1] == 255).all()                      # the input canvas is left as it was


def test_composite_blends_partial_alpha_and_resizes():
    canvas = background_canvas(20, 20, color="#000000")
    avatar = np.full((5, 5, 4), 255, np.uint8)
    avatar[..., 3] = 128
    out = composite(canvas, avatar, Placement(0, 0, 10, 10))
    assert abs(int(out[5, 5, 0]) - 128) <= 1 and out[5, 5, 3] == 255
    on_transparent = composite(background_canvas(20, 20), avatar, Placement(0, 0, 10, 10))
    assert on_transparent[5, 5, 0] == 255 and abs(int(on_transparent[5, 5, 3]) - 128) <= 1


def test_circle_style_masks_to_a_circle_on_its_background():
    canvas = background_canvas(200, 200, color="#000000")
    avatar = np.zeros((100, 100, 4), np.uint8)
    avatar[:50] = [255, 255, 255, 255]                        # opaque top half, transparent bottom half
    out = composite(canvas, avatar, Placement(50, 50, 100, 100), style="circle", circle_background="#0000FF")
    for y, x in ((50, 50), (50, 149), (149, 50), (149, 149)):  # corners of the circle's bounding box
        assert (out[y, x, :3] == 0).all()
    assert (out[70, 100, :3] == 255).all()                    # avatar inside the circle
    assert (out[130, 100, :3] == [0, 0, 255]).all()           # circle background behind its transparent part
    plain = composite(canvas, avatar, Placement(50, 50, 100, 100), style="circle")
    assert (plain[130, 100, :3] == 0).all()


def test_opaque_avatar_is_copied_exactly():
    canvas = background_canvas(64, 48, color="#102030")
    avatar = np.random.default_rng(1).integers(0, 256, (20, 30, 4), dtype=np.uint8)
    avatar[..., 3] = 255
    out = composite(canvas, avatar, Placement(5, 7, 30, 20))
    assert np.array_equal(out[7:27, 5:35], avatar) and np.array_equal(out[:7], canvas[:7])


@pytest.mark.parametrize("style", ["normal", "closeUp", "circle"])
@pytest.mark.parametrize("matting", [False, True])
def test_redrawing_only_the_moving_area_gives_the_same_frames(style, matting):
    """Frames after the first redraw only the canvas under the photo's moving face; they must equal frames drawn
    whole, whatever the style, on a backdrop with text."""
    width, height = 320, 180
    canvas = background_canvas(width, height, color="#2C3E50")
    canvas[20:40, 10:300] = [250, 250, 250, 200]                     # text-like, partly transparent pixels
    backdrop = still_backdrop(canvas, None)
    probe = photo_engine(data.astronaut(), 128)
    placement = place(probe.size, (width, height), 0.8, 0.3, 0.1, style, face_box=probe.face_box)
    engine = photo_engine(data.astronaut(), placement.height, matting=matting)
    area = moving_area(placement, engine.size, engine.moving_box, (width, height))
    assert area is not None and 0 < (area[2] - area[0]) * (area[3] - area[1]) < width * height
    poses = [FaceParams(), FaceParams(mouth_open=0.8, blink=1.0, head_x=0.05, head_roll=4.0),
             FaceParams(mouth_round=0.6, smile=0.7, head_y=-0.04)]
    frames = backdrop.frames(len(poses), 25, changing=area)
    for index, pose in enumerate(poses):
        avatar = engine.frame(pose)
        frame = next(frames)
        if index:
            composite_within(frame, area, avatar, placement, style, "#FF8800")
        else:
            composite_into(frame, avatar, placement, style, "#FF8800")
        assert np.array_equal(frame, composite(canvas, avatar, placement, style, "#FF8800"))
