"""Digital twins: their records (Twins) and their files in the blob store (store_files, local_copy, delete).

Guarantees: a twin's record is added before its training is queued (the caller queues after `create` returns);
every file the training derives is stored under twins/<id>/ and named in the record's `files`; `delete` removes
the records first and then their derived files and consent copies, so a render that asks for a deleted twin gets
TwinUnavailable, never a half-present twin.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import select, update

from avatarstudio.runtime import Runtime
from avatarstudio.store.jobs import Jobs
from avatarstudio.store.models import Twin, new_id

READY = "completed"


class TwinUnavailable(LookupError):
    """A render needs a twin that is gone or not ready; the message says which, in the user's words."""


class Twins(Jobs[Twin]):
    """Looks that share `group_id` are one person. A twin is added pending_consent or waiting (store/jobs.py's
    state machine takes it from there)."""

    kind = "twin"
    model = Twin

    def newest_first(self) -> list[Twin]:
        with self.db.session() as session:
            return list(session.scalars(select(Twin).order_by(Twin.created_at.desc(), Twin.id)))

    def group(self, group_id: str) -> list[Twin]:
        """The looks of one group, oldest first (the first names the group); empty for an unknown group."""
        with self.db.session() as session:
            return list(session.scalars(select(Twin).where(Twin.group_id == group_id).order_by(Twin.created_at)))

    def give_consent(self, group_id: str, record: dict) -> list[str]:
        """Records consent on every look of the group that has none; returns the ids that moved from
        pending_consent to waiting (the caller queues their training). Guarded per look, so a repeated consent
        moves nothing twice."""
        with self.db.session() as session:
            session.execute(update(Twin).where(Twin.group_id == group_id, Twin.consent.is_(None))
                            .values(consent=record))
            pending = list(session.scalars(select(Twin.id).where(Twin.group_id == group_id,
                                                                Twin.status == "pending_consent")))
            return [twin_id for twin_id in pending if session.execute(
                update(Twin).where(Twin.id == twin_id, Twin.status == "pending_consent").values(status="waiting")
            ).rowcount]

    def remove(self, twin_ids: list[str]) -> None:
        """Removes the records (files they name are the caller's to remove); ids with no record are skipped."""
        with self.db.session() as session:
            for twin in session.scalars(select(Twin).where(Twin.id.in_(twin_ids))):
                session.delete(twin)


def public_status(twin: Twin) -> str:
    """The status the API shows: a twin queued for training is already `processing` to the user."""
    return "processing" if twin.status == "waiting" else twin.status


def consent_required(runtime: Runtime) -> bool:
    return runtime.settings.twin_consent_required


def create(runtime: Runtime, key_id: str, api: str, name: str, footage: dict, *, group_id: str | None = None,
           script: str | None = None, callback_url: str | None = None, consent: dict | None = None) -> Twin:
    """A new look; in an existing group it inherits the group's consent. It starts `waiting` (ready to train) when
    consent is given or not required, else `pending_consent`."""
    twins = Twins(runtime.db)
    if consent is None and group_id is not None:
        consent = next((look.consent for look in twins.group(group_id) if look.consent), None)
    waiting = consent is not None or not consent_required(runtime)
    return twins.add(Twin(id=new_id(), group_id=group_id or new_id(), key_id=key_id, api=api, name=name,
                          footage=footage, script=script, callback_url=callback_url, consent=consent,
                          status="waiting" if waiting else "pending_consent", notes=[], files={}))


def delete(runtime: Runtime, twin_ids: list[str]) -> None:
    """The twins' records first (a render or a training that starts later finds nothing), then their files."""
    Twins(runtime.db).remove(twin_ids)
    for twin_id in twin_ids:
        runtime.blobs.delete_prefix(f"twins/{twin_id}/")
        runtime.blobs.delete_prefix(f"consents/{twin_id}/")
        shutil.rmtree(_cache_dir(runtime, twin_id), ignore_errors=True)


def store_files(runtime: Runtime, twin_id: str, directory: Path) -> dict[str, str]:
    """Upload every file of a prepared twin's directory (flat, as render/twin writes it); name -> blob key."""
    files = {}
    for path in sorted(directory.iterdir()):
        if path.is_file():
            files[path.name] = f"twins/{twin_id}/{path.name}"
            runtime.blobs.put_file(files[path.name], path)
    return files


def local_copy(runtime: Runtime, twin_id: str) -> Path:
    """A local directory holding every derived file of a ready twin, under their own names (what render/twin
    reads). Made once per host from the blob store, so workers on other hosts and S3 storage work; a finished
    twin never changes, so a complete copy stays valid until the twin is deleted."""
    twin = Twins(runtime.db).get(twin_id)
    if twin is None:
        raise TwinUnavailable(f"The digital twin {twin_id} was deleted before this video was rendered")
    if twin.status != READY:
        raise TwinUnavailable(f"avatar not ready: the digital twin {twin_id} is {public_status(twin)}")
    target = _cache_dir(runtime, twin_id)
    if target.is_dir():
        return target
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    partial.mkdir(parents=True)
    try:
        for name, key in twin.files.items():
            try:
                shutil.copyfile(runtime.blobs.local_path(key), partial / name)
            except KeyError:
                raise TwinUnavailable(f"The digital twin {twin_id} was deleted before this video was rendered") from None
        try:
            os.rename(partial, target)  # atomic: a concurrent render sees no directory or a whole one
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _cache_dir(runtime: Runtime, twin_id: str) -> Path:
    return runtime.settings.data_dir / "twin-cache" / twin_id
