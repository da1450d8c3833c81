"""What the person says in the footage: when they talk and when they are silent, and which phones they make.

Talking frames are those within TALKING_BELOW_PEAK_DB of the loud speech (95th percentile of the level), with gaps
shorter than BRIDGE_SECONDS bridged. Phones come from forced alignment of the twin's script when it has one, else
from the project's pocketsphinx phone loop (render/speech).
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.speech.forced import align_phonemes
from avatarstudio.render.speech.recognition import recognize_phonemes
from avatarstudio.render.vocabulary import Timed

TALKING_BELOW_PEAK_DB = 25.0
BRIDGE_SECONDS = 0.25


def levels(samples: np.ndarray, rate: int, fps: float, frames: int) -> np.ndarray:
    """dB level of the audio under each video frame (-100 where there is none)."""
    out = np.full(frames, -100.0, np.float32)
    for index in range(frames):
        piece = samples[int(index * rate / fps):int((index + 1) * rate / fps)]
        if len(piece):
            out[index] = 10 * np.log10(float(np.mean(piece.astype(np.float64) ** 2)) + 1e-10)
    return out


def talking(level_db: np.ndarray, fps: float) -> np.ndarray:
    """True on frames where the person talks."""
    if (level_db <= -99).all():
        return np.zeros(len(level_db), bool)
    loud = level_db >= np.percentile(level_db, 95) - TALKING_BELOW_PEAK_DB
    bridge = round(BRIDGE_SECONDS * fps)
    quiet_run = 0
    result = loud.copy()
    for index, value in enumerate(loud):
        if value:
            if 0 < quiet_run <= bridge and index - quiet_run > 0:
                result[index - quiet_run:index] = True
            quiet_run = 0
        else:
            quiet_run += 1
    return result


def moving_lips(opening: np.ndarray) -> np.ndarray:
    """Talking frames of footage without sound: the lips parted more than at rest (the 40th percentile)."""
    return np.nan_to_num(opening, nan=0.0) > np.nanpercentile(opening, 40)


def phones(samples: np.ndarray, rate: int, script: str | None = None) -> tuple[list[Timed], bool]:
    """(phones, aligned): the timed IPA phones of the footage's audio, aligned to `script` (what the person says)
    when it is given and fits the audio, else heard by the English phone loop; and whether the script was used
    (a twin's status says when a script given was not)."""
    if not len(samples):
        return [], False
    aligned = align_phonemes(samples, rate, script) if script else None
    return (aligned, True) if aligned is not None else (recognize_phonemes(samples, rate), False)
