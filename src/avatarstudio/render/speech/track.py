"""Building SpeechTracks: silence, resampling, trimming to the spoken part, and joining with timings offset."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import soxr

from avatarstudio.render.vocabulary import SpeechTrack, Timed

SAMPLE_RATE = 24000
"""Every SpeechTrack the speech package returns is at this rate."""


def silence(seconds: float) -> SpeechTrack:
    """`seconds` of digital silence at SAMPLE_RATE, without words or phonemes."""
    return SpeechTrack(np.zeros(round(max(seconds, 0.0) * SAMPLE_RATE), np.float32), SAMPLE_RATE)


def resample(track: SpeechTrack, rate: int = SAMPLE_RATE) -> SpeechTrack:
    """The same track at `rate`; timings are in seconds and so unchanged."""
    if track.sample_rate == rate:
        return track
    samples = soxr.resample(track.samples, track.sample_rate, rate).astype(np.float32)
    return SpeechTrack(samples, rate, track.words, track.phonemes)


def trim_to_speech(track: SpeechTrack, lead: float, tail: float) -> SpeechTrack:
    """Cut the engine's silence so that at most `lead` seconds precede the first phoneme and `tail` follow the last.

    Pauses between sentences and at break tags are then exactly what the caller inserts.
    """
    if not track.phonemes:
        return track
    start = max(0.0, track.phonemes[0].start - lead)
    end = min(track.duration, track.phonemes[-1].end + tail)
    first, last = round(start * track.sample_rate), round(end * track.sample_rate)
    return SpeechTrack(
        track.samples[first:last],
        track.sample_rate,
        _shifted(track.words, -first / track.sample_rate),
        _shifted(track.phonemes, -first / track.sample_rate),
    )


def concatenate(tracks: list[SpeechTrack]) -> SpeechTrack:
    """One track playing `tracks` back to back, each one's timings offset by the audio before it.

    All tracks must share a sample rate; an empty list gives an empty track at SAMPLE_RATE.
    """
    rate = tracks[0].sample_rate if tracks else SAMPLE_RATE
    if any(track.sample_rate != rate for track in tracks):
        raise ValueError("tracks to concatenate must share one sample rate")
    words: list[Timed] = []
    phonemes: list[Timed] = []
    offset = 0
    for track in tracks:
        words.extend(_shifted(track.words, offset / rate))
        phonemes.extend(_shifted(track.phonemes, offset / rate))
        offset += len(track.samples)
    samples = np.concatenate([track.samples for track in tracks]) if tracks else np.zeros(0, np.float32)
    return SpeechTrack(samples.astype(np.float32, copy=False), rate, words, phonemes)


def _shifted(items: list[Timed], seconds: float) -> list[Timed]:
    return [replace(item, start=item.start + seconds, end=item.end + seconds) for item in items]
