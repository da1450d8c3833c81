"""Where the avatar goes on the canvas, and drawing it there.

Conventions (canvas of W x H pixels, avatar frame of w x h, `scale` and `offset` as in the v2 character):

- ``normal``: the avatar frame is scaled to a height of ``scale * H`` (aspect kept). Its centre sits at the canvas
  centre moved by ``offset_x * W`` to the right and ``offset_y * H`` down; (0, 0) is centred. At scale 1 the
  frame is exactly as tall as the canvas, so it is also bottom-aligned: the built-in avatars stand on the
  bottom edge. Scaling happens about the centre, so at scale 0.5 with no offset the avatar floats in the middle.
- ``closeUp``: a head-and-shoulders region of the frame (from ``CLOSEUP_ABOVE`` face heights above the face
  centre to ``CLOSEUP_BELOW`` below it, clamped to the frame) is what gets ``scale * H`` pixels of height; the
  frame is zoomed accordingly (never zoomed out) and that region is centred (plus offset) instead of the whole
  frame. A frame already framed that close is placed as in ``normal``.
- ``circle``: a circle of diameter ``scale * H`` centred (plus offset) on the canvas shows the face: the circle is
  centred ``CIRCLE_DROP`` face heights below the face centre and spans ``CIRCLE_SPAN`` face heights, the frame is
  zoomed to match. Outside the circle nothing of the avatar is drawn; inside it, `circle_background` fills what
  the avatar leaves transparent.

The face's place in a frame comes from the engine (`FaceBox`); `DEFAULT_FACE_BOX` is for frames that do not say.
Placements may extend past the canvas; `composite` clips them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from avatarstudio.render.compose.blend import alpha_over, parse_hex_color, resize
from avatarstudio.render.vocabulary import DEFAULT_FACE_BOX, Box, FaceBox, Frame

STYLES = ("normal", "closeUp", "circle")
CLOSEUP_ABOVE = 0.75
CLOSEUP_BELOW = 0.9
CIRCLE_DROP = 0.15
CIRCLE_SPAN = 2.2


@dataclass(frozen=True)
class Placement:
    """The avatar frame's box on the canvas, in pixels; it may extend past the edges.

    `circle` is (left, top, diameter) of the circle's bounding square for the circle style, else None.
    """

    x: int
    y: int
    width: int
    height: int
    circle: tuple[int, int, int] | None = None


def place(
    avatar_size: tuple[int, int],
    canvas_size: tuple[int, int],
    scale: float = 1.0,
    offset_x: float = 0.0,
    offset_y: float = 0.0,
    style: str = "normal",
    face_box: FaceBox = DEFAULT_FACE_BOX,
) -> Placement:
    """Where an avatar frame of `avatar_size` (width, height) goes on a canvas of `canvas_size` (width, height).

    To avoid resizing every frame, render the avatar at the returned height (the width then matches within a
    pixel, which `composite` accepts as is).
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, got {style!r}")
    aw, ah = avatar_size
    cw, ch = canvas_size
    target = scale * ch
    centre_x = cw / 2 + offset_x * cw
    centre_y = ch / 2 + offset_y * ch
    if style == "circle":
        # Frame fractions: the circle is CIRCLE_SPAN face heights across, centred a little below the face centre.
        span = CIRCLE_SPAN * face_box.height
        focus_x, focus_y = face_box.cx * aw / ah, face_box.cy + CIRCLE_DROP * face_box.height
    elif style == "closeUp":
        top = max(0.0, face_box.cy - CLOSEUP_ABOVE * face_box.height)
        bottom = min(1.0, face_box.cy + CLOSEUP_BELOW * face_box.height)
        span = min(1.0, bottom - top)
        focus_x, focus_y = face_box.cx * aw / ah, (top + bottom) / 2 if span < 1.0 else 0.5
    else:
        span = 1.0
        focus_x, focus_y = 0.5 * aw / ah, 0.5
    height = max(1, round(target / span))
    width = max(1, round(height * aw / ah))
    x = round(centre_x - focus_x * height)
    y = round(centre_y - focus_y * height)
    if style != "circle":
        return Placement(x, y, width, height)
    diameter = max(1, round(target))
    return Placement(x, y, width, height, (round(centre_x - diameter / 2), round(centre_y - diameter / 2), diameter))


def composite(
    canvas: Frame,
    avatar: Frame,
    placement: Placement,
    style: str = "normal",
    circle_background: str | None = None,
) -> Frame:
    """A new frame: `canvas` with the avatar drawn over it as `composite_into` does; `canvas` is not modified."""
    out = canvas.copy()
    composite_into(out, avatar, placement, style, circle_background)
    return out


def composite_into(
    canvas: Frame,
    avatar: Frame,
    placement: Placement,
    style: str = "normal",
    circle_background: str | None = None,
) -> None:
    """Draws `avatar` over `canvas` in place at `placement`, clipped at the canvas edges.

    The avatar is resized to the placement unless it is already within a pixel of it. For the circle style the
    avatar is cut to an anti-aliased circle (`placement.circle`, or the circle inscribed in the placement box),
    with `circle_background` ('#RRGGBB') behind it inside the circle. Only pixels under the avatar (or its
    circle) change.
    """
    if abs(avatar.shape[0] - placement.height) > 1 or abs(avatar.shape[1] - placement.width) > 1:
        avatar = resize(avatar, placement.width, placement.height)
    if style != "circle":
        alpha_over(canvas, avatar, placement.x, placement.y)
        return
    left, top, diameter = placement.circle or _inscribed_circle(placement)
    disc = np.zeros((diameter, diameter, 4), np.uint8)
    if circle_background is not None:
        disc[..., :3] = parse_hex_color(circle_background)
        disc[..., 3] = 255
    alpha_over(disc, avatar, placement.x - left, placement.y - top)
    disc[..., 3] = ((disc[..., 3].astype(np.uint16) * circle_mask(diameter) + 127) // 255).astype(np.uint8)
    alpha_over(canvas, disc, left, top)


def moving_area(placement: Placement, avatar_size: tuple[int, int], moving_box: Box | None,
                canvas_size: tuple[int, int]) -> Box | None:
    """The canvas box (x0, y0, x1, y1) outside which `composite_into` draws the same pixels on every frame, for an
    avatar whose frames differ only inside `moving_box`; None when any pixel may change (no box, or the avatar is
    resized, which spreads each pixel over its neighbours)."""
    width, height = avatar_size
    if moving_box is None or abs(height - placement.height) > 1 or abs(width - placement.width) > 1:
        return None
    x0, y0, x1, y1 = moving_box
    canvas_width, canvas_height = canvas_size
    left, top = min(max(placement.x + x0, 0), canvas_width), min(max(placement.y + y0, 0), canvas_height)
    return left, top, max(left, min(placement.x + x1, canvas_width)), max(top, min(placement.y + y1, canvas_height))


def composite_within(canvas: Frame, area: Box, avatar: Frame, placement: Placement,
                     style: str = "normal", circle_background: str | None = None) -> None:
    """`composite_into`, drawing only the pixels inside `area` (x0, y0, x1, y1 of the canvas)."""
    x0, y0, x1, y1 = area
    circle = placement.circle or (_inscribed_circle(placement) if style == "circle" else None)
    shifted = Placement(placement.x - x0, placement.y - y0, placement.width, placement.height,
                        None if circle is None else (circle[0] - x0, circle[1] - y0, circle[2]))
    composite_into(canvas[y0:y1, x0:x1], avatar, shifted, style, circle_background)


def _inscribed_circle(placement: Placement) -> tuple[int, int, int]:
    diameter = min(placement.width, placement.height)
    return (
        placement.x + (placement.width - diameter) // 2,
        placement.y + (placement.height - diameter) // 2,
        diameter,
    )


@lru_cache(maxsize=16)
def circle_mask(diameter: int) -> np.ndarray:
    """An anti-aliased disc filling a (diameter, diameter) square: coverage 0..255 (uint16, ready to multiply), read-only, cached."""
    centre = (diameter - 1) / 2
    ys, xs = np.ogrid[:diameter, :diameter]
    distance = np.hypot(ys - centre, xs - centre)
    mask = (np.clip(diameter / 2 - distance + 0.5, 0.0, 1.0) * 255 + 0.5).astype(np.uint16)
    mask.flags.writeable = False
    return mask
