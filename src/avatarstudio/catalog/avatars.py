"""The built-in avatar catalogue: stable ids, who each look is, and where its image comes from.

A group is one person; each of its avatars is a look (a framing or a style) of that person. Ids never change
once published, since API clients store them. How a look is rendered is recorded by the engines
(render/avatars/__init__.py, keyed by these ids).
"""
from __future__ import annotations

from dataclasses import dataclass

LOOK_HEIGHT = 512
"""Pixel height of each look's preview still (render/avatars' `look_image` draws it)."""

ASTRONAUT_SOURCE = "scikit-image skimage/data/astronaut.png: NASA portrait of astronaut Eileen Collins"
ASTRONAUT_LICENCE = "NASA, public domain, shipped in scikit-image"
DRAWN_SOURCE = "drawn by avatarstudio (render/avatars/drawn.py)"
DRAWN_LICENCE = "Apache-2.0, part of avatarstudio"


class UnknownAvatar(LookupError):
    """No built-in avatar has this id."""


@dataclass(frozen=True)
class Avatar:
    """One built-in look. `preferred_orientation` is the video orientation the framing suits best; `preview_width`
    is its preview still's width at LOOK_HEIGHT (a test holds it to what the engine draws)."""

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
    preview_width: int


DRAWN_PREVIEW_WIDTH = 410


def _drawn(avatar_id: str, name: str, gender: str, group: str, orientation: str) -> Avatar:
    return Avatar(avatar_id, name, gender, "drawn", group, group.split("_")[0], True, orientation,
                  DRAWN_SOURCE, DRAWN_LICENCE, DRAWN_PREVIEW_WIDTH)


def _astronaut(avatar_id: str, name: str, orientation: str, preview_width: int) -> Avatar:
    # An opaque photo whose background person segmentation (render/face) removes on request: WebM works.
    return Avatar(avatar_id, name, "female", "photo", "Astronaut_public", "Astronaut", True, orientation,
                  ASTRONAUT_SOURCE, ASTRONAUT_LICENCE, preview_width)


AVATARS: tuple[Avatar, ...] = (
    _drawn("Ava_drawn_front", "Ava (front)", "female", "Ava_drawn", "horizontal"),
    _drawn("Ava_drawn_close", "Ava (close)", "female", "Ava_drawn", "vertical"),
    _drawn("Noah_drawn_front", "Noah (front)", "male", "Noah_drawn", "horizontal"),
    _drawn("Noah_drawn_close", "Noah (close)", "male", "Noah_drawn", "vertical"),
    _astronaut("Astronaut_Portrait_public", "Astronaut (portrait)", "square", 512),
    _astronaut("Astronaut_Closeup_public", "Astronaut (close-up)", "horizontal", 512),
    _astronaut("Astronaut_Vertical_public", "Astronaut (vertical)", "vertical", 288),
)
_BY_ID = {avatar.avatar_id: avatar for avatar in AVATARS}


def list_avatars() -> list[Avatar]:
    """Every built-in avatar, in a stable order (drawn looks first)."""
    return list(AVATARS)


def get_avatar(avatar_id: str) -> Avatar | None:
    """The avatar with this id, or None."""
    return _BY_ID.get(avatar_id)
