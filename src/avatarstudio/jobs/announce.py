"""The webhook events that a job's final state sends (a video's, a twin's training, a lipsync's), and the
batch.finished event when its batch is done."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from avatarstudio.jobs import webhooks
from avatarstudio.store.batches import Batches
from avatarstudio.store.lipsyncs import Lipsyncs
from avatarstudio.store.photo_imports import PhotoImports
from avatarstudio.store.twins import Twins
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


def twin_finished(runtime: Runtime, twin_id: str, deliver: Deliver) -> None:
    """HeyGen's instant_avatar.success / instant_avatar.fail, when a digital twin's training ends."""
    twin = Twins(runtime.db).get(twin_id)
    if twin is None:
        return
    base = {"avatar_id": twin.id, "avatar_group_id": twin.group_id, "avatar_name": twin.name}
    if twin.status == "completed":
        data = {**base, "preview_image_url": runtime.url_for(twin.preview_image),
                "preview_video_url": runtime.url_for(twin.preview_video)}
        deliver(webhooks.emit(runtime.db, "instant_avatar.success", data, twin_id, twin.callback_url))
    else:
        deliver(webhooks.emit(runtime.db, "instant_avatar.fail", {**base, "msg": twin.error_message}, twin_id,
                              twin.callback_url))


def lipsync_finished(runtime: Runtime, lipsync_id: str, deliver: Deliver) -> None:
    """lipsync.success / lipsync.fail when a lipsync job ends (HeyGen documents no event names for lipsyncs)."""
    job = Lipsyncs(runtime.db).get(lipsync_id)
    if job is None:
        return
    base = {"lipsync_id": job.id, "callback_id": job.callback_id, "folder_id": job.folder_id}
    if job.status == "completed":
        data = {**base, "url": runtime.url_for(job.files.get("video")), "caption_url": runtime.url_for(job.files.get("srt"))}
        ids = webhooks.emit(runtime.db, "lipsync.success", data, lipsync_id, job.callback_url)
    else:
        ids = webhooks.emit(runtime.db, "lipsync.fail", {**base, "msg": job.error_message}, lipsync_id, job.callback_url)
    if job.batch_id:
        ids += _batch_finished(runtime, job.batch_id)
    deliver(ids)


def photo_imported(runtime: Runtime, import_id: str, deliver: Deliver) -> None:
    """A photo avatar made from a URL: completed, it becomes a talking photo (store/photo_imports.py); either way
    photo_avatar_train.success or .fail says so, HeyGen's event for a photo avatar that is ready (or is not)."""
    imports = PhotoImports(runtime.db)
    job = imports.get(import_id)
    if job is None:
        return
    ids = {"avatar_id": job.id, "avatar_group_id": job.id, "group_id": job.id}
    if job.status == "completed":
        if not imports.make_talking_photo(import_id):
            return  # made already, by the worker or the reaper, and announced then
        deliver(webhooks.emit(runtime.db, "photo_avatar_train.success", {**ids, "status": "ready"}, job.id, None))
    else:
        deliver(webhooks.emit(runtime.db, "photo_avatar_train.fail",
                              {**ids, "status": "failed", "msg": job.error_message}, job.id, None))
