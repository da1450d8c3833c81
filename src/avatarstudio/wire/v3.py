"""POST /v3/videos (seed 002: type avatar; plus type image, nested or flat image fields) and batches."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from avatarstudio.errors import invalid
from avatarstudio.wire.common import (
    HttpUrl, Label, Script, SimpleBackground, VoiceSettings, Wire, exactly_one, tag_of,
)
from avatarstudio.wire.v2 import Expressiveness


class ImageByUrl(Wire):
    type: Literal["url"]
    url: HttpUrl


class ImageByAsset(Wire):
    type: Literal["asset_id"]
    asset_id: str


class ImageByBase64(Wire):
    type: Literal["base64"]
    data: str
    media_type: str = "image/png"


ImageInput = Annotated[
    Union[Annotated[ImageByUrl, Tag("url")], Annotated[ImageByAsset, Tag("asset_id")],
          Annotated[ImageByBase64, Tag("base64")]],
    Discriminator(tag_of(None)),
]


class Caption(Wire):
    file_format: Literal["srt"] = "srt"
    style: Literal["default"] | None = None


class WatermarkPlacement(Wire):
    position: Literal["top_left", "top_right", "bottom_left", "bottom_right"] = "bottom_right"
    offset_x: float | None = Field(None, ge=-1, le=1, description="Fraction of the frame width; + moves right.")
    offset_y: float | None = Field(None, ge=-1, le=1, description="Fraction of the frame height; + moves down.")


class Watermark(Wire):
    """An image laid over every frame (HeyGen offers it to Enterprise customers; here everyone has it)."""

    image: ImageInput
    opacity: float = Field(1.0, ge=0, le=1)
    placement: WatermarkPlacement | None = None
    scale: float = Field(1.0, gt=0, le=100, description="1.0 is the image's own pixel size.")


class CreateVideoBase(Wire):
    title: Label | None = None
    resolution: Literal["4k", "1080p", "720p"] | None = None
    aspect_ratio: Literal["16:9", "9:16", "4:5", "5:4", "1:1", "auto"] | None = None
    background: SimpleBackground | None = None
    remove_background: bool | None = None
    callback_url: HttpUrl | None = None
    callback_id: Label | None = None
    script: Script | None = None
    voice_id: str | None = None
    audio_url: HttpUrl | None = None
    audio_asset_id: str | None = None
    voice_settings: VoiceSettings | None = None
    motion_prompt: Label | None = None
    expressiveness: Expressiveness | None = None
    output_format: Literal["mp4", "webm"] = "mp4"
    caption: Caption | None = None
    enable_caption: bool | None = None
    fit: Literal["contain", "cover"] | None = None
    folder_id: str | None = None
    watermark: Watermark | None = None

    @model_validator(mode="after")
    def _speech(self) -> "CreateVideoBase":
        exactly_one(self, ("script", "audio_url", "audio_asset_id"), "speech source")
        return self


class CreateVideoFromAvatar(CreateVideoBase):
    type: Literal["avatar"] = "avatar"
    avatar_id: str


class CreateVideoFromImage(CreateVideoBase):
    type: Literal["image"] = "image"
    image: ImageInput | None = None
    image_url: HttpUrl | None = None
    image_asset_id: str | None = None

    @model_validator(mode="after")
    def _image(self) -> "CreateVideoFromImage":
        exactly_one(self, ("image", "image_url", "image_asset_id"), "image")
        if self.script is not None and not self.voice_id:
            raise ValueError("voice_id is required when script is provided")
        return self


def _video_kind(value: dict) -> str | None:
    return "image" if any(k in value for k in ("image", "image_url", "image_asset_id")) else None


_pick = tag_of("avatar", infer=_video_kind)
CreateVideo = Annotated[
    Union[Annotated[CreateVideoFromAvatar, Tag("avatar")], Annotated[CreateVideoFromImage, Tag("image")]],
    Discriminator(_pick),
]


def create_video_model(body: object) -> type[CreateVideoBase]:
    """Which variant a /v3/videos body is, so its errors carry HeyGen's plain field paths (no union tag)."""
    kind = _pick(body) if isinstance(body, dict) else "avatar"
    if kind not in VARIANTS:
        raise invalid("type", f"Input should be one of {', '.join(map(repr, VARIANTS))}")
    return VARIANTS[kind]


VARIANTS: dict[str, type[CreateVideoBase]] = {"avatar": CreateVideoFromAvatar, "image": CreateVideoFromImage}


class CreateBatchRequest(Wire):
    title: Label | None = None
    callback_url: HttpUrl | None = None
    videos: Annotated[list[CreateVideo], Field(min_length=1, max_length=100)]


class CreatePhotoAvatarRequest(Wire):
    """POST /v3/avatars with type `photo`. Prompt avatars need generative models this server does not have, and are
    refused by name rather than accepted and ignored."""

    type: Literal["photo"]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    file: ImageInput
    avatar_group_id: str | None = None


class SpeechRequest(Wire):
    """POST /v3/voices/speech: speed goes to 2 here (the video endpoints stop at 1.5)."""

    text: Script
    voice_id: str
    speed: Annotated[float, Field(ge=0.5, le=2.0)] = 1.0
    locale: str | None = None
    language: str | None = None
    input_type: Literal["text", "ssml"] = "text"


FileInput = ImageInput
"""A video or any other file given as {type: url|asset_id|base64}: the same three shapes as an image input."""


class CreateDigitalTwinRequest(Wire):
    """POST /v3/avatars with type `digital_twin`: footage of the person talking. `script` (our extension) is what
    they say in it, which makes the phone alignment exact; `callback_url` (ours too) receives instant_avatar.*."""

    type: Literal["digital_twin"]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    file: FileInput
    avatar_group_id: str | None = None
    script: Script | None = None
    callback_url: HttpUrl | None = None


CreateAvatar = Annotated[
    Union[Annotated[CreatePhotoAvatarRequest, Tag("photo")], Annotated[CreateDigitalTwinRequest, Tag("digital_twin")]],
    Discriminator(tag_of(None)),
]
"""POST /v3/avatars, for the OpenAPI description (the route picks the variant by `type` itself)."""


class ConsentRequest(Wire):
    """POST /v3/avatars/{group_id}/consent: a consent video now, or (without one) the URL of a consent page."""

    consent_video: FileInput | None = None
    consent_text: Annotated[str, Field(max_length=5000)] | None = None
    reroute_url: HttpUrl | None = None


class UpdateLookRequest(Wire):
    name: Annotated[str, Field(min_length=1, max_length=200)]


class MediaByUrl(Wire):
    type: Literal["url"]
    url: HttpUrl


class MediaByAsset(Wire):
    type: Literal["asset_id"]
    asset_id: str


MediaInput = Annotated[
    Union[Annotated[MediaByUrl, Tag("url")], Annotated[MediaByAsset, Tag("asset_id")]],
    Discriminator(tag_of(None)),
]


class CreateLipsyncRequest(Wire):
    """POST /v3/lipsyncs. start_time..end_time picks the part of the source video that is re-synced and returned;
    the README's lipsync section says what each of the other fields does to the output."""

    video: MediaInput
    audio: MediaInput
    title: Label | None = None
    callback_url: HttpUrl | None = None
    callback_id: Label | None = None
    enable_caption: bool = False
    start_time: Annotated[float, Field(ge=0)] | None = None
    end_time: Annotated[float, Field(gt=0)] | None = None
    mode: Literal["speed", "precision"] = "speed"
    folder_id: str | None = None
    enable_dynamic_duration: bool = True
    keep_the_same_format: bool | None = None
    fps_mode: Literal["vfr", "cfr", "passthrough"] | None = None
    enable_speech_enhancement: bool = False
    disable_music_track: bool = False
    enable_watermark: bool = False

    @model_validator(mode="after")
    def _span_and_rate(self) -> "CreateLipsyncRequest":
        if self.start_time is not None and self.end_time is not None and self.end_time <= self.start_time:
            raise invalid("end_time", f"must be after start_time ({self.start_time:g} s)")
        if self.fps_mode == "vfr":
            raise invalid("fps_mode", "vfr is not offered: every frame of a lipsync is drawn anew on one constant "
                                      "clock; use passthrough (the source's exact frame rate) or cfr")
        return self


class CreateLipsyncBatchRequest(Wire):
    """POST /v3/lipsyncs/batches. Each item is checked on its own (a bad one fails alone), so here they are plain
    objects; the route parses each as a CreateLipsyncRequest."""

    title: Label | None = None
    callback_url: HttpUrl | None = None
    lipsyncs: Annotated[list[Any], Field(min_length=1, max_length=100)]


class UpdateLipsyncRequest(Wire):
    title: Annotated[str, Field(min_length=1, max_length=500)]
