"""The queues' tasks: render a video, train a digital twin, render a lipsync, import a photo by URL and deliver a
webhook (taking only ids; the database holds the rest), and the quick jobs a request waits for (quick.py) on a queue
of their own.

Deliveries have a queue of their own too, consumed by their own threads, so a slow receiver never holds a render
thread and a long render never delays an event; a failed delivery is retried on a schedule that spans a day, so a
receiver that is down for hours still gets it.

The API process enqueues but never runs them, so the modules that render (and load engines) are imported only
where a task runs.
"""
from __future__ import annotations

import importlib
import random
from typing import TYPE_CHECKING

from huey.exceptions import ResultTimeout, TaskException

from avatarstudio.errors import ServiceError
from avatarstudio.jobs import webhooks
from avatarstudio.jobs.kinds import KINDS, VIDEO, JobKind
from avatarstudio.jobs.queue import make_huey
from avatarstudio.store.webhooks import WebhookEvents

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

QUICK_QUEUE = "avatarstudio-quick"
QUICK_JOBS = ("speak", "preview", "face_problem")
"""The functions of quick_work.py a request may ask a worker to run."""
RESULT_POLL_SECONDS = 0.05
WEBHOOK_QUEUE = "avatarstudio-webhooks"
JITTER = 0.1
"""Each retry delay is moved by up to this fraction either way, so receivers coming back are not hit in step."""


class JobQueue:
    """Registers the tasks on their Huey queues; the API enqueues through it, `worker` consumes both."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.huey = make_huey(runtime.settings, "avatarstudio")
        self._jobs = {kind.task: self.huey.task(name=kind.task)(self._runner(kind)) for kind in KINDS}
        self.webhook_huey = make_huey(runtime.settings, WEBHOOK_QUEUE)
        self._deliver = self.webhook_huey.task(name="deliver_webhook")(self._run_delivery)
        self.quick = make_huey(runtime.settings, QUICK_QUEUE, store_none=True)
        self._quick = self.quick.task(name="quick_job")(self._run_quick)

    def enqueue(self, kind: JobKind, job_id: str) -> None:
        self._jobs[kind.task](job_id)

    def render(self, video_id: str) -> None:
        self.enqueue(VIDEO, video_id)

    def queued(self, kind: JobKind) -> set[str]:
        """Ids of the jobs of this kind whose task is waiting in the queue."""
        name = self._jobs[kind.task].name
        return {task.args[0] for task in self.huey.pending() if task.name == name}

    def deliver(self, delivery_ids: list[str]) -> None:
        for delivery_id in delivery_ids:
            self._deliver(delivery_id, 1)

    def deliver_again(self, delivery_id: str, attempt: int) -> None:
        """Queue a delivery whose attempt was cut off (jobs/reaper.py); `attempt` is the number of the next one."""
        self._deliver(delivery_id, attempt)

    def ask(self, job: str, *args: object) -> object:
        """What the quick job `job` (one of QUICK_JOBS) returns for `args`, run by a worker; waits at most
        settings.quick_job_seconds, then gives up on it (ServiceError 503)."""
        waited = self.runtime.settings.quick_job_seconds
        try:
            return self._quick(job, *args).get(blocking=True, timeout=waited, max_delay=RESULT_POLL_SECONDS,
                                               revoke_on_timeout=True)
        except ResultTimeout:
            raise ServiceError("service_unavailable", f"no worker finished this within {waited:.0f} s; try again "
                               "later (is an avatarstudio worker running?)") from None
        except TaskException as error:
            raise ServiceError("internal_error", f"the worker failed: {error.metadata.get('error')}") from None

    def _run_quick(self, job: str, *args: object) -> object:
        if job not in QUICK_JOBS:
            raise ValueError(f"no quick job {job!r}")
        from avatarstudio.jobs import quick_work

        return getattr(quick_work, job)(self.runtime, *args)

    def _runner(self, kind: JobKind):
        def task(job_id: str) -> None:
            importlib.import_module(kind.module).run(self.runtime, job_id, self.deliver)
        return task

    def _run_delivery(self, delivery_id: str, attempt: int) -> None:
        settings = self.runtime.settings
        ok = webhooks.deliver(self.runtime.db, delivery_id, webhooks.receivers(settings.allow_private_webhooks),
                              settings.webhook_timeout_seconds)
        if ok is False:
            schedule = settings.webhook_retry_seconds
            if attempt > len(schedule):
                WebhookEvents(self.runtime.db).give_up(delivery_id)
            else:
                delay = schedule[attempt - 1] * random.uniform(1 - JITTER, 1 + JITTER)
                self._deliver.schedule((delivery_id, attempt + 1), delay=delay)
