"""HeyGen's lipsync API (v3): re-time the lips of any video of a person talking to new audio."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool

from avatarstudio.api import envelopes, views
from avatarstudio.api.auth import Key
from avatarstudio.api.idempotency import idempotent
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.openapi import body
from avatarstudio.api.twin_inputs import asset_ref, url_ref
from avatarstudio.errors import ServiceError
from avatarstudio.jobs import submit
from avatarstudio.jobs.kinds import LIPSYNC
from avatarstudio.runtime import Runtime
from avatarstudio.store.lipsyncs import Lipsyncs, Options
from avatarstudio.store.models import Batch, Lipsync, new_id, now
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import parse

router = APIRouter()
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
            "callback_id": job.callback_id, "folder_id": job.folder_id, "batch_id": job.batch_id,
            "failure_code": job.error_code if failed else None,
            "failure_message": job.error_message if failed else None, "notes": job.notes or []}


def _options(parsed: wire_v3.CreateLipsyncRequest) -> Options:
    return Options(dynamic_duration=parsed.enable_dynamic_duration, same_format=parsed.keep_the_same_format is not False,
                   fps_mode=parsed.fps_mode, speech_enhancement=parsed.enable_speech_enhancement,
                   music_track=not parsed.disable_music_track, watermark=parsed.enable_watermark)


def _new_lipsync(runtime: Runtime, key_id: str, payload: object, batch_id: str | None = None,
                 item_index: int | None = None) -> Lipsync:
    """One POST /v3/lipsyncs body as a waiting record (not stored yet); ServiceError names what is wrong with it."""
    parsed = parse(wire_v3.CreateLipsyncRequest, payload)
    submit.check_folder(runtime, parsed.folder_id)
    return Lipsync(
        id=new_id(), key_id=key_id, video=_media(runtime, parsed.video, "video", "video"),
        audio=_media(runtime, parsed.audio, "audio", "audio"), title=parsed.title, start_time=parsed.start_time,
        end_time=parsed.end_time, captions=parsed.enable_caption, mode=parsed.mode, callback_id=parsed.callback_id,
        callback_url=parsed.callback_url, folder_id=parsed.folder_id, options=_options(parsed).to_dict(),
        batch_id=batch_id, item_index=item_index, status="waiting", notes=[], files={})


def _refused_item(key_id: str, batch_id: str, item_index: int, error: ServiceError) -> Lipsync:
    """A batch item whose payload was refused: stored failed at once, with the reason, so the rest go on. None of
    its fields is kept (its callback_url, say, may be the very thing refused)."""
    return Lipsync(id=new_id(), key_id=key_id, video={}, audio={}, title=None, captions=False, mode="speed",
                   options={}, batch_id=batch_id, item_index=item_index, status="failed", completed_at=now(),
                   error_code=error.code, error_message=f"lipsyncs.{item_index}: {error.message}", notes=[], files={})


@router.post("/v3/lipsyncs", summary="Re-sync a video's lips to new audio", openapi_extra=body(wire_v3.CreateLipsyncRequest))
async def create(request: Request, key_id: Key) -> dict:
    runtime = runtime_of(request)
    payload = (await json_body(request))[1]

    def handle() -> dict:
        job = _new_lipsync(runtime, key_id, payload)
        submit.admit(runtime, key_id, [job])
        runtime.queue.enqueue(LIPSYNC, job.id)
        return {"lipsync_id": job.id}

    return envelopes.v3(await run_in_threadpool(handle))


@router.post("/v3/lipsyncs/batches", status_code=202, summary="Create up to 100 lipsyncs in one request",
             openapi_extra=body(wire_v3.CreateLipsyncBatchRequest))
async def create_batch(request: Request, key_id: Key,
                       idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None):
    """Each item is checked and made on its own: one that is refused is stored failed with its reason (the
    registered webhook endpoints hear lipsync.fail), and the others go on. Every item that will render counts against the key's
    concurrency cap, all of them at once or none."""
    runtime = runtime_of(request)
    raw, payload = await json_body(request)

    def handle() -> dict:
        parsed = parse(wire_v3.CreateLipsyncBatchRequest, payload)
        batch = Batch(id=new_id(), key_id=key_id, title=parsed.title, callback_url=parsed.callback_url,
                      total_items=len(parsed.lipsyncs), kind=Lipsyncs.kind)
        jobs = []
        for index, item in enumerate(parsed.lipsyncs):
            try:
                jobs.append(_new_lipsync(runtime, key_id, item, batch.id, index))
            except ServiceError as error:
                jobs.append(_refused_item(key_id, batch.id, index, error))
        submit.admit(runtime, key_id, jobs, batch)
        for job in jobs:
            if job.status == "failed":
                LIPSYNC.announce_end(runtime, job.id, runtime.queue.deliver)
            else:
                runtime.queue.enqueue(LIPSYNC, job.id)
        return envelopes.v3({"batch_id": batch.id, "status": "processing", "total_items": len(jobs),
                             "lipsync_ids": [job.id for job in jobs], "created_at": int(batch.created_at)})

    response = await run_in_threadpool(idempotent, runtime, key_id, idempotency_key, raw, handle)
    response.status_code = 202
    return response


@router.get("/v3/lipsyncs/batches/{batch_id}", summary="A lipsync batch's aggregate status and its items")
def batch_status(request: Request, key_id: Key, batch_id: str, limit: Limit = 100,
                 token: str | None = None) -> dict:
    return envelopes.v3(views.batch(Lipsyncs(runtime_of(request).db), batch_id, token, limit))


@router.get("/v3/lipsyncs", summary="List lipsyncs (newest first, paged, filter by folder_id)")
def list_all(request: Request, key_id: Key, limit: Limit = 20,
             token: str | None = None, folder_id: str | None = None) -> dict:
    runtime = runtime_of(request)
    page = Lipsyncs(runtime.db).page(token, limit, folder_id)
    return envelopes.v3_page([_view(runtime, job) for job in page.items], page.has_more, page.next_token)


@router.get("/v3/lipsyncs/statuses", summary="Statuses of up to 100 lipsyncs by lipsync_ids and/or batch_ids")
def statuses(request: Request, key_id: Key, lipsync_ids: str = "", batch_ids: str = "") -> dict:
    lipsyncs = Lipsyncs(runtime_of(request).db)
    wanted = [item for item in lipsync_ids.split(",") if item][:100]
    found = lipsyncs.by_ids(wanted)
    items = [_status(found[lipsync_id]) if lipsync_id in found else
             {"video_id": lipsync_id, "status": "not_found", "error": None, "batch_id": None, "item_index": None}
             for lipsync_id in wanted]
    for batch_id in (item for item in batch_ids.split(",") if item):
        items += [_status(job) for job in lipsyncs.in_batch(batch_id)]
    return envelopes.v3_page(items)


def _status(job: Lipsync) -> dict:
    return {**views.status_item(job), "status": BULK_STATUS.get(job.status, job.status)}


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
