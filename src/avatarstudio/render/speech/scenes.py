"""A scene's speech as the pipeline needs it: spoken (or loaded) at its volume, padded to whole frames.

A scene says text in a catalogue voice, plays an uploaded recording, or is silent for a time. Its samples go to
the video's speech file as soon as they exist; only the timings stay in memory until the scene is drawn.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from avatarstudio import spec
from avatarstudio.catalog import voices
from avatarstudio.errors import RenderError
from avatarstudio.render.speech.audio_input import load_audio
from avatarstudio.render.speech.lipsync import is_english
from avatarstudio.render.speech.settings import VoiceSettings
from avatarstudio.render.speech.glossary import respell
from avatarstudio.render.speech.synthesize import synthesize
from avatarstudio.render.speech.track import SAMPLE_RATE, silence
from avatarstudio.render.vocabulary import MediaResolver, SpeechTrack


def speak_scene(scene: spec.Scene, resolve: MediaResolver, captions: bool) -> SpeechTrack:
    """The scene's speech at its requested volume (v3 voice_settings.volume: 1 full, 0 silent); uploaded audio is
    transcribed only when `captions` asks for its words. Raises SpeechError for input the engines refuse."""
    track = _spoken(scene.speech, resolve, captions)
    volume = getattr(scene.speech, "volume", 1.0)
    if volume != 1.0:
        track.samples = track.samples * np.float32(volume)
    return track


def _spoken(said: spec.Speech, resolve: MediaResolver, captions: bool) -> SpeechTrack:
    if isinstance(said, spec.TextSpeech):
        voice = voices.get_voice(said.voice_id)
        if voice is None:
            raise RenderError("render_failed", f"Voice {said.voice_id} not found")
        return synthesize(respell(said.text, said.pronunciations).text, voice, VoiceSettings.of(said))
    if isinstance(said, spec.Silence):
        return silence(said.seconds)
    return load_audio(resolve(said.audio, "audio"), said.language, transcribe=captions)


def padded_to_frames(track: SpeechTrack, fps: int) -> tuple[SpeechTrack, int]:
    """The track padded with silence to a whole number of frames, and that number, so scenes cut cleanly on
    frame edges."""
    n_frames = max(1, int(np.ceil(track.duration * fps - 1e-6)))
    wanted = round(n_frames * track.sample_rate / fps)
    samples = np.zeros(wanted, dtype=np.float32)
    samples[: min(wanted, len(track.samples))] = track.samples[:wanted]
    return SpeechTrack(samples, track.sample_rate, track.words, track.phonemes), n_frames


def untranscribed_note(said: spec.AudioSpeech, index: int) -> str:
    """The status note for an uploaded recording that gave its captions no words."""
    if not is_english(said.language):
        return (f"captions: scene {index + 1}'s uploaded audio is in {said.language}, and only English recordings "
                "are transcribed, so it has no captions")
    return (f"captions: no English words were recognised in the uploaded audio of scene {index + 1}, so it has none "
            "(uploaded audio is transcribed as English unless voice_settings.locale says otherwise)")


def read_samples(speech_file: Path, start: int, n_frames: int, fps: int) -> np.ndarray:
    """`n_frames` frames' worth of samples from `start` of the video's speech file (one scene, for motion)."""
    count = round(n_frames * SAMPLE_RATE / fps)
    samples, _ = soundfile.read(speech_file, start=start, frames=count, dtype="float32")
    return samples
