"""Voices in each family's shapes, and their locales."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import Limit, runtime_of
from avatarstudio.catalog import voices
from avatarstudio.runtime import Runtime

router = APIRouter()


def _voice_preview_url(runtime: Runtime, voice_id: str) -> str:
    return f"{runtime.settings.public_base_url}/catalog/voices/{voice_id}/preview.wav"


def _v2_voice(runtime: Runtime, voice: voices.Voice) -> dict:
    return {"voice_id": voice.voice_id, "language": voice.language, "gender": voice.gender, "name": voice.name,
            "preview_audio": _voice_preview_url(runtime, voice.voice_id), "support_pause": voice.support_pause,
            "emotion_support": voice.emotion_support, "support_interactive_avatar": False,
            "support_locale": len(voice.locales) > 1}


def _v3_voice(runtime: Runtime, voice: voices.Voice) -> dict:
    return {"voice_id": voice.voice_id, "name": voice.name, "gender": voice.gender, "language": voice.language,
            "language_code": voice.language_code, "locales": list(voice.locales), "engine": voice.engine,
            "type": "public", "preview_audio_url": _voice_preview_url(runtime, voice.voice_id),
            "support_pause": voice.support_pause, "support_locale": len(voice.locales) > 1,
            "support_interactive_avatar": False, "created_at": None, "status": None}


@router.get("/v2/voices", summary="All catalogue voices (v2)")
def voices_v2(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    return envelopes.v2({"voices": [_v2_voice(runtime, voice) for voice in voices.list_voices()]})


@router.get("/v2/voices/locales", summary="Every locale a catalogue voice can speak (v2)")
def locales_v2(request: Request, key_id: Key) -> dict:
    seen: dict[str, dict] = {}
    for voice in voices.list_voices():
        for tag in voice.locales:
            seen.setdefault(tag, {"value": tag, "label": f"{voice.language} ({tag})", "language": voice.language,
                                  "tag": tag, "locale": tag, "language_code": voice.language_code})
    return envelopes.v2({"locales": list(seen.values())})


@router.get("/v1/voice.list", summary="All catalogue voices (legacy v1)")
def voices_v1(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    return envelopes.v1({"list": [{**_v2_voice(runtime, voice), "display_name": voice.name}
                                  for voice in voices.list_voices()]})


@router.get("/v3/voices", summary="Catalogue voices (v3, paged; filter by type, engine, language, gender)")
def voices_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
              type: Literal["public", "private"] | None = None, engine: str | None = None,
              language: str | None = None, gender: str | None = None) -> dict:
    """Every catalogue voice is public; type=private lists none (voice cloning is not offered)."""
    runtime = runtime_of(request)
    found = [_v3_voice(runtime, voice) for voice in voices.list_voices()
             if type != "private" and (engine is None or voices.engine_matches(voice, engine))
             and (language is None or voices.speaks(voice, language))
             and (gender is None or voice.gender == gender.strip().lower())]
    return envelopes.v3_list_page(found, limit, token)


@router.get("/v3/voices/{voice_id}", summary="One catalogue voice (v3)")
def voice_v3(request: Request, key_id: Key, voice_id: str) -> dict:
    return envelopes.v3(_v3_voice(runtime_of(request), voices.find_voice(voice_id)))
