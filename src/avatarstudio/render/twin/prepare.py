"""Preparing a twin: the footage decoded once, every frame tracked, and everything the renderer reads written flat
into one directory (layout.py names the files).

One pass over the frames does the expensive work (working-size re-encode, face mesh, matte, mouth crops); the
checks that need the whole footage (one face, large enough, some of it usable) follow, then the audio (talking
ranges, phones) and the turn points.
"""
from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from avatarstudio.render.twin import footage as source
from avatarstudio.render.twin import layout, mouths, track, turns, voice
from avatarstudio.render.twin.ahead import ahead
from avatarstudio.render.twin.clips import ClipWriter, copy_start
from avatarstudio.render.twin.errors import TwinError

WORKING_LONG, WORKING_SHORT = 1920, 1080
"""The footage is kept at most this large (1080p): no output needs more."""
MIN_FACE_PIXELS = 100
FACE_SAMPLES = 5
"""Frames (spread evenly) on which faces are counted with the full-range detector."""
MATTES_BEHIND = 4
"""Frames the matte thread may lag the tracking (each a 256-pixel-tall picture)."""
MIN_TRACKED = 0.5
"""A twin needs the face found on at least this share of its frames."""
TURNED_AWAY = 0.3
"""A frame whose yaw or pitch differs from the footage's median by more than this (in eye distances) is no mouth
source: its mouth is seen from the side."""
TILTED_DEGREES = 20.0
PREVIEW_SECONDS = 4.0
BEST_SECONDS = 120.0
BEST_NOTE = "2 minutes of varied, natural speech, face to the camera in steady light, make better mouths"
SCRIPT_UNUSED_NOTE = ("the script could not be matched to the footage's speech (most of its words are unknown to the "
                      "English dictionary, or it is not what is said), so the mouth shapes were heard from the sound "
                      "alone")


@dataclass(frozen=True)
class Prepared:
    duration: float
    fps: float
    width: int
    height: int
    frames: int
    usable_frames: int
    notes: list[str] = field(default_factory=list)
    preview_image: str = layout.PREVIEW_IMAGE
    preview_video: str = layout.PREVIEW_VIDEO


def prepare(footage: Path, out_dir: Path, *, script: str | None = None,
            progress: Callable[[float], None] = lambda _: None) -> Prepared:
    """Decode once, track the face, find talking/silent ranges, label phones, masks, turn points...; writes every
    derived file FLAT into out_dir (no subfolders). Raises TwinError for unusable footage.

    `script`, the words the person says, times the phones by forced alignment (voice.phones) and is kept with
    them as their transcript.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    probe = source.probe(footage)
    working = _even(_fit(probe.width, probe.height, WORKING_LONG, WORKING_SHORT))
    tracking = _even(_fit(*working, 10 ** 6, track.TRACK_HEIGHT)) if min(working) > track.TRACK_HEIGHT else working
    with ThreadPoolExecutor(1) as listener:  # the phone loop runs while the frames are tracked
        heard = listener.submit(_listen, footage, probe.fps, script)
        pass_ = _track_frames(footage, probe, working, tracking, out_dir, progress)
        samples, level, (phones, aligned) = heard.result()
    points = pass_.points
    tracked = ~np.isnan(points[:, 0, 0])
    _check_faces(pass_.face_heights, tracked, points, probe.height / working[1])
    pose = track.pose(points)
    centre = np.nanmedian(pose, axis=0)
    usable = tracked & (np.abs(pose[:, 0] - centre[0]) < TURNED_AWAY) & (np.abs(pose[:, 1] - centre[1]) < TURNED_AWAY)
    usable &= np.abs(pose[:, 2] - centre[2]) < TILTED_DEGREES
    progress(0.9)
    frames = len(points)
    level = _fitted(level, frames)
    lips = track.lip_shape(points)
    speaking = voice.talking(level, probe.fps) if len(samples) else voice.moving_lips(lips[:, 0])
    speed = turns.head_speed(points, probe.fps)
    first, last = turns.turn_points(speed, usable)
    np.savez(out_dir / layout.TRACK, points=points, reference=pass_.reference, crop_box=np.array(pass_.box),
             mouth_offsets=pass_.offsets, pose=pose, eyes=track.eye_openness(points), lips=lips,
             talking=speaking, usable=usable, level_db=level, speed=speed.astype(np.float32))
    (out_dir / layout.PHONES).write_text(json.dumps({
        "script": script, "phones": [[phone.label, phone.start, phone.end] for phone in phones]}))
    notes = _notes(probe.duration, int(usable.sum()), frames, len(samples) > 0, bool(script) and not aligned)
    about = {"format": layout.FORMAT, "fps": probe.fps, "width": probe.width, "height": probe.height,
             "working": list(working), "tracking": list(tracking), "frames": frames, "turns": [first, last],
             "notes": notes}
    (out_dir / layout.ABOUT).write_text(json.dumps(about, indent=1))
    progress(1.0)
    return Prepared(probe.duration, probe.fps, probe.width, probe.height, frames, int(usable.sum()), notes)


def _listen(footage: Path, fps: float, script: str | None) -> tuple[np.ndarray, np.ndarray, tuple[list, bool]]:
    """The footage's audio, its level per video frame, and its phones with whether the script timed them."""
    samples = source.audio(footage)
    frames = int(np.ceil(len(samples) / source.AUDIO_RATE * fps))
    return samples, voice.levels(samples, source.AUDIO_RATE, fps, frames), voice.phones(samples, source.AUDIO_RATE, script)


def _fitted(values: np.ndarray, frames: int) -> np.ndarray:
    """`values` cut or padded (with silence) to `frames` entries."""
    out = np.full(frames, -100.0, np.float32)
    out[:min(frames, len(values))] = values[:frames]
    return out


@dataclass
class _Pass:
    points: np.ndarray
    reference: np.ndarray
    box: tuple[int, int, int, int]
    offsets: np.ndarray
    face_heights: list[list[float]]


def _sized(footage: Path, probe: source.Probe, working: tuple[int, int], tracking: tuple[int, int],
           matte: tuple[int, int]) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(working, tracking, matte-sized) RGB of every frame, in order."""
    for rgb in source.frames(footage, probe.rotation):
        frame = rgb if rgb.shape[1::-1] == working else cv2.resize(rgb, working, interpolation=cv2.INTER_AREA)
        small = frame if working == tracking else cv2.resize(frame, tracking, interpolation=cv2.INTER_AREA)
        yield frame, small, cv2.resize(small, matte, interpolation=cv2.INTER_LINEAR)


def _track_frames(footage: Path, probe: source.Probe, working: tuple[int, int], tracking: tuple[int, int],
                  out_dir: Path, progress: Callable[[float], None]) -> _Pass:
    """The one pass over the frames: re-encode, landmarks, matte, mouth crops, face counts, previews.

    Three threads share it (mediapipe, OpenCV and FFmpeg release the GIL): one decodes and resizes the frames
    ahead, this one tracks the face and cuts the mouths, and one runs the person matte a few frames behind.
    Measured on 58 s of footage, this thread alone spent 24 s on them one after the other."""
    tracker = track.Tracker()
    clip = ClipWriter(out_dir / layout.FOOTAGE, working, probe.fps)
    small_matte = _even(_fit(*working, 10 ** 6, track.MATTE_HEIGHT))
    matte = ClipWriter(out_dir / layout.MATTE, small_matte, probe.fps, grey=True)
    mattes = track.SparseMatte(tracker, matte.write)
    matting = ThreadPoolExecutor(1, thread_name_prefix="twin-matte")  # in frame order, one at a time
    behind: deque[Future] = deque()
    preview_frame = round(PREVIEW_SECONDS * probe.fps) // 4
    sampled = set(np.linspace(0, probe.frames - 1, FACE_SAMPLES).round().astype(int).tolist())
    scale = working[0] / tracking[0]
    all_points: list[np.ndarray | None] = []
    heights: list[list[float]] = []
    writer: mouths.MouthWriter | None = None
    reference = np.zeros((len(track.STABLE), 2), np.float32)
    box = (0, 0, 1, 1)
    try:
        with closing(ahead(_sized(footage, probe, working, tracking, small_matte))) as sized:
            for index, (frame, small, matte_sized) in enumerate(sized):
                clip.write(frame)
                if index == preview_frame:
                    cv2.imwrite(str(out_dir / layout.PREVIEW_IMAGE), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, 90])
                behind.append(matting.submit(mattes.add, matte_sized))
                while len(behind) > MATTES_BEHIND:
                    behind.popleft().result()
                points = tracker.landmarks(small)
                points = None if points is None else points * np.float32(scale)
                if index in sampled:
                    heights.append(tracker.face_heights(small))
                if writer is None and points is not None:
                    reference = points[list(track.STABLE)].copy()
                    box = mouths.crop_box(points)
                    writer = mouths.MouthWriter(reference, box)
                    writer.add_missing(index)
                if writer is not None:
                    writer.add(frame, points)
                all_points.append(points)
                if index % 25 == 0:
                    progress(0.85 * min(1.0, index / probe.frames))
        behind.append(matting.submit(mattes.close))
        while behind:
            behind.popleft().result()
    finally:
        matting.shutdown(cancel_futures=True)
        tracker.close()
        for video in (clip, matte):
            video.close()
    copy_start(out_dir / layout.FOOTAGE, out_dir / layout.PREVIEW_VIDEO, PREVIEW_SECONDS)
    if not all_points:
        raise TwinError("not_a_video", "No frame of the video could be decoded")
    offsets = writer.save(out_dir / layout.MOUTHS) if writer else np.zeros(len(all_points) + 1, np.int64)
    missing = np.full((478, 2), np.nan, np.float32)
    stacked = np.stack([missing if p is None else p for p in all_points]).astype(np.float32)
    return _Pass(stacked, reference, box, offsets, heights)


def _check_faces(heights: list[list[float]], tracked: np.ndarray, points: np.ndarray, to_source: float) -> None:
    """One face, found on enough frames, at least MIN_FACE_PIXELS tall in the footage's own pixels."""
    several = sum(len(found) > 1 for found in heights)
    if several > len(heights) // 4:
        raise TwinError("several_faces", f"More than one face is in the footage ({max(map(len, heights))} on some "
                                         "frames): a twin is made from footage of one person alone")
    detected = [max(found) for found in heights if found]
    if tracked.mean() < MIN_TRACKED:
        if len(detected) > len(heights) // 2 and np.median(detected) * to_source < MIN_FACE_PIXELS:
            raise TwinError("face_too_small", _too_small(np.median(detected) * to_source))
        raise TwinError("no_face", f"A face was found on only {tracked.mean():.0%} of the frames: the person must "
                                   "face the camera, unhidden, for most of the footage")
    tall = float(np.median(track.face_height(points[tracked]))) * to_source
    if tall < MIN_FACE_PIXELS:
        raise TwinError("face_too_small", _too_small(tall))


def _too_small(pixels: float) -> str:
    return (f"The face is {pixels:.0f} pixels tall; a twin needs at least {MIN_FACE_PIXELS} (film closer, or at "
            "720p or more)")


def _notes(duration: float, usable: int, frames: int, has_sound: bool, script_unused: bool) -> list[str]:
    notes = []
    if duration < BEST_SECONDS:
        notes.append(f"{BEST_NOTE}; this footage is {duration:.0f} s")
    if usable < 0.9 * frames:
        notes.append(f"{1 - usable / frames:.0%} of the frames show the face turned away or hidden; they are shown "
                     "but never lend their mouth")
    if not has_sound:
        notes.append("the footage has no sound, so its talking and silent ranges are read from the lips alone")
    if script_unused and has_sound:
        notes.append(SCRIPT_UNUSED_NOTE)
    return notes


def _fit(width: int, height: int, long_side: int, short_side: int) -> tuple[int, int]:
    factor = min(1.0, long_side / max(width, height), short_side / min(width, height))
    return round(width * factor), round(height * factor)


def _even(size: tuple[int, int]) -> tuple[int, int]:
    return size[0] // 2 * 2, size[1] // 2 * 2
