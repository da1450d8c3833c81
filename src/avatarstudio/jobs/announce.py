"""The webhook events that a video's final state sends, and the batch.finished event when its batch is done."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from avatarstudio.jobs import webhooks
from avatarstudio.store.models import Batch, Video

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

Deliver = Callable[[list[str]], None]


def share_page(runtime: Runtime, video_id: str) -> str:
    return f"{runtime.settings.public_base_url}/videos/{video_id}"


def video_finished(runtime: Runtime, video_id: str, deliver: Deliver) -> None:
    """Send the events of a video that just reached completed or failed."""
    with runtime.db.session() as session:
        video = session.get(Video, video_id)
        if video is None:
            return
        base = {"video_id": video.id, "callback_id": video.callback_id, "folder_id": video.folder_id}
        status, files, callback_url, batch_id = video.status, dict(video.files), video.callback_url, video.batch_id
        message = video.error_message
    ids: list[str] = []
    if status == "completed":
        data = {**base, "url": runtime.url_for(files.get("video")), "gif_download_url": runtime.url_for(files.get("gif")),
                "video_share_page_url": share_page(runtime, video_id)}
        ids += webhooks.emit(runtime.db, "avatar_video.success", data, video_id, callback_url)
        ids += webhooks.emit(runtime.db, "avatar_video_gif.success",
                             {**base, "gif_download_url": data["gif_download_url"]}, video_id, None)
        if files.get("captioned") or files.get("ass"):
            ids += webhooks.emit(runtime.db, "avatar_video_caption.success",
                                 {**base, "caption_url": runtime.url_for(files.get("ass")),
                                  "subtitle_url": runtime.url_for(files.get("srt")),
                                  "video_url_caption": runtime.url_for(files.get("captioned"))}, video_id, None)
    else:
        ids += webhooks.emit(runtime.db, "avatar_video.fail", {**base, "msg": message}, video_id, callback_url)
    if batch_id:
        ids += _batch_finished(runtime, batch_id)
    deliver(ids)


def _batch_finished(runtime: Runtime, batch_id: str) -> list[str]:
    with runtime.db.session() as session:
        open_items = session.scalar(select(func.count()).select_from(Video).where(
            Video.batch_id == batch_id, Video.status.in_(("waiting", "processing"))))
        if open_items:
            return []
        # Only the first process to flip the flag announces the batch.
        claimed = session.execute(update(Batch).where(Batch.id == batch_id, Batch.finished_notified.is_(False))
                                  .values(finished_notified=True)).rowcount
        batch = session.get(Batch, batch_id)
        callback_url = batch.callback_url
    if not claimed:
        return []
    return webhooks.emit(runtime.db, "batch.finished", {"batch_id": batch_id}, batch_id, callback_url)
