"""API keys. Only a SHA-256 of each key is stored; the key itself is shown once, when it is created."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from avatarstudio.store.db import Database
from avatarstudio.store.keys import ApiKeys
from avatarstudio.store.models import ApiKey

ENV_KEY_ID = "env"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(db: Database, name: str = "") -> tuple[ApiKey, str]:
    """A new key: the stored record and the plaintext, which is not kept anywhere."""
    plaintext = "as_" + secrets.token_urlsafe(32)
    record = ApiKeys(db).add(ApiKey(name=name, key_hash=_hash(plaintext), prefix=plaintext[:10]))
    return record, plaintext


def is_env_key(env_key: str | None, presented: str | None) -> bool:
    """Whether the key presented is the one in AVATARSTUDIO_API_KEY (a comparison; no I/O)."""
    return bool(presented and env_key and hmac.compare_digest(presented, env_key))


def authenticate(db: Database, env_key: str | None, presented: str | None) -> str | None:
    """The id of the key presented, or None when it is missing, unknown or revoked."""
    if not presented:
        return None
    if is_env_key(env_key, presented):
        return ENV_KEY_ID
    return ApiKeys(db).active_id(_hash(presented))
