"""Create, status, list and delete videos, in each family's shapes."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from avatarstudio import translate
from avatarstudio.api import envelopes, views
from avatarstudio.api.openapi import body
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.auth import Key
from avatarstudio.api.idempotency import idempotent
from avatarstudio.api.reads import database_read
from avatarstudio.jobs import submit
from avatarstudio.runtime import Runtime
from avatarstudio.store.models import Batch, Video, new_id
from avatarstudio.store.videos import Videos
from avatarstudio.uploads import DbLookup
from avatarstudio.wire import v1 as wire_v1
from avatarstudio.wire import v2 as wire_v2
from avatarstudio.wire import v3 as wire_v3
from avatarstudio.wire.common import parse

router = APIRouter()


# --- create --------------------------------------------------------------------------------------------

async def _create(request: Request, key_id: str, api: str) -> Video:
    """Validate, translate and queue one create request of translate.CREATE_ENDPOINTS; off the event loop."""
    runtime = runtime_of(request)
    _, body = await json_body(request)

    def handle() -> Video:
        return submit.submit(runtime, key_id, api, translate.translate_body(api, body, DbLookup(runtime, key_id)))

    video = await run_in_threadpool(handle)
    request.state.video_id = video.id  # for the access log line (api/telemetry.py)
    return video


@router.post("/v1/video.webm", summary="Create a transparent WebM video (seed 000)",
             openapi_extra=body(wire_v1.WebmRequest))
async def create_webm(request: Request, key_id: Key) -> dict:
    video = await _create(request, key_id, "v1-webm")
    return envelopes.v1({"video_id": video.id}, message=None)


@router.post("/v2/videos", summary="Create an Avatar IV video from an avatar or a photo (seed 001)",
             openapi_extra=body(wire_v2.AvatarIVRequest))
@router.post("/v2/video/av4/generate", summary="The same as POST /v2/videos (older Avatar IV clients call this)",
             openapi_extra=body(wire_v2.AvatarIVRequest))
async def create_avatar_iv(request: Request, key_id: Key) -> dict:
    video = await _create(request, key_id, "v2-videos")
    return envelopes.v2({"video_id": video.id, "status": "waiting"})


@router.post("/v2/video/generate", summary="Create a Studio video of 1-50 scenes (seed 003)",
             openapi_extra=body(wire_v2.GenerateRequest))
async def create_studio(request: Request, key_id: Key) -> dict:
    video = await _create(request, key_id, "v2-generate")
    return envelopes.v2({"video_id": video.id})


@router.post("/v3/videos", summary="Create a video from an avatar (seed 002) or an image",
             openapi_extra=body(wire_v3.CreateVideo, "CreateVideo"))
async def create_v3(request: Request, key_id: Key,
                    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None):
    runtime = runtime_of(request)
    raw, payload = await json_body(request)

    def handle() -> dict:
        job = translate.translate_body("v3-videos", payload, DbLookup(runtime, key_id))
        video = submit.submit(runtime, key_id, "v3-videos", job)
        return envelopes.v3({"video_id": video.id, "status": "waiting", "output_format": video.output_format})

    return await run_in_threadpool(idempotent, runtime, key_id, idempotency_key, raw, handle)


@router.post("/v3/videos/batches", summary="Create up to 100 videos in one request",
             openapi_extra=body(wire_v3.CreateBatchRequest))
async def create_batch(request: Request, key_id: Key,
                       idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None):
    runtime = runtime_of(request)
    raw, payload = await json_body(request)

    def handle() -> dict:
        parsed = parse(wire_v3.CreateBatchRequest, payload)
        lookup = DbLookup(runtime, key_id)
        jobs = [translate.v3_video(item, lookup) for item in parsed.videos]
        for index, job in enumerate(jobs):
            submit.check_folder(runtime, job.folder_id, f"videos.{index}.folder_id")
        batch = Batch(id=new_id(), key_id=key_id, title=parsed.title, callback_url=parsed.callback_url,
                      total_items=len(jobs), kind=Videos.kind)
        videos = [submit.new_video(runtime, key_id, "v3-videos", job, batch.id, index) for index, job in enumerate(jobs)]
        submit.admit(runtime, key_id, videos, batch)
        for video in videos:
            runtime.queue.render(video.id)
        return envelopes.v3({"batch_id": batch.id, "status": "processing", "total_items": len(videos),
                             "video_ids": [video.id for video in videos], "created_at": int(batch.created_at)})

    return await run_in_threadpool(idempotent, runtime, key_id, idempotency_key, raw, handle)


# --- status --------------------------------------------------------------------------------------------
# The status calls are what dashboards poll. They read one row without the ORM (Videos.status), where reads are
# cheapest (api/reads.py), and their bodies are plain JSON types already, so they go out as a JSONResponse:
# returned as a dict, FastAPI would validate and re-encode each one against a `dict` model first.

@router.get("/v1/video_status.get", summary="Video status (v1 shape)")
async def status_v1(request: Request, key_id: Key, video_id: str | None = None) -> JSONResponse:
    runtime = runtime_of(request)
    video = await database_read(runtime, Videos(runtime.db).status, video_id)
    return JSONResponse(envelopes.v1(views.v1_status(runtime, video)))


@router.get("/v2/videos/{video_id}", summary="Video status (v2 shape)")
async def status_v2(request: Request, key_id: Key, video_id: str) -> JSONResponse:
    runtime = runtime_of(request)
    video = await database_read(runtime, Videos(runtime.db).status, video_id)
    return JSONResponse(envelopes.v2(views.v3_video(runtime, video)))


@router.get("/v3/videos/statuses", summary="Statuses of up to 100 videos by video_ids and/or batch_ids")
def statuses(request: Request, key_id: Key, video_ids: str = "", batch_ids: str = "") -> dict:
    runtime = runtime_of(request)
    wanted = [item for item in video_ids.split(",") if item][:100]
    batches = [item for item in batch_ids.split(",") if item]
    videos = Videos(runtime.db)
    found = videos.by_ids(wanted)
    items = [views.status_item(found[video_id]) if video_id in found else
             {"video_id": video_id, "status": "not_found", "error": None, "batch_id": None, "item_index": None}
             for video_id in wanted]
    for batch_id in batches:
        items += [views.status_item(video) for video in videos.in_batch(batch_id)]
    return envelopes.v3_page(items)


@router.get("/v3/videos/batches/{batch_id}", summary="A batch's aggregate status and its items")
def batch_status(request: Request, key_id: Key, batch_id: str, limit: Limit = 100,
                 token: str | None = None) -> dict:
    return envelopes.v3(views.batch(Videos(runtime_of(request).db), batch_id, token, limit))


@router.get("/v3/videos/{video_id}", summary="Video status (v3 shape)")
async def status_v3(request: Request, key_id: Key, video_id: str) -> JSONResponse:
    runtime = runtime_of(request)
    video = await database_read(runtime, Videos(runtime.db).status, video_id)
    return JSONResponse(envelopes.v3(views.v3_video(runtime, video)))


# --- list and delete -----------------------------------------------------------------------------------

@router.get("/v1/video.list", summary="List videos (v1)")
def list_v1(request: Request, key_id: Key, limit: Limit = 100,
            token: str | None = None) -> dict:
    page = Videos(runtime_of(request).db).page(token, limit)
    return envelopes.v1({"token": page.next_token, "videos": [views.v1_list_item(video) for video in page.items]})


@router.get("/v3/videos", summary="List videos (v3, paged, filter by folder_id or title)")
def list_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None,
            folder_id: str | None = None, title: str | None = None) -> dict:
    runtime = runtime_of(request)
    page = Videos(runtime.db).page(token, limit, folder_id, title)
    return envelopes.v3_page([views.v3_video(runtime, video) for video in page.items], page.has_more, page.next_token)


def _delete(runtime: Runtime, video_id: str | None) -> str:
    video = Videos(runtime.db).delete(video_id)
    runtime.blobs.delete_prefix(f"videos/{video.id}/")
    return video.id


@router.delete("/v1/video.delete", summary="Delete a video and its files (v1)")
def delete_v1(request: Request, key_id: Key, video_id: str | None = None) -> dict:
    return envelopes.v1({"video_id": _delete(runtime_of(request), video_id)})


@router.delete("/v3/videos/{video_id}", summary="Delete a video and its files (v3)")
def delete_v3(request: Request, key_id: Key, video_id: str) -> dict:
    return envelopes.v3({"id": _delete(runtime_of(request), video_id), "deleted": True})
