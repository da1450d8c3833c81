"""Settings: environment variables and CLI flags over embedded defaults, read once at the edge.

Nothing below this module reads the environment; a wrong value fails at start-up with a message naming the
variable to change.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


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
    webhook_attempts: int = 5
    webhook_backoff_seconds: float = 2.0
    webhook_timeout_seconds: float = 10.0
    allow_private_urls: bool = False
    fetch_max_bytes: int = 100 * 1024 * 1024
    fetch_timeout_seconds: float = 30.0
    max_video_seconds: float = 3600.0
    quick_job_seconds: float = 120.0
    """How long a request waits for the worker to make what it asks for (speech, a preview, the face check)."""


def _env_number(name: str, default: float, kind: type = float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None


def _env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} must be true or false")


# S3's rules for new bucket names: 3-63 lowercase letters, digits, dots and hyphens, alphanumeric at both ends.
S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _storage_url(root: Path) -> str:
    """A local directory, file:///path or s3://bucket[/prefix]; anything else is refused here, at start-up."""
    url = os.environ.get("STORAGE_URL") or str(root / "files")
    if "://" not in url or url.startswith("file://"):
        return url
    if url.startswith("s3://"):
        location = urlsplit(url)
        if not S3_BUCKET.fullmatch(location.netloc) or location.query or location.fragment:
            raise ConfigError(f"STORAGE_URL={url!r} is not a valid S3 location: write s3://bucket or "
                              "s3://bucket/prefix, with an S3 bucket name (lowercase letters, digits, '.', '-')")
        return url
    raise ConfigError(f"STORAGE_URL={url!r}: supported are a local directory, file:///path and s3://bucket[/prefix]")


def _s3_endpoint_url() -> str | None:
    """Where a non-AWS S3 service (MinIO, Ceph, moto) listens; unset, boto3 finds AWS's endpoint itself."""
    url = os.environ.get("AVATARSTUDIO_S3_ENDPOINT_URL") or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise ConfigError(f"AVATARSTUDIO_S3_ENDPOINT_URL={url!r} must start with http:// or https://")
    return url


def _signing_secret(data_dir: Path) -> str:
    """The secret that signs download links; kept in the data dir so links survive restarts."""
    explicit = os.environ.get("AVATARSTUDIO_SIGNING_SECRET")
    if explicit:
        return explicit
    path = data_dir / "signing.secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(data_dir: str | Path | None = None, host: str = "127.0.0.1", port: int = 8000) -> Settings:
    """Build settings from flags (data_dir, host, port) and the environment."""
    root = Path(data_dir or os.environ.get("AVATARSTUDIO_DATA_DIR") or "data").resolve()
    root.mkdir(parents=True, exist_ok=True)
    queue_url = os.environ.get("QUEUE_URL") or f"sqlite:///{root / 'queue.db'}"
    if not queue_url.startswith(("sqlite:///", "redis://")):
        raise ConfigError(f"QUEUE_URL={queue_url!r} must start with sqlite:/// or redis://")
    public = os.environ.get("PUBLIC_BASE_URL") or f"http://{host}:{port}"
    return Settings(
        data_dir=root,
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{root / 'avatarstudio.db'}",
        queue_url=queue_url,
        storage_url=_storage_url(root),
        public_base_url=public.rstrip("/"),
        signing_secret=_signing_secret(root),
        env_api_key=os.environ.get("AVATARSTUDIO_API_KEY") or None,
        s3_endpoint_url=_s3_endpoint_url(),
        s3_cache_bytes=int(_env_number("AVATARSTUDIO_S3_CACHE_MB", 2048, int)) << 20,
        url_ttl_seconds=int(_env_number("AVATARSTUDIO_URL_TTL", 7 * 24 * 3600, int)),
        concurrency_per_key=int(_env_number("AVATARSTUDIO_CONCURRENCY_PER_KEY", 4, int)),
        render_attempts=int(_env_number("AVATARSTUDIO_RENDER_ATTEMPTS", 2, int)),
        heartbeat_seconds=_env_number("AVATARSTUDIO_HEARTBEAT_SECONDS", 2.0),
        stale_after_seconds=_env_number("AVATARSTUDIO_STALE_AFTER_SECONDS", 15.0),
        webhook_attempts=int(_env_number("AVATARSTUDIO_WEBHOOK_ATTEMPTS", 5, int)),
        webhook_backoff_seconds=_env_number("AVATARSTUDIO_WEBHOOK_BACKOFF_SECONDS", 2.0),
        allow_private_urls=_env_flag("AVATARSTUDIO_ALLOW_PRIVATE_URLS", False),
        quick_job_seconds=_env_number("AVATARSTUDIO_QUICK_JOB_SECONDS", 120.0),
    )

