"""Avatar looks and groups as every family lists them: the built-in catalogue, the uploaded talking photos and
the digital twins.

A built-in group is one person of avatars.py and its avatars are the looks. A talking photo (an uploaded image
asset) is a private photo avatar: a group of its own with one look whose id is the photo's id. A digital twin
(store/twins.py) is a private look made from footage; looks sharing a group are one person. Built-in sizes come
from the catalogue's data, a photo's from its file's header and a twin's from its record, so listing draws nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image

from avatarstudio.catalog import avatars, voices
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store import twins
from avatarstudio.store.assets import Assets
from avatarstudio.store.models import Asset, PhotoAvatarGroup, PhotoImport, Twin
from avatarstudio.store.photo_avatars import PhotoAvatarGroups
from avatarstudio.store.photo_imports import PhotoImports

Ownership = Literal["public", "private"]
"""v3's ownership filter: public is the built-in catalogue, private the talking photos and twins made here."""
CATALOGUE_CREATED_AT = 1735689600
"""created_at of the built-in groups (2025-01-01 UTC): they ship with the code, so no real creation time exists."""
ORIENTATIONS = {"horizontal": "landscape", "vertical": "portrait", "square": "square"}
"""avatars.py's framing names in v3's preferred_orientation vocabulary."""
TALKING_PHOTO_GENDER = "unknown"
"""An uploaded photo (or footage) says nothing reliable about gender; clients require a string here."""
TWIN = "digital_twin"


@dataclass(frozen=True)
class Look:
    """A built-in avatar, a talking photo or a digital twin, in the terms every family's listing is made from."""

    id: str
    name: str
    group_id: str
    group_name: str
    gender: str
    avatar_type: str
    public: bool
    preferred_orientation: str | None
    image_width: int | None
    image_height: int | None
    preview_image_url: str | None
    """None only for a photo avatar whose image is still being fetched (or could not be)."""
    tags: tuple[str, ...]
    created_at: int
    preview_video_url: str | None = None
    """A few seconds of footage for a twin; other looks have no video and show their image."""
    status: str | None = None
    """Training status of a private look (None for built-in ones): pending_consent, processing, completed, failed."""
    error: dict | None = None
    consent_status: str | None = None
    """A twin's consent: completed, pending, or None where consent is not required."""
    notes: tuple[str, ...] = ()
    """What a twin's training found worth saying (how to get better mouths)."""

    @property
    def default_voice_id(self) -> str:
        return voices.default_voice_id(self.gender)


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    public: bool
    looks: tuple[Look, ...]


def avatar_preview_url(runtime: Runtime, avatar_id: str) -> str:
    return f"{runtime.settings.public_base_url}/catalog/avatars/{avatar_id}/preview.png"


def _builtin_look(runtime: Runtime, avatar: avatars.Avatar) -> Look:
    width, height = avatar.preview_width, avatars.LOOK_HEIGHT
    tags = (avatar.kind, "transparent_background") if avatar.supports_alpha else (avatar.kind,)
    return Look(avatar.avatar_id, avatar.name, avatar.group_id, avatar.group_name, avatar.gender,
                "studio_avatar" if avatar.kind == "drawn" else "photo_avatar", True,
                ORIENTATIONS.get(avatar.preferred_orientation), width, height,
                avatar_preview_url(runtime, avatar.avatar_id), tags, CATALOGUE_CREATED_AT)


def _image_size(runtime: Runtime, blob_key: str) -> tuple[int, int] | None:
    try:
        with Image.open(runtime.blobs.local_path(blob_key)) as image:
            return image.size
    except (KeyError, OSError):
        return None


def _orientation(size: tuple[int, int] | None) -> str | None:
    if size is None:
        return None
    width, height = size
    if width > height * 1.1:
        return "landscape"
    return "portrait" if height > width * 1.1 else "square"


def talking_photo_look(runtime: Runtime, asset: Asset, group: PhotoAvatarGroup | None = None) -> Look:
    """A talking photo; it belongs to its v2 photo avatar `group` when it was made in one, else is its own."""
    size = _image_size(runtime, asset.blob_key)
    group_id, group_name = (group.id, group.name) if group else (asset.id, asset.name)
    return Look(asset.id, asset.name, group_id, group_name, TALKING_PHOTO_GENDER, "photo_avatar", False,
                _orientation(size), size[0] if size else None, size[1] if size else None,
                runtime.url_for(asset.blob_key), ("talking_photo",), int(asset.created_at), status="completed")


def photo_import_look(job: PhotoImport) -> Look:
    """A photo avatar whose image is being fetched from its URL (processing, also while its completed import
    becomes a talking photo), or could not be made from it (failed, with the reason); once made, it is a talking
    photo with the same id."""
    failed = job.status == "failed"
    return Look(job.id, job.name, job.id, job.name, TALKING_PHOTO_GENDER, "photo_avatar", False, None, None, None,
                None, ("talking_photo",), int(job.created_at), status="failed" if failed else "processing",
                error={"code": job.error_code, "message": job.error_message} if failed else None)


def twin_look(runtime: Runtime, twin: Twin) -> Look:
    size = (twin.width, twin.height) if twin.width and twin.height else None
    status = twins.public_status(twin)
    error = {"code": twin.error_code, "message": twin.error_message} if status == "failed" else None
    consent = "completed" if twin.consent else ("pending" if twins.consent_required(runtime) else None)
    return Look(twin.id, twin.name, twin.group_id, twin.name, TALKING_PHOTO_GENDER, TWIN, False, _orientation(size),
                twin.width, twin.height, runtime.url_for(twin.preview_image), (TWIN,), int(twin.created_at),
                preview_video_url=runtime.url_for(twin.preview_video), status=status, error=error,
                consent_status=consent, notes=tuple(twin.notes or ()))


def all_looks(runtime: Runtime) -> list[Look]:
    """Built-in looks first (catalogue order), then photo avatars still being made from a URL, talking photos and
    digital twins, each newest first."""
    groups = PhotoAvatarGroups(runtime.db).memberships()
    # Imports read before talking photos (as in find_look), so one becoming the other meanwhile is listed once.
    imports = PhotoImports(runtime.db).pending()
    photos = Assets(runtime.db).talking_photos()
    made = {asset.id for asset in photos}
    return ([_builtin_look(runtime, avatar) for avatar in avatars.list_avatars()]
            + [photo_import_look(job) for job in imports if job.id not in made]
            + [talking_photo_look(runtime, asset, groups.get(asset.id)) for asset in photos]
            + [twin_look(runtime, twin) for twin in twins.Twins(runtime.db).newest_first()])


def find_look(runtime: Runtime, look_id: str, param: str) -> Look:
    """The look with this id; ServiceError avatar_not_found naming `param` when there is none."""
    avatar = avatars.get_avatar(look_id)
    if avatar is not None:
        return _builtin_look(runtime, avatar)
    # The import before the asset: it becomes the asset in one transaction (its record goes as the asset comes),
    # so read in this order a photo being made is always found, as one or the other.
    photo = PhotoImports(runtime.db).get(look_id)
    if photo is not None:
        return photo_import_look(photo)
    asset = Assets(runtime.db).get(look_id)
    if asset is not None and asset.is_talking_photo:
        return talking_photo_look(runtime, asset)
    twin = twins.Twins(runtime.db).get(look_id)
    if twin is None:
        raise ServiceError("avatar_not_found", f"Avatar {look_id} not found", param=param)
    return twin_look(runtime, twin)


def all_groups(runtime: Runtime) -> list[Group]:
    members: dict[str, list[Look]] = {}
    for look in all_looks(runtime):
        members.setdefault(look.group_id, []).append(look)
    return [Group(group_id, looks[0].group_name, looks[0].public, tuple(looks)) for group_id, looks in members.items()]


def find_group(runtime: Runtime, group_id: str) -> Group:
    group = next((group for group in all_groups(runtime) if group.id == group_id), None)
    if group is None:
        raise ServiceError("avatar_not_found", f"Avatar group {group_id} not found", param="group_id")
    return group


def owned(public: bool, ownership: str | None) -> bool:
    """Whether an item that is `public` (or not) passes v3's ownership filter."""
    return ownership is None or (ownership == "public") == public
