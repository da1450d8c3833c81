"""API key records: a SHA-256 of each key, never the key itself (keys.py makes and checks them)."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.models import ApiKey, now
from avatarstudio.store.repository import Repository


class ApiKeys(Repository[ApiKey]):
    """Key hashes are unique (adding a duplicate raises IntegrityError); a revoked key never authenticates again."""

    kind = "api_key"
    model = ApiKey

    def all(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self.db.session() as session:
            return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))

    def revoke(self, key_id_or_prefix: str) -> bool:
        """Revokes the first active key with this id or prefix; False when there is none."""
        with self.db.session() as session:
            for record in session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None))):
                if key_id_or_prefix in (record.id, record.prefix):
                    record.revoked_at = now()
                    return True
        return False

    def any_active(self) -> bool:
        """Whether at least one key is not revoked."""
        with self.db.session() as session:
            return session.scalar(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)) is not None

    def active_by_hash(self, key_hash: str) -> ApiKey | None:
        """The unrevoked key with this hash, or None."""
        with self.db.session() as session:
            record = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))
        return record if record is not None and record.revoked_at is None else None
