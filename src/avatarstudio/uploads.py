"""Uploaded files: checked by content (and by a caller's vet, a talking photo's face check), stored as blobs,
recorded as assets.

The rules that refuse an upload live here, in the caller's words (ServiceError naming the field); the records
themselves are store/assets.py's."""
from __future__ import annotations

import mimetypes
from collections.abc import Callable

from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.assets import Assets
from avatarstudio.store.twins import Twins, public_status
from avatarstudio.store.models import Asset, new_id
from avatarstudio.store.photo_imports import PhotoImports
from avatarstudio.store.sniff import sniff

ASSET_FOLDER = "assets"
"""Every asset's file lives under assets/<id>/, so deleting the asset removes the folder."""
MAX_BYTES = {"image": 50 * 1024 * 1024, "audio": 50 * 1024 * 1024, "video": 100 * 1024 * 1024}


def save_asset(runtime: Runtime, key_id: str, data: bytes, name: str = "", talking_photo: bool = False,
               folder_id: str | None = None, max_bytes: int | None = None,
               vet: Callable[[bytes, str], None] | None = None) -> Asset:
    """Store an upload and record it. `vet(data, file_type)` runs after the checks every upload gets and before
    anything is stored; it raises ServiceError to refuse (a talking photo's face check, which a worker makes:
    jobs/quick.py)."""
    file_type, mime = checked(data, max_bytes, vet)
    asset_id = new_id()
    blob_key = store_upload(runtime, asset_id, data, mime)
    return Assets(runtime.db).add(Asset(
        id=asset_id, key_id=key_id, name=name or f"{asset_id}{_extension(mime)}", file_type=file_type,
        mime_type=mime, size_bytes=len(data), blob_key=blob_key, folder_id=folder_id,
        is_talking_photo=talking_photo))


def checked(data: bytes, max_bytes: int | None = None,
            vet: Callable[[bytes, str], None] | None = None) -> tuple[str, str]:
    """The checks every upload gets (not empty, a known kind by its content, within its size, an image's declared
    pixels), then `vet`'s; returns (file_type, mime type). ServiceError naming `file` for the first one broken."""
    if not data:
        raise ServiceError("invalid_parameter", "file is invalid: the upload is empty", param="file")
    found = sniff(data)
    if found is None:
        raise ServiceError("unsupported_media_type", "file is invalid: not a supported image, audio or video "
                           "file (JPEG, PNG, WebP, MP3, WAV, M4A, OGG, MP4, WebM)", param="file")
    file_type, mime = found
    limit = min(MAX_BYTES[file_type], max_bytes or MAX_BYTES[file_type])
    if len(data) > limit:
        raise ServiceError("payload_too_large", f"file is invalid: {file_type} files are limited to "
                           f"{limit // (1024 * 1024)} MB", param="file")
    if file_type == "image":
        _require_sane_pixels(data)
    if vet is not None:
        vet(data, file_type)
    return file_type, mime


def store_upload(runtime: Runtime, asset_id: str, data: bytes, mime: str) -> str:
    """Stores checked bytes as asset `asset_id`'s file; returns the blob key (under assets/<id>/)."""
    blob_key = f"{ASSET_FOLDER}/{asset_id}/file{_extension(mime)}"
    runtime.blobs.put_bytes(blob_key, data)
    return blob_key


def _extension(mime: str) -> str:
    return mimetypes.guess_extension(mime) or ""


MAX_PIXELS = 50_000_000
"""An 8K photo is 33 megapixels. A small file can declare far more (a PNG of 50000x50000 zeros compresses to a few
megabytes and decodes to 7.5 GB), so the declared size is checked before anything decodes it."""


def _require_sane_pixels(data: bytes) -> None:
    import io

    from PIL import Image

    too_many = ServiceError("invalid_parameter", f"file is invalid: the image has more than {MAX_PIXELS // 1_000_000} "
                            "megapixels", param="file")
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
    except Image.DecompressionBombError:  # PIL's own, far higher limit
        raise too_many from None
    except (OSError, ValueError):
        raise ServiceError("invalid_parameter", "file is invalid: the image cannot be decoded", param="file") from None
    if width * height > MAX_PIXELS:
        raise too_many


def delete_asset(runtime: Runtime, asset_id: str) -> None:
    """Removes the record, then the file; store.NotFound when there is no such asset."""
    Assets(runtime.db).delete(asset_id)
    runtime.blobs.delete_prefix(f"{ASSET_FOLDER}/{asset_id}/")


class DbLookup:
    """translate.Lookup over the metadata store."""

    def __init__(self, runtime: Runtime, key_id: str):
        self.runtime, self.key_id = runtime, key_id

    def asset_type(self, asset_id: str) -> str | None:
        asset = Assets(self.runtime.db).get(asset_id)
        return asset.file_type if asset is not None else None

    def twin_status(self, twin_id: str) -> str | None:
        twin = Twins(self.runtime.db).get(twin_id)
        return public_status(twin) if twin is not None else None

    def photo_import_status(self, avatar_id: str) -> str | None:
        job = PhotoImports(self.runtime.db).get(avatar_id)
        if job is None or job.status == "completed":
            return None
        return "failed" if job.status == "failed" else "processing"

    def save_inline_image(self, data_base64: str, media_type: str) -> str:
        import base64
        import binascii

        try:
            data = base64.b64decode(data_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError("invalid_parameter", "image.data is invalid: not base64", param="image.data") from None
        return save_asset(self.runtime, self.key_id, data, name="inline-image").id
