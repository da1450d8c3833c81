"""Signed downloads of stored files (with Range support) and each video's share page."""
from __future__ import annotations

import html
import mimetypes

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from avatarstudio.errors import ServiceError
from avatarstudio.store.signing import verify
from avatarstudio.store.videos import Videos

router = APIRouter()


@router.get("/files/{key:path}", summary="Download a stored file through a signed, expiring link",
            include_in_schema=True)
def download(request: Request, key: str, expires: int = 0, signature: str = "") -> FileResponse:
    runtime = request.app.state.runtime
    if not verify(runtime.settings.signing_secret, key, expires, signature):
        raise ServiceError("forbidden", "This link is invalid or has expired; ask the status endpoint for a new one")
    try:
        path = runtime.blobs.local_path(key)
    except KeyError:
        raise ServiceError("not_found", "File not found") from None
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type)


@router.get("/videos/{video_id}", response_class=HTMLResponse, summary="A video's share page")
def share_page(request: Request, video_id: str) -> HTMLResponse:
    runtime = request.app.state.runtime
    video = Videos(runtime.db).get(video_id)
    if video is None or video.status != "completed":
        raise ServiceError("video_not_found", f"Video {video_id} not found or not finished")
    title = html.escape(video.title or video.id)
    url = html.escape(runtime.url_for(video.files.get("video")) or "")
    poster = html.escape(runtime.url_for(video.files.get("thumbnail")) or "")
    return HTMLResponse(f"<!doctype html><title>{title}</title><h1>{title}</h1>"
                        f'<video controls src="{url}" poster="{poster}" style="max-width:100%"></video>')
