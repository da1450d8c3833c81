"""The catalogue in each family's shapes: avatars and looks, talking photos, voices, locales, text to speech,
and the public preview files (avatar stills, voice samples) that the listings link to.

A built-in group is one person of catalog/avatars.py and its avatars are the looks. A talking photo (an
uploaded image asset) is a private photo avatar: a group of its own with one look whose id is the photo's id.
"""
from __future__ import annotations

import base64
import binascii
import html
import re
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from PIL import Image
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.inputs import json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.api.auth import require_key
from avatarstudio.catalog import avatars, voices
from avatarstudio.errors import RenderError, ServiceError, invalid
from avatarstudio.fetch import fetch
from avatarstudio.jobs import quick
from avatarstudio.runtime import Runtime
from avatarstudio.store.assets import Assets
from avatarstudio.store.models import Asset
from avatarstudio.store.paging import page_of_list
from avatarstudio.uploads import delete_asset, save_asset
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import Script, Wire, parse

router = APIRouter()
Key = Annotated[str, Depends(require_key)]
Limit = Annotated[int, Query(ge=1, le=100)]
Ownership = Literal["public", "private"]
"""v3's ownership filter: public is the built-in catalogue, private the talking photos uploaded here."""

CATALOGUE_CREATED_AT = 1735689600
"""created_at of the built-in groups (2025-01-01 UTC): they ship with the code, so no real creation time exists."""
ORIENTATIONS = {"horizontal": "landscape", "vertical": "portrait", "square": "square"}
"""catalog/avatars.py's framing names in v3's preferred_orientation vocabulary."""
SUPPORTED_ENGINES = ["avatar_iv"]
TALKING_PHOTO_GENDER = "unknown"
"""An uploaded photo says nothing reliable about gender; clients require a string here."""



def _page(items: list, limit: int, token: str | None) -> dict:
    """A v3 list page; the token is the offset of the next page."""
    page = page_of_list(items, token, limit)
    return envelopes.v3_page(page.items, page.has_more, page.next_token)


def _default_voice_id(gender: str) -> str:
    """The first English catalogue voice of the avatar's gender (the default voice when none matches)."""
    match = next((voice for voice in voices.list_voices()
                  if voice.language_code == "en" and voice.gender == gender), None)
    return match.voice_id if match else voices.DEFAULT_VOICE_ID


# --- looks and groups ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Look:
    """A built-in avatar or a talking photo, in the terms every family's listing is made from."""

    id: str
    name: str
    group_id: str
    group_name: str
    gender: str
    avatar_type: str
    public: bool
    preferred_orientation: str | None
    image_width: int | None
    image_height: int | None
    preview_image_url: str
    tags: tuple[str, ...]
    created_at: int

    @property
    def default_voice_id(self) -> str:
        return _default_voice_id(self.gender)


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    public: bool
    looks: tuple[Look, ...]


def _avatar_preview_url(runtime: Runtime, avatar_id: str) -> str:
    return f"{runtime.settings.public_base_url}/catalog/avatars/{avatar_id}/preview.png"


def _voice_preview_url(runtime: Runtime, voice_id: str) -> str:
    return f"{runtime.settings.public_base_url}/catalog/voices/{voice_id}/preview.wav"


def _builtin_look(runtime: Runtime, avatar: avatars.Avatar) -> Look:
    width, height = avatar.preview_width, avatars.LOOK_HEIGHT
    tags = (avatar.kind, "transparent_background") if avatar.supports_alpha else (avatar.kind,)
    return Look(avatar.avatar_id, avatar.name, avatar.group_id, avatar.group_name, avatar.gender,
                "studio_avatar" if avatar.kind == "drawn" else "photo_avatar", True,
                ORIENTATIONS.get(avatar.preferred_orientation), width, height,
                _avatar_preview_url(runtime, avatar.avatar_id), tags, CATALOGUE_CREATED_AT)


def _image_size(runtime: Runtime, blob_key: str) -> tuple[int, int] | None:
    try:
        with Image.open(runtime.blobs.local_path(blob_key)) as image:
            return image.size
    except (KeyError, OSError):
        return None


def _orientation(size: tuple[int, int] | None) -> str | None:
    if size is None:
        return None
    width, height = size
    if width > height * 1.1:
        return "landscape"
    return "portrait" if height > width * 1.1 else "square"


def _talking_photo_look(runtime: Runtime, asset: Asset) -> Look:
    size = _image_size(runtime, asset.blob_key)
    return Look(asset.id, asset.name, asset.id, asset.name, TALKING_PHOTO_GENDER, "photo_avatar", False,
                _orientation(size), size[0] if size else None, size[1] if size else None,
                runtime.url_for(asset.blob_key), ("talking_photo",), int(asset.created_at))


def _looks(runtime: Runtime) -> list[Look]:
    """Built-in looks first (catalogue order), then talking photos, newest first."""
    return ([_builtin_look(runtime, avatar) for avatar in avatars.list_avatars()]
            + [_talking_photo_look(runtime, asset) for asset in Assets(runtime.db).talking_photos()])


def _look(runtime: Runtime, look_id: str, param: str) -> Look:
    avatar = avatars.get_avatar(look_id)
    if avatar is not None:
        return _builtin_look(runtime, avatar)
    asset = Assets(runtime.db).get(look_id)
    if asset is None or not asset.is_talking_photo:
        raise ServiceError("avatar_not_found", f"Avatar {look_id} not found", param=param)
    return _talking_photo_look(runtime, asset)


def _groups(runtime: Runtime) -> list[Group]:
    members: dict[str, list[Look]] = {}
    for look in _looks(runtime):
        members.setdefault(look.group_id, []).append(look)
    return [Group(group_id, looks[0].group_name, looks[0].public, tuple(looks)) for group_id, looks in members.items()]


def _group(runtime: Runtime, group_id: str) -> Group:
    group = next((group for group in _groups(runtime) if group.id == group_id), None)
    if group is None:
        raise ServiceError("avatar_not_found", f"Avatar group {group_id} not found", param="group_id")
    return group


def _owned(public: bool, ownership: str | None) -> bool:
    return ownership is None or (ownership == "public") == public


# --- public preview files ------------------------------------------------------------------------------

def _preview_file(runtime: Runtime, kind: quick.PreviewKind, item_id: str) -> FileResponse:
    """The preview file, made by a worker on its first request and then served from the blob store."""
    return FileResponse(runtime.blobs.local_path(quick.preview(runtime, kind, item_id)),
                        media_type=quick.PREVIEW_MEDIA_TYPES[kind], headers={"Cache-Control": "public, max-age=86400"})


@router.get("/catalog/avatars/{avatar_id}/preview.png", summary="A built-in avatar's preview still (public)")
def avatar_preview(request: Request, avatar_id: str) -> FileResponse:
    if avatars.get_avatar(avatar_id) is None:
        raise ServiceError("avatar_not_found", f"Avatar {avatar_id} not found", param="avatar_id")
    return _preview_file(runtime_of(request), "avatar", avatar_id)


@router.get("/catalog/voices/{voice_id}/preview.wav", summary="A voice's spoken sample (public)")
def voice_preview(request: Request, voice_id: str) -> FileResponse:
    """A short sentence in the voice's language (digits for languages without a written sample)."""
    return _preview_file(runtime_of(request), "voice", _voice(voice_id).voice_id)


# --- avatars: v2 ---------------------------------------------------------------------------------------

def _v2_avatar(look: Look) -> dict:
    """preview_video_url repeats the preview image until preview videos exist: clients require a URL there."""
    return {"avatar_id": look.id, "avatar_name": look.name, "gender": look.gender,
            "preview_image_url": look.preview_image_url, "preview_video_url": look.preview_image_url,
            "premium": False, "type": "avatar" if look.public else "talking_photo", "tags": list(look.tags),
            "default_voice_id": look.default_voice_id}


def _v2_talking_photo(look: Look) -> dict:
    return {"talking_photo_id": look.id, "talking_photo_name": look.name, "preview_image_url": look.preview_image_url}


def _v2_group_avatar(look: Look) -> dict:
    """HeyGen's documented look keys and the v2 avatar keys together: the official MCP client reads the latter."""
    return {"id": look.id, "image_url": look.preview_image_url, "name": look.name, "status": "COMPLETED",
            "group_id": look.group_id, "created_at": look.created_at, "is_motion": False,
            "motion_preview_url": None, **_v2_avatar(look)}


@router.get("/v2/avatars", summary="Built-in avatars and talking photos (v2)")
def list_v2(request: Request, key_id: Key) -> dict:
    """preview_video_url is the preview image URL until preview videos exist."""
    looks = _looks(runtime_of(request))
    return envelopes.v2({"avatars": [_v2_avatar(look) for look in looks if look.public],
                         "talking_photos": [_v2_talking_photo(look) for look in looks if not look.public]})


@router.get("/v2/avatar/{avatar_id}/details", summary="One avatar or talking photo (v2)")
def details_v2(request: Request, key_id: Key, avatar_id: str) -> dict:
    look = _look(runtime_of(request), avatar_id, "avatar_id")
    return envelopes.v2({**_v2_avatar(look), "id": look.id, "name": look.name, "is_public": look.public})


@router.get("/v2/avatar_group.list", summary="Avatar groups (v2): private ones, and public ones on request")
def groups_v2(request: Request, key_id: Key, include_public: bool = False) -> dict:
    """As on HeyGen, public (built-in) groups are listed only with include_public=true."""
    groups = [group for group in _groups(runtime_of(request)) if include_public or not group.public]
    return envelopes.v2({"total_count": len(groups), "avatar_group_list": [{
        "id": group.id, "name": group.name, "created_at": group.looks[0].created_at, "num_looks": len(group.looks),
        "preview_image": group.looks[0].preview_image_url,
        "group_type": "PUBLIC_PHOTO" if group.public else "PRIVATE",
        "train_status": None if group.public else "ready"} for group in groups]})


@router.get("/v2/avatar_group/{group_id}/avatars", summary="The looks of one avatar group (v2)")
def group_avatars_v2(request: Request, key_id: Key, group_id: str) -> dict:
    group = _group(runtime_of(request), group_id)
    return envelopes.v2({"avatar_list": [_v2_group_avatar(look) for look in group.looks]})


@router.get("/v1/avatar.list", summary="Built-in avatars (legacy v1)")
def list_v1(request: Request, key_id: Key) -> dict:
    return envelopes.v1({"avatars": [_v2_avatar(look) for look in _looks(runtime_of(request)) if look.public]})


# --- avatars: v3 ---------------------------------------------------------------------------------------

def _v3_group(group: Group) -> dict:
    first = group.looks[0]
    return {"id": group.id, "name": group.name, "created_at": first.created_at, "gender": first.gender,
            "default_voice_id": first.default_voice_id, "looks_count": len(group.looks),
            "preview_image_url": first.preview_image_url, "preview_video_url": first.preview_image_url,
            "consent_status": None, "status": None if group.public else "completed", "error": None}


def _v3_look(look: Look) -> dict:
    """preview_video_url is the preview image URL until preview videos exist."""
    return {"id": look.id, "name": look.name, "avatar_type": look.avatar_type, "group_id": look.group_id,
            "gender": look.gender, "default_voice_id": look.default_voice_id,
            "preview_image_url": look.preview_image_url, "preview_video_url": look.preview_image_url,
            "preferred_orientation": look.preferred_orientation, "supported_api_engines": SUPPORTED_ENGINES,
            "image_width": look.image_width, "image_height": look.image_height, "tags": list(look.tags),
            "status": None if look.public else "completed", "error": None}


@router.get("/v3/avatars", summary="Avatar groups (v3, paged; ownership public = built-in, private = yours)")
def groups_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
              ownership: Ownership | None = None) -> dict:
    groups = [_v3_group(group) for group in _groups(runtime_of(request)) if _owned(group.public, ownership)]
    return _page(groups, limit, token)


@router.get("/v3/avatars/looks", summary="Avatar looks (v3, paged); a look id is what avatar_id takes")
def looks_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
             group_id: str | None = None,
             avatar_type: Literal["studio_avatar", "digital_twin", "photo_avatar"] | None = None,
             ownership: Ownership | None = None) -> dict:
    looks = [_v3_look(look) for look in _looks(runtime_of(request))
             if (group_id is None or look.group_id == group_id)
             and (avatar_type is None or look.avatar_type == avatar_type) and _owned(look.public, ownership)]
    return _page(looks, limit, token)


@router.get("/v3/avatars/looks/{look_id}", summary="One avatar look (v3)")
def look_v3(request: Request, key_id: Key, look_id: str) -> dict:
    return envelopes.v3(_v3_look(_look(runtime_of(request), look_id, "look_id")))


def _photo_bytes(runtime: Runtime, image: object) -> bytes:
    """The bytes of a v3 image input: an uploaded asset, inline base64, or a URL fetched under the safety rules."""
    if isinstance(image, wire_v3.ImageByAsset):
        asset = Assets(runtime.db).get(image.asset_id)
        if asset is None:
            raise ServiceError("asset_not_found", f"Asset {image.asset_id} not found", param="file.asset_id")
        return runtime.blobs.local_path(asset.blob_key).read_bytes()
    if isinstance(image, wire_v3.ImageByBase64):
        try:
            return base64.b64decode(image.data, validate=True)
        except (binascii.Error, ValueError):
            raise invalid("file.data", "not base64") from None
    settings = runtime.settings
    with tempfile.TemporaryDirectory() as scratch:
        try:
            path = fetch(image.url, Path(scratch) / "photo", allow_private=settings.allow_private_urls,
                         max_bytes=settings.fetch_max_bytes, timeout=settings.fetch_timeout_seconds)
        except RenderError as error:
            raise ServiceError("invalid_parameter", f"file.url is invalid: {error.message}", param="file.url") from None
        return path.read_bytes()


@router.post("/v3/avatars", summary="Create a photo avatar (a talking photo) from an image with one face",
             openapi_extra=body(wire_v3.CreatePhotoAvatarRequest))
async def create_avatar_v3(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    payload = (await json_body(request))[1]
    kind = payload.get("type") if isinstance(payload, dict) else None
    if kind in ("digital_twin", "prompt"):
        raise invalid("type", f"'{kind}' avatars need training this server cannot do; use type 'photo'")
    parsed = parse(wire_v3.CreatePhotoAvatarRequest, payload)
    if parsed.avatar_group_id is not None:
        raise invalid("avatar_group_id", "each photo avatar is its own group here; adding looks to a group is "
                                         "not supported")

    def create() -> dict:
        asset = save_asset(runtime, key_id, _photo_bytes(runtime, parsed.file), name=parsed.name, talking_photo=True,
                           vet=partial(quick.require_one_face, runtime))
        look = _talking_photo_look(runtime, asset)
        return {"avatar_group": _v3_group(_group(runtime, look.group_id)), "avatar_item": _v3_look(look)}

    return envelopes.v3(await run_in_threadpool(create))


def _delete_photo(runtime: Runtime, look_id: str, param: str) -> None:
    look = _look(runtime, look_id, param)
    if look.public:
        raise ServiceError("forbidden", f"Avatar {look_id} is built in and cannot be deleted", param=param)
    delete_asset(runtime, look_id)


@router.delete("/v3/avatars/looks/{look_id}", summary="Delete a photo avatar look (built-in looks cannot be)")
def delete_look_v3(request: Request, key_id: Key, look_id: str) -> dict:
    _delete_photo(runtime_of(request), look_id, "look_id")
    return envelopes.v3({"id": look_id})


@router.delete("/v3/avatars/{group_id}", summary="Delete a photo avatar group (built-in groups cannot be)")
def delete_group_v3(request: Request, key_id: Key, group_id: str) -> dict:
    _delete_photo(runtime_of(request), group_id, "group_id")
    return envelopes.v3({"id": group_id})


@router.get("/v3/avatars/{group_id}", summary="One avatar group (v3)")
def group_v3(request: Request, key_id: Key, group_id: str) -> dict:
    return envelopes.v3(_v3_group(_group(runtime_of(request), group_id)))


# --- voices --------------------------------------------------------------------------------------------

def _voice(voice_id: str) -> voices.Voice:
    voice = voices.get_voice(voice_id)
    if voice is None:
        raise ServiceError("voice_not_found", f"Voice {voice_id} not found", param="voice_id")
    return voice


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


def _speaks(voice: voices.Voice, language: str) -> bool:
    """`language` as a name ("English"), a code ("en", "cmn") or a locale's language ("zh" of zh-CN)."""
    wanted = language.strip().lower()
    return wanted in (voice.language.lower(), voice.language_code.lower(), voice.locale.split("-")[0].lower())


def _engine_matches(voice: voices.Voice, engine: str) -> bool:
    """Our engines by name (piper, espeak); "starfish", HeyGen's engine for its TTS endpoint, matches every voice
    because every catalogue voice works with POST /v3/voices/speech."""
    return engine.lower() in (voice.engine, "starfish")


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
             if type != "private" and (engine is None or _engine_matches(voice, engine))
             and (language is None or _speaks(voice, language))
             and (gender is None or voice.gender == gender.strip().lower())]
    return _page(found, limit, token)


@router.get("/v3/voices/{voice_id}", summary="One catalogue voice (v3)")
def voice_v3(request: Request, key_id: Key, voice_id: str) -> dict:
    return envelopes.v3(_v3_voice(runtime_of(request), _voice(voice_id)))


# --- text to speech ------------------------------------------------------------------------------------

class SpeechRequest(Wire):
    text: Script
    voice_id: str
    speed: Annotated[float, Field(ge=0.5, le=2.0)] = 1.0
    locale: str | None = None
    language: str | None = None
    input_type: Literal["text", "ssml"] = "text"


SPEECH_ERROR_PARAMS = {"UNSUPPORTED_LOCALE": "locale", "INVALID_VOICE_SETTINGS": "speed"}
"""The request field each speech-stage error is about; any other (empty text, a bad break tag) is about `text`."""
_SSML_TAG = re.compile(r"<(?!\s*break\b)[^>]*>", re.IGNORECASE)


def _script(text: str, input_type: str) -> str:
    """SSML keeps its break tags (the speech stage honours them); other markup is dropped, entities decoded."""
    return html.unescape(_SSML_TAG.sub(" ", text)) if input_type == "ssml" else text


@router.post("/v3/voices/speech", summary="Text to speech: a WAV file with word timestamps")
async def speak(request: Request, key_id: Key) -> dict:
    _, body = await json_body(request)
    # Synthesis takes seconds of CPU: off the event loop, like the sync routes.
    return envelopes.v3(await run_in_threadpool(_speech, runtime_of(request), parse(SpeechRequest, body)))


def _speech(runtime: Runtime, parsed: SpeechRequest) -> dict:
    voice = _voice(parsed.voice_id)
    if parsed.locale is None and parsed.language is not None and not _speaks(voice, parsed.language):
        raise invalid("language", f"voice {voice.name!r} speaks {voice.language}; pick a voice for "
                                  f"{parsed.language} (GET /v3/voices?language=...)")
    request_id, spoken = quick.speak(runtime, _script(parsed.text, parsed.input_type), voice.voice_id, parsed.speed,
                                     parsed.locale)
    if isinstance(spoken, quick.Refused):
        raise invalid(SPEECH_ERROR_PARAMS.get(spoken.code, "text"), spoken.message)
    return {"audio_url": runtime.url_for(spoken.key), "duration": round(spoken.duration, 3), "request_id": request_id,
            "word_timestamps": [{"word": word, "start": round(start, 3), "end": round(end, 3)}
                                for word, start, end in spoken.words]}
