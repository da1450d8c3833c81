"""The lips take the shape new speech asks for: each pasted mouth is warped onto a target lip and jaw shape learned
from the footage, checked on frames encoded and decoded back, measured by an independent face mesh; and lipsync's
precision mode (two mouths averaged) draws other frames that score at least as well on the held-out footage."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from avatarstudio.render import twin
from avatarstudio.render.avatars.base import SceneClock
from avatarstudio.render.twin.clips import ClipWriter
from avatarstudio.render.twin.paste import LIPS
from avatarstudio.render.twin.shapes import ShapeModel, with_shape
from avatarstudio.render.twin.track import lip_shape
from avatarstudio.render.vocabulary import FaceParams
from quality import face
from quality.twin import held_out

pytestmark = pytest.mark.slow

FPS = 25
OPEN, CLOSED = 0.9, 0.06
"""mouth_open of an open vowel ("ah") and of lips pressed for a bilabial (p, b, m: above the pause threshold)."""


def spoken_params() -> list[FaceParams]:
    """Two seconds of syllables: five frames open wide, five frames of closed lips, in turn."""
    return [FaceParams(mouth_open=OPEN if (t // 5) % 2 == 0 else CLOSED) for t in range(2 * FPS)]


def decoded_openings(engine: twin.TwinEngine, plan: tuple, path: Path) -> np.ndarray:
    """The engine's frames for `plan`, encoded to `path` and decoded back: inner-lip opening per frame (face mesh)."""
    writer = ClipWriter(path, engine.size, FPS)
    for frame in engine.draw(*plan):
        writer.write(frame[..., :3])
    writer.close()
    openings = []
    with av.open(str(path)) as container, face.Tracker() as tracker:
        for frame in container.decode(video=0):
            points = tracker.landmarks(frame.to_ndarray(format="rgb24"))
            openings.append(np.nan if points is None else face.mouth_opening(points))
    return np.array(openings)


def test_the_shape_model_opens_the_jaw_with_the_lips(jwp_twin):
    prepared = twin.load(jwp_twin[0])
    model = ShapeModel(prepared)
    rest, wide = prepared.rest_opening, float(np.nanpercentile(prepared.lips[:, 0], 95))
    width = float(np.nanmedian(prepared.lips[:, 1]))
    behind = np.array([100, 100])
    shaped = with_shape(prepared.points[behind], model.placed(np.array([[rest, width], [wide, width]]), behind))
    opening = lip_shape(shaped)[:, 0]
    assert abs(opening[0] - rest) < 0.5 * (wide - rest)                     # the target's opening, in its terms
    assert abs(opening[1] - wide) < 0.5 * (wide - rest)
    assert shaped[1, 152, 1] > shaped[0, 152, 1]                             # the chin drops as the mouth opens
    nose = prepared.points[100, 2]
    assert np.linalg.norm(shaped[0, 0] - nose) < np.linalg.norm(shaped[0, 17] - nose)  # lips under the nose, in order


def test_warped_mouths_open_for_vowels_and_close_for_bilabials_on_decoded_frames(jwp_twin, tmp_path):
    prepared = twin.load(jwp_twin[0])
    engine = twin.placed(prepared, prepared.size[1], matting=False)
    params = spoken_params()
    behind, mouths, targets, seconds = plan = engine.plan(params, SceneClock(FPS, 0))
    assert seconds is None
    pasted = [t for t, target in enumerate(targets) if target is not None]
    assert len(pasted) > 0.8 * len(params)                                   # speech pastes nearly every frame
    wanted = np.full(len(params), np.nan)
    shaped = with_shape(prepared.points[behind[pasted]], np.stack([targets[t] for t in pasted]))
    wanted[pasted] = lip_shape(shaped)[:, 0]
    warped = decoded_openings(engine, plan, tmp_path / "warped.mp4")
    chosen = decoded_openings(engine, (behind, mouths), tmp_path / "chosen.mp4")
    opened = np.array([p.mouth_open == OPEN for p in params])
    inner = np.ones(len(params), bool)
    inner[::5] = inner[4::5] = False                                         # the frames between the edges
    assert np.nanmedian(warped[opened & inner]) > 2 * np.nanmedian(warped[~opened & inner])
    both = ~np.isnan(wanted) & ~np.isnan(warped) & ~np.isnan(chosen)
    error_warped = np.abs(warped[both] - wanted[both]).mean()
    error_chosen = np.abs(chosen[both] - wanted[both]).mean()
    assert error_warped < error_chosen                                       # the warp brings the lips to the target


def test_precision_draws_other_frames_and_scores_at_least_as_well_held_out(jwp_twin):
    prepared = twin.load(jwp_twin[0])
    clock, params = SceneClock(FPS, 0), spoken_params()
    fast = twin.placed(prepared, 240, matting=False)
    precise = twin.placed(prepared, 240, matting=False, precision=True)
    fast_plan, precise_plan = fast.plan(params, clock), precise.plan(params, clock)
    assert precise_plan[3] is not None and (precise_plan[3] != precise_plan[1]).any()
    scale = 240 / prepared.size[1]
    differing = []
    for t, (a, b) in enumerate(zip(fast.draw(*fast_plan), precise.draw(*precise_plan))):
        lips = prepared.points[fast_plan[0][t], list(LIPS)] * scale
        (x0, y0), (x1, y1) = lips.min(axis=0).astype(int), lips.max(axis=0).astype(int) + 1
        differing.append(np.abs(a[y0:y1, x0:x1, :3].astype(int) - b[y0:y1, x0:x1, :3]).mean())
    assert np.median(differing) > 2                                          # the mouths differ, in grey levels
    speed_scores, precision_scores = held_out(prepared), held_out(prepared, precision=True)
    assert precision_scores["mouth_ssim"] >= speed_scores["mouth_ssim"]
    assert precision_scores["face_ssim"] >= speed_scores["face_ssim"] - 0.002
