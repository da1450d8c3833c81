"""Text to speech (POST /v3/voices/speech): a WAV file with word timestamps, spoken by a worker."""
from __future__ import annotations

import html
import re

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import json_body, runtime_of
from avatarstudio.catalog import voices
from avatarstudio.errors import invalid
from avatarstudio.jobs import quick
from avatarstudio.runtime import Runtime
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import parse

router = APIRouter()

SPEECH_ERROR_PARAMS = {"UNSUPPORTED_LOCALE": "locale", "INVALID_VOICE_SETTINGS": "speed"}
"""The request field each speech-stage error is about; any other (empty text, a bad break tag) is about `text`."""
_SSML_TAG = re.compile(r"<(?!\s*break\b)[^>]*>", re.IGNORECASE)


def _script(text: str, input_type: str) -> str:
    """SSML keeps its break tags (the speech stage honours them); other markup is dropped, entities decoded."""
    return html.unescape(_SSML_TAG.sub(" ", text)) if input_type == "ssml" else text


@router.post("/v3/voices/speech", summary="Text to speech: a WAV file with word timestamps")
async def speak(request: Request, key_id: Key) -> dict:
    _, body = await json_body(request)
    # A worker speaks it and this request waits: off the event loop, like all blocking work.
    return envelopes.v3(await run_in_threadpool(_speech, runtime_of(request), parse(wire_v3.SpeechRequest, body)))


def _speech(runtime: Runtime, parsed: wire_v3.SpeechRequest) -> dict:
    voice = voices.find_voice(parsed.voice_id)
    if parsed.locale is None and parsed.language is not None and not voices.speaks(voice, parsed.language):
        raise invalid("language", f"voice {voice.name!r} speaks {voice.language}; pick a voice for "
                                  f"{parsed.language} (GET /v3/voices?language=...)")
    request_id, spoken = quick.speak(runtime, _script(parsed.text, parsed.input_type), voice.voice_id, parsed.speed,
                                     parsed.locale)
    if isinstance(spoken, quick.Refused):
        raise invalid(SPEECH_ERROR_PARAMS.get(spoken.code, "text"), spoken.message)
    return {"audio_url": runtime.url_for(spoken.key), "duration": round(spoken.duration, 3), "request_id": request_id,
            "word_timestamps": [{"word": word, "start": round(start, 3), "end": round(end, 3)}
                                for word, start, end in spoken.words]}
