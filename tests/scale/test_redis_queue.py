"""QUEUE_URL=redis://...: tasks wait in Redis (not in a SQLite file), workers on other processes compete for them,
each video is rendered exactly once, and a task lost between a worker taking it and claiming its video is queued
again."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from huey import RedisHuey

from live_service import start_service, stop_service
from media import download, probe
from workers import VOICE, start_worker, stop_worker

pytestmark = [pytest.mark.service, pytest.mark.slow]

if TYPE_CHECKING:
    from servers import RedisServer

pytest_plugins = ["servers"]
QUEUE_KEY = "huey.redis.avatarstudio"
EXECUTED = re.compile(r"Executing avatarstudio\.jobs\.tasks\.render_video: ([\w-]+)")


def short_video(text: str) -> dict:
    return {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Noah_drawn_front"},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": text}}],
            "dimension": {"width": 320, "height": 240}}


def executed_renders(log: Path) -> list[str]:
    """Ids of the render tasks one worker ran, from Huey's own log lines."""
    return EXECUTED.findall(log.read_text())


def test_two_workers_share_a_redis_queue_and_render_each_video_once(redis_server: RedisServer,
                                                                   tmp_path: Path) -> None:
    database = redis_server.fresh_database()
    queue_url, redis = redis_server.url(database), redis_server.client(database)
    service = start_service(tmp_path, workers=0, QUEUE_URL=queue_url)
    workers = []
    try:
        with service.client() as client:
            ids = [client.post("/v2/video/generate", json=short_video(f"Video number {n} is here.")).json()
                   ["data"]["video_id"] for n in range(4)]
            assert redis.llen(QUEUE_KEY) == 4
            assert not (tmp_path / "queue.db").exists()
            # A worker that took a task and died before claiming its video: the reaper must queue it again.
            assert RedisHuey("avatarstudio", url=queue_url).storage.dequeue() is not None
            workers = [start_worker(tmp_path, f"worker-{n}.log", QUEUE_URL=queue_url,
                                    PUBLIC_BASE_URL=service.base_url) for n in range(2)]
            finished = [service.wait(video_id, timeout=90, client=client) for video_id in ids]
        assert [status["status"] for status in finished] == ["completed"] * 4, finished
        media = probe(download(finished[0]["video_url"], tmp_path / "first.mp4"))
        assert (media.video_codec, media.width, media.height) == ("h264", 320, 240)
        assert abs(media.video_seconds - finished[0]["duration"]) < 0.1 and media.audio_rms > 0.01
    finally:
        for worker in workers:
            stop_worker(worker)
        stop_service(service)
    runs = [executed_renders(tmp_path / f"worker-{n}.log") for n in range(2)]
    assert all(runs), f"both workers should have taken tasks: {runs}"
    every_run = runs[0] + runs[1]
    assert len(every_run) == len(set(every_run)), f"a task ran twice: {runs}"
    with sqlite3.connect(tmp_path / "avatarstudio.db") as db:
        attempts = dict(db.execute("SELECT id, attempts FROM videos").fetchall())
    assert attempts == {video_id: 1 for video_id in ids}
    assert redis.llen(QUEUE_KEY) == 0
