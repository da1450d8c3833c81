"""The motion stage: a speech track in, one `FaceParams` per video frame out.

Each pass is a pure function over per-frame curves, in its own module: envelope (mouth from loudness), visemes
(how open and rounded each sound is, blended across neighbours), phonemes (lips shut on p/b/m), blinks, head
(sway, breathing, nods), prompts (intents read from a motion prompt), params (assembly and the spec's knobs).
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.motion.blinks import blink_curve
from avatarstudio.render.motion.envelope import attack_release, mouth_from_audio
from avatarstudio.render.motion.head import head_motion
from avatarstudio.render.motion.params import HEAD_AMOUNT, MOUTH_GAIN, SMILE, STYLE, assemble
from avatarstudio.render.motion.phonemes import close_on_bilabials
from avatarstudio.render.motion.prompts import read_prompt
from avatarstudio.render.motion.visemes import viseme_curves
from avatarstudio.render.vocabulary import FaceParams, SpeechTrack

VISEME_FLOOR = 0.35
"""How much of the loudness envelope the least open sound keeps (the envelope carries the timing)."""


def face_params(
    track: SpeechTrack,
    fps: int,
    n_frames: int,
    expressiveness: str = "low",
    expression: str = "default",
    seed: int = 0,
    talking_style: str = "stable",
    motion_prompt: str | None = None,
    notes: list[str] | None = None,
) -> list[FaceParams]:
    """`n_frames` face parameters at `fps` for `track` (frames past the audio are silent and keep blinking).

    The same inputs and seed always give the same result. `expressiveness` (low|medium|high) scales the head
    motion and the mouth amplitude; `talking_style` "expressive" moves the head more and nods on emphasis;
    `expression` "happy" adds a steady smile; `motion_prompt` is read for intents (prompts.py). Parts of the
    prompt that were not understood are appended to `notes` as one sentence, when `notes` is given.
    """
    if expressiveness not in HEAD_AMOUNT:
        raise ValueError(f"expressiveness must be one of {sorted(HEAD_AMOUNT)}, got {expressiveness!r}")
    if expression not in SMILE:
        raise ValueError(f"expression must be one of {sorted(SMILE)}, got {expression!r}")
    if talking_style not in STYLE:
        raise ValueError(f"talking_style must be one of {sorted(STYLE)}, got {talking_style!r}")
    intent, unrecognised = read_prompt(motion_prompt)
    if unrecognised and notes is not None:
        quoted = "; ".join(f'"{part}"' for part in unrecognised)
        notes.append(f"motion prompt: not understood, so not applied: {quoted}")
    openness, roundness = viseme_curves(track.phonemes, fps, n_frames)
    mouth = mouth_from_audio(track.samples, track.sample_rate, fps, n_frames)
    mouth = mouth * (VISEME_FLOOR + (1 - VISEME_FLOOR) * openness)
    mouth = close_on_bilabials(mouth, track.phonemes, fps) * MOUTH_GAIN[expressiveness] * intent.mouth
    mouth_round = attack_release(roundness, fps, 0.04, 0.08)
    style_head, style_nod = STYLE[talking_style]
    head_x, head_y, head_roll = head_motion(mouth, fps, HEAD_AMOUNT[expressiveness] * style_head * intent.head, seed,
                                            nod=style_nod * intent.nod, sway=intent.sway)
    return assemble(
        mouth,
        mouth_round,
        blink_curve(n_frames, fps, seed),
        float(np.clip(SMILE[expression] + intent.smile, 0.0, 1.0)),
        (head_x, head_y + intent.lean, head_roll + intent.tilt),
    )
