"""Pieces shared by every family's request models, and the one place pydantic errors become field-path messages."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from avatarstudio.errors import ServiceError, invalid

HEX_COLOR = r"^#[0-9a-fA-F]{6}$"
HexColor = Annotated[str, Field(pattern=HEX_COLOR)]
MAX_SCRIPT = 5000
Script = Annotated[str, Field(min_length=1, max_length=MAX_SCRIPT)]
Speed = Annotated[float, Field(ge=0.5, le=1.5)]
MAX_LABEL = 1000
Label = Annotated[str, Field(max_length=MAX_LABEL)]
"""Titles, callback ids, prompts: stored, and returned in every list, so bounded."""
Pitch = Annotated[float, Field(ge=-50, le=50)]
MAX_URL = 2048
"""Browsers and CDNs stop near 2 KB; a longer URL is stored with its job and sent in every webhook for nothing."""


def absolute_http(url: str) -> str:
    """`url` when it is an absolute http(s) URL with a host; ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    return url


HttpUrl = Annotated[str, Field(max_length=MAX_URL), AfterValidator(absolute_http)]
"""Every URL a request gives (media to fetch, callback_url, webhook endpoints, a redirect after consent): bounded,
and http(s) with a host, so a bad one is a 400 naming its field instead of a job failing later. Whether its
address may be reached is decided when it is used (outbound.py), as DNS can change in between."""
AssetIdOrUrl = Annotated[str, Field(max_length=MAX_URL)]
"""v1's input_audio: an uploaded asset's id or a URL, told apart (and a URL checked) once assets can be looked up."""


class Wire(BaseModel):
    """Unknown fields are accepted and ignored: real clients send extra ones (the n8n node sends `test`). NaN and
    infinities are refused in every number: no field means anything by them, and they fail far from the request.

    An optional choice sent as "" counts as not sent: HeyGen's n8n node sends `talking_photo_style: ""` for a
    field its user left blank, and HeyGen takes that as the default."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)
    TAGGED_PATHS: ClassVar[bool] = False
    """Whether error paths keep the union tags (`video_inputs.0.voice.audio`), as HeyGen's Studio errors do."""

    @model_validator(mode="before")
    @classmethod
    def _blank_choice_is_absent(cls, value: Any) -> Any:
        if isinstance(value, dict):
            blank = [name for name in _optional_choices(cls) if value.get(name) == ""]
            if blank:
                return {key: item for key, item in value.items() if key not in blank}
        return value


@functools.cache
def _optional_choices(model: type[BaseModel]) -> frozenset[str]:
    """Fields of `model` that have a default and take one of a fixed set of values (none of them "")."""
    choices = {name: _literal_values(info.annotation) for name, info in model.model_fields.items()
               if not info.is_required()}
    return frozenset(name for name, values in choices.items() if values and "" not in values)


def _literal_values(annotation: Any) -> set:
    if get_origin(annotation) is Literal:
        return set(get_args(annotation))
    return set().union(*(_literal_values(arg) for arg in get_args(annotation))) if get_args(annotation) else set()


class XY(Wire):
    """A position or offset as fractions of the frame: beyond one frame away nothing would be visible."""

    x: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0
    y: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0


MIN_SIDE = 64
MAX_ASPECT = 4
"""Every output must be makeable from the size: the 320-pixel-wide GIF preview of a 64x3840 video would be 19200
pixels tall, past what its encoder takes, so a side is at least MIN_SIDE and at most MAX_ASPECT times the other."""


class Dimension(Wire):
    width: Annotated[int, Field(ge=MIN_SIDE, le=3840)]
    height: Annotated[int, Field(ge=MIN_SIDE, le=3840)]

    @model_validator(mode="after")
    def _even_and_bounded(self) -> "Dimension":
        if self.width % 2 or self.height % 2:
            raise ValueError("width and height must be even numbers (H.264 and VP9 need even sizes)")
        if min(self.width, self.height) > 2160:
            raise ValueError("the largest supported output is 3840x2160 (or 2160x3840)")
        if max(self.width, self.height) > MAX_ASPECT * min(self.width, self.height):
            raise ValueError(f"one side may be at most {MAX_ASPECT} times the other")
        return self


class VoiceSettings(Wire):
    """v2 /videos and v3 voice tuning."""

    speed: Speed = 1.0
    pitch: Pitch = 0.0
    locale: str | None = None
    volume: Annotated[float, Field(ge=0.0, le=1.0)] = 1.0


class SimpleBackground(Wire):
    """The v2 /videos and v3 background: a colour or an image by url or asset_id."""

    type: Literal["color", "image"]
    value: HexColor | None = None
    url: HttpUrl | None = None
    asset_id: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> "SimpleBackground":
        if self.type == "color" and self.value is None:
            raise ValueError("value (a hex colour) is required when type is 'color'")
        if self.type == "image" and (self.url is None) == (self.asset_id is None):
            raise ValueError("either url or asset_id needs to be provided")
        return self


def exactly_one(model: BaseModel, names: tuple[str, ...], what: str) -> None:
    """The seeds' 'mutually exclusive, one required' rule, with their message style."""
    given = [name for name in names if getattr(model, name) not in (None, "")]
    if len(given) != 1:
        raise ValueError(f"either {' or '.join(names)} needs to be provided" if not given
                         else f"{' and '.join(given)} are mutually exclusive; provide only one {what}")


def tag_of(default: str | None, key: str = "type", infer: Callable[[dict], str | None] | None = None):
    """A discriminator that tolerates a missing tag (HeyGen defaults many `type` fields)."""

    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            return value.get(key) or (infer(value) if infer else None) or default
        return getattr(value, key, default)

    return pick


def field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _untagged(loc: tuple, body: Any, last_is_field: bool) -> tuple:
    """`loc` without the steps pydantic adds that are not fields of the body (a union member's tag, as in
    `videos.0.avatar.aspect_ratio`): each step must be a key or index of the body where it stands; the last
    may also be a field the body lacks, when the error is that it is missing."""
    kept: list = []
    here = body
    for position, part in enumerate(loc):
        if isinstance(here, dict) and part in here:
            here = here[part]
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            here = here[part]
        elif not (last_is_field and position == len(loc) - 1):
            continue
        kept.append(part)
    return tuple(kept)


def _reason(error: dict) -> tuple[tuple, str]:
    loc = tuple(error["loc"])
    if error["type"] == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        return loc + ("type",), f"Input should be one of {expected}"
    if error["type"] == "union_tag_not_found":
        return loc + ("type",), "Field required"
    return loc, error["msg"]


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], body: Any, tagged: bool | None = None) -> M:
    """Validate a request body; the first problem becomes one invalid_parameter error naming its field path
    (with union tags in it when `tagged`, by default when the model's TAGGED_PATHS says so)."""
    if not isinstance(body, dict):
        raise ServiceError("invalid_parameter", "request body must be a JSON object", param="body")
    try:
        return model.model_validate(body)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        loc, reason = _reason(first)
        if not (getattr(model, "TAGGED_PATHS", False) if tagged is None else tagged):
            loc = _untagged(loc, body, first["type"] in ("missing", "union_tag_not_found", "union_tag_invalid"))
        raise invalid(field_path(loc) or "body", reason) from None
