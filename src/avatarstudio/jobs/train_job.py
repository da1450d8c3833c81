"""Training one digital twin: fetch its footage (and its consent video), prepare it with render/twin, and keep
every derived file in the blob store under twins/<id>/ so any worker, on any host, can render with it."""
from __future__ import annotations

import mimetypes
import time
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio import spec
from avatarstudio.errors import RenderError
from avatarstudio.jobs import announce, runner, watchdog
from avatarstudio.jobs.kinds import TWIN
from avatarstudio.jobs.render_job import resolver
from avatarstudio.store import twins
from avatarstudio.store.models import Twin
from avatarstudio.store.sniff import sniff

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime


def run(runtime: Runtime, twin_id: str, deliver: announce.Deliver) -> None:
    def work(workdir: Path, watch: watchdog.Watch) -> runner.Done:
        from avatarstudio.render.twin import TwinError, footage as source, prepare  # mediapipe loads: only here

        twin = twins.Twins(runtime.db).get(twin_id)
        if twin is None:
            raise RenderError("avatar_not_found", f"The digital twin {twin_id} was deleted")
        resolve = resolver(runtime, workdir)
        if twin.consent and twin.consent.get("source") and not twin.consent.get("video"):
            _keep_consent_video(runtime, twin, resolve)
        footage = resolve(spec.MediaRef(**twin.footage), "video")
        out = workdir / "twin"
        out.mkdir()
        try:
            watch.planned(source.probe(footage).duration)
            prepared = prepare(footage, out, script=twin.script, progress=watch.moved)
        except TwinError as error:
            raise RenderError(error.code, error.message) from None
        files = twins.store_files(runtime, twin_id, out)
        return runner.Done(prepared.duration, files, list(prepared.notes),
                           {"width": prepared.width, "height": prepared.height,
                            "preview_image": files[prepared.preview_image],
                            "preview_video": files[prepared.preview_video]})

    runner.run(runtime, TWIN, twin_id, deliver, work)


def _keep_consent_video(runtime: Runtime, twin: Twin, resolve) -> None:
    """Copy the consent video into the twin's record (consents/<id>/), so it outlives the URL or asset it came
    from; a consent file that is not a video fails the twin, as no consent was really given."""
    path = resolve(spec.MediaRef(**twin.consent["source"]), "video")
    with path.open("rb") as head:
        found = sniff(head.read(64))
    if found is None or found[0] != "video":
        raise RenderError("invalid_consent", "the consent video is not a video file (MP4, MOV or WebM)")
    key = f"consents/{twin.id}/consent{mimetypes.guess_extension(found[1]) or ''}"
    runtime.blobs.put_file(key, path)
    twins.Twins(runtime.db).update(twin.id, consent={**twin.consent, "video": key, "stored_at": time.time()})
