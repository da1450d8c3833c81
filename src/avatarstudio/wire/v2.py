"""POST /v2/videos (seed 001, Avatar IV) and POST /v2/video/generate (seed 003, Studio)."""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from avatarstudio.wire.common import (
    XY, Dimension, HexColor, HttpUrl, Label, Pitch, Script, SimpleBackground, Speed, VoiceSettings, Wire, exactly_one,
    tag_of,
)

Expressiveness = Literal["low", "medium", "high"]


class AvatarIVRequest(Wire):
    avatar_id: str | None = None
    image_url: HttpUrl | None = None
    image_asset_id: str | None = None
    script: Script | None = None
    voice_id: str | None = None
    audio_url: HttpUrl | None = None
    audio_asset_id: str | None = None
    title: Label | None = None
    resolution: Literal["1080p", "720p"] = "1080p"
    aspect_ratio: Literal["16:9", "9:16"] = "16:9"
    motion_prompt: Label | None = None
    expressiveness: Expressiveness = "low"
    remove_background: bool = False
    background: SimpleBackground | None = None
    voice_settings: VoiceSettings = VoiceSettings()
    callback_url: HttpUrl | None = None
    callback_id: Label | None = None
    folder_id: str | None = None

    @model_validator(mode="after")
    def _sources(self) -> "AvatarIVRequest":
        exactly_one(self, ("avatar_id", "image_url", "image_asset_id"), "image source")
        exactly_one(self, ("script", "audio_url", "audio_asset_id"), "speech source")
        if self.script is not None and not self.voice_id:
            raise ValueError("voice_id is required when script is provided")
        return self


# --- Studio (/v2/video/generate) -------------------------------------------------------------------------

class CharacterBase(Wire):
    """`use_avatar_iv_model` and `keep_original_prompt` change nothing here: there is one photo engine (the one
    Avatar IV requests get), and `prompt` is never rewritten, so it is always kept as written."""

    scale: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0
    offset: XY = XY()
    avatar_style: Literal["circle", "closeUp", "normal"] = "normal"
    matting: bool = False
    circle_background_color: HexColor | None = None
    use_avatar_iv_model: bool = False
    prompt: Label | None = None
    keep_original_prompt: bool = False
    talking_style: Literal["stable", "expressive"] = "stable"
    expression: Literal["default", "happy"] = "default"
    super_resolution: bool = False


class AvatarCharacter(CharacterBase):
    type: Literal["avatar"] = "avatar"
    avatar_id: str


class TalkingPhotoCharacter(CharacterBase):
    type: Literal["talking_photo"]
    talking_photo_id: str
    talking_photo_style: Literal["circle"] | None = None


Character = Annotated[
    Union[Annotated[AvatarCharacter, Tag("avatar")], Annotated[TalkingPhotoCharacter, Tag("talking_photo")]],
    Discriminator(tag_of("avatar")),
]


class ElevenLabsSettings(Wire):
    """Mapped onto the local engines' prosody (render/speech/settings.py): `stability` narrows or widens the
    intonation (espeak voices; piper and festival keep their own), `style` strengthens the chosen emotion on
    every engine. `model` and `similarity_boost` have no meaning here (no ElevenLabs models, no cloned reference
    voice) and change nothing."""

    model: Literal["eleven_monolingual_v1", "eleven_multilingual_v1", "eleven_multilingual_v2", "eleven_turbo_v2",
                   "eleven_turbo_v2_5", "eleven_v3"] | None = None
    similarity_boost: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    stability: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    style: Annotated[float, Field(ge=0.0, le=1.0)] | None = None


class TextVoice(Wire):
    type: Literal["text"]
    voice_id: str
    input_text: Script
    speed: Speed = 1.0
    pitch: Pitch = 0
    emotion: Literal["Excited", "Friendly", "Serious", "Soothing", "Broadcaster"] | None = None
    locale: str | None = None
    elevenlabs_settings: ElevenLabsSettings | None = None


class AudioVoice(Wire):
    type: Literal["audio"]
    audio_url: HttpUrl | None = None
    audio_asset_id: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "AudioVoice":
        exactly_one(self, ("audio_url", "audio_asset_id"), "audio source")
        return self


class SilenceVoice(Wire):
    type: Literal["silence"]
    duration: Annotated[float, Field(ge=1.0, le=100.0)] = 1.0


def _voice_kind(value: dict) -> str | None:
    if "input_text" in value:
        return "text"
    if "audio_url" in value or "audio_asset_id" in value:
        return "audio"
    return None


Voice = Annotated[
    Union[Annotated[TextVoice, Tag("text")], Annotated[AudioVoice, Tag("audio")], Annotated[SilenceVoice, Tag("silence")]],
    Discriminator(tag_of(None, infer=_voice_kind)),
]


class ColorBackground(Wire):
    type: Literal["color"] = "color"
    value: HexColor = "#FFFFFF"


class ImageBackground(Wire):
    type: Literal["image"]
    url: HttpUrl | None = None
    image_asset_id: str | None = None
    fit: Literal["crop", "cover", "contain", "none"] = "cover"

    @model_validator(mode="after")
    def _one_source(self) -> "ImageBackground":
        exactly_one(self, ("url", "image_asset_id"), "image source")
        return self


class VideoBackground(Wire):
    type: Literal["video"]
    url: HttpUrl | None = None
    video_asset_id: str | None = None
    play_style: Literal["freeze", "loop", "fit_to_scene"] = "loop"
    fit: Literal["crop", "cover", "contain", "none"] = "cover"

    @model_validator(mode="after")
    def _one_source(self) -> "VideoBackground":
        exactly_one(self, ("url", "video_asset_id"), "video source")
        return self


Background = Annotated[
    Union[Annotated[ColorBackground, Tag("color")], Annotated[ImageBackground, Tag("image")],
          Annotated[VideoBackground, Tag("video")]],
    Discriminator(tag_of("color")),
]


class TextOverlay(Wire):
    type: Literal["text"] = "text"
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    font_family: str | None = None
    font_size: Annotated[float, Field(gt=0, le=400)] = 48.0
    font_weight: Literal["bold"] | None = None
    color: HexColor = "#FFFFFF"
    position: XY = XY(x=0.5, y=0.9)
    text_align: Literal["left", "center", "right"] = "center"
    line_height: Annotated[float, Field(gt=0, le=5)] = 1.2
    width: Annotated[float, Field(gt=0, le=1)] | None = None


class VideoInput(Wire):
    character: Character | None = None
    voice: Voice
    background: Background | None = None
    text: TextOverlay | None = None


class GenerateRequest(Wire):
    TAGGED_PATHS = True  # seed 003's errors: "video_inputs.0.character.avatar.circle_background_color is invalid"
    caption: bool = False
    title: Label | None = None
    callback_id: Label | None = None
    video_inputs: Annotated[list[VideoInput], Field(min_length=1, max_length=50)]
    dimension: Dimension = Dimension(width=1920, height=1080)
    folder_id: str | None = None
    callback_url: HttpUrl | None = None


class VideoAvatarRequest(Wire):
    """POST /v2/video_avatar (HeyGen's digital twin API): footage and consent by URL, fetched by the training job.
    `script` is our extension: what the person says in the footage, for exact alignment."""

    training_footage_url: HttpUrl
    video_consent_url: HttpUrl | None = None
    avatar_name: Annotated[str, Field(min_length=1, max_length=200)]
    callback_url: HttpUrl | None = None
    script: Script | None = None
