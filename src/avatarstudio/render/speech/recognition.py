"""English phoneme recognition of uploaded speech with pocketsphinx (its wheel ships the en-US model).

Phone-loop decoding (context-independent phones under the bundled phone language model) needs no transcript
and runs well over ten times faster than real time. Long audio is decoded in pieces cut at its quietest moments,
so memory stays flat up to the ten-minute upload limit. Labels leave as IPA (arpabet.to_ipa).
"""
from __future__ import annotations

import functools
import threading
from pathlib import Path

import numpy as np
import soxr
from pocketsphinx import Decoder, get_model_path

from avatarstudio.render.speech import arpabet, offload
from avatarstudio.render.vocabulary import Timed

RECOGNITION_RATE = 16000
FRAMES_PER_SECOND = 100
PIECE_SECONDS = 20.0
"""Longest audio decoded as one utterance; a piece ends at the quietest 10 ms in its last CUT_WINDOW seconds."""
CUT_WINDOW = 5.0
QUIET_DB = 40.0
"""A recognised phone whose loudest 10 ms is this far under the loud speech (or under -60 dBFS) is dropped: the
phone loop names something even in silence."""
LANGUAGE_WEIGHT = 2.0
"""Weight of the phone language model against the acoustics (pocketsphinx's word default, 6.5, drops phones)."""

_LOCK = threading.Lock()


@functools.cache
def _decoder() -> Decoder:
    """The process's phone-loop decoder. Use only while holding _LOCK (a decoder is one stateful search)."""
    model = Path(get_model_path()) / "en-us"
    return Decoder(hmm=str(model / "en-us"), allphone=str(model / "en-us-phone.lm.bin"), allphone_ci=True,
                   lw=LANGUAGE_WEIGHT, beam=1e-20, pbeam=1e-20, samprate=RECOGNITION_RATE, loglevel="ERROR")


def recognize_phonemes(samples: np.ndarray, sample_rate: int) -> list[Timed]:
    """Timed IPA phonemes heard in `samples` (float mono); silence and noise are left out."""
    pcm = pcm16(samples, sample_rate)
    hop = RECOGNITION_RATE // FRAMES_PER_SECOND
    audible = _audible_frames(pcm, hop)
    phonemes: list[Timed] = []
    ranges = pieces(pcm, RECOGNITION_RATE)
    for (start, _), found in zip(ranges, offload.run(decode_phones, pcm, ranges)):
        offset = start / RECOGNITION_RATE
        for label, first, last in found:
            if audible[start // hop + first:start // hop + last].any():
                phonemes.extend(arpabet.timed_ipa(label, offset + first / FRAMES_PER_SECOND,
                                                  offset + last / FRAMES_PER_SECOND))
    return phonemes


def decode_phones(pcm: np.ndarray, ranges: list[tuple[int, int]]) -> list[list[tuple[str, int, int]]]:
    """Per [start, end) range of `pcm`, the phones the phone loop found: (ARPAbet label, first frame, end frame)
    relative to the range. Holds the GIL throughout, so it runs in the offload helper (offload.py)."""
    found = []
    with _LOCK:
        decoder = _decoder()
        for start, end in ranges:
            decoder.start_utt()
            decoder.process_raw(pcm[start:end].tobytes(), full_utt=True)
            decoder.end_utt()
            found.append([(seg.word, seg.start_frame, seg.end_frame + 1) for seg in decoder.seg()])
    return found


def pcm16(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """`samples` (float mono) as the 16-bit PCM at RECOGNITION_RATE that pocketsphinx's en-US models expect."""
    audio = soxr.resample(samples.astype(np.float32), sample_rate, RECOGNITION_RATE)
    return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)


def _audible_frames(pcm: np.ndarray, hop: int) -> np.ndarray:
    """Per recogniser frame: whether it is within QUIET_DB of the loud speech and above -60 dBFS."""
    count = len(pcm) // hop
    power = np.square(pcm[:count * hop].astype(np.float64) / 32768).reshape(count, hop).mean(axis=1) + 1e-12
    level = 10 * np.log10(power)
    loud = np.percentile(level, 95) if count else 0.0
    return (level > loud - QUIET_DB) & (level > -60.0)


def pieces(samples: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """[start, end) sample ranges covering `samples`, each at most PIECE_SECONDS, cut at quiet 10 ms frames."""
    longest, window, frame = (round(seconds * sample_rate) for seconds in (PIECE_SECONDS, CUT_WINDOW, 0.01))
    ranges: list[tuple[int, int]] = []
    start = 0
    while len(samples) - start > longest:
        search = samples[start + longest - window:start + longest].astype(np.float64)
        energy = np.square(search[:len(search) // frame * frame]).reshape(-1, frame).sum(axis=1)
        cut = start + longest - window + int(np.argmin(energy)) * frame + frame // 2
        ranges.append((start, cut))
        start = cut
    ranges.append((start, len(samples)))
    return ranges
