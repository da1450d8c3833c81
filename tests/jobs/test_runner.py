"""Every kind of long job runs under the same watch (jobs/runner.py): a twin's training or a lipsync that stalls
has its child processes killed and fails with render_stalled, one past its time budget too, and one stopped by a
shutdown goes back to the queue with its attempt refunded. Real database, real child processes; the work is the
test's, since stalling the real engines on purpose is what test_watchdog.py does for videos."""
from __future__ import annotations

import dataclasses
import subprocess
import threading
import time
from pathlib import Path

import pytest

from avatarstudio.jobs import runner, watchdog
from avatarstudio.jobs.kinds import LIPSYNC, TWIN, JobKind
from avatarstudio.render import processes
from avatarstudio.runtime import Runtime
from avatarstudio.store.models import Lipsync, Twin
from avatarstudio.store.webhooks import WebhookEvents

MEDIA = {"kind": "url", "value": "http://127.0.0.1:9/clip.mp4"}
CALLBACK = "http://127.0.0.1:9/hook"
FAILED_EVENT = {TWIN.noun: "instant_avatar.fail", LIPSYNC.noun: "lipsync.fail"}


def _waiting(runtime: Runtime, kind: JobKind, job_id: str) -> None:
    with runtime.db.session() as session:
        if kind is TWIN:
            session.add(Twin(id=job_id, group_id="g", key_id="k", api="v3", name="Jon", footage=MEDIA, notes=[],
                             files={}, callback_url=CALLBACK))
        else:
            session.add(Lipsync(id=job_id, key_id="k", video=MEDIA, audio=MEDIA, notes=[], files={},
                                callback_url=CALLBACK))


def _watched(runtime: Runtime, **settings: object) -> Runtime:
    runtime.settings = dataclasses.replace(runtime.settings, heartbeat_seconds=0.1, render_attempts=1, **settings)
    return runtime


def _run(runtime: Runtime, kind: JobKind, job_id: str, work: runner.Work) -> list[str]:
    """Runs the job on a thread of its own, bounded; returns the deliveries its end enqueued."""
    delivered: list[str] = []
    thread = threading.Thread(target=runner.run, args=(runtime, kind, job_id, delivered.extend, work), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the job was never stopped"
    return delivered


@pytest.mark.parametrize("kind", [TWIN, LIPSYNC], ids=lambda kind: kind.noun)
def test_a_stalled_job_has_its_processes_killed_and_fails_with_render_stalled(runtime: Runtime, kind: JobKind) -> None:
    _watched(runtime, render_stall_seconds=1.0)
    _waiting(runtime, kind, "stuck")
    started: list[subprocess.Popen] = []

    def work(workdir: Path, watch: watchdog.Watch) -> runner.Done:
        watch.moved(0.1)
        started.append(processes.popen(["sleep", "60"]))
        started[0].wait()  # returns once the watch kills it
        watch.moved(0.2)  # the watch stopped the job: this raises processes.Stopped
        raise AssertionError("the job went on after it was stopped")

    delivered = _run(runtime, kind, "stuck", work)
    assert started[0].poll() is not None, "the stalled job's child process was left running"
    job = kind.records(runtime.db).require("stuck")
    assert (job.status, job.error_code) == ("failed", "render_stalled")
    assert f"The {kind.activity} stopped making progress (no progress for 1 s" in job.error_message
    deadline = time.monotonic() + 10  # the watch's thread settles the job, then sends its webhook
    while not delivered and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(delivered) == 1, "the failure's webhook was not sent"
    assert WebhookEvents(runtime.db).get(delivered[0]).event_type == FAILED_EVENT[kind.noun]
    assert not runtime.work_dir("stuck").exists()


def test_a_job_past_its_budget_is_stopped_while_it_still_moves(runtime: Runtime) -> None:
    _watched(runtime, render_stall_seconds=60.0, render_budget_seconds=1.0, render_budget_factor=1.0)
    _waiting(runtime, TWIN, "slow")

    def work(workdir: Path, watch: watchdog.Watch) -> runner.Done:
        watch.planned(1.0)  # a one-second footage: a two-second budget
        for step in range(1, 600):
            watch.moved(step / 600)
            time.sleep(0.05)
        raise AssertionError("the job outlived its budget")

    _run(runtime, TWIN, "slow", work)
    job = TWIN.records(runtime.db).require("slow")
    assert (job.status, job.error_code) == ("failed", "render_stalled")


def test_a_job_stopped_by_the_shutdown_is_queued_again_without_spending_an_attempt(runtime: Runtime) -> None:
    _watched(runtime, render_stall_seconds=60.0)
    _waiting(runtime, LIPSYNC, "cut")
    working = threading.Event()

    def work(workdir: Path, watch: watchdog.Watch) -> runner.Done:
        working.set()
        for step in range(1, 600):
            watch.moved(step / 600)
            time.sleep(0.05)
        raise AssertionError("the shutdown did not stop the job")

    thread = threading.Thread(target=runner.run, args=(runtime, LIPSYNC, "cut", lambda ids: None, work), daemon=True)
    thread.start()
    assert working.wait(timeout=30)
    assert runner.abandon_for_shutdown(runtime) == ["cut"]
    thread.join(timeout=30)
    assert not thread.is_alive()
    job = LIPSYNC.records(runtime.db).require("cut")
    assert (job.status, job.attempts) == ("waiting", 0)
    assert runtime.queue.queued(LIPSYNC) == {"cut"}
