"""The webhook events that a video's final state sends, and the batch.finished event when its batch is done."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from avatarstudio.jobs import webhooks
from avatarstudio.store.batches import Batches
from avatarstudio.store.videos import Videos

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

Deliver = Callable[[list[str]], None]


def share_page(runtime: Runtime, video_id: str) -> str:
    return f"{runtime.settings.public_base_url}/videos/{video_id}"


def video_finished(runtime: Runtime, video_id: str, deliver: Deliver) -> None:
    """Send the events of a video that just reached completed or failed."""
    video = Videos(runtime.db).get(video_id)
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
    """Only the process that claims the batch's end announces it."""
    batch = Batches(runtime.db).claim_finished(batch_id)
    if batch is None:
        return []
    return webhooks.emit(runtime.db, "batch.finished", {"batch_id": batch_id}, batch_id, batch.callback_url)
