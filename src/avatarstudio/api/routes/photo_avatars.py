"""HeyGen's v2 photo avatar groups: several talking photos of one person, made from uploaded images.

A look is a talking photo (an image with one face, animated at render time), so "training" has nothing to do:
POST /v2/photo_avatar/train marks the group ready at once and sends photo_avatar_train.success. The generative
routes (photos, looks and motion made by a model) are HeyGen features this server lacks: api/unsupported.py.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field
from avatarstudio.api import envelopes
from avatarstudio.api.auth import Key
from avatarstudio.api.inputs import json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.errors import ServiceError
from avatarstudio.jobs import webhooks
from avatarstudio.runtime import Runtime
from avatarstudio.store.assets import Assets
from avatarstudio.store.models import Asset, PhotoAvatarGroup
from avatarstudio.store.photo_avatars import PhotoAvatarGroups
from avatarstudio.uploads import save_asset
from avatarstudio.wire.common import Wire, parse

router = APIRouter()
Name = Annotated[str, Field(min_length=1, max_length=200)]


class CreateGroup(Wire):
    name: Name
    image_key: str
    """An uploaded image: the `image_key` (or the `id`) that POST /v1/asset returned."""


class AddLooks(Wire):
    group_id: str
    image_keys: Annotated[list[str], Field(min_length=1, max_length=20)]
    name: Name | None = None


class Train(Wire):
    group_id: str


def _image(runtime: Runtime, image_key: str, param: str) -> Asset:
    """The uploaded image an image_key names (HeyGen's image_key is the upload's storage key; an asset id works
    too)."""
    asset = Assets(runtime.db).by_key(image_key)
    if asset is None:
        raise ServiceError("asset_not_found", f"Asset {image_key} not found", param=param)
    if asset.file_type != "image":
        raise ServiceError("invalid_parameter", f"{param} is invalid: asset {image_key} is a {asset.file_type}, "
                           "not an image", param=param)
    return asset


def _look(runtime: Runtime, key_id: str, image_key: str, name: str, param: str) -> Asset:
    """A new talking photo from an uploaded image (checked for exactly one face, like every talking photo)."""
    source = _image(runtime, image_key, param)
    return save_asset(runtime, key_id, runtime.blobs.local_path(source.blob_key).read_bytes(), name=name,
                      talking_photo=True)


def _group(runtime: Runtime, group_id: str) -> PhotoAvatarGroup:
    return PhotoAvatarGroups(runtime.db).require(group_id)


def _view(runtime: Runtime, asset: Asset, group: PhotoAvatarGroup) -> dict:
    """HeyGen's photo avatar object."""
    return {"id": asset.id, "image_url": runtime.url_for(asset.blob_key), "created_at": int(asset.created_at),
            "name": asset.name, "status": "COMPLETED", "group_id": group.id, "is_motion": False,
            "motion_preview_url": None, "business_type": "user_upload", "upscale_availability": {
                "available": False, "reason": "upscaling is not offered by this server"},
            "upscaled": False, "background_sound_effect": None}


@router.post("/v2/photo_avatar/avatar_group/create", summary="Create a photo avatar group from an uploaded image",
             openapi_extra=body(CreateGroup))
async def create_group(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    parsed = parse(CreateGroup, (await json_body(request))[1])

    def handle() -> dict:
        look = _look(runtime, key_id, parsed.image_key, parsed.name, "image_key")
        group = PhotoAvatarGroups(runtime.db).create(parsed.name, look.id)
        return envelopes.v2({**_view(runtime, look, group), "id": group.id, "status": "pending"})

    return await run_in_threadpool(handle)


@router.post("/v2/photo_avatar/avatar_group/add", summary="Add looks (uploaded images) to a photo avatar group",
             openapi_extra=body(AddLooks))
async def add_looks(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    parsed = parse(AddLooks, (await json_body(request))[1])

    def handle() -> dict:
        group = _group(runtime, parsed.group_id)
        store = PhotoAvatarGroups(runtime.db)
        looks = []
        for index, image_key in enumerate(parsed.image_keys):
            look = _look(runtime, key_id, image_key, parsed.name or group.name, f"image_keys.{index}")
            store.add_look(group.id, look.id)
            looks.append(_view(runtime, look, group))
        return envelopes.v2({"photo_avatar_list": looks})

    return await run_in_threadpool(handle)


@router.post("/v2/photo_avatar/train", summary="Train a photo avatar group: ready at once, with its webhook",
             openapi_extra=body(Train))
async def train(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    parsed = parse(Train, (await json_body(request))[1])

    def handle() -> dict:
        group = PhotoAvatarGroups(runtime.db).mark_trained(parsed.group_id)
        runtime.queue.deliver(webhooks.emit(runtime.db, "photo_avatar_train.success",
                                            {"avatar_group_id": group.id, "group_id": group.id, "status": "ready"},
                                            group.id, None))
        return envelopes.v2({"flow_id": group.id})

    return await run_in_threadpool(handle)


@router.get("/v2/photo_avatar/train/status/{group_id}", summary="A photo avatar group's training status")
def train_status(request: Request, key_id: Key, group_id: str) -> dict:
    group = _group(runtime_of(request), group_id)
    return envelopes.v2({"status": group.train_status, "error_msg": None, "created_at": int(group.created_at),
                         "updated_at": int(group.trained_at or group.created_at)})


@router.get("/v2/photo_avatar/{look_id}", summary="One photo avatar (a look of a group)")
def photo_avatar(request: Request, key_id: Key, look_id: str) -> dict:
    runtime = runtime_of(request)
    asset = Assets(runtime.db).get(look_id)
    group = PhotoAvatarGroups(runtime.db).group_of(look_id)
    if asset is None or group is None:
        raise ServiceError("avatar_not_found", f"Photo avatar {look_id} not found", param="id")
    return envelopes.v2(_view(runtime, asset, group))
