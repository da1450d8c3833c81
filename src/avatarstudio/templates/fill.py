"""Filling a template's variables: HeyGen's typed values in, a plain Studio body out.

A value is `{name, type, properties}` as HeyGen's template API and n8n node send it; the properties each kind
reads are listed in PROPERTIES, and an empty string or null property counts as absent (n8n sends "" for fields
the user left blank). Errors name the value's field (`variables.<name>.properties.url`), and `fill` also reports
which body field each value went into, so a later error about that field (an unknown voice, a missing asset) can
be reported against the variable that put it there.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from avatarstudio.catalog import avatars, voices
from avatarstudio.errors import invalid
from avatarstudio.templates.fields import NAME, Variable

PROPERTIES = {
    "text": ("content",),
    "voice": ("voice_id", "locale"),
    "character": ("character_id", "type"),
    "audio": ("url", "asset_id"),
    "image": ("url", "asset_id", "fit"),
    "video": ("url", "asset_id", "play_style", "fit"),
}

STAND_IN = {"text": {"content": "text"}, "voice": {"voice_id": voices.DEFAULT_VOICE_ID},
            "character": {"character_id": avatars.list_avatars()[0].avatar_id},
            "audio": {"url": "https://example.com/audio.mp3"}, "image": {"url": "https://example.com/image.png"},
            "video": {"url": "https://example.com/video.mp4"}}
"""Values that let a template with required variables be checked when it is saved (never rendered or fetched)."""


@dataclass(frozen=True)
class Given:
    """One variable's value: its kind and the properties that carry it (only the ones that are set)."""

    kind: str
    properties: dict


def given(kind: str, properties: dict | None) -> Given:
    return Given(kind, {key: value for key, value in (properties or {}).items() if value not in (None, "")})


def stand_ins(variables: dict[str, Variable]) -> dict[str, Given]:
    return {name: Given(variable.kind, STAND_IN[variable.kind]) for name, variable in variables.items()}


def fill(body: dict, variables: dict[str, Variable], defaults: dict[str, Given],
         values: dict[str, Given]) -> tuple[dict, dict[str, str]]:
    """The body with every variable replaced by its value (or, when not given, the template's default).

    Returns the filled body and {filled field path: the value's field path}. Raises ServiceError for a value of
    a variable the template does not have, of the wrong type, without the property its kind needs, or with a
    property its kind does not have; and for a variable given no value that has no default.
    """
    for name, value in values.items():
        variable = variables.get(name)
        if variable is None:
            known = ", ".join(variables) or "none"
            raise invalid(f"variables.{name}", f"the template has no variable {name} (its variables: {known})")
        if value.kind != variable.kind:
            raise invalid(f"variables.{name}.type", f"{name} is a {variable.kind} variable, not {value.kind}")
    chosen: dict[str, tuple[Given, str]] = {}
    for name, variable in variables.items():
        if name in values:
            chosen[name] = values[name], f"variables.{name}"
        elif name in defaults:
            chosen[name] = defaults[name], f"variables.{name}"
        else:
            raise invalid(f"variables.{name}", f"{name} is required: the template has no default for it")
        _check(*chosen[name])
    filled = copy.deepcopy(body)
    origins: dict[str, str] = {}
    for name, variable in variables.items():
        value, where = chosen[name]
        for path in variable.paths:
            origins.update(_put(filled, path, name, value, where))
    return filled, origins


def _check(value: Given, where: str) -> None:
    allowed = PROPERTIES[value.kind]
    for key in value.properties:
        if key not in allowed:
            raise invalid(f"{where}.properties.{key}", f"a {value.kind} variable takes {', '.join(allowed)}")
    props = value.properties
    if value.kind == "text" and not isinstance(props.get("content"), str):
        raise invalid(f"{where}.properties.content", "a text variable needs its content (a string)")
    if value.kind in ("voice", "character"):
        key = f"{value.kind}_id"
        if not isinstance(props.get(key), str):
            raise invalid(f"{where}.properties.{key}", f"a {value.kind} variable needs {key}")
        if props.get("type", "avatar") not in ("avatar", "talking_photo"):
            raise invalid(f"{where}.properties.type", "a character is an avatar or a talking_photo")
    if value.kind in ("audio", "image", "video") and ("url" in props) == ("asset_id" in props):
        raise invalid(f"{where}.properties", f"a {value.kind} variable needs exactly one of url or asset_id")


def _put(body: dict, path: str, name: str, value: Given, where: str) -> dict[str, str]:
    """Write one value into the field at `path`; returns the field paths written and the property behind each."""
    *parents, field = path.split(".")
    owner = body
    for part in parents:
        owner = owner[int(part)] if isinstance(owner, list) else owner[part]
    base = ".".join(parents)
    at = f"{base}." if base else ""
    props = value.properties
    if value.kind == "text":
        owner[field] = NAME.sub(lambda match: props["content"] if match.group(1) == name else match.group(0),
                                owner[field])
        return {path: f"{where}.properties.content"}
    if value.kind == "voice":
        owner[field] = props["voice_id"]
        if "locale" in props:
            owner["locale"] = props["locale"]
        return {path: f"{where}.properties.voice_id"}
    if value.kind == "character":
        kind = props.get("type") or owner.get("type") or "avatar"
        owner.pop("avatar_id", None)
        owner.pop("talking_photo_id", None)
        owner["type"] = kind
        owner[f"{kind}_id"] = props["character_id"]
        return {f"{at}{kind}_id": f"{where}.properties.character_id"}
    url_key = "audio_url" if value.kind == "audio" else "url"
    asset_key = f"{value.kind}_asset_id"
    owner.pop(url_key, None)
    owner.pop(asset_key, None)
    for extra in ("fit", "play_style"):
        if extra in props:
            owner[extra] = props[extra]
    if "url" in props:
        owner[url_key] = props["url"]
        return {f"{at}{url_key}": f"{where}.properties.url"}
    owner[asset_key] = props["asset_id"]
    return {f"{at}{asset_key}": f"{where}.properties.asset_id"}
