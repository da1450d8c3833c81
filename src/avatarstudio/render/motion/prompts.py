"""Reading a `motion_prompt` (or Studio `prompt`) for the motion intents we can act on.

The prompt is split into clauses (commas, semicolons, full stops, "and", "then"); each clause is matched against
`INTENTS`, whose effects combine (factors multiply, offsets add). A clause that matches nothing is returned in
`unrecognised`, so the caller can tell the user what was not applied instead of dropping it silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class MotionIntent:
    """How a prompt changes the motion. Factors are 1 and offsets 0 when the prompt says nothing."""

    head: float = 1.0       # factor on all head motion
    nod: float = 1.0        # factor on the nods that follow emphasis
    sway: float = 1.0       # factor on the side-to-side sway
    mouth: float = 1.0      # factor on mouth opening
    smile: float = 0.0      # added to the expression's smile
    tilt: float = 0.0       # degrees of steady head roll
    lean: float = 0.0       # face heights the head sits lower (towards the camera)


INTENTS: tuple[tuple[str, dict[str, float]], ...] = (
    (r"\bnod", {"nod": 2.5}),
    (r"\b(smil|grin|happ|cheer|warm|friendly)", {"smile": 0.5}),
    (r"\b(tilt|cock)", {"tilt": 4.0}),
    (r"\b(look\w*\s+(at|into)\s+(the\s+)?(camera|lens|viewer)|eye contact|direct gaze)", {"sway": 0.4}),
    (r"\blean(s|ing)?\s+(in|forward|closer)", {"lean": 0.03}),
    (r"\b(calm|relax|still|steady|gentle|subtle|serious|composed)", {"head": 0.5, "nod": 0.6}),
    (r"\b(energetic|excit|lively|animated|dynamic|enthusias|expressive)", {"head": 1.6, "nod": 1.5, "mouth": 1.1}),
    (r"\b(shak\w*\s+(the\s+|her\s+|his\s+)?head|head shake)", {"sway": 2.5}),
    (r"\b(emphatic|emphasi|stress)", {"nod": 2.0}),
)
_SPLIT = re.compile(r"[,;.!?\n]+|\band\b|\bthen\b|\bwhile\b", re.IGNORECASE)
_FACTORS = {"head", "nod", "sway", "mouth"}


def read_prompt(prompt: str | None) -> tuple[MotionIntent, list[str]]:
    """(the combined intent, the clauses that matched nothing) for a free-text prompt."""
    intent = MotionIntent()
    unrecognised: list[str] = []
    for clause in _SPLIT.split(prompt or ""):
        clause = clause.strip()
        if not clause:
            continue
        matched = False
        for pattern, effects in INTENTS:
            if re.search(pattern, clause, re.IGNORECASE):
                matched = True
                intent = replace(intent, **{
                    name: getattr(intent, name) * value if name in _FACTORS else getattr(intent, name) + value
                    for name, value in effects.items()})
        if not matched:
            unrecognised.append(clause)
    return intent, unrecognised
