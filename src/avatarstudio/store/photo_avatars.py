"""The photo avatar group repository (v2 groups of talking photos). Each method is one transaction."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.db import Database
from avatarstudio.store.models import PhotoAvatarGroup, PhotoAvatarLook, new_id, now


class PhotoAvatarStore:
    def __init__(self, db: Database):
        self.db = db

    def create_group(self, name: str, first_look: str) -> PhotoAvatarGroup:
        """A new pending group holding the talking photo `first_look`."""
        group = PhotoAvatarGroup(id=new_id(), name=name, train_status="pending", created_at=now())
        with self.db.session() as session:
            session.add(group)
            session.flush()
            session.add(PhotoAvatarLook(asset_id=first_look, group_id=group.id))
        return group

    def add_look(self, group_id: str, asset_id: str) -> None:
        with self.db.session() as session:
            session.add(PhotoAvatarLook(asset_id=asset_id, group_id=group_id))

    def group(self, group_id: str) -> PhotoAvatarGroup | None:
        with self.db.session() as session:
            return session.get(PhotoAvatarGroup, group_id)

    def mark_trained(self, group_id: str) -> PhotoAvatarGroup | None:
        """Sets the group ready (again, if trained before); None when there is no such group."""
        with self.db.session() as session:
            group = session.get(PhotoAvatarGroup, group_id)
            if group is not None:
                group.train_status, group.trained_at = "ready", now()
        return group

    def group_of(self, asset_id: str) -> PhotoAvatarGroup | None:
        """The group a talking photo belongs to, None when it is in none."""
        with self.db.session() as session:
            return session.scalar(select(PhotoAvatarGroup).join(
                PhotoAvatarLook, PhotoAvatarGroup.id == PhotoAvatarLook.group_id).where(
                PhotoAvatarLook.asset_id == asset_id))

    def memberships(self) -> dict[str, PhotoAvatarGroup]:
        """The group of every talking photo that is in one, by the photo's asset id."""
        with self.db.session() as session:
            rows = session.execute(select(PhotoAvatarLook.asset_id, PhotoAvatarGroup)
                                   .join(PhotoAvatarGroup, PhotoAvatarGroup.id == PhotoAvatarLook.group_id))
            return {asset_id: group for asset_id, group in rows}
