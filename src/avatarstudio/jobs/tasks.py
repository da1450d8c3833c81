"""The queue's tasks: render a video, deliver a webhook. Both take only ids; the database holds the rest."""
from __future__ import annotations

from typing import TYPE_CHECKING

from avatarstudio.jobs import render_job, webhooks
from avatarstudio.jobs.queue import make_huey
from avatarstudio.store.webhooks import WebhookEvents

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime


class JobQueue:
    """Registers the tasks on a Huey instance; the API enqueues through it and `worker` consumes it."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.huey = make_huey(runtime.settings)
        self._render = self.huey.task(name="render_video")(self._run_render)
        self._deliver = self.huey.task(name="deliver_webhook")(self._run_delivery)

    def render(self, video_id: str) -> None:
        self._render(video_id)

    def queued_renders(self) -> set[str]:
        """Ids of the videos whose render task is waiting in the queue."""
        return {task.args[0] for task in self.huey.pending() if task.name == self._render.name}

    def deliver(self, delivery_ids: list[str]) -> None:
        for delivery_id in delivery_ids:
            self._deliver(delivery_id, 1)

    def _run_render(self, video_id: str) -> None:
        render_job.run(self.runtime, video_id, self.deliver)

    def _run_delivery(self, delivery_id: str, attempt: int) -> None:
        settings = self.runtime.settings
        ok = webhooks.deliver(self.runtime.db, delivery_id, settings.webhook_timeout_seconds)
        if ok is False:
            if attempt >= settings.webhook_attempts:
                WebhookEvents(self.runtime.db).give_up(delivery_id)
            else:
                delay = settings.webhook_backoff_seconds * 2 ** (attempt - 1)
                self._deliver.schedule((delivery_id, attempt + 1), delay=delay)
