"""Photo avatars being made from an image at a URL (models.PhotoImport): the state machine is store/jobs.py's."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.jobs import Jobs
from avatarstudio.store.models import Asset, PhotoImport


class PhotoImports(Jobs[PhotoImport]):
    kind = "photo_import"
    model = PhotoImport

    def pending(self) -> list[PhotoImport]:
        """Every import, newest first: none is a talking photo yet (waiting, processing, failed, or completed an
        instant ago and about to become one, when its record goes)."""
        with self.db.session() as session:
            return list(session.scalars(select(PhotoImport).order_by(PhotoImport.created_at.desc())))

    def make_talking_photo(self, import_id: str) -> bool:
        """A completed import becomes a talking photo, in one transaction: the asset (same id, the stored file) is
        added and the import record goes, so the look is never missing between the two. False when the import is
        not completed (or gone)."""
        with self.db.session() as session:
            job = session.get(PhotoImport, import_id)
            if job is None or job.status != "completed":
                return False
            session.add(Asset(id=job.id, key_id=job.key_id, name=job.name, file_type="image",
                              mime_type=job.mime_type, size_bytes=job.size_bytes, blob_key=job.files["image"],
                              is_talking_photo=True, created_at=job.created_at))
            session.delete(job)
            return True
