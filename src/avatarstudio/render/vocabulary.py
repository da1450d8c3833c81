"""Words shared by every render stage: timed labels, a speech track, a frame, a box, a face's pose and place.

Stages exchange only these plain values, so each stage can be tested alone with small real inputs, and no stage
imports another for a type.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from avatarstudio import spec

Frame = np.ndarray
"""An RGBA image, uint8, shape (height, width, 4). Alpha 0 is transparent."""

Box = tuple[int, int, int, int]
"""(x0, y0, x1, y1) in frame pixels, end exclusive."""

MediaResolver = Callable[[spec.MediaRef, str], Path]
"""(reference, expected kind 'image'|'audio'|'video') -> a local file with its bytes."""


@dataclass(frozen=True)
class Timed:
    """A label (word, phoneme, viseme) over [start, end) seconds of the audio."""

    label: str
    start: float
    end: float


@dataclass
class SpeechTrack:
    """Mono audio in [-1, 1] plus what is said when. Words and phonemes may be empty (uploaded audio, silence)."""

    samples: np.ndarray
    sample_rate: int
    words: list[Timed] = field(default_factory=list)
    phonemes: list[Timed] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class FaceParams:
    """One frame's pose and expression. Every field 0 is the neutral face at rest.

    head_x and head_y are fractions of the face height (positive = right / down); head_roll is in degrees
    (positive = clockwise on screen). Engines may ignore what they cannot show (a still photo ignores the mouth).
    """

    mouth_open: float = 0.0
    mouth_round: float = 0.0
    blink: float = 0.0
    smile: float = 0.0
    head_x: float = 0.0
    head_y: float = 0.0
    head_roll: float = 0.0


@dataclass(frozen=True)
class FaceBox:
    """Where the face is in an engine's frames: centre (cx of the width, cy of the height) and its height (of the
    frame height), all fractions. Framing styles (closeUp, circle) centre on it."""

    cx: float
    cy: float
    height: float


DEFAULT_FACE_BOX = FaceBox(cx=0.5, cy=0.35, height=0.3)
"""A head-and-shoulders portrait, for frames whose face position is unknown."""
