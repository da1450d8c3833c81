"""The videos' state machine (store/videos.py) on a temporary SQLite database: each transition happens from its
allowed states only, and when threads race on one video exactly one of them wins."""
from __future__ import annotations

import sqlite3

import pytest

from avatarstudio.runtime import Runtime
from avatarstudio.store.db import Database
from avatarstudio.store.models import Video, new_id
from avatarstudio.store.repository import NotFound
from avatarstudio.store.videos import Videos
from races import RACERS, race


def new_video(db: Database) -> str:
    return Videos(db).add(Video(id=new_id(), key_id="k", api="v2-generate", spec={}, notes=[], files={})).id


def stored(db: Database, video_id: str) -> Video:
    return Videos(db).require(video_id)


def test_a_video_goes_waiting_processing_completed(runtime: Runtime) -> None:
    db = runtime.db
    videos = Videos(db)
    video_id = new_video(db)
    assert stored(db, video_id).status == "waiting"
    assert not videos.complete(video_id, 1.0, {}, []), "a waiting video cannot complete"
    assert videos.start(video_id)
    video = stored(db, video_id)
    assert (video.status, video.attempts, video.progress) == ("processing", 1, 0)
    assert video.started_at is not None and video.heartbeat_at is not None
    videos.beat(video_id, 150)
    assert stored(db, video_id).progress == 99, "progress stays below 100 until the video is complete"
    assert videos.complete(video_id, 2.5, {"video": "videos/x/v.mp4"}, ["a note"])
    video = stored(db, video_id)
    assert (video.status, video.progress, video.duration, video.files, video.notes) == \
        ("completed", 100, 2.5, {"video": "videos/x/v.mp4"}, ["a note"])
    assert not videos.start(video_id) and not videos.fail(video_id, "render_failed", "late")
    assert not videos.requeue(video_id)


def test_a_lost_render_is_requeued_then_started_again(runtime: Runtime) -> None:
    db = runtime.db
    videos = Videos(db)
    video_id = new_video(db)
    assert not videos.requeue(video_id), "only a processing video can be requeued"
    videos.start(video_id)
    videos.beat(video_id, 40)
    assert videos.requeue(video_id)
    video = stored(db, video_id)
    assert (video.status, video.progress, video.heartbeat_at) == ("waiting", 0, None)
    assert videos.start(video_id) and stored(db, video_id).attempts == 2


def test_fail_names_its_reason_and_respects_from_status(runtime: Runtime) -> None:
    db = runtime.db
    videos = Videos(db)
    waiting = new_video(db)
    assert not videos.fail(waiting, "worker_lost", "gone", from_status=("processing",))
    assert videos.fail(waiting, "download_failed", "Asset x no longer exists")
    video = stored(db, waiting)
    assert (video.status, video.error_code, video.error_message) == \
        ("failed", "download_failed", "Asset x no longer exists")
    assert video.completed_at is not None


def test_a_heartbeat_never_touches_a_finished_video(runtime: Runtime) -> None:
    db = runtime.db
    videos = Videos(db)
    video_id = new_video(db)
    videos.start(video_id)
    videos.fail(video_id, "render_failed", "boom")
    before = stored(db, video_id)
    videos.beat(video_id, 50)
    after = stored(db, video_id)
    assert (after.heartbeat_at, after.progress) == (before.heartbeat_at, before.progress)


def test_racing_claims_and_outcomes_have_one_winner(runtime: Runtime) -> None:
    db = runtime.db
    videos = Videos(db)
    video_id = new_video(db)
    assert race(*[lambda: videos.start(video_id)] * RACERS).count(True) == 1
    finishing = [lambda: videos.complete(video_id, 1.0, {"video": "v.mp4"}, []),
                 lambda: videos.fail(video_id, "worker_lost", "gone", from_status=("processing",))]
    outcomes = race(*finishing * (RACERS // 2))
    assert outcomes.count(True) == 1
    winner = "completed" if outcomes.index(True) % 2 == 0 else "failed"
    assert (stored(db, video_id).status, stored(db, video_id).attempts) == (winner, 1)


def test_an_attempt_the_reaper_took_back_cannot_touch_the_retry(runtime: Runtime) -> None:
    """A worker too slow to beat in time keeps rendering after its video was requeued and started again: its
    heartbeat, completion and failure must all miss the new attempt."""
    db = runtime.db
    videos = Videos(db)
    video_id = new_video(db)
    videos.start(video_id)
    videos.requeue(video_id)
    videos.start(video_id)
    retry = stored(db, video_id)
    assert retry.attempts == 2
    videos.beat(video_id, 70, attempt=1)
    assert (stored(db, video_id).progress, stored(db, video_id).heartbeat_at) == (0, retry.heartbeat_at)
    assert not videos.complete(video_id, 1.0, {"video": "old.mp4"}, [], attempt=1)
    assert not videos.fail(video_id, "render_failed", "the old attempt's files vanished", attempt=1)
    assert stored(db, video_id).status == "processing"
    videos.beat(video_id, 70, attempt=2)
    assert stored(db, video_id).progress == 70
    assert videos.complete(video_id, 1.0, {"video": "new.mp4"}, [], attempt=2)
    assert stored(db, video_id).files == {"video": "new.mp4"}


def test_a_shutdown_gives_the_attempt_back_and_a_lost_attempt_learns_it_from_its_heartbeat(runtime: Runtime) -> None:
    videos = Videos(runtime.db)
    video_id = new_video(runtime.db)
    videos.start(video_id)
    assert videos.requeue(video_id, 1, refund=True)
    assert (videos.require(video_id).status, videos.require(video_id).attempts) == ("waiting", 0)
    videos.start(video_id)
    assert videos.requeue(video_id, 1) and videos.start(video_id)
    assert not videos.beat(video_id, 50, attempt=1), "the first attempt's heartbeat learns it lost the video"
    assert videos.beat(video_id, 50, attempt=2)


def test_a_status_read_again_sees_every_change_made_by_any_connection_or_process(runtime: Runtime) -> None:
    """Videos.status skips the read while the SQLite file is unchanged (Database.remembered): a change made through
    another Database (as by another process) or behind SQLAlchemy's back shows on the very next read."""
    db = runtime.db
    video_id = new_video(db)
    assert Videos(db).status(video_id).status == "waiting"
    assert Videos(db).status(video_id) is Videos(db).status(video_id)  # remembered while nothing changed
    other = Database(runtime.settings.database_url)
    assert Videos(other).start(video_id)
    assert Videos(db).status(video_id).status == "processing"
    with sqlite3.connect(runtime.settings.database_url.removeprefix("sqlite:///")) as raw:
        raw.execute("UPDATE videos SET progress = 42 WHERE id = ?", (video_id,))
    assert Videos(db).status(video_id).progress == 42
    with sqlite3.connect(runtime.settings.database_url.removeprefix("sqlite:///")) as raw:
        raw.execute("DELETE FROM videos WHERE id = ?", (video_id,))
    with pytest.raises(NotFound):
        Videos(db).status(video_id)
