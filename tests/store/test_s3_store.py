"""S3BlobStore against a real S3 API (moto's server): the BlobStore guarantees, prefixes, paging, the cache."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from avatarstudio.config import ConfigError, load_settings
from avatarstudio.store.backends import open_blob_store
from avatarstudio.store.s3 import S3BlobStore, trim_cache

pytestmark = pytest.mark.service


def store_for(s3_server, bucket: str, prefix: str, tmp_path: Path, page_size: int = 1000) -> S3BlobStore:
    return S3BlobStore(bucket, prefix, tmp_path / "cache", s3_server.endpoint_url, page_size=page_size)


def test_put_exists_and_read_back_under_the_prefix(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    store = store_for(s3_server, bucket, "/tenant/a/", tmp_path)
    source = tmp_path / "clip.mp4"
    source.write_bytes(b"\x00video" * 1000)
    store.put_file("videos/v1/clip.mp4", source)
    store.put_bytes("assets/a1/file.png", b"png bytes")
    assert s3_server.keys(bucket) == ["tenant/a/assets/a1/file.png", "tenant/a/videos/v1/clip.mp4"]
    assert store.exists("videos/v1/clip.mp4") and not store.exists("videos/v1/other.mp4")
    local = store.local_path("videos/v1/clip.mp4")
    assert local.read_bytes() == source.read_bytes() and local.is_relative_to(tmp_path / "cache")
    assert store.local_path("assets/a1/file.png").read_bytes() == b"png bytes"
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_without_a_prefix_keys_are_object_names(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    store_for(s3_server, bucket, "", tmp_path).put_bytes("previews/x.webp", b"w")
    assert s3_server.keys(bucket) == ["previews/x.webp"]


def test_absent_and_climbing_keys_are_key_errors(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    s3_server.client().put_object(Bucket=bucket, Key="secret.txt", Body=b"not yours")
    store = store_for(s3_server, bucket, "p", tmp_path)
    for key in ("videos/missing/video.mp4", "../secret.txt", "/secret.txt", ""):
        with pytest.raises(KeyError):
            store.local_path(key)
        assert not store.exists(key)


def test_a_cached_copy_is_served_without_the_bucket_and_replaced_on_rewrite(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    store = store_for(s3_server, bucket, "p", tmp_path)
    store.put_bytes("previews/a.png", b"first")
    cached = store.local_path("previews/a.png")
    s3_server.client().put_object(Bucket=bucket, Key="p/previews/a.png", Body=b"changed behind our back")
    assert store.local_path("previews/a.png").read_bytes() == b"first"  # no second download
    store.put_bytes("previews/a.png", b"second")
    assert not cached.exists() and store.local_path("previews/a.png").read_bytes() == b"second"


def test_delete_prefix_pages_through_every_object_and_spares_neighbours(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    store = store_for(s3_server, bucket, "p", tmp_path, page_size=7)
    for index in range(30):
        store.put_bytes(f"videos/doomed/{index:02d}.bin", b"x")
    store.put_bytes("videos/doomed-not/keep.bin", b"keep")
    store.put_bytes("videos/other/keep.bin", b"keep")
    cached = store.local_path("videos/doomed/00.bin")
    store.delete_prefix("videos/doomed/")
    assert s3_server.keys(bucket) == ["p/videos/doomed-not/keep.bin", "p/videos/other/keep.bin"]
    assert not cached.exists() and not store.exists("videos/doomed/00.bin")
    with pytest.raises(KeyError):
        store.local_path("videos/doomed/00.bin")
    store.delete_prefix("videos/never-stored/")


def test_storage_url_picks_the_backend_and_a_missing_bucket_fails_at_start_up(
        s3_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bucket = s3_server.new_bucket()
    monkeypatch.setenv("AVATARSTUDIO_S3_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setenv("STORAGE_URL", f"s3://{bucket}/media")
    store = open_blob_store(load_settings(tmp_path))
    assert isinstance(store, S3BlobStore) and (store.bucket, store.prefix) == (bucket, "media")
    monkeypatch.setenv("STORAGE_URL", "s3://no-such-bucket/media")
    with pytest.raises(ConfigError, match="STORAGE_URL='s3://no-such-bucket/media'.*no-such-bucket"):
        open_blob_store(load_settings(tmp_path))


@pytest.mark.parametrize("url", ["s3://", "s3:///prefix/only", "s3://Upper_Case/x", "s3://ab", "s3://b?x=1"])
def test_a_malformed_s3_url_is_a_config_error_naming_storage_url(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORAGE_URL", url)
    with pytest.raises(ConfigError, match=r"STORAGE_URL=.*s3://bucket"):
        load_settings(tmp_path)


def test_other_schemes_are_refused_naming_what_is_supported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORAGE_URL", "gs://bucket/x")
    with pytest.raises(ConfigError, match=r"STORAGE_URL='gs://bucket/x'.*file:///path and s3://bucket"):
        load_settings(tmp_path)
    monkeypatch.setenv("STORAGE_URL", "s3://bucket")
    monkeypatch.setenv("AVATARSTUDIO_S3_ENDPOINT_URL", "localhost:9000")
    with pytest.raises(ConfigError, match="AVATARSTUDIO_S3_ENDPOINT_URL"):
        load_settings(tmp_path)


def test_the_cache_forgets_least_recently_used_files_beyond_its_limit(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    store = S3BlobStore(bucket, "", tmp_path / "cache", s3_server.endpoint_url, cache_bytes=2500)
    for name in ("a", "b", "c"):
        store.put_bytes(f"videos/{name}.mp4", name.encode() * 1000)
    a = store.local_path("videos/a.mp4")
    b = store.local_path("videos/b.mp4")
    os.utime(a, (1, 1))
    os.utime(b, (2, 2))            # both long unused, b more recently than a
    store.local_path("videos/c.mp4")  # 3000 bytes > 2500: the least recently used goes, until it fits
    assert not a.exists() and b.exists()
    assert store.local_path("videos/a.mp4").read_bytes() == b"a" * 1000   # fetched again on demand
    trim_cache(tmp_path / "cache", 0)
    assert not b.exists() and len(list((tmp_path / "cache").rglob("*.mp4"))) == 2  # used within a minute: kept
    trim_cache(tmp_path / "cache", 0, now=time.time() + 3600)
    assert not list((tmp_path / "cache").rglob("*.mp4"))
