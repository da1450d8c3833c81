"""The public preview files the catalogue listings link to: built-in avatar stills and voice samples.

No key is needed (clients show them as plain links). A worker makes each file on its first request
(jobs/quick.py); the blob store serves it from then on.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from avatarstudio.api.inputs import runtime_of
from avatarstudio.catalog import avatars, voices
from avatarstudio.errors import ServiceError
from avatarstudio.jobs import quick
from avatarstudio.runtime import Runtime

router = APIRouter()


def _preview_file(runtime: Runtime, kind: quick.PreviewKind, item_id: str) -> FileResponse:
    """The preview file, made by a worker on its first request and then served from the blob store."""
    return FileResponse(runtime.blobs.local_path(quick.preview(runtime, kind, item_id)),
                        media_type=quick.PREVIEW_MEDIA_TYPES[kind], headers={"Cache-Control": "public, max-age=86400"})


@router.get("/catalog/avatars/{avatar_id}/preview.png", summary="A built-in avatar's preview still (public)")
def avatar_preview(request: Request, avatar_id: str) -> FileResponse:
    if avatars.get_avatar(avatar_id) is None:
        raise ServiceError("avatar_not_found", f"Avatar {avatar_id} not found", param="avatar_id")
    return _preview_file(runtime_of(request), "avatar", avatar_id)


@router.get("/catalog/voices/{voice_id}/preview.wav", summary="A voice's spoken sample (public)")
def voice_preview(request: Request, voice_id: str) -> FileResponse:
    """A short sentence in the voice's language (digits for languages without a written sample)."""
    return _preview_file(runtime_of(request), "voice", voices.find_voice(voice_id).voice_id)
