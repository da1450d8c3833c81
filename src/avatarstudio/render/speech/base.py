"""The narrow contract every TTS engine satisfies; synthesize() needs nothing else from an engine."""
from __future__ import annotations

from typing import Protocol

from avatarstudio.render.speech.settings import Prosody
from avatarstudio.render.vocabulary import SpeechTrack


class Engine(Protocol):
    shifts_pitch: bool
    """True when speak() applies prosody.semitones itself; otherwise the caller shifts the finished track."""

    def speak(self, chunk: str, engine_voice: str, prosody: Prosody) -> SpeechTrack:
        """Speak one chunk (a sentence without markup) at the engine's own sample rate.

        Guarantees: words holds exactly one Timed per text.words_of(chunk) word, labelled as written, in order,
        non-overlapping and inside the audio; phonemes are IPA labels, in order, inside the audio; the audio is
        spoken at prosody.rate (durations scale by 1/rate).
        """
        ...

    def engine_voice_for_locale(self, engine_voice: str, locale: str) -> str:
        """The engine voice that speaks `locale` (already checked against the catalogue voice's locales)."""
        ...
