"""One /metrics scrape: what the database and queue hold now, every worker's render histograms, and the request
counters of this serve's API processes (see metrics.py for why each figure is gathered where it is)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from avatarstudio.jobs import liveness
from avatarstudio.metrics import Exposition, RenderMetrics, render_families, request_families
from avatarstudio.store.videos import Videos
from avatarstudio.store.webhooks import WebhookEvents

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

STATUSES = ("waiting", "processing", "completed", "failed")


def scrape(runtime: Runtime) -> str:
    videos = Videos(runtime.db).count_by_status()
    attempts = WebhookEvents(runtime.db).attempts_by_outcome()
    beats = liveness.heartbeats(runtime)
    renders = RenderMetrics()
    for worker in beats:
        renders.add(worker.renders)
    out = Exposition()
    out.family("avatarstudio_videos", "gauge", "Videos in the database, by status.")
    for status in sorted(set(STATUSES) | set(videos)):
        out.sample("avatarstudio_videos", videos.get(status, 0), status=status)
    out.family("avatarstudio_queue_depth", "gauge", "Tasks waiting: queue main holds renders and webhook deliveries, "
               "queue quick the speech, previews and face checks a request waits for.")
    out.sample("avatarstudio_queue_depth", runtime.queue.huey.pending_count(), queue="main")
    out.sample("avatarstudio_queue_depth", runtime.queue.quick.pending_count(), queue="quick")
    out.family("avatarstudio_workers_live", "gauge", "Worker processes whose heartbeat is within the stale time.")
    out.sample("avatarstudio_workers_live", len(liveness.live(runtime, beats)))
    out.family("avatarstudio_webhook_deliveries_total", "counter", "Webhook delivery attempts, by outcome.")
    for outcome in ("delivered", "failed"):
        out.sample("avatarstudio_webhook_deliveries_total", attempts.get(outcome, 0), outcome=outcome)
    render_families(out, renders)
    peers = runtime.request_peers
    request_families(out, runtime.metrics if peers is None else peers.combined(runtime.metrics))
    return out.text()
