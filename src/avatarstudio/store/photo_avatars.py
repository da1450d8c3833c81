"""v2 photo avatar groups: groups of talking photos, and which group each talking photo is in."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.models import PhotoAvatarGroup, PhotoAvatarLook, new_id, now
from avatarstudio.store.repository import Repository


class PhotoAvatarGroups(Repository[PhotoAvatarGroup]):
    kind = "photo_avatar_group"
    model = PhotoAvatarGroup

    def create(self, name: str, first_look: str) -> PhotoAvatarGroup:
        """A new pending group holding the talking photo `first_look`, in one transaction."""
        group = PhotoAvatarGroup(id=new_id(), name=name, train_status="pending", created_at=now())
        with self.db.session() as session:
            session.add(group)
            session.flush()
            session.add(PhotoAvatarLook(asset_id=first_look, group_id=group.id))
        return group

    def add_look(self, group_id: str, asset_id: str) -> None:
        with self.db.session() as session:
            session.add(PhotoAvatarLook(asset_id=asset_id, group_id=group_id))

    def mark_trained(self, group_id: str) -> PhotoAvatarGroup:
        """Sets the group ready (again, if trained before); NotFound when there is none."""
        return self.update(group_id, train_status="ready", trained_at=now())

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
