"""The reaper's sweep over a temporary runtime (real SQLite metadata and queue, no worker): a video whose worker
stopped beating is retried, then failed with a reason and announced; a waiting video whose task left the queue is
queued again; everything else is left alone."""
from __future__ import annotations

import time

from sqlalchemy import select

from avatarstudio.catalog.looks import all_looks, find_look
from avatarstudio.jobs import reaper
from avatarstudio.jobs.kinds import TWIN, VIDEO
from avatarstudio.runtime import Runtime
from avatarstudio.store import twins
from avatarstudio.store.models import Asset, PhotoImport, Twin, Video, WebhookEndpoint, WebhookEvent, new_id
from avatarstudio.store.videos import Videos

LONG_AGO = 3600.0


def add_video(runtime: Runtime, **fields) -> str:
    video_id = new_id()
    with runtime.db.session() as session:
        session.add(Video(id=video_id, key_id="k", api="v2-generate", spec={}, notes=[], files={}, **fields))
    return video_id


def age(runtime: Runtime, video_id: str, **fields: float) -> None:
    """Move a video's timestamps into the past, as if its worker had gone quiet that long ago."""
    with runtime.db.session() as session:
        video = session.get(Video, video_id)
        for name, seconds in fields.items():
            setattr(video, name, time.time() - seconds)


def status(runtime: Runtime, video_id: str) -> Video:
    with runtime.db.session() as session:
        return session.get(Video, video_id)


def test_a_silent_worker_s_video_is_retried_then_failed_and_announced(runtime: Runtime) -> None:
    video_id = add_video(runtime, callback_url="http://127.0.0.1:9/hook")
    Videos(runtime.db).start(video_id)
    age(runtime, video_id, heartbeat_at=LONG_AGO)
    assert reaper.sweep(runtime) == [video_id]
    assert status(runtime, video_id).status == "waiting"
    assert video_id in runtime.queue.queued(VIDEO)

    Videos(runtime.db).start(video_id)
    age(runtime, video_id, heartbeat_at=LONG_AGO)
    runtime.work_dir(video_id).mkdir(parents=True)
    assert reaper.sweep(runtime) == [video_id]
    video = status(runtime, video_id)
    assert (video.status, video.attempts, video.error_code) == ("failed", 2, "worker_lost")
    assert video.error_message == "The worker rendering this video stopped responding 2 time(s); giving up"
    assert not runtime.work_dir(video_id).exists(), "the lost worker's scratch files are removed"
    with runtime.db.session() as session:
        events = list(session.scalars(select(WebhookEvent).where(WebhookEvent.entity_id == video_id)))
    assert [(event.event_type, event.url) for event in events] == [("avatar_video.fail", "http://127.0.0.1:9/hook")]


def events_of(runtime: Runtime, entity_id: str) -> list[str]:
    with runtime.db.session() as session:
        return [event.event_type for event in session.scalars(select(WebhookEvent)
                                                               .where(WebhookEvent.entity_id == entity_id))]


def test_a_job_that_ended_without_its_events_is_announced_once_when_its_worker_is_long_gone(runtime: Runtime
                                                                                            ) -> None:
    """A worker recorded the end, then died before writing its events (announced_at stays empty): once the end is
    older than a stale heartbeat, the reaper announces it, one time; an announced end is never announced again."""
    with runtime.db.session() as session:
        session.add(WebhookEndpoint(url="http://127.0.0.1:9/endpoint", secret="s"))
    done = add_video(runtime, callback_url="http://127.0.0.1:9/hook")
    Videos(runtime.db).start(done)
    Videos(runtime.db).complete(done, 1.0, {"video": "videos/x/video.mp4"}, [])
    trained = new_id()
    with runtime.db.session() as session:
        session.add(Twin(id=trained, group_id=trained, key_id="k", api="v3", name="Ann", footage={},
                         status="processing", notes=[], files={}))
    twins.Twins(runtime.db).fail(trained, "no_face", "No face in the footage")
    told = add_video(runtime)
    Videos(runtime.db).start(told)
    Videos(runtime.db).complete(told, 1.0, {}, [])
    VIDEO.announce_end(runtime, told, runtime.queue.deliver)
    assert reaper.sweep(runtime) == [], "a fresh end is still its worker's to announce"
    assert events_of(runtime, done) == []
    for job_id in (done, told):
        age(runtime, job_id, completed_at=LONG_AGO)
    with runtime.db.session() as session:
        session.get(Twin, trained).completed_at = time.time() - LONG_AGO
    assert sorted(reaper.sweep(runtime)) == sorted([done, trained])
    assert reaper.sweep(runtime) == [], "announced once"
    video_events = ["avatar_video.success", "avatar_video.success", "avatar_video_gif.success"]  # + callback_url
    assert sorted(events_of(runtime, done)) == video_events
    assert events_of(runtime, trained) == ["instant_avatar.fail"]
    assert sorted(events_of(runtime, told)) == video_events[1:], "not again"


def test_a_beating_worker_and_a_fresh_waiting_video_are_left_alone(runtime: Runtime) -> None:
    rendering = add_video(runtime)
    Videos(runtime.db).start(rendering)
    just_created = add_video(runtime)
    assert reaper.sweep(runtime) == []
    assert (status(runtime, rendering).status, status(runtime, just_created).status) == ("processing", "waiting")
    assert runtime.queue.queued(VIDEO) == set()


def test_a_waiting_video_whose_task_left_the_queue_is_queued_again_once(runtime: Runtime) -> None:
    queued, lost = add_video(runtime), add_video(runtime)
    runtime.queue.render(queued)
    age(runtime, queued, created_at=LONG_AGO)
    age(runtime, lost, created_at=LONG_AGO)
    assert reaper.sweep(runtime) == [lost]
    assert runtime.queue.queued(VIDEO) == {queued, lost}
    assert reaper.sweep(runtime) == [], "a video already back in the queue is not queued twice"


def test_a_twin_s_training_is_reaped_like_a_video_and_a_twin_awaiting_consent_is_left_alone(runtime: Runtime) -> None:
    footage = {"kind": "url", "value": "http://127.0.0.1:9/footage.mp4"}
    training = twins.create(runtime, "k", "v3", "Jon", footage, consent={"method": "video"}).id
    awaiting = twins.create(runtime, "k", "v3", "Ann", footage).id
    records = twins.Twins(runtime.db)
    records.start(training)
    with runtime.db.session() as session:
        for twin in session.scalars(select(Twin)):
            twin.heartbeat_at = twin.created_at = time.time() - LONG_AGO
    assert reaper.sweep(runtime) == [training]
    assert records.get(training).status == "waiting" and runtime.queue.queued(TWIN) == {training}
    assert records.get(awaiting).status == "pending_consent"


def test_a_photo_import_completed_by_a_worker_that_died_before_making_it_a_talking_photo_is_finished_once(
        runtime: Runtime) -> None:
    with runtime.db.session() as session:
        session.add(PhotoImport(id="imp1", key_id="k", name="Ann", url="http://127.0.0.1:9/ann.png", status="completed",
                                mime_type="image/png", size_bytes=10, files={"image": "assets/imp1/ann.png"}, notes=[],
                                completed_at=time.time()))
        session.add(WebhookEndpoint(url="http://127.0.0.1:9/hook", secret="s"))
    assert reaper.sweep(runtime) == [], "a fresh completion is still its worker's to announce"
    assert find_look(runtime, "imp1", "avatar_id").status == "processing", "shown until it is a talking photo"
    assert [look.id for look in all_looks(runtime)].count("imp1") == 1
    with runtime.db.session() as session:
        session.get(PhotoImport, "imp1").completed_at = time.time() - LONG_AGO
    assert reaper.sweep(runtime) == ["imp1"]
    assert reaper.sweep(runtime) == [], "made once"
    with runtime.db.session() as session:
        asset = session.get(Asset, "imp1")
        assert (asset.is_talking_photo, asset.blob_key) == (True, "assets/imp1/ann.png")
        assert session.get(PhotoImport, "imp1") is None
        events = [event.event_type for event in session.scalars(select(WebhookEvent)
                                                                 .where(WebhookEvent.entity_id == "imp1"))]
    assert events == ["photo_avatar_train.success"]
