"""The digital twin's part of `make quality`: PsychoPy's jwpIntro.mp4 (a man talking to the camera, 5.8 s) made
into a twin, then measured two ways.

- Held out: windows of the footage are rebuilt from the rest of it (a margin of frames around each window is left
  out too), driven by the true mouth shapes (the held-out frames' own lip and chin landmarks), and compared with
  the real frames: SSIM of the mouth region and of the whole face, the seam (edge strength along the blend's
  border) and the flicker (frame-to-frame change of the lower face) against the real frames'.
- New speech: the twin speaks a script with pauses (longer than the footage, so it turns), the video is decoded
  and measured as every render is (quality/analyse.py), and compared with the real footage measured the same way:
  lip-sync offset and correlation, mouth at rest in pauses, flicker of the lower face, the largest jump from one
  frame to the next.
"""
from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from skimage.metrics import structural_similarity

from avatarstudio import spec
from avatarstudio.render import pipeline, twin
from avatarstudio.render.avatars.base import SceneClock
from avatarstudio.render.motion import face_params
from avatarstudio.render.speech.scenes import padded_to_frames, speak_scene
from avatarstudio.render.twin.clips import ClipReader
from avatarstudio.render.twin.engine import choose_mouths
from avatarstudio.render.twin.mouths import LOWER_OVAL
from avatarstudio.render.twin.align import apply
from avatarstudio.render.twin.paste import LIPS, SHAPED, SHRINK, UNDER_NOSE
from avatarstudio.render.twin.shapes import with_shape
from avatarstudio.render.twin.track import lip_shape
from quality import analyse, decode, face

FOOTAGE = "jwpIntro.mp4"
WINDOW = 20
MARGIN = 5
"""Frames left out on each side of a held-out window, so no near-copy of a held-out frame lends its mouth."""
WINDOW_EVERY = 40
MOUTH_MARGIN = 0.25
"""The mouth region: the lips' bounding box grown by this fraction of the mouth's width on every side."""
FPS = 30
TARGETS = {"mouth_ssim": 0.85, "face_ssim": 0.94, "ratio": 1.3, "offset": 1}


def footage_path() -> Path:
    from tests.footage import clip

    return clip(FOOTAGE)


def run(scratch: Path, script: str, voice: str) -> tuple[dict, list[dict], dict[str, dict]]:
    """(measures, checks, rows for the report's table of videos) of the twin cases."""
    footage = footage_path()
    directory = scratch / "twin"
    started = time.perf_counter()
    prepared = twin.prepare(footage, directory)
    prepare_seconds = time.perf_counter() - started
    held = held_out(twin.load(directory))
    precise = held_out(twin.load(directory), precision=True)
    warp = warp_check(twin.load(directory), script, voice)
    video = speak(directory, script, voice, scratch / "twin-render")
    spoken, own = analyse.measure(analyse.track(video, None)), analyse.measure(analyse.track(footage, None))
    motion = {"flicker_ratio": flicker(video) / flicker(footage), "jump": largest_jump(video),
              "footage_jump": largest_jump(footage)}
    measures = {"prepare_seconds": prepare_seconds, "footage_seconds": prepared.duration, "held_out": held,
                "held_out_precision": precise, "new_speech": motion, "warp": warp}
    checks = _checks(held, precise, spoken, own, motion, warp)
    table = {"twin": {"title": f"twin of {FOOTAGE} speaking the script ({FPS} fps)", "kind": "twin",
                      "video": str(video.relative_to(scratch.parent)), **spoken},
             "footage": {"title": f"{FOOTAGE} itself, untouched", "kind": "footage", "video": str(footage), **own}}
    return measures, checks, table


def held_out(prepared: twin.Twin, precision: bool = False) -> dict:
    """Mouth and face SSIM, seam and flicker ratios of held-out windows rebuilt from the rest of the footage (in
    lipsync's `precision` mode when asked)."""
    frames = prepared.frames
    reference = np.stack([apply(matrix, points) for matrix, points in zip(prepared.to_reference, prepared.points)])
    shape = list(SHAPED)
    features = (reference[:, shape] - reference[:, 2:3]).reshape(frames, -1)
    engine = twin.placed(prepared, prepared.size[1], matting=False, precision=precision)
    reader = ClipReader(prepared.file("footage.mp4"))
    mouth, face, seam, seam_real, change, change_real = [], [], [], [], [], []
    for start in range(MARGIN * 2, frames - WINDOW - MARGIN, WINDOW_EVERY):
        window = np.arange(start, start + WINDOW)
        others = np.array([i for i in np.flatnonzero(prepared.usable)
                           if i < start - MARGIN or i >= start + WINDOW + MARGIN])
        chosen, seconds = choose_mouths(prepared, features[window], window, features=features, sources=others,
                                        keep_own=False, second=engine.precision)
        rebuilt = [frame[..., :3]
                   for frame in engine.draw(window, chosen, prepared.points[window][:, list(SHAPED)], seconds)]
        real = [np.asarray(reader.frame(int(i))) for i in window]
        for index, made, truth in zip(window, rebuilt, real):
            points = prepared.points[index]
            mouth.append(_ssim(truth, made, _box(points[list(LIPS)], MOUTH_MARGIN)))
            face.append(_ssim(truth, made, _box(points, 0.0)))
            band = _seam_band(points, truth.shape[:2])
            seam.append(_edges(made)[band].mean())
            seam_real.append(_edges(truth)[band].mean())
        lower = _box(prepared.points[start][list(LOWER_OVAL + UNDER_NOSE)], 0.1)
        change.append(_mean_change([made[lower] for made in rebuilt]))
        change_real.append(_mean_change([truth[lower] for truth in real]))
    reader.close()
    return {"windows": len(change), "frames": len(mouth), "mouth_ssim": float(np.mean(mouth)),
            "face_ssim": float(np.mean(face)), "seam_ratio": float(np.mean(seam) / np.mean(seam_real)),
            "flicker_ratio": float(np.mean(change) / np.mean(change_real))}


def warp_check(prepared: twin.Twin, script: str, voice: str) -> dict:
    """How closely the lips follow the shapes new speech asks for, with and without the warp.

    The script's motion-stage parameters drive the engine at the footage's size; the frames where a mouth is
    pasted are drawn twice, warped to their target shapes and as chosen, and the face mesh measures their lip
    opening, compared with the target shapes' own (correlation and mean error, in eye distances)."""
    scene = spec.Scene(spec.Character(spec.TwinLook("jwp")), spec.TextSpeech(script, voice))
    track, n_frames = padded_to_frames(speak_scene(scene, lambda ref, kind: Path(), False), FPS)
    engine = twin.placed(prepared, prepared.size[1], matting=False)
    behind, mouths, targets, _ = engine.plan(face_params(track, FPS, n_frames), SceneClock(FPS, 0))
    pasted = [t for t, target in enumerate(targets) if target is not None]
    wanted = lip_shape(with_shape(prepared.points[behind[pasted]], np.stack([targets[t] for t in pasted])))[:, 0]
    seen = {}
    for name, shapes in (("warped", [targets[t] for t in pasted]), ("chosen", None)):
        drawn = engine.draw(behind[pasted], mouths[pasted], shapes)
        with face.Tracker() as tracker:
            found = [tracker.landmarks(np.ascontiguousarray(frame[..., :3])) for frame in drawn]
        opening = np.array([np.nan if points is None else face.mouth_opening(points) for points in found])
        ok = ~np.isnan(opening)
        seen[name] = {"correlation": float(np.corrcoef(opening[ok], wanted[ok])[0, 1]),
                      "error": float(np.abs(opening[ok] - wanted[ok]).mean())}
    return {"frames": len(targets), "pasted": len(pasted), **seen}


def speak(directory: Path, script: str, voice: str, workdir: Path) -> Path:
    """The twin speaking `script`, rendered through the pipeline at the footage's size."""
    def resolve(ref: spec.MediaRef, kind: str) -> Path:
        return directory

    scene = spec.Scene(spec.Character(spec.TwinLook("jwp")), spec.TextSpeech(script, voice))
    return pipeline.render(spec.VideoSpec((scene,), spec.Output(640, 480, fps=FPS)), workdir, resolve).video


def flicker(video: Path) -> float:
    """Mean frame-to-frame change of the lower face (its box found on the first frame, grown for head motion)."""
    tracked = analyse.track(video, None)
    x0, y0, x1, y1 = np.nanmedian(tracked.boxes, axis=0)
    lower = (slice(int(y0 + 0.55 * (y1 - y0)), int(y1 + 0.1 * (y1 - y0))), slice(int(x0), int(x1)))
    return _mean_change([rgb[lower] for _, rgb in decode.frames(video)])


def largest_jump(video: Path) -> float:
    """The largest mean absolute change of the whole picture from one frame to the next."""
    previous, worst = None, 0.0
    for _, rgb in decode.frames(video):
        current = rgb.astype(np.int16)
        if previous is not None:
            worst = max(worst, float(np.abs(current - previous).mean()))
        previous = current
    return worst


def _mean_change(frames: list[np.ndarray]) -> float:
    stack = np.stack(frames).astype(np.int16)
    return float(np.abs(np.diff(stack, axis=0)).mean())


def _box(points: np.ndarray, grow: float) -> tuple[slice, slice]:
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    margin = grow * (x1 - x0)
    return (slice(max(0, int(y0 - margin)), int(y1 + margin)), slice(max(0, int(x0 - margin)), int(x1 + margin)))


def _ssim(truth: np.ndarray, made: np.ndarray, box: tuple[slice, slice]) -> float:
    grey = [cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_RGB2GRAY) for image in (truth, made)]
    return float(structural_similarity(grey[0], grey[1], data_range=255))


def _seam_band(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Pixels along the border of the blend (the hull paste.py blends, from the real frame's landmarks)."""
    hull = points[list(LOWER_OVAL + UNDER_NOSE)].astype(np.float64)
    centre = points[list(LIPS)].mean(axis=0)
    hull = centre + (hull - centre) * (1 - SHRINK)
    outline = cv2.convexHull(hull.round().astype(np.int32))
    band = np.zeros(shape, np.uint8)
    width = max(3, round(0.05 * (hull[:, 0].max() - hull[:, 0].min())))
    cv2.polylines(band, [outline], True, 1, thickness=width)
    return band.astype(bool)


def _edges(rgb: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))


def _checks(held: dict, precise: dict, spoken: dict, own: dict, motion: dict, warp: dict) -> list[dict]:
    pause = spoken["pause_opening"]["ratio"]
    rows = [
        ("twin held-out", "mouth-region SSIM vs the real frames", f">= {TARGETS['mouth_ssim']}", held["mouth_ssim"],
         held["mouth_ssim"] >= TARGETS["mouth_ssim"], f"{held['mouth_ssim']:.3f}"),
        ("twin held-out", "face SSIM vs the real frames", f">= {TARGETS['face_ssim']}", held["face_ssim"],
         held["face_ssim"] >= TARGETS["face_ssim"], f"{held['face_ssim']:.3f}"),
        ("twin held-out", "seam / the real frames'", f"<= {TARGETS['ratio']}x", held["seam_ratio"],
         held["seam_ratio"] <= TARGETS["ratio"], f"{held['seam_ratio']:.2f}x"),
        ("twin held-out", "lower-face flicker / the real frames'", f"<= {TARGETS['ratio']}x", held["flicker_ratio"],
         held["flicker_ratio"] <= TARGETS["ratio"], f"{held['flicker_ratio']:.2f}x"),
        ("twin held-out, precision", "mouth-region SSIM / face SSIM / flicker", f">= speed's {held['mouth_ssim']:.3f}",
         precise["mouth_ssim"], precise["mouth_ssim"] >= held["mouth_ssim"],
         f"{precise['mouth_ssim']:.3f} / {precise['face_ssim']:.3f} / {precise['flicker_ratio']:.2f}x"),
        ("twin", "audio-visual offset", "-1 to +1 frames", spoken["offset_frames"],
         abs(spoken["offset_frames"]) <= TARGETS["offset"], f"{spoken['offset_frames']:+d} frames"),
        ("twin", "peak correlation / the footage's own", f">= {own['correlation']:.2f}", spoken["correlation"],
         spoken["correlation"] >= own["correlation"], f"{spoken['correlation']:.2f}"),
        ("twin", "mouth opening in pauses / speaking median", "<= 15 %", pause, pause is not None and pause <= 0.15,
         "no pause found" if pause is None else f"{pause:.0%}"),
        ("twin", "lower-face flicker / the footage's", f"<= {TARGETS['ratio']}x", motion["flicker_ratio"],
         motion["flicker_ratio"] <= TARGETS["ratio"], f"{motion['flicker_ratio']:.2f}x"),
        ("twin", "largest frame-to-frame jump / the footage's", "<= 1x", motion["jump"] / motion["footage_jump"],
         motion["jump"] <= motion["footage_jump"], f"{motion['jump']:.2f} vs {motion['footage_jump']:.2f}"),
        ("twin", "lip opening vs the target shapes: correlation, warped",
         f">= unwarped {warp['chosen']['correlation']:.2f}", warp["warped"]["correlation"],
         warp["warped"]["correlation"] >= warp["chosen"]["correlation"],
         f"{warp['warped']['correlation']:.2f} (error {warp['warped']['error']:.3f} vs {warp['chosen']['error']:.3f})"),
    ]
    return [{"video": video, "what": what, "limit": limit, "value": value, "shown": shown,
             "verdict": "pass" if passed else "FAIL", "kind": "target"}
            for video, what, limit, value, passed, shown in rows]


METHOD = (
    "\n## Digital twin (quality/twin.py)\n\n"
    f"PsychoPy's `{FOOTAGE}` (GPL-3.0-or-later, fetched from its wheel by tests/footage.py) is prepared as a twin. "
    f"**Held out**: windows of {WINDOW} frames every {WINDOW_EVERY} are rebuilt from the rest of the footage "
    f"({MARGIN} frames on each side are left out too), driven by the held-out frames' own lip and chin landmarks, "
    "and compared with the real frames: SSIM (grey) of the lips' box grown by "
    f"{MOUTH_MARGIN:.0%} of the mouth's width, and of the face's landmark box; seam = Sobel edge strength along "
    "the blend's border, rebuilt over real; flicker = mean frame-to-frame change of the lower face, rebuilt over "
    "real. The same windows are rebuilt again in lipsync's `precision` mode (two mouths chosen and averaged). "
    f"**New speech**: the twin speaks the script at {FPS} fps; offset, correlation and pause opening are "
    "measured as above and the correlation is compared with the untouched footage's own; flicker of the lower "
    "face and the largest whole-frame jump are compared with the footage's. **Warp**: the frames of the new speech "
    "that paste a mouth are drawn again at the footage's size, once warped to their target lip and jaw shapes and "
    "once as chosen, and the face mesh's inner-lip opening on them is correlated with the target shapes' own (error: "
    "mean absolute difference in eye distances).\n"
)
