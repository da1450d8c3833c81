"""The kinds of queued job: a video render, a digital twin's training, a lipsync, a photo avatar made from a URL.
Each names its Huey task, the module that runs it (imported only where the task runs: it renders, and the API
process never loads it), its repository (store/jobs.py's state machine over its table), what its work is called,
where its files live in the blob store, and the events its end sends. The runner, the queue and the reaper treat every kind alike through this
record."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from avatarstudio.jobs import announce
from avatarstudio.store.jobs import Jobs
from avatarstudio.store.lipsyncs import Lipsyncs
from avatarstudio.store.photo_imports import PhotoImports
from avatarstudio.store.twins import Twins
from avatarstudio.store.videos import Videos

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime


@dataclass(frozen=True)
class JobKind:
    task: str
    module: str
    records: type[Jobs]
    noun: str
    activity: str
    """What its work is called in a failure's message: "The render stopped making progress"."""
    blob_folder: str
    finished: Callable[[Runtime, str, announce.Deliver], None]

    def announce_end(self, runtime: Runtime, job_id: str, deliver: announce.Deliver) -> None:
        """The events of a job that just ended (`finished`), then the record that they were written: a worker that
        dies in between leaves the job unannounced, and the reaper announces it (announce_lost)."""
        self.finished(runtime, job_id, deliver)
        self.records(runtime.db).announced(job_id)

    def announce_lost(self, runtime: Runtime, job_id: str, deliver: announce.Deliver) -> bool:
        """The events of a job that ended before its worker could announce it, claimed first so that two reapers
        never both announce it; False when it was announced meanwhile."""
        if not self.records(runtime.db).announced(job_id):
            return False
        self.finished(runtime, job_id, deliver)
        return True

    def blob_prefix(self, job_id: str) -> str:
        """Every stored file of one job lives under this prefix, so deleting the job removes them all."""
        return f"{self.blob_folder}/{job_id}/"


VIDEO = JobKind("render_video", "avatarstudio.jobs.render_job", Videos, "video", "render", "videos",
                announce.video_finished)
TWIN = JobKind("train_twin", "avatarstudio.jobs.train_job", Twins, "digital twin", "training", "twins",
               announce.twin_finished)
LIPSYNC = JobKind("render_lipsync", "avatarstudio.jobs.lipsync_job", Lipsyncs, "lipsync", "lipsync", "lipsyncs",
                  announce.lipsync_finished)
PHOTO = JobKind("import_photo", "avatarstudio.jobs.photo_job", PhotoImports, "photo avatar", "photo's import",
                "assets", announce.photo_imported)
"""Its file is the talking photo's (assets/<id>/): the asset it becomes has the import's id."""
KINDS = (VIDEO, TWIN, LIPSYNC, PHOTO)
