"""The audio side of an encode: the speech fitted to the video's length and written where ffmpeg can read it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

ENCODED_SAMPLE_RATE = 48_000
"""Both containers carry 48 kHz audio: Opus requires it and AAC is happy with it."""


def fit_to_frames(samples: np.ndarray, sample_rate: int, frames: int, fps: int) -> np.ndarray:
    """Mono float32 samples clipped to [-1, 1], cut or padded with silence to last exactly frames / fps."""
    wanted = round(frames * sample_rate / fps)
    mono = np.asarray(samples, dtype=np.float32).reshape(-1)[:wanted]
    fitted = np.zeros(wanted, dtype=np.float32)  # the one copy: long videos keep their audio twice at most
    np.clip(mono, -1.0, 1.0, out=fitted[:len(mono)])
    return fitted


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Writes mono float samples as a 32-bit float WAV, which ffmpeg reads without loss."""
    soundfile.write(path, samples, sample_rate, subtype="FLOAT", format="WAV")
