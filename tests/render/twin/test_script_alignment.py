"""A twin's `script` times its phones by forced alignment: on PsychoPy's jwpIntro.mp4 the labels differ from free
recognition's and fall where the lips show them (open on vowels, closed on p, b, m) at least as well."""
from __future__ import annotations

import json

import numpy as np
import pytest

from avatarstudio.render.speech.forced import align_phonemes
from avatarstudio.render.twin import footage
from avatarstudio.render.vocabulary import Timed
from tests.footage import clip

pytestmark = pytest.mark.slow

JWP_SCRIPT = "Hi, I'm Jon Peirce. I'm a lecturer at the University of Nottingham and the creator of PsychoPy."
"""What he says, as pocketsphinx's word and phone decodes of the clip suggest it (free recognition hears
"financial his lecture you missed it come from creatures lifetime"); "Peirce" and "PsychoPy" are not in its
dictionary and are left out of the alignment."""
OPEN = set("ɑæʌɔaɛɝeɪiouəɚ")
CLOSED = set("pbm")


def lip_contrast(phones: list[Timed], opening: np.ndarray, fps: float) -> float:
    """How much more parted the lips are under the vowels than under p, b and m, in standard deviations of the
    opening: well-timed labels score higher."""
    def mean_under(labels: set[str]) -> float:
        frames = [index for phone in phones if phone.label in labels
                  for index in range(int(phone.start * fps), max(int(phone.start * fps) + 1, int(phone.end * fps)))
                  if index < len(opening)]
        return float(np.mean(opening[frames]))
    return (mean_under(OPEN) - mean_under(CLOSED)) / float(np.std(opening))


def test_the_script_aligns_the_phones_better_than_free_recognition(jwp_twin) -> None:
    directory, prepared = jwp_twin
    track = np.load(directory / "track.npz")
    opening = np.nan_to_num(track["lips"][:, 0], nan=float(np.nanmedian(track["lips"][:, 0])))
    free = [Timed(*phone) for phone in json.loads((directory / "phones.json").read_text())["phones"]]
    aligned = align_phonemes(footage.audio(clip("jwpIntro.mp4")), footage.AUDIO_RATE, JWP_SCRIPT)
    assert aligned is not None and [p.label for p in aligned] != [p.label for p in free]
    assert "l ɛ k t ʃ ɝ" in " ".join(p.label for p in aligned)  # "lecturer", which free recognition mislabels
    assert lip_contrast(aligned, opening, prepared.fps) >= lip_contrast(free, opening, prepared.fps)


def test_a_script_mostly_outside_the_dictionary_falls_back_to_recognition() -> None:
    samples = footage.audio(clip("jwpIntro.mp4"))
    assert align_phonemes(samples, footage.AUDIO_RATE, "Qwzx blorptang frimble, hi.") is None
    assert align_phonemes(samples, footage.AUDIO_RATE, "123 !!") is None
