"""The retention sweep removes what is old and nothing else, on a real database and file store."""
from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest

from avatarstudio.config import load_settings
from avatarstudio.jobs import retention
from avatarstudio.runtime import Runtime, open_runtime
from avatarstudio.store.models import Lipsync, Twin, Video, WebhookAttempt, WebhookEvent

DAY = 86400


def _video(runtime: Runtime, video_id: str, status: str, finished_days_ago: float | None) -> None:
    finished = time.time() - finished_days_ago * DAY if finished_days_ago is not None else None
    with runtime.db.session() as session:
        session.add(Video(id=video_id, key_id="k", api="v2-generate", spec={}, notes=[], files={}, status=status,
                          completed_at=finished))
    runtime.blobs.put_bytes(f"videos/{video_id}/video.mp4", b"mp4")


def _aged(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


@pytest.fixture()
def runtime(tmp_path: Path) -> Runtime:
    opened = open_runtime(load_settings(tmp_path))
    yield opened
    opened.db.engine.dispose()


def test_retention_removes_old_videos_files_and_events_only(runtime: Runtime) -> None:
    runtime.settings = dataclasses.replace(runtime.settings, retention_days=30)
    _video(runtime, "old", "completed", 40)
    _video(runtime, "oldfailed", "failed", 31)
    _video(runtime, "recent", "completed", 2)
    _video(runtime, "rendering", "processing", None)
    with runtime.db.session() as session:
        for event_id, age in (("oldevent", 40), ("newevent", 1)):
            session.add(WebhookEvent(id=event_id, event_id=event_id, event_type="avatar_video.success", url="u",
                                     body="{}", status="delivered", created_at=time.time() - age * DAY))
            session.flush()
            session.add(WebhookAttempt(event_id=event_id, number=1, status_code=200))
    removed = retention.sweep(runtime)
    assert removed["videos"] == 2 and removed["webhook_events"] == 1
    with runtime.db.session() as session:
        assert {video.id for video in session.query(Video)} == {"recent", "rendering"}
        assert {event.id for event in session.query(WebhookEvent)} == {"newevent"}
    assert not runtime.blobs.exists("videos/old/video.mp4") and not runtime.blobs.exists("videos/oldfailed/video.mp4")
    assert runtime.blobs.exists("videos/recent/video.mp4") and runtime.blobs.exists("videos/rendering/video.mp4")


def test_without_retention_videos_stay_but_leftovers_go(runtime: Runtime) -> None:
    _video(runtime, "ancient", "completed", 4000)
    _video(runtime, "rendering", "processing", None)
    for name in ("crashed", "rendering"):
        folder = runtime.work_dir(name) / "attempt-1"
        folder.mkdir(parents=True)
        (folder / "speech.wav").write_bytes(b"x")
        _aged(runtime.work_dir(name), 1)
    runtime.blobs.put_bytes("speech/old.wav", b"RIFF")
    _aged(runtime.blobs.local_path("speech/old.wav"), 8)
    runtime.blobs.put_bytes("speech/new.wav", b"RIFF")
    removed = retention.sweep(runtime)
    assert removed == {"videos": 0, "webhook_events": 0, "scratch_folders": 1, "speech_previews": 1}
    assert not runtime.work_dir("crashed").exists() and runtime.work_dir("rendering").exists()
    assert runtime.blobs.exists("videos/ancient/video.mp4")
    assert not runtime.blobs.exists("speech/old.wav") and runtime.blobs.exists("speech/new.wav")


def test_a_training_twin_or_running_lipsync_keeps_its_scratch_folder(runtime: Runtime) -> None:
    """Their scratch folders sit beside the videos' (runtime.work_dir): the sweep must know them as running."""
    media = {"kind": "url", "value": "http://127.0.0.1:9/clip.mp4"}
    with runtime.db.session() as session:
        session.add(Twin(id="training", group_id="g", key_id="k", api="v3", name="Jon", footage=media,
                         status="processing", notes=[], files={}))
        session.add(Lipsync(id="syncing", key_id="k", video=media, audio=media, status="processing", notes=[],
                            files={}))
    for name in ("training", "syncing", "crashed"):
        (runtime.work_dir(name) / "footage").mkdir(parents=True)
        _aged(runtime.work_dir(name), 1)
    assert retention.sweep(runtime)["scratch_folders"] == 1
    assert runtime.work_dir("training").exists() and runtime.work_dir("syncing").exists()
    assert not runtime.work_dir("crashed").exists()
