"""The background timeline: which footage frame shows behind each output frame.

The footage plays forwards from its first turn point to its last and back again (ping-pong), turning where the
head is nearly still, so the body never jumps; a video longer than the footage simply keeps going. The position
is a function of the output frame's time in the whole video, so consecutive scenes continue one another.
"""
from __future__ import annotations

import numpy as np


def background_frames(turns: tuple[int, int], footage_fps: float, fps: float, first_frame: int,
                      count: int) -> np.ndarray:
    """Footage frame indices for output frames first_frame .. first_frame + count - 1 at `fps`."""
    first, last = turns
    span = max(1, last - first)
    position = (np.arange(first_frame, first_frame + count) / fps * footage_fps).round().astype(np.int64)
    phase = position % (2 * span)
    return np.where(phase <= span, first + phase, first + 2 * span - phase)
