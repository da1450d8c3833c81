"""Uploaded audio as a SpeechTrack: any container PyAV decodes (MP3, WAV, M4A, OGG, WebM ...).

The first audio stream is decoded, mixed down to mono, resampled to SAMPLE_RATE and brought to the speech
level of loudness.py (gated RMS -20 dBFS, peaks under -1 dBFS), so uploaded and synthesised speech match.
Phonemes are timed from the sound by lipsync.align_audio. Words are transcribed (transcription.py) only when the
caller asks (for captions), since that takes about a seventh of the audio's length; otherwise they are empty.
"""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from avatarstudio.render.speech import loudness, transcription
from avatarstudio.render.speech.errors import SpeechError
from avatarstudio.render.speech.lipsync import align_audio, is_english
from avatarstudio.render.speech.track import SAMPLE_RATE
from avatarstudio.render.vocabulary import SpeechTrack

MAX_AUDIO_SECONDS = 600.0


def load_audio(path: Path, language: str | None = None, transcribe: bool = False) -> SpeechTrack:
    """Decode `path` and time its phonemes (`language` as lipsync.is_english takes it) and, when `transcribe` is
    set and the language is English, its words; other languages keep no words.

    Raises SpeechError EMPTY_AUDIO_STREAM (empty file, no audio stream, no samples), INVALID_AUDIO_FORMAT (not
    decodable) or AUDIO_TOO_LONG (over MAX_AUDIO_SECONDS)."""
    if path.stat().st_size == 0:
        raise SpeechError("EMPTY_AUDIO_STREAM", "the audio file is empty")
    try:
        samples = _decode(path)
    except av.FFmpegError as error:
        raise SpeechError("INVALID_AUDIO_FORMAT", f"the audio file could not be decoded: {error}") from error
    if samples.size == 0:
        raise SpeechError("EMPTY_AUDIO_STREAM", "the audio file holds no audio samples")
    track = align_audio(SpeechTrack(loudness.normalize(samples, SAMPLE_RATE), SAMPLE_RATE), language)
    if transcribe and is_english(language):
        track.words = transcription.transcribe(track.samples, track.sample_rate)
    return track


def _decode(path: Path) -> np.ndarray:
    limit = round(MAX_AUDIO_SECONDS * SAMPLE_RATE)
    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise SpeechError("EMPTY_AUDIO_STREAM", "the file has no audio stream")
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            _check_length(float(stream.duration * stream.time_base))
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        blocks: list[np.ndarray] = []
        decoded = 0
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                blocks.append(out.to_ndarray().reshape(-1))
                decoded += blocks[-1].size
            if decoded > limit:
                _check_length(decoded / SAMPLE_RATE)
        blocks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    _check_length(samples.size / SAMPLE_RATE)
    return np.clip(samples, -1.0, 1.0).astype(np.float32)


def _check_length(seconds: float) -> None:
    if seconds > MAX_AUDIO_SECONDS:
        raise SpeechError("AUDIO_TOO_LONG", f"the audio lasts {seconds:.0f} s; the limit is {MAX_AUDIO_SECONDS:.0f} s")
