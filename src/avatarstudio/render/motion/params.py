"""Assembling per-frame curves into `FaceParams`, and the knobs the spec's words map to."""
from __future__ import annotations

import numpy as np

from avatarstudio.render.vocabulary import FaceParams

HEAD_AMOUNT = {"low": 0.6, "medium": 1.0, "high": 1.8}
MOUTH_GAIN = {"low": 0.85, "medium": 1.0, "high": 1.15}
SMILE = {"default": 0.0, "happy": 0.7}
STYLE = {"stable": (0.8, 1.0), "expressive": (1.3, 2.0)}
"""talking_style -> (factor on head motion, factor on nods)."""


def assemble(
    mouth_open: np.ndarray,
    mouth_round: np.ndarray,
    blink: np.ndarray,
    smile: float,
    head: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> list[FaceParams]:
    """One `FaceParams` per frame from equally long curves; mouth values are clipped to 0..1."""
    head_x, head_y, head_roll = head
    return [
        FaceParams(
            mouth_open=float(np.clip(mouth_open[i], 0, 1)),
            mouth_round=float(np.clip(mouth_round[i], 0, 1)),
            blink=float(blink[i]),
            smile=smile,
            head_x=float(head_x[i]),
            head_y=float(head_y[i]),
            head_roll=float(head_roll[i]),
        )
        for i in range(len(mouth_open))
    ]
