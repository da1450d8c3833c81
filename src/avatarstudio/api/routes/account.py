"""Who the caller is, what quota is left, and folders. A self-hosted installation has one user and no quota."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.auth import Key
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.folders import Folders
from avatarstudio.store.models import Folder
from avatarstudio.wire.common import parse
from avatarstudio.wire.v1 import CreateFolder, RenameFolder

router = APIRouter()

UNLIMITED_SECONDS = 10 ** 9
"""What the quota endpoints report: nothing is metered here, and clients expect a number (about 31 years)."""
USERNAME = "avatarstudio"


# --- user and quota ------------------------------------------------------------------------------------

def _user(runtime: Runtime) -> dict:
    """The local installation as HeyGen's user object: usage-based billing that costs nothing."""
    return {"username": USERNAME, "email": f"{USERNAME}@localhost", "first_name": USERNAME, "last_name": "",
            "billing_type": "usage_based", "wallet": None, "subscription": None,
            "usage_based": {"included_credits": None, "remaining_credits": None, "spending_cap_usd": None,
                            "spending_current_usd": 0.0},
            "base_url": runtime.settings.public_base_url}


@router.get("/v2/user/remaining_quota", summary="Remaining quota (v2): unlimited on a self-hosted installation")
def remaining_quota(request: Request, key_id: Key) -> dict:
    """Streaming avatars are not offered, so their quotas are 0; one seat."""
    return envelopes.v2({"remaining_quota": UNLIMITED_SECONDS,
                         "details": {"api": UNLIMITED_SECONDS, "streaming_avatar": 0,
                                     "streaming_avatar_instance_quota": 0, "seat": 1}})


@router.get("/v1/user/me", summary="The current user (v1): this installation")
def me_v1(request: Request, key_id: Key) -> dict:
    return envelopes.v1(_user(runtime_of(request)))


@router.get("/v3/users/me", summary="The current user (v3): this installation")
def me_v3(request: Request, key_id: Key) -> dict:
    return envelopes.v3(_user(runtime_of(request)))


# --- folders -------------------------------------------------------------------------------------------

def _item(folder: Folder) -> dict:
    return {"id": folder.id, "name": folder.name, "parent_id": folder.parent_id, "project_type": folder.project_type,
            "created_ts": int(folder.created_at), "trashed": folder.trashed}


@router.get("/v1/folders", summary="List folders (v1); is_trash=true lists the trashed ones instead")
def list_folders(request: Request, key_id: Key, limit: Limit = 100,
                 token: str | None = None, parent_id: str | None = None, name_filter: str | None = None,
                 is_trash: bool = False) -> dict:
    """Oldest first; the token is the offset of the next page."""
    page = Folders(runtime_of(request).db).page(token, limit, is_trash, parent_id, name_filter)
    return envelopes.v1({"folders": [_item(folder) for folder in page.items], "token": page.next_token})


@router.post("/v1/folders/create", summary="Create a folder (v1)")
async def create_folder(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    parsed = parse(CreateFolder, (await json_body(request))[1])

    def store() -> Folder:
        folders = Folders(runtime.db)
        folder = Folder(name=parsed.name, project_type=parsed.project_type, parent_id=parsed.parent_id or None)
        if folder.parent_id and folders.get(folder.parent_id) is None:
            raise ServiceError("not_found", f"Folder {folder.parent_id} not found", param="parent_id")
        return folders.add(folder)

    return envelopes.v1(_item(await run_in_threadpool(store)))


@router.post("/v1/folders/{folder_id}/rename", summary="Rename a folder (v1)")
@router.post("/v1/folders/{folder_id}", summary="Rename a folder (v1)")
async def rename_folder(request: Request, key_id: Key, folder_id: str) -> dict:
    parsed = parse(RenameFolder, (await json_body(request))[1])
    folders = Folders(runtime_of(request).db)
    return envelopes.v1(_item(await run_in_threadpool(folders.update, folder_id, name=parsed.name)))


@router.post("/v1/folders/{folder_id}/trash", summary="Move a folder to the trash (v1)")
def trash_folder(request: Request, key_id: Key, folder_id: str) -> dict:
    return envelopes.v1(_item(Folders(runtime_of(request).db).update(folder_id, trashed=True)))


@router.post("/v1/folders/{folder_id}/restore", summary="Restore a folder from the trash (v1)")
def restore_folder(request: Request, key_id: Key, folder_id: str) -> dict:
    return envelopes.v1(_item(Folders(runtime_of(request).db).update(folder_id, trashed=False)))
