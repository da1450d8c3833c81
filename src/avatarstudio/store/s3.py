"""Blobs as objects in an S3 bucket (AWS, MinIO or any S3-compatible service), with a local read cache.

Readers of the BlobStore protocol want a local file (FileResponse streams it with Range support, the renderer
opens it), so `local_path` downloads each object once into a cache directory and serves that copy afterwards.
Every key this service writes names a fresh id (videos/<id>/..., assets/<id>/...), so a cached copy stays
valid; this process's own rewrites and deletes drop the cached copies on this host. The cache is bounded
(AVATARSTUDIO_S3_CACHE_MB): after each download the least recently used files go until it fits.
"""
from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath

import boto3
from botocore.exceptions import ClientError

from avatarstudio.store.blobs import LocalBlobStore

MAX_KEYS_PER_REQUEST = 1000  # S3's limit for one ListObjectsV2 page and one DeleteObjects call
IN_USE_SECONDS = 60.0


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


class S3BlobStore:
    """Blobs under `prefix/` in one bucket. Credentials and region come from boto3's usual chain (environment,
    shared config files, instance roles); `endpoint_url` points at a non-AWS service."""

    def __init__(self, bucket: str, prefix: str, cache_dir: Path, endpoint_url: str | None = None,
                 page_size: int = MAX_KEYS_PER_REQUEST, cache_bytes: int = 2 << 30):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.cache = LocalBlobStore(cache_dir)
        self.cache_bytes = cache_bytes
        self.page_size = min(page_size, MAX_KEYS_PER_REQUEST)
        # One client for all threads: boto3 clients are thread-safe (its sessions are not).
        self.client = boto3.session.Session().client("s3", endpoint_url=endpoint_url)

    def _object_key(self, key: str) -> str:
        parts = PurePosixPath(key).parts
        # Keys reach us from signed URLs; one that is absolute or climbs must not name another prefix's object.
        if not parts or key.startswith("/") or ".." in parts:
            raise KeyError(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def check(self) -> None:
        """Raise (ClientError, or a BotoCoreError for no credentials or no connection) unless the bucket exists
        and these credentials may use it; called at start-up so a wrong setting fails there, not mid-render."""
        self.client.head_bucket(Bucket=self.bucket)

    def put_file(self, key: str, source: Path) -> None:
        name = self._object_key(key)
        self.client.upload_file(str(source), self.bucket, name)
        self.cache.delete_prefix(name)  # a key is its own prefix: drop a stale cached copy, if any

    def put_bytes(self, key: str, data: bytes) -> None:
        name = self._object_key(key)
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data)
        self.cache.delete_prefix(name)

    def local_path(self, key: str) -> Path:
        name = self._object_key(key)
        try:
            path = self.cache.local_path(name)
            os.utime(path)  # the cache forgets least recently used files first
            return path
        except KeyError:
            pass
        try:
            self.cache.write(name, lambda tmp: self.client.download_file(self.bucket, name, str(tmp)))
        except ClientError as error:
            if _missing(error):
                raise KeyError(key) from None
            raise
        trim_cache(self.cache.root, self.cache_bytes)
        return self.cache.local_path(name)

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except KeyError:
            return False
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    def delete_older_than(self, prefix: str, before: float) -> int:
        name = self._object_key(prefix.rstrip("/")) + "/"
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=name, PaginationConfig={"PageSize": self.page_size})
        old = [item["Key"] for page in pages for item in page.get("Contents", [])
               if item["LastModified"].timestamp() < before]
        for key in old:
            self.client.delete_object(Bucket=self.bucket, Key=key)
            self.cache.delete_prefix(key)
        return len(old)

    def delete_prefix(self, prefix: str) -> None:
        name = self._object_key(prefix.rstrip("/"))
        if prefix.endswith("/"):
            name += "/"
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=name, PaginationConfig={"PageSize": self.page_size})
        for page in pages:
            objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if not objects:
                continue
            failed = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})
            if failed.get("Errors"):
                first = failed["Errors"][0]
                raise OSError(f"s3://{self.bucket}/{first['Key']} was not deleted: {first.get('Message', '')} "
                              f"({len(failed['Errors'])} objects failed)")
        self.cache.delete_prefix(name)


def trim_cache(root: Path, limit: int, now: float | None = None) -> None:
    """Delete the least recently used files under `root` until they take at most `limit` bytes.

    Files used in the last IN_USE_SECONDS stay whatever the total: one may be between local_path() returning it
    and a download opening it (an open file is safe to unlink; a path not yet opened is not).
    """
    files = [(entry.stat().st_mtime, entry.stat().st_size, entry) for entry in root.rglob("*") if entry.is_file()]
    total = sum(size for _, size, _ in files)
    recent = (time.time() if now is None else now) - IN_USE_SECONDS
    for used, size, entry in sorted(files, key=lambda item: item[0]):
        if total <= limit or used > recent:
            return
        entry.unlink(missing_ok=True)
        total -= size
