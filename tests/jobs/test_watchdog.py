"""A render that stops moving ends, a worker told to stop loses nothing, a deleted video's render stops: no video
stays in processing, and no file outlives its video."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from live_service import start_service, stop_service
from workers import create_long_video, running_worker, start_worker, wait_for_status

pytestmark = [pytest.mark.service, pytest.mark.slow]


def _wait_for_progress(client, video_id: str, percent: int) -> None:
    wait_for_status(client, video_id, {"processing"})
    deadline = time.monotonic() + 180
    while (data := _status(client, video_id))["progress"] < percent:
        assert data["status"] == "processing", f"the render ended before the test could act: {data}"
        assert time.monotonic() < deadline, "render made no progress"
        time.sleep(0.1)


def _status(client, video_id: str) -> dict:
    return client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]


def _encoders(worker: subprocess.Popen) -> list[int]:
    """The worker's ffmpeg children."""
    listed = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in listed if b"ffmpeg" in _cmdline(int(pid))]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def _gone(pids: list[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_cmdline(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _wait_until_removed(path: Path) -> None:
    deadline = time.monotonic() + 15
    while path.exists():
        assert time.monotonic() < deadline, f"{path} stayed"
        time.sleep(0.1)


def _attempts(data_dir: Path, video_id: str) -> int:
    with sqlite3.connect(data_dir / "avatarstudio.db") as connection:
        return connection.execute("SELECT attempts FROM videos WHERE id = ?", (video_id,)).fetchone()[0]


def test_a_frozen_encoder_is_killed_and_the_video_fails_with_render_stalled(tmp_path: Path) -> None:
    settings = {"AVATARSTUDIO_RENDER_ATTEMPTS": "1", "AVATARSTUDIO_RENDER_STALL_SECONDS": "30"}
    service = start_service(tmp_path, workers=0, **settings)
    try:
        with service.client() as client, running_worker(tmp_path, **settings) as worker:
            video_id = create_long_video(client)
            _wait_for_progress(client, video_id, 15)
            frozen = _encoders(worker)
            assert frozen, "no ffmpeg was encoding"
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)
            failed = wait_for_status(client, video_id, {"failed", "completed"}, timeout=150)
            assert failed["status"] == "failed" and failed["error"]["detail"] == "render_stalled", failed
            assert "no progress for 30 s" in failed["error"]["message"]
            assert _gone(frozen, timeout=10), "the frozen encoders were left running"
            _wait_until_removed(tmp_path / "work" / video_id)
    finally:
        stop_service(service)


def test_sigterm_lets_the_render_in_flight_finish(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0)
    try:
        worker = start_worker(tmp_path)
        with service.client() as client:
            video_id = create_long_video(client)
            _wait_for_progress(client, video_id, 15)
            os.killpg(worker.pid, signal.SIGTERM)
            assert worker.wait(timeout=120) == 0
            done = client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]
        assert done["status"] == "completed", done
        assert _attempts(tmp_path, video_id) == 1
    finally:
        stop_service(service)


def test_sigterm_past_the_grace_period_requeues_without_spending_an_attempt(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_RENDER_ATTEMPTS="1")
    try:
        worker = start_worker(tmp_path, AVATARSTUDIO_SHUTDOWN_GRACE_SECONDS="1", AVATARSTUDIO_RENDER_ATTEMPTS="1")
        with service.client() as client:
            video_id = create_long_video(client)
            _wait_for_progress(client, video_id, 15)
            encoders = _encoders(worker)
            os.killpg(worker.pid, signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
            assert _gone(encoders, timeout=10)
            back = client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]
            assert back["status"] == "waiting" and _attempts(tmp_path, video_id) == 0
            with running_worker(tmp_path, AVATARSTUDIO_RENDER_ATTEMPTS="1"):
                done = service.wait(video_id, timeout=180, client=client)
        assert done["status"] == "completed", done
    finally:
        stop_service(service)


def test_serve_passes_sigterm_on_and_waits_for_its_worker(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=1)
    with service.client() as client:
        video_id = create_long_video(client)
        _wait_for_progress(client, video_id, 15)
    service.process.terminate()
    assert service.process.wait(timeout=120) == 0
    with sqlite3.connect(tmp_path / "avatarstudio.db") as connection:
        status, attempts = connection.execute("SELECT status, attempts FROM videos WHERE id = ?",
                                              (video_id,)).fetchone()
    assert (status, attempts) == ("completed", 1)


def test_deleting_a_rendering_video_stops_its_render_and_leaves_no_files(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0)
    try:
        with service.client() as client, running_worker(tmp_path) as worker:
            video_id = create_long_video(client)
            _wait_for_progress(client, video_id, 15)
            encoders = _encoders(worker)
            assert client.delete(f"/v3/videos/{video_id}").json()["data"]["deleted"] is True
            assert _gone(encoders, timeout=15), "the deleted video's encoders kept running"
            _wait_until_removed(tmp_path / "work" / video_id)
            assert not (tmp_path / "files" / "videos" / video_id).exists()
            assert client.get(f"/v3/videos/{video_id}").status_code == 404
    finally:
        stop_service(service)
