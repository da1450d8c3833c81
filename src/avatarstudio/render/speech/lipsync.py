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


def align_audio(track: SpeechTrack, language: str | None = None) -> SpeechTrack:
    """`track` with phonemes timed from its audio; words stay as they are (nothing is transcribed).

    `language` is a language code or locale ("en", "en-GB", "de"); None is taken as English.
    """
    english = language is None or language.lower().replace("_", "-").split("-")[0] == "en"
    phonemes = recognize_phonemes(track.samples, track.sample_rate) if english else []
    if not phonemes:
        phonemes = acoustic_phonemes(track.samples, track.sample_rate)
    return replace(track, phonemes=phonemes)
