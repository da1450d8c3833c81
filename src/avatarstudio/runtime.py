"""The service's long-lived parts, built once per process from Settings: database, blob store, job queue."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio.config import Settings
from avatarstudio.metrics import ProcessMetrics, RequestPeers
from avatarstudio.store.backends import open_blob_store
from avatarstudio.store.blobs import BlobStore
from avatarstudio.store.db import Database
from avatarstudio.store.signing import signed_url

if TYPE_CHECKING:
    from avatarstudio.jobs.tasks import JobQueue


@dataclass
class Runtime:
    settings: Settings
    db: Database
    blobs: BlobStore
    queue: JobQueue = field(init=False)
    metrics: ProcessMetrics = field(default_factory=ProcessMetrics)
    request_peers: RequestPeers | None = None
    """Set in each of several API processes sharing a port (processes.py)."""

    def work_dir(self, video_id: str) -> Path:
        """Where a video's render keeps its scratch files (speech, downloads, the encoder's partial files)."""
        return self.settings.data_dir / "work" / video_id

    def url_for(self, key: str | None) -> str | None:
        """A fresh signed download link for a stored file (None for a file that does not exist)."""
        if not key:
            return None
        return signed_url(self.settings.public_base_url, self.settings.signing_secret, key,
                          self.settings.url_ttl_seconds)


def open_runtime(settings: Settings) -> Runtime:
    from avatarstudio.jobs.tasks import JobQueue

    runtime = Runtime(settings, Database(settings.database_url), open_blob_store(settings))
    runtime.queue = JobQueue(runtime)
    return runtime
