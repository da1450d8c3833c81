"""Signed, expiring download links. A link names the blob key and its expiry; the HMAC covers both."""
from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote


def _signature(secret: str, key: str, expires: int) -> str:
    message = f"{key}\n{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_query(secret: str, key: str, ttl_seconds: int, now: float | None = None) -> str:
    """`expires=...&signature=...` granting access to `key` (a blob, or any name a page checks) until expiry."""
    expires = int((now or time.time()) + ttl_seconds)
    return f"expires={expires}&signature={_signature(secret, key, expires)}"


def signed_url(base_url: str, secret: str, key: str, ttl_seconds: int, now: float | None = None) -> str:
    return f"{base_url}/files/{quote(key)}?{signed_query(secret, key, ttl_seconds, now)}"


def verify(secret: str, key: str, expires: int, signature: str, now: float | None = None) -> bool:
    """True when the signature matches and the link has not expired."""
    if expires < (now or time.time()):
        return False
    return hmac.compare_digest(_signature(secret, key, expires), signature)
