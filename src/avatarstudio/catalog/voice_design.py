"""Voice design (POST /v3/voices) as a search of the catalogue: a prompt's words, ranked.

HeyGen designs a new voice from a description; this server has a fixed catalogue, so it answers with the
catalogue voices that fit the description best. Words are read for language ("Spanish"), accent ("British",
"Mexican": a locale the voice can speak, returned with it), gender ("female", "man") and style: "natural",
"warm", "narrator" and their like prefer the neural and unit-selection voices (piper, festival) over espeak's
formant voices, and "robotic" or "synthetic" prefer espeak. The catalogue records no ages, so age words match
nothing. A prompt that names no language is taken as English, HeyGen's default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from avatarstudio.catalog.voices import Voice, list_voices

PAGE = 3
"""HeyGen returns up to three voices per seed."""

ACCENTS = {
    "american": "en-US", "british": "en-GB", "uk": "en-GB",
    "scottish": "en-GB-scotland", "caribbean": "en-029", "jamaican": "en-029", "york": "en-US-nyc",
    "received": "en-GB-x-rp", "rp": "en-GB-x-rp", "brazilian": "pt-BR",
    "mexican": "es-MX", "latin": "es-419", "castilian": "es-ES", "belgian": "fr-BE", "swiss": "fr-CH",
    "parisian": "fr-FR", "cantonese": "zh-HK", "mandarin": "zh-CN",
}
"""Accent words -> the locale they ask for (and, through it, the language)."""

GENDERS = {"female": "female", "woman": "female", "women": "female", "girl": "female", "lady": "female",
           "feminine": "female", "male": "male", "man": "male", "men": "male", "boy": "male", "guy": "male",
           "masculine": "male"}

NATURAL = {"natural", "warm", "human", "realistic", "smooth", "narrator", "narration", "friendly", "confident",
           "professional", "calm", "soft", "clear", "storyteller", "conversational", "expressive", "pleasant"}
SYNTHETIC = {"robotic", "robot", "synthetic", "artificial", "retro", "computer", "machine", "mechanical"}
ENGINE_NATURALNESS = {"piper": 2, "festival": 1, "espeak": 0}

WEIGHTS = {"language": 8, "accent": 4, "gender": 2, "style": 1}


@dataclass(frozen=True)
class Match:
    voice: Voice
    locale: str
    """The locale the prompt's accent asked for when the voice speaks it, else the voice's own."""


def design(prompt: str, gender: str | None = None, locale: str | None = None, seed: int = 0) -> list[Match]:
    """Up to PAGE voices for `prompt`, best first; `seed` n gives the n-th next PAGE of the same ranking.

    `gender` and `locale` are filters (a voice must be of that gender and speak that locale); the prompt's
    words only rank. The ranking is deterministic: the same arguments always give the same voices.
    """
    words = re.findall(r"[a-z]+", prompt.lower())
    wanted_gender = next((GENDERS[word] for word in words if word in GENDERS), None)
    accent = next((ACCENTS[word] for word in words if word in ACCENTS), None)
    languages = {voice.language.lower() for voice in list_voices()}
    language = next((word for word in words if word in languages), None)
    if language is None and accent is None:
        language = "english"
    style = 1 if NATURAL & set(words) else -1 if SYNTHETIC & set(words) else 0
    candidates = [voice for voice in list_voices()
                  if (gender is None or voice.gender == gender.lower())
                  and (locale is None or _speaks_locale(voice, locale))]
    scored = [(_score(voice, language, accent, wanted_gender, style), index, voice)
              for index, voice in enumerate(candidates)]
    ranked = [voice for _, _, voice in sorted(scored, key=lambda item: (-item[0], item[1]))]
    page = ranked[seed * PAGE:(seed + 1) * PAGE]
    return [Match(voice, _locale_for(voice, locale or accent)) for voice in page]


def _score(voice: Voice, language: str | None, accent: str | None, gender: str | None, style: int) -> int:
    score = 0
    if language is not None and voice.language.lower() == language:
        score += WEIGHTS["language"]
    if accent is not None and _speaks_locale(voice, accent):
        score += WEIGHTS["accent"] + (0 if language else WEIGHTS["language"])
    if gender is not None and voice.gender == gender:
        score += WEIGHTS["gender"]
    return score + WEIGHTS["style"] * style * ENGINE_NATURALNESS.get(voice.engine, 0)


def _speaks_locale(voice: Voice, locale: str) -> bool:
    wanted = locale.replace("_", "-").lower()
    return any(known.lower() == wanted for known in voice.locales)


def _locale_for(voice: Voice, locale: str | None) -> str:
    if locale is not None:
        match = next((known for known in voice.locales if known.lower() == locale.replace("_", "-").lower()), None)
        if match is not None:
            return match
    return voice.locale
