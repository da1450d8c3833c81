"""Settings: environment variables and CLI flags over embedded defaults, read and validated once at the edge.

Nothing below this module reads the environment. Every value is checked here, at start-up, and a wrong one stops
the process with a message naming the variable to change: a cap of 0, a heartbeat that the reaper would take for
a dead worker, a DATABASE_URL SQLAlchemy cannot read. Secrets may come from files (`NAME_FILE=/run/secrets/x`, as
container orchestrators mount them) instead of the environment.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LOG_FORMATS = ("json", "text")
SECRET_VARIABLES = ("DATABASE_URL", "QUEUE_URL", "AVATARSTUDIO_SIGNING_SECRET", "AVATARSTUDIO_API_KEY")
"""Variables that may carry a password or key, so each may be given as NAME_FILE instead."""


class ConfigError(Exception):
    """A setting has a value the service cannot start with."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    queue_url: str
    storage_url: str
    public_base_url: str
    signing_secret: str
    env_api_key: str | None = None
    s3_endpoint_url: str | None = None
    s3_cache_bytes: int = 2 << 30
    url_ttl_seconds: int = 7 * 24 * 3600
    concurrency_per_key: int = 4
    render_attempts: int = 2
    heartbeat_seconds: float = 2.0
    stale_after_seconds: float = 15.0
    render_stall_seconds: float = 120.0
    render_budget_seconds: float = 300.0
    render_budget_factor: float = 10.0
    shutdown_grace_seconds: float = 60.0
    webhook_retry_seconds: tuple[float, ...] = (10, 60, 600, 3600, 6 * 3600, 24 * 3600)
    webhook_timeout_seconds: float = 10.0
    allow_private_urls: bool = False
    allow_private_webhooks: bool = True
    fetch_max_bytes: int = 100 * 1024 * 1024
    fetch_timeout_seconds: float = 30.0
    max_video_seconds: float = 3600.0
    quick_job_seconds: float = 120.0
    """How long a request waits for the worker to make what it asks for (speech, a preview, the face check)."""
    retention_days: float | None = None
    twin_consent_required: bool = True
    """A digital twin trains only once a consent video is given (HeyGen's rule); off for single-person installs."""
    api_processes: int = 1
    """Processes answering HTTP for `serve`, sharing its port (processes.py)."""
    worker_niceness: int = 10
    """How much a worker process (and the ffmpeg it starts) yields the CPU to others (Unix nice, 0-19): a render
    uses every core it gets, and the API beside it must still answer status calls in milliseconds."""


class _Environment:
    """The process environment as the settings read it: empty counts as unset, and NAME_FILE stands in for NAME."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ

    def text(self, name: str) -> str | None:
        value = self.environ.get(name) or None
        file_name = self.environ.get(f"{name}_FILE") or None
        if file_name is None:
            return value
        if value is not None:
            raise ConfigError(f"{name} and {name}_FILE are both set; keep one")
        try:
            return Path(file_name).read_text().strip() or None
        except OSError as error:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {error.strerror}") from None

    def number(self, name: str, default: float, kind: type = float, minimum: float = 0,
               maximum: float | None = None) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = kind(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise ConfigError(f"{name}={raw!r} is not {what}") from None
        if not value >= minimum:
            raise ConfigError(f"{name}={raw!r} must be at least {minimum:g}")
        if maximum is not None and value > maximum:
            raise ConfigError(f"{name}={raw!r} must be at most {maximum:g}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}={raw!r} must be true or false")

    def seconds_list(self, name: str, default: tuple[float, ...]) -> tuple[float, ...]:
        """A comma-separated list of delays in seconds, e.g. '10,60,600'."""
        raw = self.text(name)
        if raw is None:
            return default
        try:
            delays = tuple(float(part) for part in raw.split(","))
        except ValueError:
            raise ConfigError(f"{name}={raw!r} must be comma-separated numbers of seconds, e.g. 10,60,600") from None
        if any(not 0 <= delay < float("inf") for delay in delays):
            raise ConfigError(f"{name}={raw!r}: every delay must be a finite number of seconds, 0 or more")
        return delays


# S3's rules for new bucket names: 3-63 lowercase letters, digits, dots and hyphens, alphanumeric at both ends.
S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _storage_url(env: _Environment, root: Path) -> str:
    """A local directory, file:///path or s3://bucket[/prefix]; anything else is refused here, at start-up."""
    url = env.text("STORAGE_URL") or str(root / "files")
    if "://" not in url or url.startswith("file://"):
        return url
    if url.startswith("s3://"):
        location = urlsplit(url)
        if not S3_BUCKET.fullmatch(location.netloc) or location.query or location.fragment:
            raise ConfigError(f"STORAGE_URL={url!r} is not a valid S3 location: write s3://bucket or "
                              "s3://bucket/prefix, with an S3 bucket name (lowercase letters, digits, '.', '-')")
        return url
    raise ConfigError(f"STORAGE_URL={url!r}: supported are a local directory, file:///path and s3://bucket[/prefix]")


def _http_url(env: _Environment, name: str) -> str | None:
    url = env.text(name)
    if url is None:
        return None
    location = urlsplit(url)
    if location.scheme not in ("http", "https") or not location.hostname:
        raise ConfigError(f"{name}={url!r} must be an http:// or https:// URL with a host")
    return url


def _database_url(env: _Environment, root: Path) -> str:
    """Parsed and its driver loaded now: a typo would otherwise surface as a traceback from the first query."""
    from avatarstudio.store.db import dialect_of

    url = env.text("DATABASE_URL") or f"sqlite:///{root / 'avatarstudio.db'}"
    try:
        dialect_of(url)
    except ValueError as error:
        shown = "the value in DATABASE_URL_FILE" if env.environ.get("DATABASE_URL_FILE") else repr(url)
        raise ConfigError(f"DATABASE_URL={shown} is not a database URL SQLAlchemy can use ({error}); write e.g. "
                          "sqlite:////data/avatarstudio.db or postgresql+psycopg://user:password@host:5432/db") from None
    return url


def _queue_url(env: _Environment, root: Path) -> str:
    url = env.text("QUEUE_URL") or f"sqlite:///{root / 'queue.db'}"
    if url.startswith("redis://") and urlsplit(url).hostname:
        return url
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return url
    raise ConfigError(f"QUEUE_URL={url!r} must be sqlite:///path/to/queue.db or redis://host:6379/0")


def _signing_secret(env: _Environment, data_dir: Path) -> str:
    """The secret that signs download links; kept in the data dir so links survive restarts."""
    explicit = env.text("AVATARSTUDIO_SIGNING_SECRET")
    if explicit:
        return explicit
    path = data_dir / "signing.secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _require_shared_settings(env: _Environment, queue_url: str) -> None:
    """Workers on other hosts take tasks from a Redis queue. Each would sign links with a secret of its own data
    dir and put its own address in them, handing out links the API refuses: both must be set on every process."""
    if not queue_url.startswith("redis://"):
        return
    missing = [name for name in ("AVATARSTUDIO_SIGNING_SECRET", "PUBLIC_BASE_URL") if env.text(name) is None]
    if missing:
        raise ConfigError(f"QUEUE_URL is a Redis queue, so {' and '.join(missing)} must be set, to the same value on "
                          "the API and every worker")


def log_format(flag: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """`--log-format` over AVATARSTUDIO_LOG_FORMAT; JSON lines unless plain text is asked for."""
    value = flag or _Environment(environ).text("AVATARSTUDIO_LOG_FORMAT") or "json"
    if value not in LOG_FORMATS:
        raise ConfigError(f"AVATARSTUDIO_LOG_FORMAT={value!r} must be json or text")
    return value


def load_settings(data_dir: str | Path | None = None, host: str = "127.0.0.1", port: int = 8000,
                  environ: Mapping[str, str] = os.environ) -> Settings:
    """Build settings from flags (data_dir, host, port) and the environment, refusing any value out of range."""
    env = _Environment(environ)
    root = Path(data_dir or env.text("AVATARSTUDIO_DATA_DIR") or "data").resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"AVATARSTUDIO_DATA_DIR={str(root)!r} cannot be created: {error.strerror}") from None
    queue_url = _queue_url(env, root)
    _require_shared_settings(env, queue_url)
    heartbeat = env.number("AVATARSTUDIO_HEARTBEAT_SECONDS", 2.0, minimum=0.05)
    stale_after = env.number("AVATARSTUDIO_STALE_AFTER_SECONDS", 15.0, minimum=1)
    if heartbeat >= stale_after:
        raise ConfigError(f"AVATARSTUDIO_HEARTBEAT_SECONDS={heartbeat:g} must be shorter than "
                          f"AVATARSTUDIO_STALE_AFTER_SECONDS={stale_after:g}, or every render looks like a lost worker")
    public = _http_url(env, "PUBLIC_BASE_URL") or f"http://{host}:{port}"
    return Settings(
        data_dir=root,
        database_url=_database_url(env, root),
        queue_url=queue_url,
        storage_url=_storage_url(env, root),
        public_base_url=public.rstrip("/"),
        signing_secret=_signing_secret(env, root),
        env_api_key=env.text("AVATARSTUDIO_API_KEY"),
        s3_endpoint_url=_http_url(env, "AVATARSTUDIO_S3_ENDPOINT_URL"),
        s3_cache_bytes=int(env.number("AVATARSTUDIO_S3_CACHE_MB", 2048, int, minimum=1)) << 20,
        url_ttl_seconds=int(env.number("AVATARSTUDIO_URL_TTL", 7 * 24 * 3600, int, minimum=60)),
        concurrency_per_key=int(env.number("AVATARSTUDIO_CONCURRENCY_PER_KEY", 4, int, minimum=1)),
        render_attempts=int(env.number("AVATARSTUDIO_RENDER_ATTEMPTS", 2, int, minimum=1)),
        heartbeat_seconds=heartbeat,
        stale_after_seconds=stale_after,
        render_stall_seconds=env.number("AVATARSTUDIO_RENDER_STALL_SECONDS", 120.0, minimum=1),
        render_budget_seconds=env.number("AVATARSTUDIO_RENDER_BUDGET_SECONDS", 300.0, minimum=1),
        render_budget_factor=env.number("AVATARSTUDIO_RENDER_BUDGET_FACTOR", 10.0),
        shutdown_grace_seconds=env.number("AVATARSTUDIO_SHUTDOWN_GRACE_SECONDS", 60.0),
        webhook_retry_seconds=env.seconds_list("AVATARSTUDIO_WEBHOOK_RETRY_SCHEDULE", Settings.webhook_retry_seconds),
        webhook_timeout_seconds=env.number("AVATARSTUDIO_WEBHOOK_TIMEOUT_SECONDS", 10.0, minimum=0.1),
        allow_private_urls=env.flag("AVATARSTUDIO_ALLOW_PRIVATE_URLS", False),
        quick_job_seconds=env.number("AVATARSTUDIO_QUICK_JOB_SECONDS", 120.0, minimum=1),
        retention_days=env.number("AVATARSTUDIO_RETENTION_DAYS", 0.0) or None,
        allow_private_webhooks=env.flag("AVATARSTUDIO_ALLOW_PRIVATE_WEBHOOKS", True),
        twin_consent_required=env.flag("AVATARSTUDIO_TWIN_CONSENT_REQUIRED", True),
        api_processes=int(env.number("AVATARSTUDIO_API_PROCESSES", default_api_processes(), int, minimum=1)),
        worker_niceness=int(env.number("AVATARSTUDIO_WORKER_NICENESS", 10, int, maximum=19)),
    )


def default_api_processes() -> int:
    """One API process per two cores, from 1 to 4: one process's event loop keeps at most one core busy, and the
    other cores are for the renders. Measured on 2 cores, a second process cost more CPU per request (1.0-2.0 ms
    against 0.7-1.0 ms for a status call) and answered no faster, so a 2-core machine runs one."""
    return max(1, min(4, (os.cpu_count() or 1) // 2))
