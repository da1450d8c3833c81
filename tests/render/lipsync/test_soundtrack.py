"""A lipsync's soundtrack, on real files decoded back: the new audio cleaned of noise and fitted to a length, the
source's background kept only where its speaker is silent, and ducked under the new speech."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile

from avatarstudio.render.lipsync import soundtrack
from avatarstudio.render.twin import layout

RATE = 24000


def _bursts(seconds: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    """A voice-like signal (harmonics of 180 Hz, half a second on, half off) and where it is on."""
    t = np.arange(round(seconds * RATE)) / RATE
    on = (t % 1.0) < 0.5
    voice = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 8)) * 0.2 * on
    return voice.astype(np.float32), on


def _rms_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-12))


def test_enhancement_lowers_the_noise_between_words_and_the_length_is_fitted(tmp_path: Path) -> None:
    voice, on = _bursts()
    noisy = voice + np.random.default_rng(1).normal(0, 0.02, voice.size).astype(np.float32)
    soundfile.write(tmp_path / "noisy.wav", noisy, RATE)

    def gap_below_voice_db(path: Path) -> float:
        samples, rate = soundfile.read(path, dtype="float32")
        mask = np.resize(on, samples.size) if rate == RATE else on[(np.arange(samples.size) * RATE // rate)]
        edge = round(0.05 * rate)  # the fades at each burst's edges are neither voice nor gap
        voiced = np.convolve(mask, np.ones(2 * edge + 1), "same") == 2 * edge + 1
        gaps = np.convolve(~mask, np.ones(2 * edge + 1), "same") == 2 * edge + 1
        return _rms_db(samples[voiced]) - _rms_db(samples[gaps])

    plain = soundtrack.new_audio(tmp_path / "noisy.wav", tmp_path / "plain.wav", enhance=False, seconds=None)
    clean = soundtrack.new_audio(tmp_path / "noisy.wav", tmp_path / "clean.wav", enhance=True, seconds=None)
    assert gap_below_voice_db(clean) > gap_below_voice_db(plain) + 6, (gap_below_voice_db(clean),
                                                                       gap_below_voice_db(plain))
    for seconds in (2.5, 6.0):
        fitted = soundtrack.new_audio(tmp_path / "noisy.wav", tmp_path / f"fit-{seconds}.wav", False, seconds)
        assert abs(soundfile.info(fitted).duration - seconds) < 0.01


def test_the_background_is_kept_only_where_the_footage_is_silent(tmp_path: Path) -> None:
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(4 * RATE) / RATE)).astype(np.float32)
    soundfile.write(tmp_path / "source.wav", tone, RATE)
    prepared = tmp_path / "prepared"
    prepared.mkdir()
    (prepared / layout.ABOUT).write_text(json.dumps({"fps": 10}))
    np.savez(prepared / layout.TRACK, talking=np.arange(40) < 20)  # the speaker talks for the first 2 s
    bed = soundtrack.background(tmp_path / "source.wav", 0.0, None, prepared, RATE)
    assert _rms_db(bed[:round(1.8 * RATE)]) < -60 and abs(_rms_db(bed[round(2.2 * RATE):]) - _rms_db(tone)) < 0.5
    part = soundtrack.background(tmp_path / "source.wav", 1.0, 3.0, prepared, RATE)
    assert part.size == 2 * RATE


def test_the_background_is_ducked_under_new_speech_and_looped(tmp_path: Path) -> None:
    bed = (0.1 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)).astype(np.float32)
    voice, on = _bursts(3.0)
    voice[round(1.0 * RATE):] = 0  # one burst of speech, then none
    mixed = soundtrack.ducked_mix(voice, bed, RATE)
    assert mixed.size == voice.size
    under = (mixed - voice)[round(0.1 * RATE):round(0.4 * RATE)]
    alone = (mixed - voice)[round(1.5 * RATE):round(2.9 * RATE)]  # the 1 s bed, looped
    assert abs(_rms_db(alone) - _rms_db(bed)) < 0.5
    assert abs(_rms_db(under) - (_rms_db(bed) + 20 * np.log10(soundtrack.DUCK))) < 1.0
