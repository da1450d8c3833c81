"""The watch over one long job (a video's render, a twin's training, a lipsync): it beats the heartbeat only
while the job moves, and stops the job when it does not.

A job is stopped (its child processes killed, its thread told at its next step) when its progress has not moved
for `render_stall_seconds`, when it runs past its wall-clock budget (`render_budget_seconds` plus
`render_budget_factor` times the length of what it makes), when its record is no longer its own (deleted, or
retried elsewhere), or when the worker shuts down. A heartbeat that kept beating while the job stood still would
let it stay `processing` forever. A stalled job is settled by the watch itself (`on_stall`: retried or failed),
not by the job's thread, which may be stuck where nothing can reach it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from avatarstudio.render.processes import Children

if TYPE_CHECKING:
    from avatarstudio.jobs.kinds import JobKind
    from avatarstudio.runtime import Runtime

STALLED = "render_stalled"
GONE = "gone"
SHUTDOWN = "shutdown"

_watching: dict[str, Watch] = {}
_watching_lock = threading.Lock()


class Watch(threading.Thread):
    def __init__(self, runtime: Runtime, kind: JobKind, job_id: str, attempt: int, on_stall: Callable[[], None]):
        super().__init__(daemon=True, name=f"watch-{job_id}")
        self.runtime, self.kind, self.job_id, self.attempt = runtime, kind, job_id, attempt
        self._on_stall = on_stall
        self.children = Children()
        self.progress = 0
        self._moved_at = self._started_at = time.monotonic()
        self._budget = runtime.settings.render_budget_seconds
        self._finished = threading.Event()

    def __enter__(self) -> Watch:
        with _watching_lock:
            _watching[self.job_id] = self
        self.start()
        return self

    def __exit__(self, *_) -> None:
        self._finished.set()
        with _watching_lock:
            _watching.pop(self.job_id, None)

    @property
    def stopped(self) -> str | None:
        """Why the job was stopped (STALLED, GONE, SHUTDOWN), or None."""
        return self.children.reason

    def moved(self, done: float) -> None:
        """The job's progress callback (`done` from 0 to 1). Raises processes.Stopped once the job was stopped, so
        a job busy in Python (no child process to kill) ends at its next step."""
        self.children.check()
        percent = int(done * 100)
        if percent > self.progress:
            self.progress, self._moved_at = percent, time.monotonic()

    def planned(self, duration: float) -> None:
        """The length of what the job makes (a video's, a twin's footage) is known: the budget grows with it."""
        settings = self.runtime.settings
        self._budget = settings.render_budget_seconds + settings.render_budget_factor * duration

    def stop(self, reason: str) -> None:
        self.children.stop(reason)

    def run(self) -> None:
        settings = self.runtime.settings
        while not self._finished.wait(settings.heartbeat_seconds):
            now = time.monotonic()
            if now - self._moved_at > settings.render_stall_seconds or now - self._started_at > self._budget:
                self.stop(STALLED)
                self._on_stall()
            elif not self.kind.records(self.runtime.db).beat(self.job_id, self.progress, self.attempt):
                self.stop(GONE)
            if self.stopped:
                return


def stop_all(reason: str) -> list[Watch]:
    """Stop every job this process is watching (a shutdown whose grace period ran out); returns their watches."""
    with _watching_lock:
        watches = list(_watching.values())
    for watch in watches:
        watch.stop(reason)
    return watches
