"""Where output and uploaded files live, behind a narrow interface: local files here, S3 in store/s3.py."""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put_file(self, key: str, source: Path) -> None:
        """Store a copy of `source` under `key`, replacing any earlier blob; atomic for readers."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing any earlier blob; atomic for readers."""

    def local_path(self, key: str) -> Path:
        """A readable local file with the blob's bytes (a download for remote stores). KeyError if absent."""

    def exists(self, key: str) -> bool: ...

    def check(self) -> None:
        """Raise, saying why, unless the store can be read and written now (start-up and /readyz ask)."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every blob whose key starts with `prefix` (a video's folder, an asset)."""

    def delete_older_than(self, prefix: str, before: float) -> int:
        """Remove the blobs under the folder `prefix` written before the Unix time `before`; returns how many."""


class LocalBlobStore:
    """Blobs as files under one directory. Keys are relative POSIX paths made by this service."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # Keys reach us from signed URLs; a key that climbs out of the root must never be served.
        if not path.is_relative_to(self.root) or path == self.root:
            raise KeyError(key)
        return path

    def write(self, key: str, writer: Callable[[Path], None]) -> None:
        """Store what `writer` puts in the path it is handed; readers see the old blob or the whole new one.
        The temporary name is unique per call, so concurrent writers of one key (threads or processes) never
        write into each other's file; the last rename wins. If `writer` raises, nothing is stored."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            writer(tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def put_file(self, key: str, source: Path) -> None:
        self.write(key, lambda tmp: shutil.copyfile(source, tmp))

    def put_bytes(self, key: str, data: bytes) -> None:
        self.write(key, lambda tmp: tmp.write_bytes(data))

    def local_path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        return path

    def check(self) -> None:
        if not self.root.is_dir() or not os.access(self.root, os.R_OK | os.W_OK | os.X_OK):
            raise OSError(f"{self.root} is not a directory this process can read and write")

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except KeyError:
            return False

    def delete_older_than(self, prefix: str, before: float) -> int:
        folder = self._path(prefix.rstrip("/"))
        old = [path for path in folder.rglob("*") if path.is_file() and path.stat().st_mtime < before] \
            if folder.is_dir() else []
        for path in old:
            path.unlink(missing_ok=True)
        return len(old)

    def delete_prefix(self, prefix: str) -> None:
        target = self._path(prefix.rstrip("/"))
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
