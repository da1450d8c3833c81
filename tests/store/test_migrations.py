"""The schema follows the code: an empty database and one made before migrations existed both end at the newest
revision with exactly the tables the models describe, keeping their rows; `avatarstudio migrate` does it alone."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from avatarstudio import cli
from avatarstudio.store.db import MIGRATIONS, Database
from races import open_together
from schema import HEAD, create_pre_migration_tables, schema_differences



def test_an_empty_database_gets_every_table_of_the_models(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new.db'}")
    assert database.revision == HEAD
    assert schema_differences(database.engine) == []


def test_a_database_made_before_migrations_is_stamped_and_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    create_pre_migration_tables(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO folders (id, name, trashed, created_at) VALUES ('f1', 'kept', 0, 1)"))
    engine.dispose()
    database = Database(url)
    assert database.revision == HEAD
    assert schema_differences(database.engine) == []
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM folders")).scalar_one() == "kept"
    assert Database(url).revision == HEAD, "opening it again changes nothing"


def test_the_migrate_command_brings_a_data_dir_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert cli.main(["migrate", "--data-dir", str(tmp_path)]) == 0
    assert f"database schema at revision {HEAD} (the newest)" in capsys.readouterr().out
    engine = create_engine(f"sqlite:///{tmp_path / 'avatarstudio.db'}")
    assert schema_differences(engine) == []


@pytest.mark.slow
def test_processes_starting_together_on_an_empty_sqlite_file_all_come_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    open_together(url, 4, tmp_path)
    assert schema_differences(create_engine(url)) == []


def test_jobs_that_ended_before_announcements_were_recorded_count_as_announced(tmp_path: Path) -> None:
    """Revision 0011 adds announced_at: the reaper must not announce again every job that ended before it, only a
    photo import completed but not yet made a talking photo (which the reaper finished before it, too)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        for video_id, status in (("done", "completed"), ("broken", "failed"), ("busy", "processing")):
            connection.execute(text(
                "INSERT INTO videos (id, key_id, api, spec, status, progress, created_at, completed_at, attempts, "
                "notes, files, output_format) VALUES (:id, 'k', 'v2-generate', '{}', :status, 0, 1, "
                "CASE WHEN :status = 'processing' THEN NULL ELSE 2 END, 1, '[]', '{}', 'mp4')"),
                {"id": video_id, "status": status})
        connection.execute(text(
            "INSERT INTO photo_imports (id, key_id, name, url, status, progress, created_at, completed_at, attempts, "
            "notes, files, mime_type, size_bytes) VALUES ('imp', 'k', 'Ann', 'http://127.0.0.1:9/a.png', "
            "'completed', 100, 1, 2, 1, '[]', '{}', 'image/png', 10)"))
    engine.dispose()
    database = Database(url)
    assert database.revision == HEAD
    with database.engine.connect() as connection:
        announced = dict(connection.execute(text("SELECT id, announced_at FROM videos")).all())
        imported = connection.execute(text("SELECT announced_at FROM photo_imports")).scalar_one()
    assert announced == {"done": 2, "broken": 2, "busy": None}
    assert imported is None
