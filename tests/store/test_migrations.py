"""The schema follows the code: an empty database and one made before migrations existed both end at the newest
revision with exactly the tables the models describe, keeping their rows; `avatarstudio migrate` does it alone."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from avatarstudio import cli
from avatarstudio.store.db import Database
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
