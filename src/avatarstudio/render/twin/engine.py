"""The twin as an avatar engine: the footage playing on the background timeline, with a real mouth chosen for
every frame of the new speech pasted over its lower face.

Framing: `filling` shows a crop of the footage with the output's shape, around the person (the footage fills the
frame), at the footage's own resolution: opaque, it covers the canvas, and the encoder scales it to the output
(cheaper in YUV than in RGBA here); `placed` shows the whole footage frame at a given height, for the compositor to
place, cut out along the person's matte when `matting` asks.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing

import cv2
import numpy as np

from avatarstudio.render.avatars.base import SceneClock
from avatarstudio.render.face.segmentation import refine_matte
from avatarstudio.render.twin import layout, select
from avatarstudio.render.twin.ahead import ahead
from avatarstudio.render.twin.clips import ClipReader
from avatarstudio.render.twin.paste import MouthPaster
from avatarstudio.render.twin.shapes import ShapeModel
from avatarstudio.render.twin.timeline import background_frames
from avatarstudio.render.twin.track import CHIN, face_height
from avatarstudio.render.twin.twin import Twin
from avatarstudio.render.vocabulary import FaceBox, FaceParams, Frame

FACE_TOP = 0.38
"""Where a filling crop puts the face's centre, as a fraction of its height (room for the body below)."""
CHUNK = 256
"""Output frames whose costs are computed at once (bounds the cost matrix's memory)."""
SILENT = 0.03
"""A frame whose mouth_open is below this is a pause: the target is the lips at rest."""


class TwinEngine:
    """Frames of one twin, `size` (width, height): the working frame's `crop` (x0, y0, x1, y1) resized to it."""

    def __init__(self, twin: Twin, size: tuple[int, int], crop: tuple[int, int, int, int], matting: bool = False,
                 precision: bool = False):
        self.twin = twin
        self.size = size
        self.crop = crop
        self.matting = matting
        self.precision = precision
        """HeyGen's lipsync `mode: precision`: a second mouth is chosen for every frame and averaged with the first
        (quality/twin.py measures both modes on the held-out frames)."""
        self.moving_box = None
        self.opaque = not matting
        self.face_box = _face_box(twin, crop)

    def frames(self, params: Sequence[FaceParams], clock: SceneClock) -> Iterator[Frame]:
        # Three threads (see _pasted): decoding, pasting the mouth, and framing (resizing, matting) each frame run
        # side by side, mostly in FFmpeg and OpenCV, outside the GIL, so none waits on another's part of a frame.
        return ahead(self._framed_all(self._pasted(*self.plan(params, clock))))

    def plan(self, params: Sequence[FaceParams], clock: SceneClock
             ) -> tuple[np.ndarray, np.ndarray, list, np.ndarray | None]:
        """(behind, mouths, targets, seconds) for `draw`: the background timeline, the mouth chosen for each frame,
        the lip and jaw shape each pasted mouth is warped to (None where the background keeps its own mouth), and
        in precision mode the second mouth averaged with each."""
        twin = self.twin
        behind = background_frames(twin.turns, twin.fps, clock.fps, clock.first_frame, len(params))
        lips = mouth_targets(twin, params)
        mouths, seconds = choose_mouths(twin, lips, behind, second=self.precision)
        pasted = np.flatnonzero(mouths != behind)
        shaped = ShapeModel(twin).placed(lips[pasted], behind[pasted]) if len(pasted) else []
        targets: list[np.ndarray | None] = [None] * len(params)
        for t, shape in zip(pasted, shaped):
            targets[t] = shape
        return behind, mouths, targets, seconds

    def draw(self, behind: np.ndarray, mouths: np.ndarray, targets: Sequence[np.ndarray | None] | None = None,
             seconds: np.ndarray | None = None) -> Iterator[Frame]:
        """Frames showing footage frame behind[t] with the mouth of footage frame mouths[t] (warped to targets[t],
        the lip and jaw points paste.SHAPED in the background frame's pixels, where given; averaged with seconds[t]
        warped alike)."""
        return self._framed_all(self._pasted(behind, mouths, targets, seconds))

    def _pasted(self, behind: np.ndarray, mouths: np.ndarray, targets: Sequence[np.ndarray | None] | None,
                seconds: np.ndarray | None) -> Iterator[tuple[np.ndarray, int]]:
        """(working frame with its mouth pasted, footage index) for each output frame (see draw), made on a thread
        of its own from footage frames decoded on another: alone, one thread doing both drew 5.4-6.6 ms a frame of
        the bench's 720p twin, the rest of the render waiting on it."""
        return ahead(self._pasting(ahead(self._backgrounds(behind)), behind, mouths, targets, seconds))

    def _backgrounds(self, behind: np.ndarray) -> Iterator[np.ndarray]:
        """A writable copy of footage frame behind[t], for each t in order."""
        footage = ClipReader(self.twin.file(layout.FOOTAGE))
        try:
            for back in behind:
                yield np.array(footage.frame(int(back)))
        finally:
            footage.close()

    def _pasting(self, backgrounds: Iterator[np.ndarray], behind: np.ndarray, mouths: np.ndarray,
                 targets: Sequence[np.ndarray | None] | None, seconds: np.ndarray | None
                 ) -> Iterator[tuple[np.ndarray, int]]:
        twin = self.twin
        paster = MouthPaster(twin)
        with closing(backgrounds):
            for t, (back, mouth, frame) in enumerate(zip(behind, mouths, backgrounds)):
                target = targets[t] if targets is not None else None
                if (mouth != back or target is not None) and not np.isnan(twin.points[back, 0, 0]):
                    paster.paste(frame, int(back), int(mouth), target, None if seconds is None else int(seconds[t]))
                yield frame, int(back)

    def _framed_all(self, pasted: Iterator[tuple[np.ndarray, int]]) -> Iterator[Frame]:
        matte = ClipReader(self.twin.file(layout.MATTE), grey=True) if self.matting else None
        x0, y0, x1, y1 = self.crop
        try:
            for frame, back in pasted:
                yield self._framed(frame[y0:y1, x0:x1], matte, back)
        finally:
            close = getattr(pasted, "close", None)
            if close is not None:
                close()
            if matte is not None:
                matte.close()

    def _framed(self, rgb: np.ndarray, matte: ClipReader | None, index: int) -> Frame:
        out = cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA)  # before resizing: four channels resize fastest
        if out.shape[1::-1] != self.size:
            out = cv2.resize(out, self.size, interpolation=cv2.INTER_AREA if rgb.shape[0] > self.size[1]
                             else cv2.INTER_LINEAR)
        if matte is None:
            return out
        raw = matte.frame(index)
        width, height = self.twin.size
        x0, y0, x1, y1 = self.crop
        scale_x, scale_y = raw.shape[1] / width, raw.shape[0] / height
        coarse = raw[int(y0 * scale_y):int(np.ceil(y1 * scale_y)), int(x0 * scale_x):int(np.ceil(x1 * scale_x))]
        coarse = cv2.resize(coarse, self.size, interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255
        matte_values = refine_matte(cv2.cvtColor(out, cv2.COLOR_RGBA2RGB), coarse)
        cv2.insertChannel((matte_values * 255 + 0.5).astype(np.uint8), out, 3)
        return out


def filling(twin: Twin, size: tuple[int, int], precision: bool = False) -> TwinEngine:
    """Frames cut from the footage around the person: the largest crop of the shape of `size` (width, height), at
    the footage's resolution (shown at `size`, it is scaled by whoever shows it)."""
    width, height = twin.size
    aspect = size[0] / size[1]
    crop_w, crop_h = (round(height * aspect), height) if width / height > aspect else (width, round(width / aspect))
    centre_x, centre_y = _face_centre(twin)
    x0 = int(np.clip(round(centre_x - crop_w / 2), 0, width - crop_w))
    y0 = int(np.clip(round(centre_y - FACE_TOP * crop_h), 0, height - crop_h))
    return TwinEngine(twin, (crop_w, crop_h), (x0, y0, x0 + crop_w, y0 + crop_h), precision=precision)


def placed(twin: Twin, height: int, matting: bool, precision: bool = False) -> TwinEngine:
    """Whole footage frames `height` pixels tall, cut out along the person when `matting`."""
    width = max(2, round(height * twin.size[0] / twin.size[1]))
    return TwinEngine(twin, (width, height), (0, 0, *twin.size), matting, precision)


def _face_centre(twin: Twin) -> tuple[float, float]:
    tall = float(np.nanmedian(face_height(twin.points)))
    chin = np.nanmedian(twin.points[:, CHIN], axis=0)
    return float(chin[0]), float(chin[1] - tall / 2)


def _face_box(twin: Twin, crop: tuple[int, int, int, int]) -> FaceBox:
    x0, y0, x1, y1 = crop
    centre_x, centre_y = _face_centre(twin)
    tall = float(np.nanmedian(face_height(twin.points)))
    return FaceBox((centre_x - x0) / (x1 - x0), (centre_y - y0) / (y1 - y0), tall / (y1 - y0))


def mouth_targets(twin: Twin, params: Sequence[FaceParams]) -> np.ndarray:
    """(T, 2) target lip opening and width for the motion stage's mouth: open 0 is the footage's lips at rest, 1
    its widest talking; round 1 its narrowest."""
    usable = twin.lips[twin.usable]
    talking = twin.lips[twin.usable & twin.talking] if (twin.usable & twin.talking).sum() > 10 else usable
    rest, wide = twin.rest_opening, float(np.nanpercentile(talking[:, 0], 95))
    spread, narrow = float(np.nanmedian(talking[:, 1])), float(np.nanpercentile(usable[:, 1], 5))
    opened = np.array([one.mouth_open for one in params])
    rounded = np.array([one.mouth_round for one in params])
    opening = np.where(opened < SILENT, rest, rest + opened * (wide - rest))
    return np.stack([opening, spread - rounded * (spread - narrow)], axis=1)


def choose_mouths(twin: Twin, targets: np.ndarray, behind: np.ndarray, features: np.ndarray | None = None,
                  sources: np.ndarray | None = None, keep_own: bool = True,
                  second: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """(mouths, seconds): the footage frame lending its mouth to each output frame (select.viterbi), and with
    `second` another chosen alike from the frames the first never uses (None without). `features` (n, d)
    describe every footage frame's lips in the same terms as `targets` (T, d), by default (opening, width);
    `sources` are the frames allowed to lend, by default every usable one with a steady head (sharp); `keep_own`
    lets a frame keep the background's own mouth."""
    features = twin.lips if features is None else features
    sources = np.flatnonzero(twin.usable & twin.steady) if sources is None else sources
    first = _viterbi(twin, targets, behind, features, sources, keep_own)
    if not second:
        return first, None
    others = np.setdiff1d(sources, first)
    if len(others) == 0:
        return first, None
    seconds = _viterbi(twin, targets, behind, features, others, False)
    # Where the first keeps the background's own mouth, nothing is pasted, so nothing is averaged.
    return first, np.where(first == behind, first, seconds)


def _viterbi(twin: Twin, targets: np.ndarray, behind: np.ndarray, features: np.ndarray, sources: np.ndarray,
             keep_own: bool) -> np.ndarray:
    scale = np.nanstd(features[sources], axis=0) + 1e-6
    pose = twin.pose[:, :2]
    own = np.nan_to_num(features[behind], nan=1e3)
    options, option_costs, background_costs = [], [], []
    for start in range(0, len(targets), CHUNK):
        part = slice(start, start + CHUNK)
        costs = select.unary_costs(targets[part], features[sources], scale, pose[sources],
                                   np.nan_to_num(pose[behind[part]]))
        chosen, their_costs = select.nearest(costs, sources)
        options.append(chosen)
        option_costs.append(their_costs)
        background_costs.append((((targets[part] - own[part]) / scale) ** 2).sum(axis=1))
    return select.viterbi(np.concatenate(options), np.concatenate(option_costs), behind,
                          np.concatenate(background_costs) if keep_own else None, np.nan_to_num(features / scale))
