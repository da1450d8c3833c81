"""Making a photo avatar from an image at a URL: fetch it (with the fetch's total deadline, on a worker, never in
the API), give it the checks every talking photo gets (a known image, its size and pixels, exactly one face), and
store it as the asset's file. The photo becomes a talking photo when the job completes (announce.photo_imported)."""
from __future__ import annotations

import io
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio.errors import RenderError, ServiceError
from avatarstudio.fetch import fetch
from avatarstudio.jobs import announce, runner, watchdog
from avatarstudio.jobs.kinds import PHOTO
from avatarstudio.jobs.quick import refuse_unless_one_face
from avatarstudio.store.photo_imports import PhotoImports
from avatarstudio.uploads import checked, store_upload

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime


def run(runtime: Runtime, import_id: str, deliver: announce.Deliver) -> None:
    runner.run(runtime, PHOTO, import_id, deliver, partial(_import, runtime, import_id))


def _import(runtime: Runtime, import_id: str, workdir: Path, watch: watchdog.Watch) -> runner.Done:
    job = PhotoImports(runtime.db).get(import_id)
    if job is None:
        raise RenderError("avatar_not_found", f"The photo avatar {import_id} was deleted")
    settings = runtime.settings
    data = fetch(job.url, workdir / "photo", allow_private=settings.allow_private_urls,
                 max_bytes=settings.fetch_max_bytes, timeout=settings.fetch_timeout_seconds).read_bytes()
    watch.moved(0.5)
    try:
        _, mime = checked(data, vet=_one_face)
    except ServiceError as refused:
        # The checks speak of an upload's `file`; here the image came from file.url.
        raise RenderError(refused.code, refused.message.replace("file is", "file.url is", 1)) from None
    key = store_upload(runtime, import_id, data, mime)
    return runner.Done(0.0, {"image": key}, [], {"mime_type": mime, "size_bytes": len(data)})


def _one_face(data: bytes, file_type: str) -> None:
    from avatarstudio.jobs.quick_work import face_problem_in  # loads the face model: only in the worker

    refuse_unless_one_face(file_type, lambda: face_problem_in(io.BytesIO(data)))
