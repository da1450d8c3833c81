"""Templates: HeyGen's v2 and v3 template calls, and the authoring routes HeyGen keeps in its web app
(POST/PATCH/DELETE /v3/templates). The work is in templates/; this module only translates HTTP."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.idempotency import idempotent
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.errors import invalid
from avatarstudio.jobs import submit
from avatarstudio.runtime import Runtime
from avatarstudio.store.models import Template, Video
from avatarstudio.store.templates import Templates
from avatarstudio.templates import studio
from avatarstudio.uploads import DbLookup
from avatarstudio.wire import templates as wire
from avatarstudio.wire.common import parse

router = APIRouter()


def _record(runtime: Runtime, template_id: str) -> Template:
    return Templates(runtime.db).require(template_id)


def _draft(record: Template) -> studio.Draft:
    return studio.Draft(record.name, record.body, record.defaults)


# --- views ----------------------------------------------------------------------------------------------

def _aspect_ratio(record: Template) -> str:
    dimension = record.body.get("dimension") or {"width": 1920, "height": 1080}
    width, height = dimension.get("width", 1920), dimension.get("height", 1080)
    return "landscape" if width > height else "portrait" if height > width else "square"


def _variables(record: Template) -> dict:
    """Every variable with its type and default (`properties` empty when it has none: the caller must give it)."""
    return {name: {"name": name, "type": variable.kind,
                   "properties": record.defaults.get(name, {}).get("properties", {})}
            for name, variable in _draft(record).variables.items()}


def _scenes(record: Template) -> list[dict]:
    variables = _draft(record).variables
    return [{"id": scene_id, "script": (scene.get("voice") or {}).get("input_text"),
             "variables": [name for name, variable in variables.items() if index in variable.scenes]}
            for index, (scene_id, scene) in enumerate(zip(record.scene_ids, record.body.get("video_inputs", [])))]


def _v3_template(record: Template) -> dict:
    return {"id": record.id, "name": record.name, "aspect_ratio": _aspect_ratio(record),
            "created_at": int(record.created_at), "updated_at": int(record.updated_at),
            "variables": _variables(record), "scenes": _scenes(record)}


def _v2_item(record: Template) -> dict:
    return {"template_id": record.id, "name": record.name, "thumbnail_image_url": None,
            "aspect_ratio": _aspect_ratio(record)}


# --- making a video ---------------------------------------------------------------------------------------

def _generate(runtime: Runtime, key_id: str, template_id: str, request: wire.GenerateFromTemplate,
              scene_ids: list[str] | None = None) -> Video:
    """One video from a template; it stores its own spec, so the template may change or go while it waits."""
    record = _record(runtime, template_id)
    scenes = None
    if scene_ids is not None:
        for index, scene_id in enumerate(scene_ids):
            if scene_id not in record.scene_ids:
                raise invalid(f"scene_ids.{index}", f"the template has no scene {scene_id}")
        scenes = [index for index, scene_id in enumerate(record.scene_ids) if scene_id in scene_ids]
    overrides = request.model_dump(include={"title", "caption", "callback_url", "callback_id", "folder_id"})
    overrides["dimension"] = request.dimension.model_dump() if request.dimension else None
    job = studio.job(_draft(record), studio.values_of(request.variables), DbLookup(runtime, key_id), overrides,
                     scenes)
    return submit.submit(runtime, key_id, "template", job)


@router.post("/v2/template/{template_id}/generate", summary="Create a video from a template (v2, as n8n sends it)",
             openapi_extra=body(wire.GenerateFromTemplate))
async def generate_v2(request: Request, key_id: Key, template_id: str) -> dict:
    runtime = runtime_of(request)
    _, payload = await json_body(request)

    def handle() -> dict:
        video = _generate(runtime, key_id, template_id, parse(wire.GenerateFromTemplate, payload))
        return envelopes.v2({"video_id": video.id})

    return await run_in_threadpool(handle)


@router.post("/v3/templates/{template_id}", summary="Create a video from a template (v3; scene_ids picks scenes)",
             openapi_extra=body(wire.GenerateFromTemplateV3))
async def generate_v3(request: Request, key_id: Key, template_id: str,
                      idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None):
    runtime = runtime_of(request)
    raw, payload = await json_body(request)

    def handle() -> dict:
        parsed = parse(wire.GenerateFromTemplateV3, payload)
        video = _generate(runtime, key_id, template_id, parsed, parsed.scene_ids)
        return envelopes.v3({"video_id": video.id, "status": "waiting"})

    return await run_in_threadpool(idempotent, runtime, key_id, idempotency_key, raw, handle)


# --- reading --------------------------------------------------------------------------------------------

@router.get("/v2/templates", summary="List templates (v2)")
def list_v2(request: Request, key_id: Key) -> dict:
    return envelopes.v2({"templates": [_v2_item(record) for record in Templates(runtime_of(request).db).all()]})


@router.get("/v2/template/{template_id}", summary="A template's scenes and variables, with their types (v2)")
def get_v2(request: Request, key_id: Key, template_id: str) -> dict:
    record = _record(runtime_of(request), template_id)
    return envelopes.v2({**_v2_item(record), "variables": _variables(record), "scenes": _scenes(record)})


@router.get("/v3/templates", summary="List templates (v3, paged)")
def list_v3(request: Request, key_id: Key, limit: Limit = 20,
            token: str | None = None) -> dict:
    page = Templates(runtime_of(request).db).page(token, limit)
    return envelopes.v3_page([_v3_template(record) for record in page.items], page.has_more, page.next_token)


@router.get("/v3/templates/{template_id}", summary="A template's scenes and variables (v3)")
def get_v3(request: Request, key_id: Key, template_id: str) -> dict:
    return envelopes.v3(_v3_template(_record(runtime_of(request), template_id)))


# --- authoring --------------------------------------------------------------------------------------------

@router.post("/v3/templates", summary="Save a template: a Studio body with {{variables}}, a name and defaults")
async def create(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    _, document = await json_body(request)

    def handle() -> dict:
        draft = studio.read_document(document, DbLookup(runtime, key_id))
        record = Templates(runtime.db).create(draft.name, draft.body, draft.defaults,
                                              len(draft.body.get("video_inputs") or []))
        return envelopes.v3(_v3_template(record))

    return await run_in_threadpool(handle)


@router.patch("/v3/templates/{template_id}", summary="Change a template's name, defaults or Studio fields")
async def update(request: Request, key_id: Key, template_id: str) -> dict:
    runtime = runtime_of(request)
    _, patch = await json_body(request)

    def handle() -> dict:
        draft = studio.patched(_draft(_record(runtime, template_id)), patch, DbLookup(runtime, key_id))
        record = Templates(runtime.db).replace(template_id, draft.name, draft.body, draft.defaults)
        return envelopes.v3(_v3_template(record))

    return await run_in_threadpool(handle)


@router.delete("/v3/templates/{template_id}", summary="Delete a template (videos made from it are kept)")
def delete(request: Request, key_id: Key, template_id: str) -> dict:
    Templates(runtime_of(request).db).delete(template_id)
    return envelopes.v3({"id": template_id, "deleted": True})
