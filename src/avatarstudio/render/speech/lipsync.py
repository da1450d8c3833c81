"""Phoneme timings for speech that arrived as audio, so the avatar's mouth can follow an upload.

English (and audio of unknown language, since HeyGen's audio inputs carry none) is recognised phone by phone
with pocketsphinx (recognition.py). Other languages, and English where recognition hears nothing, get the
acoustic cues of acoustic.py. Both give IPA labels the motion stage reads: p/b/m close the lips, u/o/ʊ/w round
them; the loudness envelope still sets how far the mouth opens.
"""
from __future__ import annotations

from dataclasses import replace

from avatarstudio.render.speech.acoustic import acoustic_phonemes
from avatarstudio.render.speech.recognition import recognize_phonemes
from avatarstudio.render.vocabulary import SpeechTrack


def is_english(language: str | None) -> bool:
    """Whether pocketsphinx's US-English models fit speech in `language`, a language code or locale ("en", "en-GB",
    "de"). None, an unknown language, counts as English."""
    return language is None or language.lower().replace("_", "-").split("-")[0] == "en"


def align_audio(track: SpeechTrack, language: str | None = None) -> SpeechTrack:
    """`track` with phonemes timed from its audio (`language` as is_english takes it); words stay as they are."""
    phonemes = recognize_phonemes(track.samples, track.sample_rate) if is_english(language) else []
    if not phonemes:
        phonemes = acoustic_phonemes(track.samples, track.sample_rate)
    return replace(track, phonemes=phonemes)
