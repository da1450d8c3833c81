"""A worker killed mid-render never leaves its video in processing: it is retried, or failed with a reason."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from file_server import serve_folder
from live_service import start_service, stop_service
from twin_media import footage_folder, poll
from workers import (
    VOICE, create_long_video, kill_mid_render, running_worker, start_worker, stop_worker, wait_for_status,
)

pytestmark = pytest.mark.service


def test_killed_worker_job_is_retried_and_completes(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0)
    try:
        worker = start_worker(tmp_path)
        with service.client() as client:
            video_id = create_long_video(client)
            kill_mid_render(service, worker, video_id)
            back_in_queue = wait_for_status(client, video_id, {"waiting"}, timeout=30)
            assert back_in_queue["progress"] == 0
            with running_worker(tmp_path):
                done = service.wait(video_id, timeout=180, client=client)
        assert done["status"] == "completed", done
    finally:
        stop_service(service)


def test_killed_worker_job_fails_with_reason_when_attempts_are_spent(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_RENDER_ATTEMPTS="1")
    try:
        worker = start_worker(tmp_path, AVATARSTUDIO_RENDER_ATTEMPTS="1")
        with service.client() as client:
            video_id = create_long_video(client)
            kill_mid_render(service, worker, video_id)
            scratch = tmp_path / "work" / video_id
            assert any(scratch.glob("avatarstudio-encode-*/video-0.mkv"))  # the encoder's files, left by the kill
            failed = wait_for_status(client, video_id, {"failed", "completed"}, timeout=30)
            assert failed["status"] == "failed" and not scratch.exists()
            assert failed["error"]["detail"] == "worker_lost" and "stopped responding" in failed["error"]["message"]
            v3 = client.get(f"/v3/videos/{video_id}").json()["data"]
            assert v3["failure_code"] == "worker_lost"
    finally:
        stop_service(service)


def test_concurrency_cap_answers_429_with_retry_after(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_CONCURRENCY_PER_KEY="1")
    try:
        with service.client() as client:
            body = {"video_inputs": [{"voice": {"type": "silence", "duration": 1}}]}
            assert client.post("/v2/video/generate", json=body).status_code == 200
            refused = client.post("/v2/video/generate", json=body)
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
            assert refused.json()["error"]["code"] == "rate_limit_exceeded"
            v3 = client.post("/v3/videos", json={"avatar_id": "Ava_drawn_front", "script": "Hi.",
                                                 "voice_id": VOICE})
            assert v3.status_code == 429 and v3.json()["error"]["code"] == "rate_limit_exceeded"
    finally:
        stop_service(service)


def test_a_waiting_video_whose_task_was_lost_is_queued_again(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0)
    try:
        with service.client() as client:
            body = {"video_inputs": [{"voice": {"type": "silence", "duration": 1}}]}
            video_id = client.post("/v2/video/generate", json=body).json()["data"]["video_id"]
            # Take the task off the queue the way a worker does, then "die" before claiming the video.
            from huey import SqliteHuey

            queue = SqliteHuey("avatarstudio", filename=str(tmp_path / "queue.db"))
            time.sleep(5)  # longer than the stale limit (3 s) plus a reaper pass: a queued task is not duplicated
            assert len(queue) == 1
            assert queue.storage.dequeue() is not None and len(queue) == 0
            with running_worker(tmp_path):
                done = service.wait(video_id, timeout=60, client=client)
        assert done["status"] == "completed"
    finally:
        stop_service(service)


def test_workers_stop_with_serve_however_it_exits(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=1)
    deadline = time.monotonic() + 30
    children: list[int] = []
    while not children:
        assert time.monotonic() < deadline, "serve started no worker"
        listed = subprocess.run(["pgrep", "-P", str(service.process.pid)], capture_output=True, text=True).stdout
        children = [int(pid) for pid in listed.split()]
        time.sleep(0.2)
    service.process.kill()
    service.process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children):
        assert time.monotonic() < deadline, f"worker(s) {children} outlived serve"
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return False


def test_killed_worker_twin_training_is_retried_and_completes(tmp_path: Path) -> None:
    """A digital twin's training is a job like a render: its lost worker's attempt is queued again."""
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_TWIN_CONSENT_REQUIRED="false")
    worker = start_worker(tmp_path)
    try:
        with serve_folder(footage_folder(tmp_path / "footage")) as url, service.client() as client:
            avatar_id = client.post("/v2/video_avatar", json={"training_footage_url": f"{url}/jwpIntro.mp4",
                                                              "avatar_name": "Jon"}).json()["data"]["avatar_id"]
            status = lambda: client.get(f"/v2/video_avatar/{avatar_id}").json()["data"]  # noqa: E731
            poll(status, lambda data: data["progress"] >= 10, timeout=120)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            assert poll(status, lambda data: data["progress"] == 0, timeout=30)["status"] == "in_progress"
            with running_worker(tmp_path):
                done = poll(status, lambda data: data["status"] != "in_progress", timeout=300)
        assert done["status"] == "completed", done
    finally:
        if worker.poll() is None:
            stop_worker(worker)
        stop_service(service)
