"""The worker's side of the quick jobs (quick.py): the only place they touch the speech engines and face model
(jobs/photo_job.py borrows the face check).

Each function takes the runtime and plain arguments and returns plain data (it travels back through the queue's
result store); a result the user caused is returned as such, never raised.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import soundfile
from PIL import Image

from avatarstudio.catalog import voices
from avatarstudio.jobs.quick import PreviewKind, Refused, Spoken, preview_key
from avatarstudio.render import speech
from avatarstudio.render.speech import glossary
from avatarstudio.render.avatars import look_image
from avatarstudio.render.face import FaceError, analyse
from avatarstudio.render.vocabulary import SpeechTrack
from avatarstudio.store.glossaries import Glossaries

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

PREVIEW_SENTENCES = {
    "en": "Hello! This is how my voice sounds.",
    "es": "¡Hola! Así suena mi voz.",
    "fr": "Bonjour ! Voici comment sonne ma voix.",
    "de": "Hallo! So klingt meine Stimme.",
    "it": "Ciao! Ecco come suona la mia voce.",
    "pt": "Olá! É assim que soa a minha voz.",
    "nl": "Hallo! Zo klinkt mijn stem.",
    "sv": "Hej! Så här låter min röst.",
    "da": "Hej! Sådan lyder min stemme.",
    "nb": "Hei! Slik høres stemmen min ut.",
    "fi": "Hei! Tältä minun ääneni kuulostaa.",
    "pl": "Cześć! Tak brzmi mój głos.",
    "cs": "Ahoj! Takhle zní můj hlas.",
    "ru": "Привет! Так звучит мой голос.",
    "uk": "Привіт! Так звучить мій голос.",
    "tr": "Merhaba! Sesim böyle duyuluyor.",
    "el": "Γεια σας! Έτσι ακούγεται η φωνή μου.",
}
NUMBERS_SENTENCE = "1, 2, 3, 4, 5."
"""Preview for the other languages: the engines read digits in the voice's own language."""


def speak(runtime: Runtime, key: str, text: str, voice_id: str, speed: float, locale: str | None) -> Spoken | Refused:
    """`text` in the voice, stored as a 16-bit WAV at `key`; Refused when the speech stage refuses the input.
    The brand glossary's terms are said as their pronunciations, and the word timestamps show them as written."""
    try:
        respelled = glossary.respell(text, Glossaries(runtime.db).pronunciations())
        track = speech.synthesize(respelled.text, voices.get_voice(voice_id),
                                  speech.VoiceSettings(speed=speed, locale=locale))
    except speech.SpeechError as error:
        return Refused(error.code, error.message)
    runtime.blobs.put_bytes(key, _wav(track))
    return Spoken(key, track.duration, [(word.label, word.start, word.end)
                                        for word in glossary.as_written(track.words, respelled)])


def preview(runtime: Runtime, kind: PreviewKind, item_id: str) -> str:
    """The preview file of a built-in avatar (its look at rest) or a voice (a short sentence in its language),
    stored at `preview_key`; returns that key."""
    key = preview_key(kind, item_id)
    if kind == "avatar":
        out = io.BytesIO()
        Image.fromarray(look_image(item_id), "RGBA").save(out, format="PNG")
        runtime.blobs.put_bytes(key, out.getvalue())
    else:
        voice = voices.get_voice(item_id)
        runtime.blobs.put_bytes(key, _wav(speech.synthesize(PREVIEW_SENTENCES.get(voice.language_code,
                                                                                 NUMBERS_SENTENCE), voice)))
    return key


def face_problem(runtime: Runtime, key: str) -> str | None:
    """Why the image at blob `key` cannot be a talking photo, or None when it shows exactly one face."""
    return face_problem_in(runtime.blobs.local_path(key))


def face_problem_in(image_file: Path | BinaryIO) -> str | None:
    """Why the image in this file cannot be a talking photo, or None when it shows exactly one face."""
    try:
        with Image.open(image_file) as image:
            pixels = np.asarray(image.convert("RGB"))
        analyse(pixels)
    except FaceError as error:
        return error.message
    except (OSError, ValueError) as error:
        return f"the image cannot be decoded ({error})"
    return None


def _wav(track: SpeechTrack) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, track.samples, track.sample_rate, format="WAV", subtype="PCM_16")
    return out.getvalue()
