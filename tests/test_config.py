"""Settings refuse nonsense at start-up, naming the variable to change."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from avatarstudio.config import ConfigError, load_settings, log_format

REDIS = {"QUEUE_URL": "redis://127.0.0.1:6379/0"}


@pytest.mark.parametrize(("environ", "named"), [
    ({"AVATARSTUDIO_CONCURRENCY_PER_KEY": "0"}, "AVATARSTUDIO_CONCURRENCY_PER_KEY='0' must be at least 1"),
    ({"AVATARSTUDIO_RENDER_ATTEMPTS": "0"}, "AVATARSTUDIO_RENDER_ATTEMPTS"),
    ({"AVATARSTUDIO_WEBHOOK_RETRY_SCHEDULE": "10,soon"}, "AVATARSTUDIO_WEBHOOK_RETRY_SCHEDULE"),
    ({"AVATARSTUDIO_WEBHOOK_RETRY_SCHEDULE": "10,-2"}, "AVATARSTUDIO_WEBHOOK_RETRY_SCHEDULE"),
    ({"AVATARSTUDIO_RENDER_STALL_SECONDS": "0"}, "AVATARSTUDIO_RENDER_STALL_SECONDS"),
    ({"AVATARSTUDIO_URL_TTL": "1.5"}, "AVATARSTUDIO_URL_TTL='1.5' is not a whole number"),
    ({"AVATARSTUDIO_S3_CACHE_MB": "0"}, "AVATARSTUDIO_S3_CACHE_MB"),
    ({"AVATARSTUDIO_API_PROCESSES": "0"}, "AVATARSTUDIO_API_PROCESSES='0' must be at least 1"),
    ({"AVATARSTUDIO_WORKER_NICENESS": "20"}, "AVATARSTUDIO_WORKER_NICENESS='20' must be at most 19"),
    ({"AVATARSTUDIO_WORKER_NICENESS": "-5"}, "AVATARSTUDIO_WORKER_NICENESS='-5' must be at least 0"),
    ({"AVATARSTUDIO_STALE_AFTER_SECONDS": "soon"}, "AVATARSTUDIO_STALE_AFTER_SECONDS='soon' is not a number"),
    ({"AVATARSTUDIO_HEARTBEAT_SECONDS": "20", "AVATARSTUDIO_STALE_AFTER_SECONDS": "15"},
     "AVATARSTUDIO_HEARTBEAT_SECONDS=20 must be shorter than AVATARSTUDIO_STALE_AFTER_SECONDS=15"),
    ({"AVATARSTUDIO_HEARTBEAT_SECONDS": "15"}, "AVATARSTUDIO_HEARTBEAT_SECONDS=15 must be shorter"),
    ({"AVATARSTUDIO_ALLOW_PRIVATE_URLS": "maybe"}, "AVATARSTUDIO_ALLOW_PRIVATE_URLS"),
    ({"DATABASE_URL": "postgres//user@host/db"}, "DATABASE_URL='postgres//user@host/db' is not a database URL"),
    ({"DATABASE_URL": "mongodb://host/db"}, "DATABASE_URL='mongodb://host/db' is not a database URL"),
    ({"QUEUE_URL": "amqp://host"}, "QUEUE_URL='amqp://host'"),
    ({"PUBLIC_BASE_URL": "example.com"}, "PUBLIC_BASE_URL='example.com' must be an http:// or https:// URL"),
    (REDIS, "AVATARSTUDIO_SIGNING_SECRET and PUBLIC_BASE_URL must be set"),
    ({**REDIS, "AVATARSTUDIO_SIGNING_SECRET": "s"}, "so PUBLIC_BASE_URL must be set"),
    ({**REDIS, "PUBLIC_BASE_URL": "http://api:8000"}, "so AVATARSTUDIO_SIGNING_SECRET must be set"),
    ({"AVATARSTUDIO_API_KEY": "a", "AVATARSTUDIO_API_KEY_FILE": "/run/secrets/key"},
     "AVATARSTUDIO_API_KEY and AVATARSTUDIO_API_KEY_FILE are both set"),
    ({"AVATARSTUDIO_SIGNING_SECRET_FILE": "/nonexistent/secret"}, "AVATARSTUDIO_SIGNING_SECRET_FILE='/nonexistent"),
])
def test_a_bad_setting_is_refused_by_name(environ: dict, named: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, environ=environ)
    assert named in str(refused.value)


def test_redis_with_the_shared_settings_and_secrets_from_files(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("from-a-file\n")
    (tmp_path / "database").write_text(f"sqlite:///{tmp_path / 'meta.db'}")
    settings = load_settings(tmp_path, environ={**REDIS, "PUBLIC_BASE_URL": "https://videos.example.org/",
                                                "AVATARSTUDIO_SIGNING_SECRET_FILE": str(tmp_path / "secret"),
                                                "DATABASE_URL_FILE": str(tmp_path / "database")})
    assert settings.signing_secret == "from-a-file"
    assert settings.database_url == f"sqlite:///{tmp_path / 'meta.db'}"
    assert settings.public_base_url == "https://videos.example.org"


def test_the_defaults_are_valid(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={})
    assert settings.heartbeat_seconds < settings.stale_after_seconds and settings.concurrency_per_key == 4
    assert log_format(None, {}) == "json" and log_format("text", {}) == "text"
    with pytest.raises(ConfigError, match="AVATARSTUDIO_LOG_FORMAT='xml'"):
        log_format(None, {"AVATARSTUDIO_LOG_FORMAT": "xml"})


@pytest.mark.slow
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_start_up_stops_with_the_variable_named(command: str, tmp_path: Path) -> None:
    environ = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path), "DATABASE_URL": "not a url"}
    ran = subprocess.run([sys.executable, "-m", "avatarstudio.cli", command, "--data-dir", str(tmp_path)],
                         env=environ, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2
    assert ran.stderr.startswith("configuration error: DATABASE_URL='not a url' is not a database URL")
