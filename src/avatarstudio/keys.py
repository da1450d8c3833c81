"""API keys. Only a SHA-256 of each key is stored; the key itself is shown once, when it is created."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from avatarstudio.store.db import Database
from avatarstudio.store.models import ApiKey, now

ENV_KEY_ID = "env"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(db: Database, name: str = "") -> tuple[ApiKey, str]:
    """A new key: the stored record and the plaintext, which is not kept anywhere."""
    plaintext = "as_" + secrets.token_urlsafe(32)
    with db.session() as session:
        record = ApiKey(name=name, key_hash=_hash(plaintext), prefix=plaintext[:10])
        session.add(record)
    return record, plaintext


def list_keys(db: Database) -> list[ApiKey]:
    with db.session() as session:
        return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


def revoke_key(db: Database, key_id_or_prefix: str) -> bool:
    with db.session() as session:
        for record in session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None))):
            if key_id_or_prefix in (record.id, record.prefix):
                record.revoked_at = now()
                return True
    return False


def has_active_keys(db: Database) -> bool:
    with db.session() as session:
        return session.scalar(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)) is not None


def authenticate(db: Database, env_key: str | None, presented: str | None) -> str | None:
    """The id of the key presented, or None when it is missing, unknown or revoked."""
    if not presented:
        return None
    if env_key and hmac.compare_digest(presented, env_key):
        return ENV_KEY_ID
    with db.session() as session:
        record = session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(presented)))
        if record is None or record.revoked_at is not None:
            return None
        return record.id
