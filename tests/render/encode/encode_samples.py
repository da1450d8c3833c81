"""Small real inputs for the encode tests: 320x240 frames at 25 fps with known colours, and a 440 Hz tone."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from avatarstudio.render.encode import EncodeTarget, VideoWriter

WIDTH, HEIGHT, FPS, FRAMES = 320, 240, 25, 50
TONE_RATE = 22_050
PATCHES = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}
"""Colour patches of the MP4's top-left, top-right and bottom-left quarters; the bottom-right is grey_level(i)."""


def grey_level(index: int) -> int:
    """The grey of frame `index`'s bottom-right quarter: it changes every frame, so frame order is checkable."""
    return 40 + 4 * index


def tone(seconds: float, hertz: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * TONE_RATE)) / TONE_RATE
    return (0.5 * np.sin(2 * np.pi * hertz * t)).astype(np.float32)


def patch_frame(index: int) -> np.ndarray:
    frame = np.full((HEIGHT, WIDTH, 4), 255, np.uint8)
    top, left = slice(0, HEIGHT // 2), slice(0, WIDTH // 2)
    bottom, right = slice(HEIGHT // 2, HEIGHT), slice(WIDTH // 2, WIDTH)
    frame[top, left, :3] = PATCHES["red"]
    frame[top, right, :3] = PATCHES["green"]
    frame[bottom, left, :3] = PATCHES["blue"]
    frame[bottom, right, :3] = grey_level(index)
    return frame


def half_transparent_frame(index: int) -> np.ndarray:
    """An orange frame, transparent on the left half and opaque on the right half."""
    frame = np.zeros((HEIGHT, WIDTH, 4), np.uint8)
    frame[..., :3] = (200, 60 + index, 30)
    frame[:, WIDTH // 2 :, 3] = 255
    return frame


def encode(path: Path, container: str, make_frame, samples: np.ndarray, frames: int = FRAMES,
           planned: int | None = None) -> Path:
    with VideoWriter(EncodeTarget(path, container, WIDTH, HEIGHT, FPS), samples, TONE_RATE,
                     planned_frames=planned) as writer:
        for index in range(frames):
            writer.write(make_frame(index))
    return path

