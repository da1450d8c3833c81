"""API key records: a SHA-256 of each key, never the key itself (keys.py makes and checks them)."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from avatarstudio.store.models import ApiKey, now
from avatarstudio.store.repository import Repository

ACTIVE_ID = select(ApiKey.id, ApiKey.revoked_at).where(ApiKey.key_hash == bindparam("key_hash"))


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

    def active_id(self, key_hash: str) -> str | None:
        """The id of the unrevoked key with this hash, or None. Every request asks, so it reads two columns
        without the ORM, and not again while nothing in the database has changed (Database.remembered): a key
        revoked by another process fails on the next request all the same."""
        return self.db.remembered(("active key", key_hash), lambda: self._active_id(key_hash))

    def _active_id(self, key_hash: str) -> str | None:
        with self.db.engine.connect() as connection:
            found = connection.execute(ACTIVE_ID, {"key_hash": key_hash}).first()
        return found.id if found is not None and found.revoked_at is None else None
