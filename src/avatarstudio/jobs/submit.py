"""Accepting a render: the per-key concurrency cap, the video record, the queue. Nothing accepted is lost:
the record is committed before the task is enqueued, and the reaper covers a crash in between."""
from __future__ import annotations

from avatarstudio import spec
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.folders import Folders
from avatarstudio.store.glossaries import Glossaries
from avatarstudio.store.models import Batch, Lipsync, Video, new_id
from avatarstudio.store.videos import Videos
from avatarstudio.translate import Translated

RETRY_AFTER_SECONDS = 10


def admit(runtime: Runtime, key_id: str, videos: list[Video | Lipsync], batch: Batch | None = None) -> None:
    """Stores the videos or lipsyncs (and their batch) only if the key has room for all of them under its cap,
    atomically; else 429. Batch items count like any other video, and lipsyncs like videos."""
    cap = runtime.settings.concurrency_per_key
    active = Videos(runtime.db).add_within_cap(key_id, cap, videos, batch)
    if active is not None:
        raise ServiceError("rate_limit_exceeded",
                           f"Too many videos and lipsyncs in progress for this API key ({active} of {cap}, {len(videos)} asked "
                           "for); retry later", retry_after=RETRY_AFTER_SECONDS)


def check_folder(runtime: Runtime, folder_id: str | None, param: str = "folder_id") -> None:
    if folder_id is not None and not Folders(runtime.db).usable(folder_id):
        raise ServiceError("not_found", f"Folder {folder_id} not found", param=param)


def new_video(runtime: Runtime, key_id: str, api: str, job: Translated, batch_id: str | None = None,
              item_index: int | None = None) -> Video:
    pronounced = spec.with_pronunciations(job.spec, Glossaries(runtime.db).pronunciations())
    return Video(id=new_id(), key_id=key_id, api=api, spec=spec.to_dict(pronounced), title=job.title,
                 callback_id=job.callback_id, callback_url=job.callback_url, folder_id=job.folder_id,
                 output_format=job.output_format, batch_id=batch_id, item_index=item_index, notes=[], files={})


def submit(runtime: Runtime, key_id: str, api: str, job: Translated) -> Video:
    check_folder(runtime, job.folder_id)
    video = new_video(runtime, key_id, api, job)
    admit(runtime, key_id, [video])
    runtime.queue.render(video.id)
    return video
