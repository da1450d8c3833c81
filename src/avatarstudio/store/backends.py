"""The blob store that STORAGE_URL names: switching backends is a configuration change, never a code change."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from avatarstudio.config import ConfigError, Settings
from avatarstudio.store.blobs import BlobStore, LocalBlobStore


def open_blob_store(settings: Settings) -> BlobStore:
    """A local directory for a path or file:// URL, a bucket for s3://bucket[/prefix] (config.py has already
    refused every other form). A bucket that cannot be used raises ConfigError now, not at the first render."""
    if not settings.storage_url.startswith("s3://"):
        return LocalBlobStore(Path(settings.storage_url.removeprefix("file://")))
    return _open_s3(settings)


def _open_s3(settings: Settings) -> BlobStore:
    # Imported here: boto3 adds a fifth of a second to every process start, and local deployments never use it.
    from botocore.exceptions import BotoCoreError, ClientError

    from avatarstudio.store.s3 import S3BlobStore

    location = urlsplit(settings.storage_url)
    store = S3BlobStore(location.netloc, location.path, settings.data_dir / "s3-cache" / location.netloc,
                        settings.s3_endpoint_url, cache_bytes=settings.s3_cache_bytes)
    try:
        store.check()
    except (BotoCoreError, ClientError) as error:
        endpoint = settings.s3_endpoint_url or "AWS (set AVATARSTUDIO_S3_ENDPOINT_URL for another S3 service)"
        raise ConfigError(f"STORAGE_URL={settings.storage_url!r}: bucket {location.netloc!r} cannot be used at "
                          f"{endpoint}: {error}. Check that the bucket exists and the endpoint is reachable, and "
                          "the AWS credentials and region (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
                          "AWS_DEFAULT_REGION or AWS_PROFILE)") from None
    return store
