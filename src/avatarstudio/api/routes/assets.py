"""Uploads (raw body for v1, multipart for v3), talking photos, and asset listing and deletion."""
from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.inputs import Limit, bounded_body, bounded_form, form_file, runtime_of
from avatarstudio.api.openapi import multipart_file
from avatarstudio.api.auth import Key
from avatarstudio.jobs import quick
from avatarstudio.runtime import Runtime
from avatarstudio.store.assets import Assets
from avatarstudio.store.models import Asset
from avatarstudio.uploads import MAX_BYTES, delete_asset, save_asset

router = APIRouter()
V3_MAX_BYTES = 32 * 1024 * 1024


def _v1_asset(runtime: Runtime, asset: Asset) -> dict:
    return {"id": asset.id, "name": asset.name, "file_type": asset.file_type, "folder_id": asset.folder_id,
            "meta": {"mime_type": asset.mime_type, "size_bytes": asset.size_bytes},
            "created_ts": int(asset.created_at), "url": runtime.url_for(asset.blob_key), "image_key": asset.blob_key}


def _v3_asset(runtime: Runtime, asset: Asset) -> dict:
    return {"id": asset.id, "name": asset.name, "type": asset.file_type, "mime_type": asset.mime_type,
            "size_bytes": asset.size_bytes, "owner": asset.key_id, "space_id": "default", "folder_id": asset.folder_id,
            "uploaded_at": int(asset.created_at), "url": runtime.url_for(asset.blob_key)}


@router.post("/v1/asset", summary="Upload a file: the raw bytes as the body (checked by content)")
async def upload_v1(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    data = await bounded_body(request, max(MAX_BYTES.values()))
    asset = await run_in_threadpool(save_asset, runtime, key_id, data, name=request.headers.get("x-file-name", ""))
    return envelopes.v1(_v1_asset(runtime, asset))


@router.get("/v1/asset/list", summary="List uploaded assets (v1)")
def list_v1(request: Request, key_id: Key, limit: Limit = 100,
            token: str | None = None) -> dict:
    runtime = runtime_of(request)
    page = Assets(runtime.db).page(token, limit)
    return envelopes.v1({"assets": [_v1_asset(runtime, asset) for asset in page.items], "token": page.next_token})


@router.post("/v1/asset/{asset_id}/delete", summary="Delete an asset (v1)")
def delete_v1(request: Request, key_id: Key, asset_id: str) -> dict:
    delete_asset(runtime_of(request), asset_id)
    return envelopes.v1({"id": asset_id})


@router.post("/v1/talking_photo", summary="Upload a photo to use as a talking photo (raw image bytes, one face)")
async def talking_photo(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    data = await bounded_body(request, MAX_BYTES["image"])
    asset = await run_in_threadpool(partial(save_asset, runtime, key_id, data, talking_photo=True,
                                            vet=partial(quick.require_one_face, runtime)))
    return envelopes.v1({"talking_photo_id": asset.id, "talking_photo_url": runtime.url_for(asset.blob_key)})


@router.get("/v1/talking_photo.list", summary="List talking photos (v1)")
def talking_photo_list(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    photos = Assets(runtime.db).talking_photos()
    return envelopes.v1([{"id": asset.id, "circle_image": runtime.url_for(asset.blob_key),
                          "image_url": runtime.url_for(asset.blob_key)} for asset in photos])


@router.post("/v3/assets", summary="Upload a file (multipart field `file`, at most 32 MB)",
             openapi_extra=multipart_file())
async def upload_v3(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    form = await bounded_form(request, V3_MAX_BYTES)
    try:
        data, name = await form_file(form, "file", V3_MAX_BYTES)
    finally:
        await form.close()
    asset = await run_in_threadpool(save_asset, runtime, key_id, data, name=name)
    return envelopes.v3({"asset_id": asset.id, "url": runtime.url_for(asset.blob_key), "mime_type": asset.mime_type,
                         "size_bytes": asset.size_bytes})


@router.get("/v3/assets", summary="List assets (v3, newest first)")
def list_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
            folder_id: str | None = None) -> dict:
    runtime = runtime_of(request)
    page = Assets(runtime.db).page(token, limit, folder_id)
    return envelopes.v3_page([_v3_asset(runtime, asset) for asset in page.items], page.has_more, page.next_token)


@router.get("/v3/assets/{asset_id}", summary="One asset (v3)")
def get_v3(request: Request, key_id: Key, asset_id: str) -> dict:
    runtime = runtime_of(request)
    return envelopes.v3(_v3_asset(runtime, Assets(runtime.db).require(asset_id)))


@router.delete("/v3/assets/{asset_id}", summary="Delete an asset (v3)")
def delete_v3(request: Request, key_id: Key, asset_id: str) -> dict:
    delete_asset(runtime_of(request), asset_id)
    return envelopes.v3({"id": asset_id})
