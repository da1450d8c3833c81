"""A drawn (illustrated) avatar: a flat-shaded head-and-shoulders figure the project draws itself.

The figure is designed on a 800 x 1000 "design" canvas; a `Viewport` picks the part a look shows (the whole
figure, or a closer framing) and everything is scaled to the requested pixel height. Static layers (shoulders,
head with hair, ears, brows and nose) are drawn once per engine, supersampled for smooth edges. Per frame only
the eye and mouth regions are redrawn, and those head images are memoised by quantised parameters, so most
frames cost one small rotation (head roll and sub-pixel head motion) and one alpha-over.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import math

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from avatarstudio.render.avatars.base import StillLook
from avatarstudio.render.compose.blend import alpha_over
from avatarstudio.render.vocabulary import FaceBox, FaceParams, Frame

SUPERSAMPLE = 3
ROLL_STEP = 0.2                        # degrees
DESIGN_WIDTH, DESIGN_HEIGHT = 800, 1000
FACE = (265, 230, 535, 640)            # the face ellipse, design units
HEAD_BOX = (150, 140, 650, 760)        # everything that moves with the head (hair included), with room to rotate
NECK_PIVOT = (400, 640)                # the head rolls about the chin
EYES = ((345, 418), (455, 418))
EYE_RX, EYE_RY = 27, 16
EYE_BOX = (300, 392, 500, 446)         # redrawn for blinks
MOUTH = (400, 560)
MOUTH_BOX = (320, 492, 480, 628)       # redrawn for mouth shapes


@dataclass(frozen=True)
class Palette:
    """The colours and hair of one drawn person."""

    skin: tuple[int, int, int]
    skin_shade: tuple[int, int, int]
    hair: tuple[int, int, int]
    iris: tuple[int, int, int]
    lips: tuple[int, int, int]
    shirt: tuple[int, int, int]
    shirt_shade: tuple[int, int, int]
    long_hair: bool


@dataclass(frozen=True)
class Viewport:
    """The design-unit rectangle (x0, y0, x1, y1) a look shows."""

    x0: float
    y0: float
    x1: float
    y1: float


PALETTES = {
    "ava": Palette(
        skin=(241, 200, 170), skin_shade=(222, 172, 140), hair=(92, 52, 34), iris=(70, 110, 150),
        lips=(196, 92, 96), shirt=(46, 98, 160), shirt_shade=(34, 74, 124), long_hair=True,
    ),
    "noah": Palette(
        skin=(176, 124, 92), skin_shade=(150, 100, 72), hair=(28, 24, 24), iris=(60, 40, 28),
        lips=(150, 84, 76), shirt=(60, 60, 66), shirt_shade=(40, 40, 46), long_hair=False,
    ),
}
VIEWPORTS = {
    "front": Viewport(0, 0, DESIGN_WIDTH, DESIGN_HEIGHT),
    "close": Viewport(150, 130, 650, 755),
}

DARK = (34, 24, 24)
MOUTH_INSIDE = (96, 30, 40)
TEETH = (246, 244, 238)
TONGUE = (200, 96, 104)
WHITE = (250, 250, 248)


class _Canvas:
    """Draws in design units onto a supersampled image whose top-left is pixel (ox, oy) of the output frame."""

    def __init__(self, image: Image.Image, scale: float, viewport: Viewport, origin: tuple[int, int]):
        self.image = image
        self.draw = ImageDraw.Draw(image, "RGBA")
        self._scale = scale * SUPERSAMPLE
        self._x0 = viewport.x0 + origin[0] / scale
        self._y0 = viewport.y0 + origin[1] / scale

    def layer(self) -> _Canvas:
        """A transparent image of the same size and mapping, to draw something that is then clipped."""
        other = _Canvas.__new__(_Canvas)
        other.image = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        other.draw = ImageDraw.Draw(other.image, "RGBA")
        other._scale, other._x0, other._y0 = self._scale, self._x0, self._y0
        return other

    def mask(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        """An empty clip mask of this canvas's size, and a drawer for it (use `p`/`box` for coordinates)."""
        image = Image.new("L", self.image.size, 0)
        return image, ImageDraw.Draw(image)

    def paste_clipped(self, layer: _Canvas, clip: Image.Image) -> None:
        """Draw `layer` over this canvas, only where the `clip` mask is set."""
        self.image.alpha_composite(
            Image.merge("RGBA", (*layer.image.split()[:3], ImageChops.multiply(layer.image.getchannel("A"), clip)))
        )

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (x - self._x0) * self._scale, (y - self._y0) * self._scale

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (*self.p(x0, y0), *self.p(x1, y1))

    def width(self, units: float) -> int:
        return max(1, round(units * self._scale))

    def ellipse(self, box: tuple[float, float, float, float], fill: tuple[int, ...]) -> None:
        self.draw.ellipse(self.box(*box), fill=fill)

    def polygon(self, points: list[tuple[float, float]], fill: tuple[int, ...]) -> None:
        self.draw.polygon([self.p(x, y) for x, y in points], fill=fill)

    def line(self, points: list[tuple[float, float]], fill: tuple[int, ...], width: float) -> None:
        self.draw.line([self.p(x, y) for x, y in points], fill=fill, width=self.width(width), joint="curve")


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 24) -> list[tuple[float, float]]:
    """Points on an ellipse from angle `start` to `end` (degrees, 0 = right, 90 = down)."""
    angles = np.radians(np.linspace(start, end, n))
    return [(cx + rx * float(np.cos(a)), cy + ry * float(np.sin(a))) for a in angles]


def _level(value: float, steps: int) -> int:
    """`value` clipped to 0..1 and quantised to `steps` steps (finer than a viewer notices)."""
    return round(min(max(value, 0.0), 1.0) * steps)


def _turned(image: Frame, origin: tuple[int, int], degrees: float, pivot: tuple[float, float]) -> tuple[Frame, tuple[int, int]]:
    """`image`, whose top-left is at `origin` of the frame, turned clockwise by `degrees` about `pivot`.

    Returns the turned pixels (edges anti-aliased, corners transparent) and their top-left in the frame.
    """
    if degrees == 0:
        return image, origin
    h, w = image.shape[:2]
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    px, py = pivot
    corners = [(origin[0] + x - px, origin[1] + y - py) for x in (0, w) for y in (0, h)]
    xs = [px + cos * x - sin * y for x, y in corners]
    ys = [py + sin * x + cos * y for x, y in corners]
    left, top = math.floor(min(xs)), math.floor(min(ys))
    size = (math.ceil(max(xs)) - left, math.ceil(max(ys)) - top)
    # Image.transform wants the inverse map, output pixel -> source pixel: turn back about the pivot.
    ox, oy = left - px, top - py
    coefficients = (cos, sin, cos * ox + sin * oy + px - origin[0], -sin, cos, -sin * ox + cos * oy + py - origin[1])
    turned = Image.fromarray(np.ascontiguousarray(image), "RGBA").transform(
        size, Image.Transform.AFFINE, coefficients, Image.Resampling.BILINEAR
    )
    return np.asarray(turned), (left, top)


class DrawnEngine(StillLook):
    """An `AvatarEngine` for one drawn look: `palette` framed by `viewport`, frames exactly `height` pixels tall.

    Head roll is quantised to `ROLL_STEP` degrees and head motion to whole pixels, so the turned head can be
    cached per roll; eyes and mouth are cached per quantised shape and turned on the fly (they are small).
    """

    def __init__(self, palette: Palette, viewport: Viewport, height: int):
        self.palette = palette
        self.viewport = viewport
        self._scale = height / (viewport.y1 - viewport.y0)
        self.size = (round((viewport.x1 - viewport.x0) * self._scale), height)
        self.face_box = FaceBox(
            cx=((FACE[0] + FACE[2]) / 2 - viewport.x0) / (viewport.x1 - viewport.x0),
            cy=((FACE[1] + FACE[3]) / 2 - viewport.y0) / (viewport.y1 - viewport.y0),
            height=(FACE[3] - FACE[1]) / (viewport.y1 - viewport.y0),
        )
        self._face_px = (FACE[3] - FACE[1]) * self._scale
        self.moving_box = None  # the head, turned and moved, may cover any part of the frame
        self.opaque = False
        self._pivot = self._to_pixels(*NECK_PIVOT)
        self._body = self._render_layer(self._pixel_box((0, 0, DESIGN_WIDTH, DESIGN_HEIGHT)), self._draw_body)
        self._head_origin, _ = self._pixel_box(HEAD_BOX)
        self._head_big = self._render_big(self._pixel_box(HEAD_BOX), self._draw_head)
        self._head = np.asarray(self._head_big.reduce(SUPERSAMPLE))
        self._turned_head = lru_cache(maxsize=64)(self._turn_head)
        self._eyes = lru_cache(maxsize=128)(self._render_eyes)
        self._mouth = lru_cache(maxsize=512)(self._render_mouth)

    def frame(self, params: FaceParams) -> Frame:
        """The figure with eyes, mouth and head pose from `params`; a new (height, width, 4) array."""
        smile = _level(params.smile, 10)
        steps = round(params.head_roll / ROLL_STEP)
        dx, dy = round(params.head_x * self._face_px), round(params.head_y * self._face_px)
        out = self._body.copy()
        head, (x, y) = self._turned_head(steps)
        alpha_over(out, head, x + dx, y + dy)
        for patch, origin in (
            self._eyes(_level(params.blink, 10), smile),
            self._mouth(_level(params.mouth_open, 20), _level(params.mouth_round, 10), smile),
        ):
            turned, (x, y) = _turned(patch, origin, steps * ROLL_STEP, self._pivot)
            alpha_over(out, turned, x + dx, y + dy)
        return out

    # Geometry -------------------------------------------------------------------------------------------------

    def _to_pixels(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.viewport.x0) * self._scale, (y - self.viewport.y0) * self._scale

    def _pixel_box(self, box: tuple[float, float, float, float]) -> tuple[tuple[int, int], tuple[int, int]]:
        """The whole-pixel (origin, size) of the output frame covering a design-unit box (may lie outside it)."""
        x0, y0 = self._to_pixels(box[0], box[1])
        x1, y1 = self._to_pixels(box[2], box[3])
        left, top = int(np.floor(x0)), int(np.floor(y0))
        return (left, top), (int(np.ceil(x1)) - left, int(np.ceil(y1)) - top)

    def _render_big(self, pixel_box: tuple[tuple[int, int], tuple[int, int]], painter) -> Image.Image:
        origin, size = pixel_box
        image = Image.new("RGBA", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), (0, 0, 0, 0))
        painter(_Canvas(image, self._scale, self.viewport, origin))
        return image

    def _render_layer(self, pixel_box: tuple[tuple[int, int], tuple[int, int]], painter) -> Frame:
        """A full-frame layer: the painter's drawing, downsampled and cropped to the output frame."""
        frame = np.zeros((self.size[1], self.size[0], 4), np.uint8)
        small = np.asarray(self._render_big(pixel_box, painter).reduce(SUPERSAMPLE))
        alpha_over(frame, small, *pixel_box[0])
        return frame

    def _turn_head(self, steps: int) -> tuple[Frame, tuple[int, int]]:
        return _turned(self._head, self._head_origin, steps * ROLL_STEP, self._pivot)

    def _render_eyes(self, blink: int, smile: int) -> tuple[Frame, tuple[int, int]]:
        return self._redraw(EYE_BOX, lambda c: self._draw_eyes(c, blink / 10, smile / 10))

    def _render_mouth(self, mouth_open: int, mouth_round: int, smile: int) -> tuple[Frame, tuple[int, int]]:
        return self._redraw(MOUTH_BOX, lambda c: self._draw_mouth(c, mouth_open / 20, mouth_round / 10, smile / 10))

    def _redraw(self, design_box: tuple[float, float, float, float], painter) -> tuple[Frame, tuple[int, int]]:
        """One region of the head repainted: the supersampled head cropped, drawn on, shrunk; and its frame origin."""
        (left, top), (w, h) = self._pixel_box(design_box)
        hx, hy = left - self._head_origin[0], top - self._head_origin[1]
        s = SUPERSAMPLE
        region = self._head_big.crop((hx * s, hy * s, (hx + w) * s, (hy + h) * s))
        painter(_Canvas(region, self._scale, self.viewport, (left, top)))
        return np.asarray(region.reduce(s)), (left, top)

    # Drawing --------------------------------------------------------------------------------------------------

    def _draw_body(self, c: _Canvas) -> None:
        p = self.palette
        c.ellipse((70, 770, 730, 1330), p.shirt_shade)
        c.ellipse((90, 780, 710, 1330), p.shirt)
        c.polygon([(335, 560), (465, 560), (470, 800), (400, 880), (330, 800)], p.skin_shade)
        c.polygon([(330, 792), (400, 872), (470, 792), (470, 800), (400, 890), (330, 800)], p.shirt_shade)
        if p.long_hair:
            c.polygon([(222, 600), (578, 600), (600, 840), (200, 840)], p.hair)

    def _draw_head(self, c: _Canvas) -> None:
        p = self.palette
        if p.long_hair:
            c.ellipse((225, 170, 575, 660), p.hair)
            c.polygon([(225, 430), (575, 430), (598, 760), (202, 760)], p.hair)
        for ear_x in (262, 538):
            c.ellipse((ear_x - 24, 400, ear_x + 24, 486), p.skin_shade)
        c.ellipse(FACE, p.skin)
        blush = tuple(round(0.8 * s + 0.2 * l) for s, l in zip(p.skin, p.lips))
        c.ellipse((292, 482, 348, 518), blush)
        c.ellipse((452, 482, 508, 518), blush)
        if p.long_hair:
            c.polygon(_arc(400, 380, 150, 205, 180, 360) + [(520, 300), (420, 270), (330, 330), (268, 420)], p.hair)
        else:
            c.polygon(_arc(400, 372, 145, 190, 180, 360) + [(540, 360), (500, 290), (330, 300), (262, 370)], p.hair)
        for x0, x1, lift in ((312, 378, -1), (422, 488, 1)):
            c.line([(x0, 382 + 4 * lift), ((x0 + x1) / 2, 374), (x1, 382 - 4 * lift)], p.hair, 9)
        c.line([(404, 430), (414, 492), (398, 500)], p.skin_shade, 6)

    def _draw_eyes(self, c: _Canvas, blink: float, smile: float) -> None:
        p = self.palette
        openness = max(0.0, 1.0 - blink) * (1.0 - 0.25 * smile)
        for cx, cy in EYES:
            bottom = cy + EYE_RY
            if openness > 0.08:
                top = bottom - 2 * EYE_RY * openness
                clip, clip_draw = c.mask()
                clip_draw.ellipse(c.box(cx - EYE_RX, top, cx + EYE_RX, bottom), fill=255)
                eye = c.layer()
                eye.ellipse((cx - EYE_RX, cy - EYE_RY, cx + EYE_RX, cy + EYE_RY), WHITE)
                eye.ellipse((cx - 13, cy - 13, cx + 13, cy + 13), p.iris)
                eye.ellipse((cx - 6, cy - 6, cx + 6, cy + 6), DARK)
                eye.ellipse((cx + 2, cy - 9, cx + 7, cy - 4), WHITE)
                c.paste_clipped(eye, clip)
                c.line(_arc(cx, (top + bottom) / 2, EYE_RX + 1, (bottom - top) / 2, 185, 355), DARK, 4)
            else:
                c.line(_arc(cx, bottom - 4, EYE_RX + 1, 5, 10, 170), DARK, 4)

    def _draw_mouth(self, c: _Canvas, mouth_open: float, mouth_round: float, smile: float) -> None:
        p = self.palette
        cx, cy = MOUTH
        half_width = 44 * (1 - 0.35 * mouth_round) * (1 + 0.12 * smile)
        half_open = 1.5 + 26 * mouth_open * (1 + 0.25 * mouth_round)
        lift = 12 * smile
        t = np.linspace(-1.0, 1.0, 25)
        shape = (1 - t**2) ** (0.5 if mouth_round > 0.5 else 0.7)
        xs = cx + t * half_width
        base = cy - lift * t**2
        upper = base - half_open * 0.8 * shape
        lower = base + half_open * 1.2 * shape
        c.polygon(list(zip(xs, upper - 9 * shape - 2)) + list(zip(xs[::-1], upper[::-1])), p.lips)
        c.polygon(list(zip(xs, lower)) + list(zip(xs[::-1], (lower + 12 * shape + 2)[::-1])), p.lips)
        inside = list(zip(xs, upper)) + list(zip(xs[::-1], lower[::-1]))
        c.polygon(inside, MOUTH_INSIDE)
        if mouth_open > 0.15:
            clip, clip_draw = c.mask()
            clip_draw.polygon([c.p(x, y) for x, y in inside], fill=255)
            detail = c.layer()
            detail.polygon(list(zip(xs, upper - 1)) + list(zip(xs[::-1], (upper + 7 + 4 * shape)[::-1])), TEETH)
            tongue_y = float(lower.max())
            detail.ellipse((cx - half_width * 0.55, tongue_y - 12, cx + half_width * 0.55, tongue_y + 8), TONGUE)
            c.paste_clipped(detail, clip)
