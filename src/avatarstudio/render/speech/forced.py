"""English phonemes of speech whose words are known (a digital twin's `script`), timed by forced alignment.

Free recognition (recognition.py) has to guess the words as well as their timing, and on a few seconds of real
footage it guesses badly ("financial his lecture" for "hi, I'm Jon Peirce, I'm a lecturer"), so the phones it
labels are often the wrong ones. Told the words, pocketsphinx only has to find where each is: a first pass aligns
the words (set_align_text), a second the phones inside them (set_alignment). Words its dictionary lacks are left
out of the alignment; when that is more than a third of them, or the alignment finds no path, the caller is told
to fall back on free recognition. The decode runs in the offload helper (offload.py), like every pocketsphinx
decode, since it holds the GIL throughout.
"""
from __future__ import annotations

import re

import numpy as np
from pocketsphinx import Decoder

from avatarstudio.render.speech import arpabet, offload
from avatarstudio.render.speech.recognition import FRAMES_PER_SECOND, RECOGNITION_RATE, pcm16
from avatarstudio.render.vocabulary import Timed

MOST_UNKNOWN = 1 / 3
"""The largest share of a script's words that may be missing from the dictionary for its alignment to be used."""
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def script_words(script: str) -> list[str]:
    """The script as the dictionary spells words: lower case, punctuation and digits left out."""
    return _WORD.findall(script.lower().replace("’", "'"))


def align_phonemes(samples: np.ndarray, sample_rate: int, script: str) -> list[Timed] | None:
    """Timed IPA phonemes of `samples` (float mono) saying `script`; None when the script cannot be aligned to
    them (too many unknown words, or no path through the audio)."""
    words = script_words(script)
    if not words:
        return None
    found = offload.run(decode_alignment, pcm16(samples, sample_rate), words)
    if found is None:
        return None
    phonemes: list[Timed] = []
    for label, first, end in found:
        phonemes.extend(arpabet.timed_ipa(label, first / FRAMES_PER_SECOND, end / FRAMES_PER_SECOND))
    return phonemes


def decode_alignment(pcm: np.ndarray, words: list[str]) -> list[tuple[str, int, int]] | None:
    """(ARPAbet phone, first frame, end frame) of each phone of `words` said in `pcm`, or None (see
    align_phonemes). Holds the GIL throughout, so it runs in the offload helper."""
    # No dither: the phone pass must hear exactly what the word pass heard (dithered, its search fails to end,
    # and pocketsphinx 5.1.1 crashed outright with dither and bestpath off together).
    decoder = Decoder(samprate=RECOGNITION_RATE, bestpath=False, loglevel="ERROR")
    known = [word for word in words if decoder.lookup_word(word) is not None]
    if len(known) < len(words) * (1 - MOST_UNKNOWN):
        return None
    decoder.set_align_text(" ".join(known))
    if not _decoded(decoder, pcm) or decoder.hyp() is None:  # the words
        return None
    decoder.set_alignment()
    # The phones inside them. (hyp() must not be asked for after this pass: pocketsphinx 5.1.1 crashes.)
    if not _decoded(decoder, pcm):
        return None
    return [(phone.name, phone.start, phone.start + phone.duration)
            for word in decoder.get_alignment() for phone in word]


def _decoded(decoder: Decoder, pcm: np.ndarray) -> bool:
    """One pass over the whole of `pcm`; whether the search reached its end."""
    decoder.start_utt()
    decoder.process_raw(pcm.tobytes(), full_utt=True)
    try:
        decoder.end_utt()
    except RuntimeError:  # "Failed to stop utterance processing": no path reached the end
        return False
    return True
