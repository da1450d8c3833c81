"""From a template to a Studio request: reading an authoring document, and filling a template for one video.

Both end in the ordinary Studio path (wire.v2.GenerateRequest, then translate.studio), so a template is checked
by exactly the rules a /v2/video/generate body is, and its video is an ordinary Studio video. An error about a
field that a variable filled is reported against that variable (`variables.narrator.properties.voice_id`).
"""
from __future__ import annotations

from dataclasses import dataclass

from avatarstudio import translate
from avatarstudio.errors import ServiceError, invalid
from avatarstudio.templates.fields import Variable, find_variables
from avatarstudio.templates.fill import Given, fill, given, stand_ins
from avatarstudio.wire import templates as wire
from avatarstudio.wire.common import parse
from avatarstudio.wire.v2 import GenerateRequest

HEAD_FIELDS = ("name", "variables")


@dataclass(frozen=True)
class Draft:
    """A template ready to store: its name, its Studio body ({{variables}} in place) and the declared defaults."""

    name: str
    body: dict
    defaults: dict[str, dict]

    @property
    def variables(self) -> dict[str, Variable]:
        return find_variables(self.body)


def read_document(document: object, lookup: translate.Lookup) -> Draft:
    """An authoring document (POST /v3/templates, or a file) as a checked Draft.

    Raises ServiceError naming the field for a bad name, a misplaced {{variable}}, a default for a variable the
    body does not have or of the wrong type, or a body that would not make a video with its defaults (and with
    stand-in values for variables that have none).
    """
    if not isinstance(document, dict):
        raise ServiceError("invalid_parameter", "request body must be a JSON object", param="body")
    head = parse(wire.TemplateHead, document)
    body = {key: value for key, value in document.items() if key not in HEAD_FIELDS}
    draft = Draft(head.name, body, {key: value.model_dump(exclude_none=True) for key, value in head.variables.items()})
    variables = draft.variables
    for name, value in head.variables.items():
        if name not in variables:
            raise invalid(f"variables.{name}", f"no {{{{{name}}}}} appears in the template's body")
        if value.type != variables[name].kind:
            raise invalid(f"variables.{name}.type", f"{name} is used as a {variables[name].kind} variable")
    job(draft, {**stand_ins(variables), **values_of(head.variables)}, lookup)
    return draft


def patched(current: Draft, patch: object, lookup: translate.Lookup) -> Draft:
    """PATCH: `name` and `variables` replace the template's own when given; every other top-level field of the
    patch replaces that field of the Studio body (so `video_inputs` replaces all scenes). Defaults of variables
    that the new body no longer uses are dropped."""
    if not isinstance(patch, dict):
        raise ServiceError("invalid_parameter", "request body must be a JSON object", param="body")
    parse(wire.TemplatePatch, patch)
    body = {**current.body, **{key: value for key, value in patch.items() if key not in HEAD_FIELDS}}
    still_used = find_variables(body)
    defaults = patch.get("variables")
    if defaults is None:
        defaults = {name: value for name, value in current.defaults.items() if name in still_used}
    return read_document({**body, "name": patch.get("name") or current.name, "variables": defaults}, lookup)


def job(draft: Draft, values: dict[str, Given], lookup: translate.Lookup, overrides: dict | None = None,
        scenes: list[int] | None = None) -> translate.Translated:
    """One video from a template: `values` over the template's defaults, only the `scenes` chosen (all when
    None), then the generate call's `overrides` (title, caption, dimension, callback_url, callback_id,
    folder_id) over the body's own fields."""
    variables = draft.variables
    for name in values:
        if name not in variables:
            known = ", ".join(variables) or "none"
            raise invalid(f"variables.{name}", f"the template has no variable {name} (its variables: {known})")
    body = dict(draft.body)
    if scenes is not None:
        body["video_inputs"] = [draft.body["video_inputs"][index] for index in scenes]
    used = find_variables(body)
    defaults = {name: given(value["type"], value.get("properties")) for name, value in draft.defaults.items()}
    filled, origins = fill(body, used, defaults, {name: value for name, value in values.items() if name in used})
    filled.update({key: value for key, value in (overrides or {}).items() if value is not None})
    try:
        return translate.studio(parse(GenerateRequest, filled, tagged=False), lookup)
    except ServiceError as error:
        raise _blamed(error, origins) from None


def values_of(variables: wire.Variables) -> dict[str, Given]:
    """A generate call's (or a document's) variables as typed values."""
    return {name: given(value.type, value.properties) for name, value in variables.items()}


def _blamed(error: ServiceError, origins: dict[str, str]) -> ServiceError:
    """The error restated against the variable that filled its field, when one did."""
    source = origins.get(error.param or "")
    if source is None:
        return error
    param = error.param or ""
    message = error.message.replace(param, source) if param in error.message else f"{source}: {error.message}"
    return ServiceError(error.code, message, param=source, retry_after=error.retry_after)
