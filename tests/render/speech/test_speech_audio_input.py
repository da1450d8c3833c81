"""Uploaded audio: decoded, mono, resampled, levelled; bad files are speech errors."""
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile

from avatarstudio.render.speech import SAMPLE_RATE, SpeechError, load_audio
from avatarstudio.render.speech.loudness import CEILING_DBFS, TARGET_RMS_DBFS, active_rms

pytestmark = pytest.mark.slow


def tone(seconds: float, rate: int, amplitude: float = 0.1) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


@pytest.fixture
def stereo_wav(tmp_path):
    path = tmp_path / "voice.wav"
    left = tone(2.0, 44100)
    soundfile.write(path, np.stack([left, left], axis=1), 44100)
    return path


def test_a_wav_round_trips_as_mono_at_the_speech_rate_and_level(stereo_wav):
    track = load_audio(stereo_wav)

    assert track.sample_rate == SAMPLE_RATE
    assert track.samples.ndim == 1 and track.samples.dtype == np.float32
    assert track.duration == pytest.approx(2.0, abs=0.01)
    assert 20 * np.log10(active_rms(track.samples, SAMPLE_RATE)) == pytest.approx(TARGET_RMS_DBFS, abs=0.5)
    assert track.words == []


def test_an_mp3_round_trips(stereo_wav, tmp_path):
    mp3 = tmp_path / "voice.mp3"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(stereo_wav), str(mp3)], check=True)
    track = load_audio(mp3)

    assert track.duration == pytest.approx(2.0, abs=0.1)
    spectrum = np.abs(np.fft.rfft(track.samples))
    assert np.fft.rfftfreq(len(track.samples), 1 / SAMPLE_RATE)[np.argmax(spectrum)] == pytest.approx(220, abs=2)


def test_loud_peaks_are_limited_under_the_ceiling(tmp_path):
    path = tmp_path / "spiky.wav"
    samples = tone(1.0, SAMPLE_RATE, 0.01)
    samples[SAMPLE_RATE // 2] = 0.99
    soundfile.write(path, samples, SAMPLE_RATE)

    assert np.abs(load_audio(path).samples).max() <= 10 ** (CEILING_DBFS / 20) + 1e-6


@pytest.mark.parametrize("content, code", [
    (b"", "EMPTY_AUDIO_STREAM"),
    (b"this is not audio at all " * 40, "INVALID_AUDIO_FORMAT"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00garbage", "INVALID_AUDIO_FORMAT"),
])
def test_bad_files_are_speech_errors(tmp_path, content, code):
    path = tmp_path / "upload.mp3"
    path.write_bytes(content)
    with pytest.raises(SpeechError) as raised:
        load_audio(path)
    assert raised.value.code == code


def test_a_video_without_sound_has_no_audio_stream(tmp_path):
    path = tmp_path / "silent.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "color=c=black:s=64x64:d=0.5", "-c:v", "libx264", str(path)], check=True)
    with pytest.raises(SpeechError) as raised:
        load_audio(path)
    assert raised.value.code == "EMPTY_AUDIO_STREAM"


def test_audio_over_ten_minutes_is_refused(tmp_path):
    path = tmp_path / "long.ogg"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=8000:cl=mono", "-t", "601", "-c:a", "libopus", "-b:a", "6k", str(path)], check=True)
    with pytest.raises(SpeechError) as raised:
        load_audio(path)
    assert raised.value.code == "AUDIO_TOO_LONG"
