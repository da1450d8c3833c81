"""English words of uploaded speech, timed, for captions: pocketsphinx's default US-English model (acoustic model,
trigram language model and CMU dictionary from its wheel) with its full search (tree, flat and best-path passes).

It takes about a seventh of the audio's length on one core (three times what the phonemes take), which is why
load_audio transcribes only when asked. The whole upload is decoded as one utterance, so the batch cepstral
normalisation sees all of it; the decoder holds about 90 MB and ten minutes of search add about 75 MB more. The
decode runs in the offload helper process (offload.py), since pocketsphinx holds the GIL throughout it.
"""
from __future__ import annotations

import re

import numpy as np
from pocketsphinx import Decoder

from avatarstudio.render.speech import offload
from avatarstudio.render.speech.recognition import FRAMES_PER_SECOND, RECOGNITION_RATE, pcm16
from avatarstudio.render.vocabulary import Timed

FILLER_MARKS = ("<", "[", "+")
"""How the model's non-words begin: <s>, </s>, <sil>, [NOISE], [SPEECH] (and ++NOISE++ in older models)."""
DITHER_SEED = 1
"""Half-bit noise is added before decoding because digital silence (exact zeros) makes the search invent a word
across it; a fixed seed keeps the same audio giving the same words."""
_VARIANT = re.compile(r"\(\d+\)$")
"""The dictionary's alternate-pronunciation suffix: "read(2)" is the word "read"."""


def transcribe(samples: np.ndarray, sample_rate: int) -> list[Timed]:
    """Timed words heard in `samples` (float mono), lower case as the dictionary spells them, in order.

    Silence and noise are left out; every word lies inside the audio.
    """
    duration = len(samples) / sample_rate
    return [Timed(_VARIANT.sub("", word), start / FRAMES_PER_SECOND, min(end / FRAMES_PER_SECOND, duration))
            for word, start, end in offload.run(decode_words, pcm16(samples, sample_rate))
            if not word.startswith(FILLER_MARKS)]


def decode_words(pcm: np.ndarray) -> list[tuple[str, int, int]]:
    """The words (as the dictionary spells them, fillers included) in `pcm` with their first and end frames.
    Holds the GIL throughout, so it runs in the offload helper (offload.py)."""
    decoder = Decoder(samprate=RECOGNITION_RATE, dither=True, seed=DITHER_SEED, loglevel="ERROR")
    decoder.start_utt()
    decoder.process_raw(pcm.tobytes(), full_utt=True)
    decoder.end_utt()
    return [(segment.word, segment.start_frame, segment.end_frame + 1) for segment in decoder.seg()]
