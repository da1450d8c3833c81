"""The motion stage: a speech track in, one `FaceParams` per video frame out.

Each pass is a pure function over per-frame curves, in its own module: envelope (mouth from loudness), phonemes
(lips shut on p/b/m, rounding), blinks, head (sway, breathing, nods), params (assembly and the spec's knobs).
"""
from __future__ import annotations

from avatarstudio.render.avatars.base import FaceParams
from avatarstudio.render.motion.blinks import blink_curve
from avatarstudio.render.motion.envelope import attack_release, mouth_from_audio
from avatarstudio.render.motion.head import head_motion
from avatarstudio.render.motion.params import HEAD_AMOUNT, MOUTH_GAIN, SMILE, assemble
from avatarstudio.render.motion.phonemes import close_on_bilabials, roundness
from avatarstudio.render.vocabulary import SpeechTrack


def face_params(
    track: SpeechTrack,
    fps: int,
    n_frames: int,
    expressiveness: str = "low",
    expression: str = "default",
    seed: int = 0,
) -> list[FaceParams]:
    """`n_frames` face parameters at `fps` for `track` (frames past the audio are silent and keep blinking).

    The same inputs and seed always give the same result. `expressiveness` (low|medium|high) scales the head
    motion and the mouth amplitude; `expression` "happy" adds a steady smile.
    """
    if expressiveness not in HEAD_AMOUNT:
        raise ValueError(f"expressiveness must be one of {sorted(HEAD_AMOUNT)}, got {expressiveness!r}")
    if expression not in SMILE:
        raise ValueError(f"expression must be one of {sorted(SMILE)}, got {expression!r}")
    mouth = mouth_from_audio(track.samples, track.sample_rate, fps, n_frames)
    mouth_round = attack_release(roundness(track.phonemes, fps, n_frames), fps, 0.04, 0.08)
    mouth = close_on_bilabials(mouth, track.phonemes, fps) * MOUTH_GAIN[expressiveness]
    return assemble(
        mouth,
        mouth_round,
        blink_curve(n_frames, fps, seed),
        SMILE[expression],
        head_motion(mouth, fps, HEAD_AMOUNT[expressiveness], seed),
    )
