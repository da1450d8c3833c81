"""The voice catalogue: every voice the installed engines can speak, with ids that never change between runs.

Plain data, light to import: no engine is loaded to list the voices (the API process lists them and never
speaks). Piper models come first (the default, Joe, leads the list), then festival's, then espeak-ng (read from
its data files, espeak_voices.py): one male voice per language it ships and a female one (espeak's "f2" variant) per language. An espeak voice's locales are the accents
espeak has for that language (en-US, en-GB-x-rp, ...); voice_settings.locale picks among them.
"""
from __future__ import annotations

import functools
import hashlib
import locale as system_locale
import re
from dataclasses import dataclass

from avatarstudio.catalog import espeak_voices
from avatarstudio.errors import ServiceError


@dataclass(frozen=True)
class Voice:
    """A catalogue voice as the API lists it and the speech stage speaks it."""

    voice_id: str
    name: str
    language: str
    language_code: str
    locale: str
    gender: str
    engine: str
    engine_voice: str
    support_pause: bool
    emotion_support: bool
    locales: tuple[str, ...]


@dataclass(frozen=True)
class OneLocaleVoice:
    """A voice that speaks one locale, as each piper model and festival voice does; `engine_voice` is the
    engine's own name for it (a piper model in render/speech/piper.py's MODELS, a festival voice)."""

    engine_voice: str
    name: str
    language: str
    locale: str
    gender: str


PIPER_VOICES: tuple[OneLocaleVoice, ...] = (
    OneLocaleVoice("en_US-joe-medium", "Joe", "English", "en-US", "male"),
)
FESTIVAL_VOICES: tuple[OneLocaleVoice, ...] = (
    OneLocaleVoice("cmu_us_slt_arctic_hts", "Slt", "English", "en-US", "female"),
)
"""Listed even where the festival program is missing; speaking then fails with a SpeechError naming the package
to install."""

ESPEAK_FEMALE_VARIANT = "f2"
ESPEAK_DEFAULT_ACCENT = {"en": "en-us"}
"""Languages whose catalogue voice is not espeak's plain-language voice."""
ESPEAK_LANGUAGE_NAMES = {"cmn": "Chinese (Mandarin)", "yue": "Chinese (Cantonese)"}
"""Display names where espeak's own would be ambiguous once accents are folded into one voice."""
ESPEAK_MAIN_LOCALES = {"cmn": "zh-CN", "yue": "zh-HK"}
"""Catalogue locales for languages that the system locale table does not place."""


def voice_id_for(engine: str, engine_voice: str) -> str:
    """32 hex characters derived from engine and engine voice only, so an id is the same on every machine."""
    return hashlib.sha256(f"{engine}/{engine_voice}".encode()).hexdigest()[:32]


@functools.cache
def list_voices() -> list[Voice]:
    """All catalogue voices: piper (Joe, the default, leads), festival, then espeak by language, male first."""
    return [*_piper_voices(), *_festival_voices(), *_espeak_voices()]


def get_voice(voice_id: str) -> Voice | None:
    """The catalogue voice with `voice_id`, or None."""
    return _by_id().get(voice_id)


def find_voice(voice_id: str, param: str = "voice_id") -> Voice:
    """The catalogue voice with `voice_id`; ServiceError voice_not_found naming `param` when there is none."""
    voice = get_voice(voice_id)
    if voice is None:
        raise ServiceError("voice_not_found", f"Voice {voice_id} not found", param=param)
    return voice


@functools.cache
def _by_id() -> dict[str, Voice]:
    return {voice.voice_id: voice for voice in list_voices()}


def speaks(voice: Voice, language: str) -> bool:
    """`language` as a name ("English"), a code ("en", "cmn") or a locale's language ("zh" of zh-CN)."""
    wanted = language.strip().lower()
    return wanted in (voice.language.lower(), voice.language_code.lower(), voice.locale.split("-")[0].lower())


def engine_matches(voice: Voice, engine: str) -> bool:
    """Our engines by name (piper, espeak); "starfish", HeyGen's engine for its TTS endpoint, matches every voice
    because every catalogue voice works with POST /v3/voices/speech."""
    return engine.lower() in (voice.engine, "starfish")


def default_voice_id(gender: str) -> str:
    """The first English catalogue voice of the avatar's gender (the default voice when none matches)."""
    match = next((voice for voice in list_voices()
                  if voice.language_code == "en" and voice.gender == gender), None)
    return match.voice_id if match else DEFAULT_VOICE_ID


def _piper_voices() -> list[Voice]:
    return [_one_locale_voice("piper", voice) for voice in PIPER_VOICES]


def _festival_voices() -> list[Voice]:
    return [_one_locale_voice("festival", voice) for voice in FESTIVAL_VOICES]


def _one_locale_voice(engine: str, voice: OneLocaleVoice) -> Voice:
    return Voice(
        voice_id=voice_id_for(engine, voice.engine_voice),
        name=voice.name,
        language=voice.language,
        language_code=voice.locale.split("-")[0],
        locale=voice.locale,
        gender=voice.gender,
        engine=engine,
        engine_voice=voice.engine_voice,
        support_pause=True,
        emotion_support=True,
        locales=(voice.locale,),
    )


def _espeak_voices() -> list[Voice]:
    groups: dict[str, list[espeak_voices.EspeakVoice]] = {}
    for voice in espeak_voices.installed_voices():
        if voice.languages:
            groups.setdefault(_base_code(voice.languages[0]), []).append(voice)
    voices: list[Voice] = []
    for code, members in sorted(groups.items(), key=lambda group: _display_name(*group)):
        default = _default_member(code, members)
        display = _display_name(code, members)
        main_locale = _main_locale(code, default.languages[0])
        locales = tuple(dict.fromkeys([main_locale, *(_bcp47(tag) for tag in _accent_tags(code, members))]))
        for gender, suffix, label in (("male", "", ""), ("female", f"+{ESPEAK_FEMALE_VARIANT}", " female")):
            engine_voice = default.identifier + suffix
            voices.append(Voice(
                voice_id=voice_id_for("espeak", engine_voice),
                name=f"{_unbracketed(display)} (espeak{label})",
                language=_without_qualifier(display),
                language_code=code,
                locale=main_locale,
                gender=gender,
                engine="espeak",
                engine_voice=engine_voice,
                support_pause=True,
                emotion_support=True,
                locales=locales,
            ))
    return voices


def _display_name(code: str, members: list[espeak_voices.EspeakVoice]) -> str:
    """The language's name: espeak's, without the accent qualifier when the accents are folded together."""
    if code in ESPEAK_LANGUAGE_NAMES:
        return ESPEAK_LANGUAGE_NAMES[code]
    name = _default_member(code, members).name
    return _without_qualifier(name) if len(members) > 1 else name


def _base_code(tag: str) -> str:
    return tag.split("-")[0]


def _default_member(code: str, members: list[espeak_voices.EspeakVoice]) -> espeak_voices.EspeakVoice:
    wanted = ESPEAK_DEFAULT_ACCENT.get(code, code)
    return next((voice for voice in members if voice.languages[0] == wanted), members[0])


def _accent_tags(code: str, members: list[espeak_voices.EspeakVoice]) -> list[str]:
    """Each member's own tag, plus the regional tags it also answers to ("es-mx" for Latin American Spanish)."""
    tags = [voice.languages[0] for voice in members]
    tags += [tag for voice in members for tag in voice.languages[1:] if tag.startswith(f"{code}-")]
    return tags


def _main_locale(code: str, tag: str) -> str:
    """The default voice's locale; for a tag without region, the usual region of the language (de -> de-DE)."""
    if code in ESPEAK_MAIN_LOCALES:
        return ESPEAK_MAIN_LOCALES[code]
    if "-" in tag:
        return _bcp47(tag)
    region = re.match(r"[a-z]+_([A-Z]{2})\b", system_locale.normalize(code))
    return f"{code}-{region.group(1)}" if region and region.group(1) != "XX" else code


def _bcp47(tag: str) -> str:
    """espeak's lower-case tag in BCP 47 casing: en-gb-x-rp -> en-GB-x-rp, cmn-latn-pinyin -> cmn-Latn-pinyin."""
    parts = tag.split("-")
    out = [parts[0]]
    private = False
    for part in parts[1:]:
        private = private or part == "x"
        if not private and len(part) == 2 and part.isalpha():
            part = part.upper()
        elif not private and len(part) == 4 and part.isalpha():
            part = part.title()
        out.append(part)
    return "-".join(out)


def _without_qualifier(name: str) -> str:
    return re.sub(r"\s*\(.*\)\s*$", "", name).strip()


def _unbracketed(name: str) -> str:
    """"Armenian (East Armenia)" -> "Armenian, East Armenia", so the engine can follow in brackets."""
    return re.sub(r"\s*\((.*)\)\s*$", r", \1", name).strip()


DEFAULT_VOICE_ID = voice_id_for("piper", PIPER_VOICES[0].engine_voice)
"""Joe, the piper voice."""
