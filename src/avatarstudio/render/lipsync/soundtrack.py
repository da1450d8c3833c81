"""A lipsync's soundtrack.

The new audio is what the lips follow: with enable_speech_enhancement it is cleaned first (rumble under 80 Hz cut,
then ffmpeg's FFT denoiser told the recording's own noise floor, measured in its quietest stretches; the render
evens its loudness as it does any uploaded audio), and with enable_dynamic_duration off it is cut or padded with
silence to the source's length, so the output keeps the source's duration.

The source's own sound stays under it unless disable_music_track: only where the person in the footage is silent
(their old words would fight the new ones; preparation found the talking frames), faded in and out over FADE
seconds, looped when the output outlasts the source, and ducked to DUCK under the new speech. It is mixed into
the rendered file after the render, so it never moves the lips.
"""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import soundfile

from avatarstudio.render.encode.audio import fit_to_frames, write_wav
from avatarstudio.render.encode.ffmpeg import run_ffmpeg_into
from avatarstudio.render.encode.video import EncodeTarget, audio_arguments, mux_arguments
from avatarstudio.render.twin import layout

NOISE_REDUCTION_DB = 30
NOISE_PERCENTILE = 10
"""The noise floor is this percentile of the recording's 50 ms levels (speech pauses hold only the noise)."""
NOISE_MARGIN_DB = 4
"""The denoiser is told a floor this much above the measured one: set at it or under, it removes little."""
FADE = 0.05
DUCK = 0.3
"""The background's gain under the new speech (about -10 dB)."""
SPEECH_WINDOW = 0.02
SPEECH_FLOOR_DB = -45.0
"""A window of the new speech whose RMS is above this (dBFS) counts as speech for ducking."""
DUCK_HOLD = 0.15
"""The ducking starts this long before the speech and lasts this long after it."""


def new_audio(audio: Path, output: Path, enhance: bool, seconds: float | None) -> Path:
    """`audio` as a WAV at `output`: cleaned when `enhance`, and exactly `seconds` long when given."""
    filters = [_cleanup(audio)] if enhance else []
    span = []
    if seconds is not None:
        filters.append("apad")
        span = ["-t", f"{seconds:.6f}"]
    graph = ["-af", ",".join(filters)] if filters else []
    run_ffmpeg_into(output, ["-i", str(audio), "-map", "0:a:0", "-vn", *graph, *span, "-c:a", "pcm_f32le",
                             "-f", "wav"], "preparing the new audio")
    return output


def _cleanup(audio: Path) -> str:
    """The ffmpeg filters that clean speech recorded over the noise `audio` holds."""
    rate = 16000
    samples = _decode(audio, 0.0, None, rate)
    window = round(0.05 * rate)
    count = samples.size // window
    levels = 10 * np.log10(np.mean(samples[:count * window].reshape(count, window) ** 2, axis=1) + 1e-12) \
        if count else np.array([-80.0])
    floor = float(np.clip(np.percentile(levels, NOISE_PERCENTILE) + NOISE_MARGIN_DB, -80, -20))
    return f"highpass=f=80,afftdn=nr={NOISE_REDUCTION_DB}:nf={floor:.1f}"


def background(source: Path, start: float, end: float | None, prepared: Path, sample_rate: int) -> np.ndarray:
    """The source's sound from `start` to `end` (mono, `sample_rate`), silent (with fades) wherever the
    footage prepared into `prepared` shows the person talking; empty when the source has no audio."""
    samples = _decode(source, start, end, sample_rate)
    if samples.size == 0:
        return samples
    fps = float(json.loads((prepared / layout.ABOUT).read_text())["fps"])
    talking = np.load(prepared / layout.TRACK)["talking"].astype(bool)
    frame = np.minimum((np.arange(samples.size) / sample_rate * fps).astype(np.int64), len(talking) - 1)
    keep = (~talking[frame]).astype(np.float32)
    width = max(1, round(FADE * sample_rate))
    keep = np.convolve(keep, np.ones(width, np.float32) / width, mode="same")
    return samples * keep


def _decode(source: Path, start: float, end: float | None, sample_rate: int) -> np.ndarray:
    with av.open(str(source)) as container:
        if not container.streams.audio:
            return np.zeros(0, np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        blocks = [out.to_ndarray().reshape(-1) for frame in container.decode(audio=0)
                  for out in resampler.resample(frame)]
        blocks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    first = round(start * sample_rate)
    last = round(end * sample_rate) if end is not None else samples.size
    return samples[first:last]


def ducked_mix(speech: np.ndarray, bed: np.ndarray, sample_rate: int) -> np.ndarray:
    """`bed` (looped to the speech's length) under `speech`, lowered to DUCK wherever the speech is heard."""
    if bed.size == 0:
        return speech
    bed = np.resize(bed, speech.size)
    window = max(1, round(SPEECH_WINDOW * sample_rate))
    count = -(-speech.size // window)
    padded = np.zeros(count * window, np.float32)
    padded[:speech.size] = speech
    level = 10 * np.log10(np.mean(padded.reshape(count, window) ** 2, axis=1) + 1e-12)
    heard = level > SPEECH_FLOOR_DB
    hold = round(DUCK_HOLD / SPEECH_WINDOW)
    heard = np.convolve(heard.astype(np.float32), np.ones(2 * hold + 1, np.float32), mode="same") > 0
    gain = np.repeat(np.where(heard, DUCK, 1.0).astype(np.float32), window)[:speech.size]
    width = max(1, round(FADE * sample_rate))
    gain = np.convolve(gain, np.ones(width, np.float32) / width, mode="same")
    return np.clip(speech + bed * gain, -1.0, 1.0)


def remix(video: Path, speech_file: Path, bed: np.ndarray, target: EncodeTarget, frames: int) -> None:
    """Replaces the audio of the rendered `video` (whose speech is `speech_file`) with the speech over `bed`,
    exactly frames / fps long; the pictures are copied as they are."""
    speech, sample_rate = soundfile.read(speech_file, dtype="float32")
    mixed = fit_to_frames(ducked_mix(speech, bed, sample_rate), sample_rate, frames, target.fps)
    wav = video.with_name(f"{video.stem}-mixed.wav")
    write_wav(wav, mixed, sample_rate)
    audio = video.with_name(f"{video.stem}-mixed.{target.container}")
    run_ffmpeg_into(audio, audio_arguments(target, wav), "encoding the source's background sound")
    run_ffmpeg_into(video, mux_arguments(target, [video], audio), "mixing the source's background sound")
    wav.unlink()
    audio.unlink()
