"""Where a Studio body can hold a `{{variable}}`, and finding the variables a template body holds.

Text fields take variables inside their text ("Hello {{first_name}}!"); every other kind stands for a whole value
(`"voice_id": "{{narrator}}"`), since half a voice id means nothing. A `{{...}}` anywhere else is refused when the
template is saved, so no placeholder is ever rendered literally or silently dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from avatarstudio.errors import invalid

KINDS = ("text", "image", "video", "audio", "voice", "character")
"""HeyGen's variable types, as its template API and n8n node name them."""

NAME = re.compile(r"\{\{\s*([A-Za-z0-9_][A-Za-z0-9_\-. ]*?)\s*\}\}")

_SCENE_SLOTS = {
    ("voice", "input_text"): "text",
    ("text", "text"): "text",
    ("voice", "voice_id"): "voice",
    ("voice", "audio_url"): "audio",
    ("voice", "audio_asset_id"): "audio",
    ("character", "avatar_id"): "character",
    ("character", "talking_photo_id"): "character",
    ("background", "image_asset_id"): "image",
    ("background", "video_asset_id"): "video",
}
"""(object, field) inside one of video_inputs -> the kind of variable that field can hold."""


@dataclass
class Variable:
    """One named variable: its kind, every field that uses it (dotted paths) and the scenes it appears in."""

    name: str
    kind: str
    paths: list[str] = field(default_factory=list)
    scenes: list[int] = field(default_factory=list)


def slot_kind(path: tuple, body: dict) -> str | None:
    """The kind of variable the field at `path` can hold, None when it can hold none."""
    if path == ("title",):
        return "text"
    if len(path) != 4 or path[0] != "video_inputs" or not isinstance(path[1], int):
        return None
    _, index, owner, name = path
    if (owner, name) == ("background", "url"):
        background = body["video_inputs"][index].get("background") or {}
        return "video" if background.get("type") == "video" else "image"
    return _SCENE_SLOTS.get((owner, name))


def find_variables(body: dict) -> dict[str, Variable]:
    """The variables of a template body, by name in order of first use.

    Raises ServiceError (invalid_parameter, naming the field) for a `{{...}}` where no variable can stand, a
    non-text field holding more than one whole placeholder, a malformed name, or one name used as two kinds.
    """
    found: dict[str, Variable] = {}
    for path, text in _strings(body):
        if "{{" not in text:
            continue
        where = ".".join(str(part) for part in path)
        kind = slot_kind(path, body)
        if kind is None:
            raise invalid(where, "a {{variable}} can stand only in a script, a text overlay, the title, a voice_id, "
                                 "an audio, an avatar_id or talking_photo_id, or a background's url or asset id")
        names = [match.group(1) for match in NAME.finditer(text)]
        if len(names) != text.count("{{"):
            raise invalid(where, "a variable name is letters, digits, '_', '-' or '.' inside {{ }}")
        if kind != "text" and NAME.fullmatch(text.strip()) is None:
            raise invalid(where, f"a {kind} variable stands for the whole value, e.g. \"{{{{{names[0]}}}}}\"")
        for name in names:
            variable = found.setdefault(name, Variable(name, kind))
            if variable.kind != kind:
                raise invalid(where, f"variable {name} is a {variable.kind} variable at {variable.paths[0]}; "
                                     f"it cannot also be a {kind}")
            variable.paths.append(where)
            if path[0] == "video_inputs" and path[1] not in variable.scenes:
                variable.scenes.append(path[1])
    return found


def _strings(value: object, path: tuple = ()):
    """(path, text) of every string in a JSON value, depth first in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
