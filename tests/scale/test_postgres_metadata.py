"""DATABASE_URL=postgresql+psycopg://...: the records live in PostgreSQL, the guarded state transitions hold when
processes race on them, a worker lost mid-render is retried and then failed exactly as on SQLite, and processes
that start together on an empty database all come up."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text

from avatarstudio.store.db import Database
from avatarstudio.store.models import Video, new_id
from avatarstudio.store.videos import Videos
from live_service import start_service, stop_service
from media import download, probe
from races import RACERS, open_together, race
from schema import HEAD, create_pre_migration_tables, schema_differences
from workers import VOICE, create_long_video, kill_mid_render, start_worker, wait_for_status

pytestmark = [pytest.mark.service, pytest.mark.slow]

if TYPE_CHECKING:
    from servers import PostgresServer, RedisServer

pytest_plugins = ["servers"]


def test_videos_render_with_postgres_metadata_and_a_redis_queue(postgres_server: PostgresServer,
                                                                redis_server: RedisServer, tmp_path: Path) -> None:
    database = postgres_server.fresh_database()
    service = start_service(tmp_path, workers=1, DATABASE_URL=postgres_server.url(database),
                            QUEUE_URL=redis_server.url(redis_server.fresh_database()))
    # Longer than the String(500) this column once had: PostgreSQL enforces such limits, SQLite never did.
    title = "A title longer than five hundred characters. " * 12
    try:
        with service.client() as client:
            studio = client.post("/v2/video/generate", json={
                "title": title, "dimension": {"width": 320, "height": 240},
                "video_inputs": [{"character": {"type": "avatar", "avatar_id": "Noah_drawn_front"},
                                  "voice": {"type": "text", "voice_id": VOICE, "input_text": "Stored in Postgres."}}]})
            v3 = client.post("/v3/videos", headers={"Idempotency-Key": "k" * 400},
                             json={"avatar_id": "Noah_drawn_close", "script": "Hi.", "voice_id": VOICE})
            ids = [studio.json()["data"]["video_id"], v3.json()["data"]["video_id"]]
            finished = [service.wait(video_id, timeout=90, client=client) for video_id in ids]
        assert [status["status"] for status in finished] == ["completed", "completed"], finished
        media = probe(download(finished[0]["video_url"], tmp_path / "studio.mp4"))
        assert (media.video_codec, media.width, media.height) == ("h264", 320, 240)
        assert abs(media.video_seconds - finished[0]["duration"]) < 0.1 and media.audio_rms > 0.01
    finally:
        stop_service(service)
    with postgres_server.connect(database) as connection:
        rows = connection.execute("SELECT id, status, attempts, title, files->>'video' FROM videos ORDER BY created_at"
                                  ).fetchall()
        assert [row[:4] for row in rows] == [(ids[0], "completed", 1, title), (ids[1], "completed", 1, None)]
        assert all(video_key.endswith(".mp4") for *_, video_key in rows)
        assert connection.execute("SELECT count(*) FROM idempotent_requests").fetchone() == (1,)
    assert not list(tmp_path.glob("*.db")), "nothing may fall back to a SQLite file"


def test_guarded_transitions_have_one_winner_on_postgres(postgres_server: PostgresServer) -> None:
    db = Database(postgres_server.url(postgres_server.fresh_database()))
    video_id = new_id()
    with db.session() as session:
        session.add(Video(id=video_id, key_id="k", api="v2-generate", spec={}, notes=[], files={}))
    assert race(*[lambda: Videos(db).start(video_id)] * RACERS).count(True) == 1
    # A worker finishing late against the reaper giving up on it: one outcome, never both.
    finishing = [lambda: Videos(db).complete(video_id, 1.0, {"video": "v.mp4"}, []),
                 lambda: Videos(db).fail(video_id, "worker_lost", "gone", from_status=("processing",))]
    outcomes = race(*finishing * (RACERS // 2))
    assert outcomes.count(True) == 1
    with db.session() as session:
        video = session.get(Video, video_id)
        winner = "completed" if outcomes.index(True) % 2 == 0 else "failed"
        assert (video.status, video.attempts) == (winner, 1)
        heartbeat = video.heartbeat_at
    assert not Videos(db).requeue(video_id) and not Videos(db).start(video_id)
    Videos(db).beat(video_id, 50)
    with db.session() as session:
        assert session.get(Video, video_id).heartbeat_at == heartbeat
    db.engine.dispose()


def test_a_lost_worker_is_retried_then_failed_on_postgres(postgres_server: PostgresServer, tmp_path: Path) -> None:
    database = postgres_server.fresh_database()
    url = postgres_server.url(database)
    service = start_service(tmp_path, workers=0, DATABASE_URL=url)
    try:
        with service.client() as client:
            video_id = create_long_video(client)
            kill_mid_render(service, start_worker(tmp_path, DATABASE_URL=url), video_id)
            assert wait_for_status(client, video_id, {"waiting"}, timeout=30)["progress"] == 0
            kill_mid_render(service, start_worker(tmp_path, DATABASE_URL=url), video_id)
            failed = wait_for_status(client, video_id, {"failed", "completed"}, timeout=30)
        assert failed["status"] == "failed" and failed["error"]["detail"] == "worker_lost", failed
        assert "stopped responding 2 time(s)" in failed["error"]["message"]
    finally:
        stop_service(service)
    with postgres_server.connect(database) as connection:
        row = connection.execute("SELECT status, attempts, error_code FROM videos WHERE id = %s", (video_id,))
        assert row.fetchone() == ("failed", 2, "worker_lost")


def test_processes_starting_together_on_an_empty_database_all_come_up(postgres_server: PostgresServer,
                                                                      tmp_path: Path) -> None:
    url = postgres_server.url(postgres_server.fresh_database())
    open_together(url, RACERS, tmp_path)


def test_an_empty_and_a_pre_migration_postgres_database_follow_the_code(postgres_server: PostgresServer) -> None:
    empty = Database(postgres_server.url(postgres_server.fresh_database()))
    assert empty.revision == HEAD and schema_differences(empty.engine) == []
    empty.engine.dispose()
    url = postgres_server.url(postgres_server.fresh_database())
    engine = create_engine(url)
    create_pre_migration_tables(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO folders (id, name, trashed, created_at) VALUES ('f1', 'kept', false, 1)"))
    engine.dispose()
    old = Database(url)
    assert old.revision == HEAD and schema_differences(old.engine) == []
    with old.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM folders")).scalar_one() == "kept"
    old.engine.dispose()
