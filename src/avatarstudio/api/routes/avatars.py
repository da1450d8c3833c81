"""Avatars in each family's shapes: built-in looks, talking photos and digital twins, their groups, creating
photo avatars and digital twins, renaming and deleting them (catalog/looks.py makes the terms every listing is
drawn from; twins.py has a twin's consent and HeyGen's v2 video avatar API)."""
from __future__ import annotations

import base64
import binascii
from functools import partial
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.api.twin_inputs import create_twin_v3
from avatarstudio.catalog import looks
from avatarstudio.errors import ServiceError, invalid
from avatarstudio.jobs import quick
from avatarstudio.jobs.kinds import PHOTO
from avatarstudio.runtime import Runtime
from avatarstudio.store import twins
from avatarstudio.store.assets import Assets
from avatarstudio.store.models import PhotoImport, Twin, new_id
from avatarstudio.store.photo_avatars import PhotoAvatarGroups
from avatarstudio.store.photo_imports import PhotoImports
from avatarstudio.uploads import delete_asset, save_asset
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import parse

router = APIRouter()
SUPPORTED_ENGINES = ["avatar_iv"]
V2_TRAIN_STATUS = {"completed": "ready", "failed": "failed"}
"""v2's train_status of a private group; any other status is pending."""


# --- avatars: v2 ---------------------------------------------------------------------------------------

def _preview_video(look: looks.Look) -> str | None:
    """A twin's footage clip; looks without one repeat their preview image, as clients require a URL there."""
    return look.preview_video_url or look.preview_image_url


def _is_talking_photo(look: looks.Look) -> bool:
    """A talking photo ready to use (one still being made from a URL is listed by v3 only, with its status)."""
    return not look.public and look.avatar_type == "photo_avatar" and look.status == "completed"


def _usable_avatar(look: looks.Look) -> bool:
    """What v1 and v2 list as avatars: built-in looks and twins that finished training."""
    return look.public or (look.avatar_type == looks.TWIN and look.status == "completed")


def _v2_avatar(look: looks.Look) -> dict:
    return {"avatar_id": look.id, "avatar_name": look.name, "gender": look.gender,
            "preview_image_url": look.preview_image_url, "preview_video_url": _preview_video(look),
            "premium": False, "type": "talking_photo" if _is_talking_photo(look) else "avatar",
            "tags": list(look.tags), "default_voice_id": look.default_voice_id}


def _v2_talking_photo(look: looks.Look) -> dict:
    return {"talking_photo_id": look.id, "talking_photo_name": look.name, "preview_image_url": look.preview_image_url}


def _v2_group_avatar(look: looks.Look) -> dict:
    """HeyGen's documented look keys and the v2 avatar keys together: the official MCP client reads the latter."""
    return {"id": look.id, "image_url": look.preview_image_url, "name": look.name,
            "status": (look.status or "completed").upper(),
            "group_id": look.group_id, "created_at": look.created_at, "is_motion": False,
            "motion_preview_url": None, **_v2_avatar(look)}


@router.get("/v2/avatars", summary="Built-in avatars, trained digital twins and talking photos (v2)")
def list_v2(request: Request, key_id: Key) -> dict:
    """preview_video_url is a twin's footage clip; for other looks it repeats the preview image."""
    every = looks.all_looks(runtime_of(request))
    return envelopes.v2({"avatars": [_v2_avatar(look) for look in every if _usable_avatar(look)],
                         "talking_photos": [_v2_talking_photo(look) for look in every if _is_talking_photo(look)]})


@router.get("/v2/avatar/{avatar_id}/details", summary="One avatar or talking photo (v2)")
def details_v2(request: Request, key_id: Key, avatar_id: str) -> dict:
    look = looks.find_look(runtime_of(request), avatar_id, "avatar_id")
    return envelopes.v2({**_v2_avatar(look), "id": look.id, "name": look.name, "is_public": look.public})


@router.get("/v2/avatar_group.list", summary="Avatar groups (v2): private ones, and public ones on request")
def groups_v2(request: Request, key_id: Key, include_public: bool = False) -> dict:
    """As on HeyGen, public (built-in) groups are listed only with include_public=true."""
    runtime = runtime_of(request)
    groups = [group for group in looks.all_groups(runtime) if include_public or not group.public]
    photo_groups = PhotoAvatarGroups(runtime.db)
    return envelopes.v2({"total_count": len(groups), "avatar_group_list": [{
        "id": group.id, "name": group.name, "created_at": group.looks[0].created_at, "num_looks": len(group.looks),
        "preview_image": group.looks[0].preview_image_url,
        "group_type": "PUBLIC_PHOTO" if group.public else "PRIVATE",
        "train_status": None if group.public else _train_status(photo_groups, group)} for group in groups]})


def _train_status(photo_groups: PhotoAvatarGroups, group: looks.Group) -> str:
    """A v2 photo avatar group is pending until trained; a lone talking photo is ready from the start; a digital
    twin's group follows its newest look's training."""
    made_in_v2 = photo_groups.get(group.id)
    return made_in_v2.train_status if made_in_v2 else V2_TRAIN_STATUS.get(group.looks[0].status, "pending")


@router.get("/v2/avatar_group/{group_id}/avatars", summary="The looks of one avatar group (v2)")
def group_avatars_v2(request: Request, key_id: Key, group_id: str) -> dict:
    group = looks.find_group(runtime_of(request), group_id)
    return envelopes.v2({"avatar_list": [_v2_group_avatar(look) for look in group.looks]})


@router.get("/v1/avatar.list", summary="Built-in avatars and trained digital twins (legacy v1)")
def list_v1(request: Request, key_id: Key) -> dict:
    every = looks.all_looks(runtime_of(request))
    return envelopes.v1({"avatars": [_v2_avatar(look) for look in every if _usable_avatar(look)]})


# --- avatars: v3 ---------------------------------------------------------------------------------------

def _v3_group(group: looks.Group) -> dict:
    """A group shows its newest look's status, previews and consent."""
    first = group.looks[0]
    return {"id": group.id, "name": group.name, "created_at": first.created_at, "gender": first.gender,
            "default_voice_id": first.default_voice_id, "looks_count": len(group.looks),
            "preview_image_url": first.preview_image_url, "preview_video_url": _preview_video(first),
            "consent_status": first.consent_status, "status": first.status, "error": first.error}


def _v3_look(look: looks.Look) -> dict:
    """preview_video_url is a twin's footage clip; for other looks it repeats the preview image."""
    return {"id": look.id, "name": look.name, "avatar_type": look.avatar_type, "group_id": look.group_id,
            "gender": look.gender, "default_voice_id": look.default_voice_id,
            "preview_image_url": look.preview_image_url, "preview_video_url": _preview_video(look),
            "preferred_orientation": look.preferred_orientation, "supported_api_engines": SUPPORTED_ENGINES,
            "image_width": look.image_width, "image_height": look.image_height, "tags": list(look.tags),
            "status": look.status, "error": look.error, "notes": list(look.notes)}


@router.get("/v3/avatars", summary="Avatar groups (v3, paged; ownership public = built-in, private = yours)")
def groups_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
              ownership: looks.Ownership | None = None) -> dict:
    groups = [_v3_group(group) for group in looks.all_groups(runtime_of(request))
              if looks.owned(group.public, ownership)]
    return envelopes.v3_list_page(groups, limit, token)


@router.get("/v3/avatars/looks", summary="Avatar looks (v3, paged); a look id is what avatar_id takes")
def looks_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
             group_id: str | None = None,
             avatar_type: Literal["studio_avatar", "digital_twin", "photo_avatar"] | None = None,
             ownership: looks.Ownership | None = None) -> dict:
    found = [_v3_look(look) for look in looks.all_looks(runtime_of(request))
             if (group_id is None or look.group_id == group_id)
             and (avatar_type is None or look.avatar_type == avatar_type) and looks.owned(look.public, ownership)]
    return envelopes.v3_list_page(found, limit, token)


@router.get("/v3/avatars/looks/{look_id}", summary="One avatar look (v3)")
def look_v3(request: Request, key_id: Key, look_id: str) -> dict:
    return envelopes.v3(_v3_look(looks.find_look(runtime_of(request), look_id, "look_id")))


def _photo_bytes(runtime: Runtime, image: wire_v3.ImageByAsset | wire_v3.ImageByBase64) -> bytes:
    """The bytes of a v3 image input at hand: an uploaded asset or inline base64."""
    if isinstance(image, wire_v3.ImageByAsset):
        asset = Assets(runtime.db).get(image.asset_id)
        if asset is None:
            raise ServiceError("asset_not_found", f"Asset {image.asset_id} not found", param="file.asset_id")
        return runtime.blobs.local_path(asset.blob_key).read_bytes()
    try:
        return base64.b64decode(image.data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("file.data", "not base64") from None


@router.post("/v3/avatars", summary="Create a photo avatar from an image with one face, or a digital twin from "
             "footage of a person talking", openapi_extra=body(wire_v3.CreateAvatar, "CreateAvatar"))
async def create_avatar_v3(request: Request, key_id: Key) -> dict:
    """A photo given by URL is fetched and checked by a job: the answer comes at once with the look `processing`,
    and GET /v3/avatars/looks/{id} shows it `completed` or `failed` with the reason (photo_avatar_train.success or
    .fail is sent too). An asset or base64 photo is checked now and is `completed` in the answer."""
    runtime = runtime_of(request)
    payload = (await json_body(request))[1]
    kind = payload.get("type") if isinstance(payload, dict) else None
    if kind == "prompt":
        raise invalid("type", "'prompt' avatars need generative models this server does not have; use type "
                              "'photo' or 'digital_twin'")
    if kind == looks.TWIN:
        twin = await run_in_threadpool(create_twin_v3, runtime, key_id,
                                       parse(wire_v3.CreateDigitalTwinRequest, payload))
        return envelopes.v3(twin_created(runtime, twin))
    parsed = parse(wire_v3.CreatePhotoAvatarRequest, payload)
    if parsed.avatar_group_id is not None:
        raise invalid("avatar_group_id", "each photo avatar is its own group here; adding looks to a group is "
                                         "not supported")

    def create() -> dict:
        if isinstance(parsed.file, wire_v3.ImageByUrl):
            return _created(runtime, looks.photo_import_look(_import_photo(runtime, key_id, parsed.name,
                                                                           parsed.file.url)))
        asset = save_asset(runtime, key_id, _photo_bytes(runtime, parsed.file), name=parsed.name, talking_photo=True,
                           vet=partial(quick.require_one_face, runtime))
        return _created(runtime, looks.talking_photo_look(runtime, asset))

    return envelopes.v3(await run_in_threadpool(create))


def _import_photo(runtime: Runtime, key_id: str, name: str, url: str) -> PhotoImport:
    """Records the photo avatar, then queues its job (the reaper re-queues a record whose task was lost)."""
    job = PhotoImports(runtime.db).add(PhotoImport(id=new_id(), key_id=key_id, name=name, url=url, notes=[],
                                                   files={}))
    runtime.queue.enqueue(PHOTO, job.id)
    return job


def _created(runtime: Runtime, look: looks.Look) -> dict:
    """The body of an avatar's creation: its group and the look."""
    return {"avatar_group": _v3_group(looks.find_group(runtime, look.group_id)), "avatar_item": _v3_look(look)}


def twin_created(runtime: Runtime, twin: Twin) -> dict:
    """The body of a twin's creation or consent: its group and the look."""
    return _created(runtime, looks.twin_look(runtime, twin))


def _private_look(runtime: Runtime, look_id: str, param: str) -> looks.Look:
    look = looks.find_look(runtime, look_id, param)
    if look.public:
        raise ServiceError("forbidden", f"Avatar {look_id} is built in and cannot be changed or deleted", param=param)
    return look


def _delete_looks(runtime: Runtime, group: tuple[looks.Look, ...]) -> None:
    """A twin's training or a video waiting for it finds it gone and fails with that reason; a photo still being
    fetched is forgotten (its job finds it gone and leaves no file)."""
    twins.delete(runtime, [look.id for look in group if look.avatar_type == looks.TWIN])
    imports = PhotoImports(runtime.db)
    for look in group:
        if look.avatar_type == looks.TWIN:
            continue
        if look.status != "completed" and imports.get(look.id) is not None:
            imports.delete(look.id)
            runtime.blobs.delete_prefix(PHOTO.blob_prefix(look.id))
        else:
            delete_asset(runtime, look.id)


@router.delete("/v3/avatars/looks/{look_id}", summary="Delete a photo avatar or digital twin look (built-in looks "
               "cannot be); the last look of a group takes the group with it")
def delete_look_v3(request: Request, key_id: Key, look_id: str) -> dict:
    runtime = runtime_of(request)
    _delete_looks(runtime, (_private_look(runtime, look_id, "look_id"),))
    return envelopes.v3({"id": look_id})


@router.patch("/v3/avatars/looks/{look_id}", summary="Rename a photo avatar or digital twin look",
              openapi_extra=body(wire_v3.UpdateLookRequest))
async def update_look_v3(request: Request, key_id: Key, look_id: str) -> dict:
    runtime = runtime_of(request)
    name = parse(wire_v3.UpdateLookRequest, (await json_body(request))[1]).name

    def rename() -> dict:
        look = _private_look(runtime, look_id, "look_id")
        if look.avatar_type == looks.TWIN:
            records = twins.Twins(runtime.db)
        else:
            records = Assets(runtime.db) if look.status == "completed" else PhotoImports(runtime.db)
        records.update(look_id, name=name)
        return _v3_look(looks.find_look(runtime, look_id, "look_id"))

    return envelopes.v3(await run_in_threadpool(rename))


@router.delete("/v3/avatars/{group_id}", summary="Delete a private avatar group and its looks (built-in groups "
               "cannot be)")
def delete_group_v3(request: Request, key_id: Key, group_id: str) -> dict:
    runtime = runtime_of(request)
    group = looks.find_group(runtime, group_id)
    if group.public:
        raise ServiceError("forbidden", f"Avatar group {group_id} is built in and cannot be deleted", param="group_id")
    _delete_looks(runtime, group.looks)
    return envelopes.v3({"id": group_id})


@router.get("/v3/avatars/{group_id}", summary="One avatar group (v3)")
def group_v3(request: Request, key_id: Key, group_id: str) -> dict:
    return envelopes.v3(_v3_group(looks.find_group(runtime_of(request), group_id)))
