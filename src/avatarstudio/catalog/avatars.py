"""The built-in avatar catalogue: stable ids, who each look is, and where its image comes from.

A group is one person; each of its avatars is a look (a framing or a style) of that person. Ids never change
once published, since API clients store them. How a look is rendered is recorded by the engines
(render/avatars/__init__.py, keyed by these ids).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from avatarstudio.render.vocabulary import Frame

LOOK_HEIGHT = 512
"""Pixel height of the preview still returned by `look_image`."""

ASTRONAUT_SOURCE = "scikit-image skimage/data/astronaut.png: NASA portrait of astronaut Eileen Collins"
ASTRONAUT_LICENCE = "NASA, public domain, shipped in scikit-image"
DRAWN_SOURCE = "drawn by avatarstudio (render/avatars/drawn.py)"
DRAWN_LICENCE = "Apache-2.0, part of avatarstudio"


class UnknownAvatar(LookupError):
    """No built-in avatar has this id."""


@dataclass(frozen=True)
class Avatar:
    """One built-in look. `preferred_orientation` is the video orientation the framing suits best."""

    avatar_id: str
    name: str
    gender: str
    kind: str
    group_id: str
    group_name: str
    supports_alpha: bool
    preferred_orientation: str
    source: str
    licence: str


def _drawn(avatar_id: str, name: str, gender: str, group: str, orientation: str) -> Avatar:
    return Avatar(avatar_id, name, gender, "drawn", group, group.split("_")[0], True, orientation,
                  DRAWN_SOURCE, DRAWN_LICENCE)


def _astronaut(avatar_id: str, name: str, orientation: str) -> Avatar:
    # An opaque photo whose background person segmentation (render/face) removes on request: WebM works.
    return Avatar(avatar_id, name, "female", "photo", "Astronaut_public", "Astronaut", True, orientation,
                  ASTRONAUT_SOURCE, ASTRONAUT_LICENCE)


AVATARS: tuple[Avatar, ...] = (
    _drawn("Ava_drawn_front", "Ava (front)", "female", "Ava_drawn", "horizontal"),
    _drawn("Ava_drawn_close", "Ava (close)", "female", "Ava_drawn", "vertical"),
    _drawn("Noah_drawn_front", "Noah (front)", "male", "Noah_drawn", "horizontal"),
    _drawn("Noah_drawn_close", "Noah (close)", "male", "Noah_drawn", "vertical"),
    _astronaut("Astronaut_Portrait_public", "Astronaut (portrait)", "square"),
    _astronaut("Astronaut_Closeup_public", "Astronaut (close-up)", "horizontal"),
    _astronaut("Astronaut_Vertical_public", "Astronaut (vertical)", "vertical"),
)
_BY_ID = {avatar.avatar_id: avatar for avatar in AVATARS}


def list_avatars() -> list[Avatar]:
    """Every built-in avatar, in a stable order (drawn looks first)."""
    return list(AVATARS)


def get_avatar(avatar_id: str) -> Avatar | None:
    """The avatar with this id, or None."""
    return _BY_ID.get(avatar_id)


@lru_cache(maxsize=None)
def look_image(avatar_id: str) -> Frame:
    """The look at rest as an RGBA still, `LOOK_HEIGHT` pixels tall (the preview image); cached and read-only.

    Raises `UnknownAvatar` for an id not in the catalogue.
    """
    # Imported here, not at the top: the engines read this catalogue, and the catalogue stays importable alone.
    from avatarstudio.render.avatars import FaceParams, builtin_engine

    still = builtin_engine(avatar_id, LOOK_HEIGHT).frame(FaceParams())
    still.flags.writeable = False
    return still
