"""ARPAbet (CMU dictionary, festival's radio phone set, pocketsphinx) to IPA, so every SpeechTrack's phonemes
share one alphabet whichever engine or recogniser produced them.

Diphthongs and affricates become two timed sounds sharing the phone's span ("ow" -> "o", "ʊ"), as piper labels them, so the
motion stage sees the rounded half of "aw" and "ow" where it is.
"""
from __future__ import annotations

from avatarstudio.render.vocabulary import Timed

IPA = {
    "aa": "ɑ", "ae": "æ", "ah": "ʌ", "ao": "ɔ", "aw": "a ʊ", "ax": "ə", "axr": "ɚ", "ay": "a ɪ", "eh": "ɛ",
    "er": "ɝ", "ey": "e ɪ", "ih": "ɪ", "ix": "ɨ", "iy": "i", "ow": "o ʊ", "oy": "ɔ ɪ", "uh": "ʊ", "uw": "u",
    "b": "b", "ch": "t ʃ", "d": "d", "dh": "ð", "dx": "ɾ", "el": "l̩", "em": "m̩", "en": "n̩", "f": "f", "g": "ɡ",
    "hh": "h", "jh": "d ʒ", "k": "k", "l": "l", "m": "m", "n": "n", "ng": "ŋ", "nx": "ɾ̃", "p": "p", "r": "ɹ",
    "s": "s", "sh": "ʃ", "t": "t", "th": "θ", "v": "v", "w": "w", "wh": "ʍ", "y": "j", "z": "z", "zh": "ʒ",
}
"""Lower-case ARPAbet without stress digits -> IPA; a space parts the two halves of a diphthong."""
SILENCES = frozenset({"pau", "sil", "h#", "sp"})


def timed_ipa(label: str, start: float, end: float) -> list[Timed]:
    """The IPA sounds of ARPAbet phone `label` ("AH0", "dh") over [start, end); none for silence, noise
    ("+NSN+") and unknown labels."""
    key = label.strip().lower().rstrip("012")
    sounds = [] if key in SILENCES else IPA.get(key, "").split()
    step = (end - start) / max(len(sounds), 1)
    return [Timed(sound, start + index * step, start + (index + 1) * step) for index, sound in enumerate(sounds)]
