"""Records of uploaded files (the bytes are in the blob store under each record's blob_key)."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.models import Asset
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import Repository


class Assets(Repository[Asset]):
    """An asset is added only after its blob is stored, so a visible asset always has its bytes."""

    kind = "asset"
    model = Asset

    def page(self, token: str | None, limit: int, folder_id: str | None = None) -> Page[Asset]:
        """Newest first, optionally one folder's."""
        query = select(Asset).order_by(Asset.created_at.desc())
        if folder_id:
            query = query.where(Asset.folder_id == folder_id)
        with self.db.session() as session:
            return page_of_query(session, query, token, limit)

    def by_key(self, id_or_blob_key: str) -> Asset | None:
        """The asset with this id, or else the one stored under this blob key (HeyGen's `image_key`)."""
        with self.db.session() as session:
            return session.get(Asset, id_or_blob_key) or session.scalar(
                select(Asset).where(Asset.blob_key == id_or_blob_key))

    def talking_photos(self) -> list[Asset]:
        """Every asset uploaded as a talking photo, newest first."""
        with self.db.session() as session:
            return list(session.scalars(select(Asset).where(Asset.is_talking_photo.is_(True))
                                        .order_by(Asset.created_at.desc())))
