"""Template bodies: HeyGen's generate calls (v2 and v3, as its n8n node sends them) and our authoring document.

A template document is a /v2/video/generate body plus `name` and, optionally, `variables` (the defaults, in the
same {KEY: {name, type, properties}} shape a generate call sends), so one JSON file can be saved by the API or
by `avatarstudio templates add`.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from avatarstudio.wire.common import Dimension, HttpUrl, Wire

Kind = Literal["text", "image", "video", "audio", "voice", "character"]


class VariableValue(Wire):
    """One variable's value. `name` repeats the key (HeyGen sends both); the key is what counts."""

    name: str | None = None
    type: Kind
    properties: dict[str, Any] = {}


Variables = dict[str, VariableValue]


class GenerateFromTemplate(Wire):
    """POST /v2/template/{id}/generate. Fields given here replace the template's own. `test` changes nothing:
    HeyGen's test mode makes a free, watermarked video, and nothing here costs credits."""

    title: str | None = None
    caption: bool | None = None
    dimension: Dimension | None = None
    test: bool = False
    callback_url: HttpUrl | None = None
    callback_id: str | None = None
    folder_id: str | None = None
    variables: Variables = {}


class GenerateFromTemplateV3(GenerateFromTemplate):
    """POST /v3/templates/{id}: `scene_ids` picks scenes (template order kept). Every video here has a GIF and a
    share page, so `include_gif` and `enable_sharing` ask for what is always made; the other flags of HeyGen's
    editor are refused rather than ignored."""

    scene_ids: list[str] | None = None
    include_gif: bool | None = None
    enable_sharing: bool | None = None
    fps: Literal[25] | None = None
    brand_voice_id: str | None = None
    keep_text_vertically_centered: bool | None = None
    reorder_music: bool | None = None

    @field_validator("brand_voice_id", "keep_text_vertically_centered", "reorder_music")
    @classmethod
    def _not_offered(cls, value: Any, info: ValidationInfo) -> Any:
        if value:
            raise ValueError(f"{info.field_name} is not supported by this server (no brand kits or music tracks)")
        return value


class TemplateHead(Wire):
    """The authoring document's own fields; everything else in it is the Studio body."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    variables: Variables = {}


class TemplatePatch(Wire):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    variables: Variables | None = None
