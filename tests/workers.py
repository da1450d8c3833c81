"""Separate worker processes for tests that kill them or make them compete, and the long render that gives a
test time to do so."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from live_service import Service, service_env

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
LONG_TEXT = " ".join(["This sentence keeps the worker busy for a while so that it can be stopped mid render."] * 6)


def start_worker(data_dir: Path, log_name: str = "worker.log", **env: str) -> subprocess.Popen:
    """`avatarstudio worker` in its own process group (so a test can kill it and its threads at once), appending
    to data_dir/log_name; env adds to the test service's environment (QUEUE_URL, DATABASE_URL, ...)."""
    log = (data_dir / log_name).open("a")
    return subprocess.Popen([sys.executable, "-m", "avatarstudio.cli", "worker", "--data-dir", str(data_dir)],
                            env=service_env(**env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait()


@contextmanager
def running_worker(data_dir: Path, **env: str) -> Iterator[subprocess.Popen]:
    """A worker for the length of the block, stopped (with its process group) afterwards."""
    worker = start_worker(data_dir, **env)
    try:
        yield worker
    finally:
        stop_worker(worker)


def create_long_video(client: httpx.Client) -> str:
    body = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": LONG_TEXT}}],
            "dimension": {"width": 1280, "height": 720}}
    return client.post("/v2/video/generate", json=body).json()["data"]["video_id"]


def wait_for_status(client: httpx.Client, video_id: str, wanted: set[str], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]
        if data["status"] in wanted:
            return data
        time.sleep(0.1)
    raise AssertionError(f"{video_id} never reached {wanted}")


def kill_mid_render(service: Service, worker: subprocess.Popen, video_id: str) -> None:
    with service.client() as client:
        wait_for_status(client, video_id, {"processing"})
        deadline = time.monotonic() + 60
        while client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]["progress"] < 15:
            assert time.monotonic() < deadline, "render made no progress"
            time.sleep(0.1)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
