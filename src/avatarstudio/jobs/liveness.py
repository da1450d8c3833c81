"""Which workers are alive: each worker process writes a heartbeat into the queue's key-value store.

The queue is what every worker already reaches, on one host or many (SQLite file or Redis), so an API process can
tell from it whether anyone will take the work it enqueues (/readyz) and how many workers are live (/metrics).
A heartbeat also carries the worker's render histograms, for the API to add up at scrape time.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from avatarstudio.metrics import RenderMetrics

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)

PREFIX = "avatarstudio.worker:"
RETENTION_SECONDS = 24 * 3600
"""A stopped worker's heartbeat is kept this long, so its render counts stay in the sums a scrape reports."""


@dataclass(frozen=True)
class WorkerBeat:
    name: str
    at: float
    stopped: bool
    renders: RenderMetrics


def beat(runtime: Runtime, name: str, stopping: bool = False) -> None:
    """Record that worker `name` is alive now (or stopping), with its render histograms so far."""
    record = {"at": time.time(), "stopped": stopping, "renders": runtime.metrics.render_snapshot()}
    runtime.queue.huey.storage.put_data(PREFIX + name, json.dumps(record).encode())


def heartbeats(runtime: Runtime) -> list[WorkerBeat]:
    """Every worker's last heartbeat; those older than RETENTION_SECONDS are dropped from the queue on the way."""
    storage = runtime.queue.huey.storage
    beats = []
    for key, value in storage.result_items().items():
        if not key.startswith(PREFIX):
            continue
        record = json.loads(value)
        if record["at"] < time.time() - RETENTION_SECONDS:
            storage.pop_data(key)
            continue
        beats.append(WorkerBeat(key.removeprefix(PREFIX), record["at"], record["stopped"],
                                RenderMetrics.from_dict(record["renders"])))
    return beats


def live(runtime: Runtime, beats: list[WorkerBeat]) -> list[WorkerBeat]:
    """Workers heard from within the stale time: the same rule the reaper applies to a render's heartbeat."""
    cutoff = time.time() - runtime.settings.stale_after_seconds
    return [worker for worker in beats if worker.at >= cutoff and not worker.stopped]


def start_heartbeat(runtime: Runtime, stop: threading.Event) -> threading.Thread:
    """Beat every heartbeat interval until `stop` is set; then a last beat that says the worker stopped, so its
    final renders still count and nobody takes it for live."""
    name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def loop() -> None:
        stopping = False
        while True:
            try:
                beat(runtime, name, stopping)
            except Exception:  # noqa: BLE001 - a passing queue error must not end the worker's heartbeat
                log.exception("worker heartbeat failed")
            if stopping:
                return
            stopping = stop.wait(runtime.settings.heartbeat_seconds)

    thread = threading.Thread(target=loop, daemon=True, name="worker-heartbeat")
    thread.start()
    return thread
