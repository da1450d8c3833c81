"""Video records -> each family's status and list shapes, with fresh signed links on every call."""
from __future__ import annotations

from avatarstudio.errors import FAILURE_V1_CODES
from avatarstudio.jobs.announce import share_page
from avatarstudio.runtime import Runtime
from avatarstudio.spec import OUTPUT_ROLES
from avatarstudio.store.models import Video

V2_STATUS = {"waiting": "pending"}
"""v2/v3 say pending where v1 says waiting."""


def _links(runtime: Runtime, video: Video) -> dict[str, str | None]:
    done = video.status == "completed"
    return {role: runtime.url_for(video.files.get(role)) if done else None
            for role in OUTPUT_ROLES}


def v1_status(runtime: Runtime, video: Video) -> dict:
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


def v3_video(runtime: Runtime, video: Video) -> dict:
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


def status_item(video: Video) -> dict:
    error = {"code": video.error_code, "message": video.error_message} if video.status == "failed" else None
    return {"video_id": video.id, "status": video.status, "error": error, "batch_id": video.batch_id,
            "item_index": video.item_index}
