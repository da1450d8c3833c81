import numpy as np
import pytest

from avatarstudio.catalog.avatars import LOOK_HEIGHT, UnknownAvatar, get_avatar, list_avatars
from avatarstudio.render.avatars import FaceParams, builtin_engine, look_image, photo_engine


def test_catalogue_ids_are_unique_and_looks_group_by_person():
    avatars = list_avatars()
    assert len({a.avatar_id for a in avatars}) == len(avatars)
    assert {a.kind for a in avatars} == {"drawn", "photo"}
    assert len([a for a in avatars if a.group_id == "Astronaut_public"]) >= 2
    assert get_avatar("Astronaut_Portrait_public").licence == "NASA, public domain, shipped in scikit-image"
    assert get_avatar("nope") is None


@pytest.mark.parametrize("avatar", list_avatars(), ids=lambda a: a.avatar_id)
def test_every_look_renders(avatar):
    still = look_image(avatar.avatar_id)
    assert still.shape[0] == LOOK_HEIGHT and still.shape[2] == 4 and still.dtype == np.uint8
    assert not still.flags.writeable
    if avatar.kind == "drawn":
        assert still[0, 0, 3] == 0
    else:
        assert (still[..., 3] == 255).all()
    engine = builtin_engine(avatar.avatar_id, 200)
    moved = engine.frame(FaceParams(head_x=0.04, head_roll=2.0, mouth_open=0.5, blink=1.0))
    assert moved.shape == engine.frame(FaceParams()).shape
    assert moved.shape[0] == 200


@pytest.mark.parametrize("avatar", list_avatars(), ids=lambda a: a.avatar_id)
def test_the_catalogue_knows_each_preview_size(avatar):
    """The API lists image sizes from the catalogue without drawing the look; they must be the drawn ones."""
    assert look_image(avatar.avatar_id).shape[:2] == (LOOK_HEIGHT, avatar.preview_width)


def test_unknown_avatar_raises():
    with pytest.raises(UnknownAvatar):
        builtin_engine("nope", 100)
    with pytest.raises(UnknownAvatar):
        look_image("nope")


def test_photo_engine_moves_a_user_photo_without_opening_gaps():
    photo = np.asarray(look_image("Astronaut_Vertical_public"))[..., :3]
    engine = photo_engine(photo, 240)
    rest = engine.frame(FaceParams())
    moved = engine.frame(FaceParams(head_x=0.05, head_y=0.03))
    assert rest.shape == moved.shape == (240, 135, 4)
    assert (moved[..., 3] == 255).all()
    assert np.abs(rest.astype(int) - moved.astype(int)).mean() > 2
    far = engine.frame(FaceParams(head_x=5.0, head_y=-5.0))      # clamped to the margin, never past the photo
    assert far.shape == rest.shape and (far[..., 3] == 255).all()
