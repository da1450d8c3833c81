"""POST /v3/voices, HeyGen's voice design, answered by a search of the catalogue (catalog/voice_design.py).
Voice cloning (POST /v3/voices/clone) is not offered: api/unsupported.py answers it with 501."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.catalog import voice_design, voices
from avatarstudio.errors import invalid
from avatarstudio.wire.common import Wire, parse

router = APIRouter()


class DesignVoice(Wire):
    prompt: Annotated[str, Field(min_length=1, max_length=1000)]
    gender: Literal["male", "female"] | None = None
    locale: str | None = None
    seed: Annotated[int, Field(ge=0, le=1000)] = 0


@router.post("/v3/voices", summary="Design a voice: the catalogue voices that best fit a description (up to 3)",
             openapi_extra=body(DesignVoice))
async def design(request: Request, key_id: Key) -> dict:
    parsed = parse(DesignVoice, (await json_body(request))[1])
    if parsed.locale is not None and not any(
            parsed.locale.replace("_", "-").lower() in (tag.lower() for tag in voice.locales)
            for voice in voices.list_voices()):
        raise invalid("locale", f"no catalogue voice speaks {parsed.locale}; GET /v2/voices/locales lists them")
    base = runtime_of(request).settings.public_base_url
    matches = voice_design.design(parsed.prompt, parsed.gender, parsed.locale, parsed.seed)
    return envelopes.v3({"seed": parsed.seed, "voices": [
        {"voice_id": match.voice.voice_id, "name": match.voice.name, "gender": match.voice.gender,
         "language": match.voice.language, "locale": match.locale,
         "preview_audio_url": f"{base}/catalog/voices/{match.voice.voice_id}/preview.wav",
         "support_locale": len(match.voice.locales) > 1, "support_pause": match.voice.support_pause,
         "type": "public"} for match in matches]})
