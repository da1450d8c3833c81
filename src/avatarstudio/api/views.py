"""Video records -> each family's status and list shapes, with fresh signed links on every call."""
from __future__ import annotations

from avatarstudio.errors import FAILURE_V1_CODES
from avatarstudio.jobs.announce import share_page
from avatarstudio.runtime import Runtime
from avatarstudio.spec import OUTPUT_ROLES
from avatarstudio.store.batches import Batches
from avatarstudio.store.jobs import Jobs
from avatarstudio.store.models import Lipsync, Video
from avatarstudio.store.paging import page_of_list
from avatarstudio.store.videos import StatusRow

V2_STATUS = {"waiting": "pending"}
"""v2/v3 say pending where v1 says waiting."""


def _links(runtime: Runtime, video: Video | StatusRow) -> dict[str, str | None]:
    done = video.status == "completed"
    return {role: runtime.url_for(video.files.get(role)) if done else None
            for role in OUTPUT_ROLES}


def v1_status(runtime: Runtime, video: Video | StatusRow) -> dict:
    links = _links(runtime, video)
    error = None
    if video.status == "failed":
        error = {"code": FAILURE_V1_CODES.get(video.error_code or "", 50000), "message": video.error_message,
                 "detail": video.error_code}
    return {
        "id": video.id, "status": video.status, "progress": video.progress, "callback_id": video.callback_id,
        "created_at": int(video.created_at), "duration": video.duration, "error": error,
        "video_url": links["video"], "thumbnail_url": links["thumbnail"], "gif_url": links["gif"],
        "caption_url": links["ass"], "video_url_caption": links["captioned"], "subtitle_url": links["srt"],
        "vtt_url": links["vtt"], "folder_id": video.folder_id, "notes": video.notes or [],
    }


def v3_video(runtime: Runtime, video: Video | StatusRow) -> dict:
    links = _links(runtime, video)
    failed = video.status == "failed"
    return {
        "id": video.id, "status": V2_STATUS.get(video.status, video.status), "progress": video.progress,
        "title": video.title, "created_at": int(video.created_at),
        "completed_at": int(video.completed_at) if video.completed_at else None, "duration": video.duration,
        "video_url": links["video"], "captioned_video_url": links["captioned"], "subtitle_url": links["srt"],
        "caption_url": links["ass"], "vtt_url": links["vtt"], "thumbnail_url": links["thumbnail"],
        "gif_url": links["gif"], "folder_id": video.folder_id, "output_language": None,
        "output_format": video.output_format, "callback_id": video.callback_id,
        "video_page_url": share_page(runtime, video.id),
        "failure_code": video.error_code if failed else None, "failure_message": video.error_message if failed else None,
        "notes": video.notes or [],
    }


def v1_list_item(video: Video) -> dict:
    return {"video_id": video.id, "status": video.status, "video_title": video.title,
            "created_at": int(video.created_at), "type": "GENERATED", "folder_id": video.folder_id}


def status_item(video: Video | Lipsync) -> dict:
    """One entry of the shared status read model (/v3/videos/statuses, /v3/lipsyncs/statuses): a lipsync's id is
    its video_id there."""
    error = {"code": video.error_code, "message": video.error_message} if video.status == "failed" else None
    return {"video_id": video.id, "status": video.status, "error": error, "batch_id": video.batch_id,
            "item_index": video.item_index}


BATCH_ITEM_STATUS = {"waiting": "queued"}


def batch(records: Jobs, batch_id: str, token: str | None, limit: int) -> dict:
    """GET /v3/videos/batches/{id} and /v3/lipsyncs/batches/{id} (`records`: the Videos or the Lipsyncs, whose kind
    is their batches'): the aggregate status, counts by item status, and one page of items in item order."""
    batch = Batches(records.db).require_of(records.kind, batch_id)
    items = records.in_batch(batch_id)
    counts: dict[str, int] = {}
    for item in items:
        name = BATCH_ITEM_STATUS.get(item.status, item.status)
        counts[name] = counts.get(name, 0) + 1
    page = page_of_list(items, token, limit)
    open_items = counts.get("queued", 0) + counts.get("processing", 0)
    aggregate = "processing" if open_items else ("failed" if counts.get("failed") == len(items) else "completed")
    return {
        "batch_id": batch.id, "title": batch.title, "status": aggregate, "created_at": int(batch.created_at),
        "total_items": batch.total_items, "counts_by_status": counts,
        "items": [{"item_index": item.item_index, "video_id": item.id,
                   "status": BATCH_ITEM_STATUS.get(item.status, item.status),
                   "error": status_item(item)["error"]} for item in page.items],
        "has_more": page.has_more, "next_token": page.next_token,
    }
