"""Validated wire requests -> the internal VideoSpec. One function per create endpoint, and the table of them
(CREATE_ENDPOINTS) that both the API and `avatarstudio render` go through.

Ids are checked here, at request time, so an unknown avatar, voice or asset is refused with the family's
not-found error instead of failing later in the worker.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from avatarstudio import spec
from avatarstudio.catalog import avatars, voices
from avatarstudio.errors import ServiceError
from avatarstudio.wire import common, v1, v2, v3

SIZES = {
    ("720p", "16:9"): (1280, 720), ("720p", "9:16"): (720, 1280), ("720p", "1:1"): (720, 720),
    ("720p", "4:5"): (720, 900), ("720p", "5:4"): (900, 720),
    ("1080p", "16:9"): (1920, 1080), ("1080p", "9:16"): (1080, 1920), ("1080p", "1:1"): (1080, 1080),
    ("1080p", "4:5"): (1080, 1350), ("1080p", "5:4"): (1350, 1080),
    ("4k", "16:9"): (3840, 2160), ("4k", "9:16"): (2160, 3840), ("4k", "1:1"): (2160, 2160),
    ("4k", "4:5"): (1728, 2160), ("4k", "5:4"): (2160, 1728),
}


class Lookup(Protocol):
    """What translation needs to know about the user's own data (the metadata store implements it)."""

    def asset_type(self, asset_id: str) -> str | None:
        """'image' | 'video' | 'audio' for a stored asset, None when there is no such asset."""

    def save_inline_image(self, data_base64: str, media_type: str) -> str:
        """Store a base64 image sent inside a request; returns its asset id."""

    def twin_status(self, twin_id: str) -> str | None:
        """A digital twin's status as the API shows it (pending_consent, processing, completed, failed), None when
        there is no such twin."""

    def photo_import_status(self, avatar_id: str) -> str | None:
        """processing or failed for a photo avatar still being (or not) made from its URL, else None."""


@dataclass(frozen=True)
class Translated:
    spec: spec.VideoSpec
    title: str | None
    callback_id: str | None
    callback_url: str | None
    folder_id: str | None
    output_format: str


def _voice(voice_id: str, param: str) -> str:
    return voices.find_voice(voice_id, param).voice_id


def _asset(lookup: Lookup, asset_id: str, kind: str, param: str) -> spec.MediaRef:
    found = lookup.asset_type(asset_id)
    if found is None:
        raise ServiceError("asset_not_found", f"Asset {asset_id} not found", param=param)
    if found != kind:
        raise ServiceError("invalid_parameter", f"{param} is invalid: asset {asset_id} is a {found}, not a {kind}",
                           param=param)
    return spec.MediaRef("asset", asset_id)


def _look(lookup: Lookup, avatar_id: str, param: str) -> spec.Look:
    """An avatar id is a built-in look, a talking photo (an uploaded image asset) or a digital twin, which must have
    finished training: a video accepted now must not fail later for a reason known today."""
    if avatars.get_avatar(avatar_id) is not None:
        return spec.BuiltinLook(avatar_id)
    if lookup.asset_type(avatar_id) == "image":
        return spec.PhotoLook(spec.MediaRef("asset", avatar_id))
    twin = lookup.twin_status(avatar_id)
    if twin == "completed":
        return spec.TwinLook(avatar_id)
    if twin is not None:
        raise ServiceError("avatar_not_ready", f"avatar not ready: {param} names digital twin {avatar_id}, which is "
                           f"{twin}{NOT_READY_HINTS.get(twin, '')}", param=param)
    photo = lookup.photo_import_status(avatar_id)
    if photo is not None:
        raise ServiceError("avatar_not_ready", f"avatar not ready: {param} names photo avatar {avatar_id}, whose "
                           f"image {'is still being fetched' if photo == 'processing' else 'could not be used'} "
                           "(GET /v3/avatars/looks/{id} shows its status)", param=param)
    raise ServiceError("avatar_not_found", f"Avatar {avatar_id} not found", param=param)


NOT_READY_HINTS = {
    "pending_consent": " (it trains once consent is given: POST /v3/avatars/{group_id}/consent)",
    "processing": " (training; GET /v3/avatars/looks/{id} shows when it is completed)",
    "failed": " (its footage could not make a twin; GET /v3/avatars/looks/{id} says why)",
}


def _speech(lookup: Lookup, script: str | None, voice_id: str | None, audio_url: str | None,
            audio_asset_id: str | None, settings: common.VoiceSettings | None, prefix: str = "") -> spec.Speech:
    tuning = settings or common.VoiceSettings()
    if script is not None:
        return spec.TextSpeech(script, _voice(voice_id or voices.DEFAULT_VOICE_ID, f"{prefix}voice_id"),
                               speed=tuning.speed, pitch=tuning.pitch, locale=tuning.locale, volume=tuning.volume)
    audio = (_asset(lookup, audio_asset_id, "audio", f"{prefix}audio_asset_id") if audio_asset_id is not None
             else spec.MediaRef("url", audio_url or ""))
    return spec.AudioSpeech(audio, tuning.volume, language=tuning.locale)


def _simple_background(lookup: Lookup, background: common.SimpleBackground | None) -> spec.Background:
    if background is None:
        return spec.Background("auto")
    if background.type == "color":
        return spec.Background("color", background.value or "#FFFFFF")
    media = (_asset(lookup, background.asset_id, "image", "background.asset_id") if background.asset_id
             else spec.MediaRef("url", background.url or ""))
    return spec.Background("image", media=media, fit="cover")


def _url_or_asset(value: str, param: str) -> str:
    """A value that names no uploaded asset must be a URL (wire.common.AssetIdOrUrl)."""
    try:
        return common.absolute_http(value)
    except ValueError:
        raise ServiceError("invalid_parameter", f"{param} is invalid: neither an uploaded audio asset's id nor an "
                           "absolute http:// or https:// URL", param=param) from None


def _require_alpha(look: spec.Look, avatar_id: str, param: str) -> None:
    """Transparent output needs a look that can be cut out: photos and twins are, by person segmentation; a
    built-in look says in the catalogue whether it can."""
    if isinstance(look, spec.PhotoLook | spec.TwinLook):
        return
    builtin = avatars.get_avatar(avatar_id)
    if builtin is None or not builtin.supports_alpha:
        raise ServiceError("avatar_no_alpha", f"Avatar {avatar_id} does not support WebM", param=param)


def webm(request: v1.WebmRequest, lookup: Lookup) -> Translated:
    look = _look(lookup, request.avatar_pose_id, "avatar_pose_id")
    _require_alpha(look, request.avatar_pose_id, "avatar_pose_id")
    if request.input_text is not None:
        speech: spec.Speech = spec.TextSpeech(request.input_text, _voice(request.voice_id or "", "voice_id"))
    elif lookup.asset_type(request.input_audio or "") == "audio":
        speech = spec.AudioSpeech(spec.MediaRef("asset", request.input_audio or ""))
    else:
        speech = spec.AudioSpeech(spec.MediaRef("url", _url_or_asset(request.input_audio or "", "input_audio")))
    character = spec.Character(look, style=request.avatar_style)
    scene = spec.Scene(character, speech, spec.Background("transparent"))
    output = spec.Output(request.dimension.width, request.dimension.height, container="webm")
    return Translated(spec.VideoSpec((scene,), output, request.title), request.title, request.callback_id,
                      request.callback_url, None, "webm")


def avatar_iv(request: v2.AvatarIVRequest, lookup: Lookup) -> Translated:
    if request.avatar_id is not None:
        look = _look(lookup, request.avatar_id, "avatar_id")
    elif request.image_asset_id is not None:
        look = spec.PhotoLook(_asset(lookup, request.image_asset_id, "image", "image_asset_id"))
    else:
        look = spec.PhotoLook(spec.MediaRef("url", request.image_url or ""))
    character = spec.Character(look, matting=request.remove_background, expressiveness=request.expressiveness,
                               motion_prompt=request.motion_prompt)
    speech = _speech(lookup, request.script, request.voice_id, request.audio_url, request.audio_asset_id,
                     request.voice_settings)
    width, height = SIZES[(request.resolution, request.aspect_ratio)]
    scene = spec.Scene(character, speech, _simple_background(lookup, request.background))
    return Translated(spec.VideoSpec((scene,), spec.Output(width, height), request.title), request.title,
                      request.callback_id, request.callback_url, request.folder_id, "mp4")


def v3_video(request: v3.CreateVideoBase, lookup: Lookup) -> Translated:
    if isinstance(request, v3.CreateVideoFromAvatar):
        look = _look(lookup, request.avatar_id, "avatar_id")
    else:
        look = spec.PhotoLook(_image_input(request, lookup))
    webm_out = request.output_format == "webm"
    if webm_out:
        _require_alpha(look, getattr(request, "avatar_id", "image"), "output_format")
    character = spec.Character(look, matting=bool(request.remove_background) or webm_out,
                               expressiveness=request.expressiveness or "low", motion_prompt=request.motion_prompt)
    speech = _speech(lookup, request.script, request.voice_id, request.audio_url, request.audio_asset_id,
                     request.voice_settings)
    ratio = request.aspect_ratio if request.aspect_ratio not in (None, "auto") else "16:9"
    width, height = SIZES[(request.resolution or "1080p", ratio)]
    background = spec.Background("transparent") if webm_out else _simple_background(lookup, request.background)
    captions = request.caption is not None or bool(request.enable_caption)
    output = spec.Output(width, height, container=request.output_format, captions=captions)
    video = spec.VideoSpec((spec.Scene(character, speech, background),), output, request.title,
                           _watermark(request.watermark, lookup))
    return Translated(video, request.title, request.callback_id, request.callback_url, request.folder_id,
                      request.output_format)


def _image_input(request: v3.CreateVideoFromImage, lookup: Lookup) -> spec.MediaRef:
    if request.image is not None:
        return _image_ref(request.image, lookup, "image")
    if request.image_asset_id is not None:
        return _asset(lookup, request.image_asset_id, "image", "image_asset_id")
    return spec.MediaRef("url", request.image_url or "")


def _image_ref(image: v3.ImageInput, lookup: Lookup, param: str) -> spec.MediaRef:
    """A v3 image input (url, asset_id or inline base64, stored as an asset) as a media reference."""
    if isinstance(image, v3.ImageByUrl):
        return spec.MediaRef("url", image.url)
    if isinstance(image, v3.ImageByAsset):
        return _asset(lookup, image.asset_id, "image", f"{param}.asset_id")
    return spec.MediaRef("asset", lookup.save_inline_image(image.data, image.media_type))


def _watermark(mark: v3.Watermark | None, lookup: Lookup) -> spec.Watermark | None:
    if mark is None:
        return None
    placement = mark.placement or v3.WatermarkPlacement()
    return spec.Watermark(_image_ref(mark.image, lookup, "watermark.image"), mark.opacity, placement.position,
                          placement.offset_x or 0.0, placement.offset_y or 0.0, mark.scale)


def studio(request: v2.GenerateRequest, lookup: Lookup) -> Translated:
    scenes = tuple(_studio_scene(lookup, item, f"video_inputs.{index}.") for index, item in
                   enumerate(request.video_inputs))
    output = spec.Output(request.dimension.width, request.dimension.height, captions=request.caption)
    return Translated(spec.VideoSpec(scenes, output, request.title), request.title, request.callback_id,
                      request.callback_url, request.folder_id, "mp4")


def _studio_scene(lookup: Lookup, item: v2.VideoInput, prefix: str) -> spec.Scene:
    return spec.Scene(_studio_character(lookup, item.character, prefix), _studio_voice(lookup, item.voice, prefix),
                      _studio_background(lookup, item.background, prefix), _studio_text(item.text))


def _studio_character(lookup: Lookup, character: v2.CharacterBase | None, prefix: str) -> spec.Character | None:
    if character is None:
        return None
    if isinstance(character, v2.AvatarCharacter):
        look = _look(lookup, character.avatar_id, f"{prefix}character.avatar_id")
        style = character.avatar_style
    else:
        assert isinstance(character, v2.TalkingPhotoCharacter)
        look = _look(lookup, character.talking_photo_id, f"{prefix}character.talking_photo_id")
        style = "circle" if character.talking_photo_style == "circle" else character.avatar_style
    return spec.Character(
        look, scale=character.scale, offset_x=character.offset.x, offset_y=character.offset.y, style=style,
        circle_background=character.circle_background_color, matting=character.matting,
        talking_style=character.talking_style, expression=character.expression,
        expressiveness="high" if character.talking_style == "expressive" else "low",
        motion_prompt=character.prompt, super_resolution=character.super_resolution)


def _studio_voice(lookup: Lookup, voice: v2.TextVoice | v2.AudioVoice | v2.SilenceVoice, prefix: str) -> spec.Speech:
    if isinstance(voice, v2.TextVoice):
        eleven = voice.elevenlabs_settings or v2.ElevenLabsSettings()
        return spec.TextSpeech(voice.input_text, _voice(voice.voice_id, f"{prefix}voice.voice_id"), speed=voice.speed,
                               pitch=voice.pitch, locale=voice.locale, emotion=voice.emotion,
                               stability=eleven.stability, style=eleven.style)
    if isinstance(voice, v2.SilenceVoice):
        return spec.Silence(voice.duration)
    return _speech(lookup, None, None, voice.audio_url, voice.audio_asset_id, None, f"{prefix}voice.")


def _studio_background(lookup: Lookup, background: object, prefix: str) -> spec.Background:
    if background is None:
        return spec.Background("auto")
    if isinstance(background, v2.ColorBackground):
        return spec.Background("color", background.value)
    if isinstance(background, v2.ImageBackground):
        media = (_asset(lookup, background.image_asset_id, "image", f"{prefix}background.image_asset_id")
                 if background.image_asset_id else spec.MediaRef("url", background.url or ""))
        return spec.Background("image", media=media, fit=background.fit)
    assert isinstance(background, v2.VideoBackground)
    media = (_asset(lookup, background.video_asset_id, "video", f"{prefix}background.video_asset_id")
             if background.video_asset_id else spec.MediaRef("url", background.url or ""))
    return spec.Background("video", media=media, play_style=background.play_style, fit=background.fit)


def _studio_text(text: v2.TextOverlay | None) -> spec.TextOverlay | None:
    if text is None:
        return None
    return spec.TextOverlay(text.text, text.font_family, text.font_size, text.font_weight == "bold", text.color,
                            text.position.x, text.position.y, text.text_align, text.line_height, text.width)


@dataclass(frozen=True)
class Endpoint:
    """A create endpoint: the wire model a body is validated against (v3 picks it from the body), and its
    translation."""

    model: Callable[[Any], type[common.Wire]]
    translate: Callable[[Any, Lookup], Translated]


CREATE_ENDPOINTS: dict[str, Endpoint] = {
    "v1-webm": Endpoint(lambda _: v1.WebmRequest, webm),
    "v2-videos": Endpoint(lambda _: v2.AvatarIVRequest, avatar_iv),
    "v3-videos": Endpoint(v3.create_video_model, v3_video),
    "v2-generate": Endpoint(lambda _: v2.GenerateRequest, studio),
}
"""By the name a video records as its `api`: POST /v1/video.webm, /v2/videos, /v3/videos, /v2/video/generate."""


def translate_body(api: str, body: Any, lookup: Lookup) -> Translated:
    """The body of create endpoint `api` validated (ServiceError naming the bad field) and translated."""
    endpoint = CREATE_ENDPOINTS[api]
    return endpoint.translate(common.parse(endpoint.model(body), body), lookup)
