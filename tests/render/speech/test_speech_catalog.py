"""The voice catalogue: stable ids, the default first, many locales, and every voice really speaks."""
import ctypes

import numpy as np
import pytest

from avatarstudio.catalog.espeak_voices import installed_voices
from avatarstudio.catalog.voices import DEFAULT_VOICE_ID, get_voice, list_voices, voice_id_for
from avatarstudio.render.speech import espeak, synthesize

pytestmark = pytest.mark.slow

SAMPLES = {
    "en": "Hello, how are you today?", "de": "Guten Morgen, wie geht es dir?", "fr": "Bonjour, comment allez-vous?",
    "es": "Hola, ¿cómo estás hoy?", "it": "Buongiorno, come stai?", "pt": "Olá, como você está?",
    "nl": "Goedemorgen, hoe gaat het?", "ru": "Привет, как дела?", "cmn": "你好，今天怎么样？", "ja": "こんにちは、お元気ですか？",
    "hi": "नमस्ते, आप कैसे हैं?", "ar": "مرحبا، كيف حالك؟",
    "chr": "ᎣᏏᏲ ᏙᎯᏧ", "cv": "Салам, мĕнле пурăнатăр?", "sjn": "Mae govannen, mellon",
}
"""Languages whose espeak rules cannot read digits get words of their own."""
FALLBACK = "1 2 3 4 5"
"""The other languages speak their own numbers."""


def test_the_default_voice_is_piper_joe_and_leads_the_list():
    voice = get_voice(DEFAULT_VOICE_ID)
    assert list_voices()[0] == voice
    assert (voice.name, voice.engine, voice.locale, voice.gender) == ("Joe", "piper", "en-US", "male")


def test_ids_are_stable_unique_hex_and_names_unique():
    voices = list_voices()
    assert len({v.voice_id for v in voices}) == len(voices) == len({v.name for v in voices})
    assert all(len(v.voice_id) == 32 and int(v.voice_id, 16) >= 0 for v in voices)
    assert all(v.voice_id == voice_id_for(v.engine, v.engine_voice) for v in voices)
    assert DEFAULT_VOICE_ID == "dc5a480bbf70285f92f42e37cf943c8a"
    assert get_voice("0" * 32) is None


def test_the_catalogue_covers_many_locales_and_both_genders():
    voices = list_voices()
    assert len({locale for v in voices for locale in v.locales}) >= 40
    assert {v.gender for v in voices} == {"male", "female"}
    assert all(v.locale in v.locales and v.language and v.language_code for v in voices)
    english = next(v for v in voices if v.name == "English (espeak)")
    assert {"en-US", "en-GB", "en-GB-x-rp"} <= set(english.locales)


@pytest.mark.parametrize("voice", list_voices(), ids=lambda voice: voice.name)
def test_every_voice_speaks_in_its_language(voice):
    track = synthesize(SAMPLES.get(voice.language_code, FALLBACK), voice)

    assert 0.3 < track.duration < 10
    assert np.abs(track.samples).max() > 0.1
    assert track.words and all(w.start <= w.end <= track.duration for w in track.words)


class _EspeakVoice(ctypes.Structure):
    """espeak-ng's espeak_VOICE, as espeak_ListVoices returns it."""

    _fields_ = [
        ("name", ctypes.c_char_p), ("languages", ctypes.c_void_p), ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte), ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int), ("spare", ctypes.c_void_p),
    ]


def _language_tags(pointer: int) -> tuple[str, ...]:
    """espeak's language list: repeated (priority byte, NUL-terminated tag), ended by a zero priority."""
    tags: list[str] = []
    while ctypes.string_at(pointer, 1)[0] != 0:
        tag = ctypes.string_at(pointer + 1)
        tags.append(tag.decode())
        pointer += 2 + len(tag)
    return tuple(tags)


def test_espeak_voices_read_from_files_are_the_librarys_own_list():
    """The catalogue reads espeak's voice files so that listing voices loads no engine; this asks the library."""
    with espeak._LOCK:
        lib = espeak._library().lib
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_EspeakVoice))
        found = lib.espeak_ListVoices(None)
        listed = []
        while found[len(listed)]:
            voice = found[len(listed)].contents
            listed.append((voice.name.decode().strip(), voice.identifier.decode(), _language_tags(voice.languages)))
    from_files = [(voice.name, voice.identifier, voice.languages) for voice in installed_voices()]
    assert from_files and set(from_files) <= set(listed)
    assert from_files == [voice for voice in listed if voice in set(from_files)]  # in the library's order
    assert len(listed) - len(from_files) <= 5  # only the few without a shipped dictionary are left out
