"""Text to a SpeechTrack: break tags, sentence chunks, the voice's engine, pitch, loudness, one sample rate."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from avatarstudio.render.speech import loudness, pitch, text, track
from avatarstudio.render.speech.base import Engine
from avatarstudio.render.speech.errors import SpeechError
from avatarstudio.render.speech.settings import VoiceSettings, prosody_for
from avatarstudio.render.vocabulary import SpeechTrack

if TYPE_CHECKING:
    from avatarstudio.catalog.voices import Voice

MAX_TEXT_CHARS = 5000
SENTENCE_PAUSE = 0.3
"""Seconds of silence between sentences at speed 1.0 (scaled by 1/rate). A break tag replaces it with exactly
its own time, so the gap between the words around a break is that time plus TAIL_SECONDS and LEAD_SECONDS."""
LEAD_SECONDS = 0.03
TAIL_SECONDS = 0.08
"""Each chunk keeps this much of the engine's audio before its first and after its last phoneme."""


def synthesize(script: str, voice: Voice, settings: VoiceSettings = VoiceSettings()) -> SpeechTrack:
    """Speak `script` with `voice` at SAMPLE_RATE, with one Timed word per written word (see text.words_of).

    Raises SpeechError for text that is too long, empty, has a bad break tag or that the voice cannot read at
    all (UNSPEAKABLE_TEXT, e.g. digits for a language whose rules have no numbers), and for an unsupported
    locale or emotion.
    """
    if len(script) > MAX_TEXT_CHARS:
        raise SpeechError("TEXT_TOO_LONG", f"input text is {len(script)} characters; the limit is {MAX_TEXT_CHARS}")
    parts = text.split_breaks(script)
    if not any(isinstance(part, text.Pause) or text.split_chunks(part) for part in parts):
        raise SpeechError("EMPTY_TEXT", "input text has nothing to speak")
    engine = _engine(voice.engine)
    engine_voice = engine.engine_voice_for_locale(voice.engine_voice, _locale(voice, settings.locale))
    prosody = prosody_for(settings)
    pieces: list[SpeechTrack] = []
    after_speech = False
    for part in parts:
        if isinstance(part, text.Pause):
            pieces.append(track.silence(part.seconds))
            after_speech = False
            continue
        for chunk in text.split_chunks(part):
            if after_speech:
                pieces.append(track.silence(SENTENCE_PAUSE / prosody.rate))
            after_speech = True
            spoken = engine.speak(chunk, engine_voice, prosody)
            pieces.append(track.resample(track.trim_to_speech(spoken, LEAD_SECONDS, TAIL_SECONDS)))
    result = track.concatenate(pieces)
    if result.words and not result.phonemes:
        raise SpeechError("UNSPEAKABLE_TEXT", f"voice {voice.name!r} produced no speech for this text; "
                          f"is it written in {voice.language}?")
    samples = result.samples if engine.shifts_pitch else pitch.shift_pitch(
        result.samples, result.sample_rate, prosody.semitones)
    result.samples = loudness.normalize(samples, result.sample_rate, prosody.gain_db)
    return result


def _locale(voice: Voice, locale: str | None) -> str:
    """The catalogue locale that `locale` names (case and _ or - do not matter); the voice's own when None."""
    if locale is None:
        return voice.locale
    wanted = locale.strip().replace("_", "-").lower()
    match = next((known for known in voice.locales if known.lower() == wanted), None)
    if match is None:
        raise SpeechError("UNSUPPORTED_LOCALE", f"voice {voice.name!r} cannot speak locale {locale!r}; "
                          f"it supports {', '.join(voice.locales)}")
    return match


@functools.cache
def _engine(name: str) -> Engine:
    """The process's engine for `name`; imported on first use so an espeak-only process never loads onnxruntime."""
    if name == "piper":
        from avatarstudio.render.speech.piper import PiperEngine
        return PiperEngine()
    if name == "espeak":
        from avatarstudio.render.speech.espeak import EspeakEngine
        return EspeakEngine()
    if name == "festival":
        from avatarstudio.render.speech.festival import FestivalEngine
        return FestivalEngine()
    raise ValueError(f"unknown speech engine {name!r}")
