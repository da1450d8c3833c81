"""Avatar frame cost at 720p on one core, in its own process: prints one JSON object.

Issue 4 sets the budget per avatar frame on one core; inside a render the frame loop shares the machine with
ffmpeg, so this measures the engines alone: pinned to one CPU, one BLAS thread, driven by the motion stage's own
parameters for a speech-like track (so mouth, blinks and head motion vary as in a real render).
"""
from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
import skimage.data

from avatarstudio.render.avatars import builtin_engine, photo_engine
from avatarstudio.render.motion import face_params
from avatarstudio.render.vocabulary import SpeechTrack

HEIGHT = 720
FPS = 25
SECONDS = 12


def speech_like_track(seconds: float, rate: int = 24000) -> SpeechTrack:
    """Syllable-rate bursts of a voiced tone with pauses: enough to drive mouth, blinks and head motion."""
    t = np.arange(int(seconds * rate)) / rate
    voiced = np.sin(2 * np.pi * 140 * t) * (np.sin(2 * np.pi * 3.5 * t) > 0) * (np.sin(2 * np.pi * 0.2 * t) > -0.6)
    return SpeechTrack((0.4 * voiced).astype(np.float32), rate)


def ms_per_frame(engine, params) -> float:
    for frame_params in params[:25]:
        engine.frame(frame_params)
    started = time.perf_counter()
    for frame_params in params:
        engine.frame(frame_params)
    return (time.perf_counter() - started) / len(params) * 1000


def main() -> int:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    params = face_params(speech_like_track(SECONDS), FPS, SECONDS * FPS, expressiveness="medium")
    print(json.dumps({
        "cpu": sorted(os.sched_getaffinity(0)), "frames": len(params), "height": HEIGHT,
        "photo_ms": ms_per_frame(photo_engine(skimage.data.astronaut(), HEIGHT), params),
        "drawn_ms": ms_per_frame(builtin_engine("Ava_drawn_front", HEIGHT), params),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
