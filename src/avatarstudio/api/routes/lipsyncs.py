"""HeyGen's lipsync API (v3): re-time the lips of any video of a person talking to new audio."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.auth import require_key
from avatarstudio.api.inputs import json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.api.twin_inputs import asset_ref, url_ref
from avatarstudio.jobs.kinds import LIPSYNC
from avatarstudio.runtime import Runtime
from avatarstudio.store.lipsyncs import Lipsyncs
from avatarstudio.store.models import Lipsync, new_id
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import parse

router = APIRouter()
Key = Annotated[str, Depends(require_key)]
STATUS = {"waiting": "pending", "processing": "running"}
"""A lipsync's own status names; the shared /statuses read model says queued where this says pending."""
BULK_STATUS = {"waiting": "queued"}


def _media(runtime: Runtime, given: wire_v3.MediaByUrl | wire_v3.MediaByAsset, kind: str, param: str) -> dict:
    if isinstance(given, wire_v3.MediaByUrl):
        return url_ref(given.url)
    return asset_ref(runtime, given.asset_id, kind, f"{param}.asset_id")


def _view(runtime: Runtime, job: Lipsync) -> dict:
    done, failed = job.status == "completed", job.status == "failed"
    return {"id": job.id, "title": job.title, "status": STATUS.get(job.status, job.status), "progress": job.progress,
            "created_at": int(job.created_at), "duration": job.duration if done else None,
            "video_url": runtime.url_for(job.files.get("video")) if done else None,
            "caption_url": runtime.url_for(job.files.get("srt")) if done else None,
            "thumbnail_url": runtime.url_for(job.files.get("thumbnail")) if done else None,
            "callback_id": job.callback_id, "failure_code": job.error_code if failed else None,
            "failure_message": job.error_message if failed else None, "notes": job.notes or []}


@router.post("/v3/lipsyncs", summary="Re-sync a video's lips to new audio (the output keeps the video's size and "
             "frame rate)", openapi_extra=body(wire_v3.CreateLipsyncRequest))
async def create(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    parsed = parse(wire_v3.CreateLipsyncRequest, (await json_body(request))[1])

    def handle() -> dict:
        job = Lipsyncs(runtime.db).add(Lipsync(
            id=new_id(), key_id=key_id, video=_media(runtime, parsed.video, "video", "video"),
            audio=_media(runtime, parsed.audio, "audio", "audio"), title=parsed.title, start_time=parsed.start_time,
            end_time=parsed.end_time, captions=parsed.enable_caption, mode=parsed.mode, callback_id=parsed.callback_id,
            callback_url=parsed.callback_url, notes=[], files={}))
        runtime.queue.enqueue(LIPSYNC, job.id)
        return {"lipsync_id": job.id}

    return envelopes.v3(await run_in_threadpool(handle))


@router.get("/v3/lipsyncs", summary="List lipsyncs (newest first, paged)")
def list_all(request: Request, key_id: Key, limit: Annotated[int, Query(ge=1, le=100)] = 20,
             token: str | None = None) -> dict:
    runtime = runtime_of(request)
    page = Lipsyncs(runtime.db).page(token, limit)
    return envelopes.v3_page([_view(runtime, job) for job in page.items], page.has_more, page.next_token)


@router.get("/v3/lipsyncs/statuses", summary="Statuses of up to 100 lipsyncs by lipsync_ids")
def statuses(request: Request, key_id: Key, lipsync_ids: str = "") -> dict:
    wanted = [item for item in lipsync_ids.split(",") if item][:100]
    found = Lipsyncs(runtime_of(request).db).by_ids(wanted)
    items = []
    for lipsync_id in wanted:
        job = found.get(lipsync_id)
        status = BULK_STATUS.get(job.status, job.status) if job else "not_found"
        error = {"code": job.error_code, "message": job.error_message} if job and job.status == "failed" else None
        items.append({"video_id": lipsync_id, "status": status, "error": error, "batch_id": None, "item_index": None})
    return envelopes.v3_page(items)


@router.get("/v3/lipsyncs/{lipsync_id}", summary="One lipsync's status and files")
def get_one(request: Request, key_id: Key, lipsync_id: str) -> dict:
    runtime = runtime_of(request)
    return envelopes.v3(_view(runtime, Lipsyncs(runtime.db).require(lipsync_id)))


@router.patch("/v3/lipsyncs/{lipsync_id}", summary="Change a lipsync's title",
              openapi_extra=body(wire_v3.UpdateLipsyncRequest))
async def update(request: Request, key_id: Key, lipsync_id: str) -> dict:
    runtime = runtime_of(request)
    title = parse(wire_v3.UpdateLipsyncRequest, (await json_body(request))[1]).title
    return envelopes.v3(_view(runtime, Lipsyncs(runtime.db).update(lipsync_id, title=title)))


@router.delete("/v3/lipsyncs/{lipsync_id}", summary="Delete a lipsync and its files")
def delete(request: Request, key_id: Key, lipsync_id: str) -> dict:
    """A job still running finds its record gone and stores nothing."""
    runtime = runtime_of(request)
    Lipsyncs(runtime.db).delete(lipsync_id)
    runtime.blobs.delete_prefix(LIPSYNC.blob_prefix(lipsync_id))
    return envelopes.v3({"id": lipsync_id})
