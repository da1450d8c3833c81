"""The espeak-ng engine, called through ctypes on the libespeak-ng shipped by espeakng-loader.

espeak-ng keeps global state (one voice, one callback), so every call runs under one module lock. Word timings
come from its word events (character position into the chunk); phoneme timings from its phoneme events,
labelled in IPA.
"""
from __future__ import annotations

import ctypes
import functools
import threading
from dataclasses import dataclass

import espeakng_loader
import numpy as np

from avatarstudio.catalog.espeak_voices import installed_voices
from avatarstudio.render.speech import alignment, text
from avatarstudio.render.speech.settings import Prosody
from avatarstudio.render.vocabulary import SpeechTrack, Timed

DEFAULT_WPM = 175
WPM_RANGE = (80, 450)
DEFAULT_RANGE = 50

PITCH_CALIBRATION = ((-6.3, 0), (-3.7, 25), (0.0, 50), (1.6, 60), (3.3, 70), (4.3, 75), (8.7, 100))
"""(semitones, espeak pitch parameter) pairs measured on en-US: espeak's 0..100 pitch is not linear in
semitones, so a requested shift is interpolated here. Shifts beyond the table are clamped to 0 or 100."""

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_PHONEME = 7
_RATE, _PITCH, _RANGE = 1, 3, 4


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
        ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class _RawEvent:
    kind: int
    text_position: int
    sample: int
    phoneme: str


class _Library:
    """The initialised libespeak-ng of this process. Use only while holding _LOCK."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        path = espeakng_loader.get_data_path().encode()
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, path, options)
        if self.sample_rate <= 0:
            raise RuntimeError(f"espeak-ng failed to initialise from {path!r}")
        self._samples: list[np.ndarray] = []
        self._events: list[_RawEvent] = []
        self._callback = _Callback(self._collect)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes.POINTER(ctypes.c_short), count: int, events: ctypes.POINTER(_Event)) -> int:
        if count > 0:
            self._samples.append(np.ctypeslib.as_array(wav, (count,)).copy())
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            phoneme = event.id.decode("utf-8", "ignore") if event.type == _EVENT_PHONEME else ""
            self._events.append(_RawEvent(event.type, event.text_position, event.sample, phoneme))
            index += 1
        return 0

    def synth(self, chunk: str, voice: str, wpm: int, pitch: int, pitch_range: int) -> tuple[np.ndarray, list[_RawEvent]]:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"espeak-ng has no voice {voice!r}")
        self.lib.espeak_SetParameter(_RATE, wpm, 0)
        self.lib.espeak_SetParameter(_PITCH, pitch, 0)
        self.lib.espeak_SetParameter(_RANGE, pitch_range, 0)
        self._samples, self._events = [], []
        data = chunk.encode("utf-8")
        status = self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != 0:
            raise RuntimeError(f"espeak_Synth failed with status {status}")
        samples = np.concatenate(self._samples) if self._samples else np.zeros(0, np.int16)
        return samples, self._events

_LOCK = threading.Lock()


@functools.cache
def _library() -> _Library:
    return _Library()


def pitch_parameter(semitones: float) -> int:
    """espeak's 0..100 pitch parameter for a shift of `semitones` from the voice's normal pitch."""
    shifts, parameters = zip(*PITCH_CALIBRATION)
    return round(float(np.interp(semitones, shifts, parameters)))


class EspeakEngine:
    """Engine over espeak-ng; engine_voice is an espeak voice identifier, optionally with a variant ("gmw/de+f3")."""

    shifts_pitch = True

    def speak(self, chunk: str, engine_voice: str, prosody: Prosody) -> SpeechTrack:
        wpm = round(min(max(DEFAULT_WPM * prosody.rate, WPM_RANGE[0]), WPM_RANGE[1]))
        pitch_range = round(min(max(DEFAULT_RANGE * prosody.intonation, 0), 100))
        with _LOCK:
            library = _library()
            samples, events = library.synth(chunk, engine_voice, wpm, pitch_parameter(prosody.semitones), pitch_range)
            rate = library.sample_rate
        words = text.words_of(chunk)
        phonemes, owners = _timed_phonemes(events, words, len(samples), rate)
        spans = alignment.word_spans([word.label for word in words], phonemes, _spread(owners, words))
        return SpeechTrack((samples / 32768.0).astype(np.float32), rate, spans, phonemes)

    def engine_voice_for_locale(self, engine_voice: str, locale: str) -> str:
        """The installed voice that lists `locale` earliest among its tags, keeping engine_voice's variant;
        engine_voice itself when no voice lists it (a catalogue locale such as de-DE for the plain de voice)."""
        _, plus, variant = engine_voice.partition("+")
        wanted = locale.lower()
        ranked = [(voice.languages.index(wanted), order, voice.identifier)
                  for order, voice in enumerate(installed_voices()) if wanted in voice.languages]
        return min(ranked)[2] + plus + variant if ranked else engine_voice


def _timed_phonemes(events: list[_RawEvent], words: list[text.Word], total: int,
                    rate: int) -> tuple[list[Timed], list[int | None]]:
    """Phonemes (each lasts until the next phoneme event; silent ones are dropped) and, for each, the index of
    the written word whose word event preceded it (None when that event fell outside every word)."""
    phoneme_events = [event for event in events if event.kind == _EVENT_PHONEME]
    ends = [event.sample for event in phoneme_events[1:]] + [total]
    phonemes: list[Timed] = []
    owners: list[int | None] = []
    owner: int | None = None
    position = 0
    for event in events:
        if event.kind == _EVENT_WORD:
            owner = _word_at(words, event.text_position - 1)
        elif event.kind == _EVENT_PHONEME:
            end = min(ends[position], total)
            position += 1
            if event.phoneme and end > event.sample:
                phonemes.append(Timed(event.phoneme, event.sample / rate, end / rate))
                owners.append(owner)
    return phonemes, owners


def _spread(owners: list[int | None], words: list[text.Word]) -> list[int]:
    """Each phoneme's written word. espeak merges short words ("in the") under one word event: the phonemes
    of an event are shared among the written words up to the next event's word, in proportion to their letters.
    Phonemes before any word event, or after one that fell on no word, stay with the word before."""
    if not words:
        return [0] * len(owners)
    runs: list[tuple[int, int]] = []  # (first word, phoneme count)
    for owner in owners:
        if runs and (owner is None or owner <= runs[-1][0]):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((owner or 0, 1))
    spread: list[int] = []
    for index, (first, count) in enumerate(runs):
        last = runs[index + 1][0] if index + 1 < len(runs) else len(words)
        letters = np.cumsum([len(word.label) for word in words[first:max(last, first + 1)]])
        shares = np.searchsorted(letters, (np.arange(count) + 0.5) * letters[-1] / count, side="right")
        spread.extend(first + int(share) for share in shares)
    return spread


def _word_at(words: list[text.Word], character: int) -> int | None:
    return next((index for index, word in enumerate(words) if word.start <= character < word.end), None)
