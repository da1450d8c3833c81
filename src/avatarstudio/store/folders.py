"""Folders that videos and assets can be filed in (v1's /v1/folders). Trashed folders stay until restored."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.models import Folder
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import Repository


class Folders(Repository[Folder]):
    kind = "folder"
    model = Folder

    def usable(self, folder_id: str) -> bool:
        """Whether a video may be filed in this folder: it exists and is not in the trash."""
        folder = self.get(folder_id)
        return folder is not None and not folder.trashed

    def page(self, token: str | None, limit: int, trashed: bool = False, parent_id: str | None = None,
             name_contains: str | None = None) -> Page[Folder]:
        """Oldest first (ties by id): the trashed folders or the others, optionally one parent's or by name."""
        query = select(Folder).where(Folder.trashed.is_(trashed)).order_by(Folder.created_at, Folder.id)
        if parent_id:
            query = query.where(Folder.parent_id == parent_id)
        if name_contains:
            query = query.where(Folder.name.contains(name_contains))
        with self.db.session() as session:
            return page_of_query(session, query, token, limit)
