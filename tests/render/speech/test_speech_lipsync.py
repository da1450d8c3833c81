"""Uploaded speech gets phoneme timings from its sound: recognised for English, acoustic cues for any language."""
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile
from speech_measure import FRAME, loud_frames

from avatarstudio.catalog.voices import list_voices
from avatarstudio.render.speech import SAMPLE_RATE, align_audio, load_audio, silence, synthesize
from avatarstudio.render.speech.recognition import pieces

BILABIALS = {"p", "b", "m"}
ROUNDED = {"u", "o", "ʊ", "ɔ", "w", "y", "ø", "œ", "ʏ"}
SCRIPT = "Bob made a map of the moon, and we went home by the blue boat. Peter picked seven big apples."


@pytest.fixture(scope="module")
def spoken(joe):
    return synthesize(SCRIPT, joe)


@pytest.fixture(scope="module", params=["wav", "mp3"])
def uploaded(request, spoken, tmp_path_factory):
    wav = tmp_path_factory.mktemp("upload") / "speech.wav"
    soundfile.write(wav, spoken.samples, SAMPLE_RATE)
    if request.param == "wav":
        return load_audio(wav)
    mp3 = wav.with_suffix(".mp3")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(wav), str(mp3)], check=True)
    return load_audio(mp3)


@pytest.mark.slow
def test_uploaded_english_gets_about_as_many_phonemes_as_were_spoken(uploaded, spoken):
    assert uploaded.duration == pytest.approx(spoken.duration, abs=0.1)
    assert 0.7 < len(uploaded.phonemes) / len(spoken.phonemes) < 1.3
    assert all(a.start < a.end <= b.start + 1e-6 for a, b in zip(uploaded.phonemes, uploaded.phonemes[1:]))


@pytest.mark.slow
def test_recognised_phonemes_lie_on_the_speech_energy(uploaded):
    loud = loud_frames(uploaded)
    on_speech = [loud[max(0, int(p.start / FRAME) - 2):int(p.end / FRAME) + 3].any() for p in uploaded.phonemes]
    assert np.mean(on_speech) > 0.95


@pytest.mark.slow
def test_lips_close_near_the_words_that_close_them(uploaded, spoken):
    """Within 0.1 s: the recogniser labels a stop's closure, which precedes the burst where piper times it."""
    closing_words = [w for w in spoken.words if set(w.label.lower()) & set("pbm")]
    closures = [p for p in uploaded.phonemes if p.label.strip("ˈˌː") in BILABIALS]
    found = [any(w.start - 0.1 <= (p.start + p.end) / 2 <= w.end + 0.1 for p in closures) for w in closing_words]
    assert np.mean(found) >= 0.6  # piper's random timing moves a word or two of the dozen across the line
    near = [any(w.start - 0.1 <= (p.start + p.end) / 2 <= w.end + 0.1 for w in closing_words) for p in closures]
    assert np.mean(near) >= 0.6


def test_other_languages_get_acoustic_mouth_cues(tmp_path):
    german = next(voice for voice in list_voices() if voice.name == "German (espeak)")
    spoken = synthesize("Guten Morgen, du bist zu gut. Um zwei Uhr kommt der Bus.", german)
    cued = align_audio(spoken, "de-DE")

    loud = loud_frames(cued)
    labels = {p.label for p in cued.phonemes}
    assert {"u", "m"} <= labels <= {"s", "m", "u", "a", "ə"}
    assert all(loud[max(0, int(p.start / FRAME) - 3):int(p.end / FRAME) + 4].any() for p in cued.phonemes)
    rounded_truth = [p for p in spoken.phonemes if p.label.strip("ˈˌː") in ROUNDED]
    rounded_cues = [p for p in cued.phonemes if p.label == "u"]
    hits = [any(t.start - 0.03 < (c.start + c.end) / 2 < t.end + 0.03 for t in rounded_truth) for c in rounded_cues]
    chance = sum(t.end - t.start for t in rounded_truth) / sum(t.end - t.start for t in spoken.phonemes)
    assert np.mean(hits) > 1.5 * chance  # a rough cue from the spectrum, clearly better than guessing


def test_silence_has_no_phonemes():
    assert align_audio(silence(1.0)).phonemes == []
    assert align_audio(silence(1.0), "fr").phonemes == []


def test_long_audio_is_cut_into_pieces_at_its_quietest_moments():
    rate = 1000
    samples = np.ones(65 * rate, np.float32)
    samples[18 * rate:18 * rate + 20] = 0.0
    ranges = pieces(samples, rate)

    assert ranges[0] == (0, 18 * rate + 5)
    assert all(end - start <= 20 * rate for start, end in ranges)
    assert [r[1] for r in ranges[:-1]] == [r[0] for r in ranges[1:]] and ranges[-1][1] == len(samples)
