"""Who is calling: `X-Api-Key` (any case) or `Authorization: Bearer <key>`."""
from __future__ import annotations

from fastapi import Request

from avatarstudio import keys
from avatarstudio.errors import ServiceError


def presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_key(request: Request) -> str:
    """FastAPI dependency: the caller's key id, or 401 in the route's envelope."""
    runtime = request.app.state.runtime
    key_id = keys.authenticate(runtime.db, runtime.settings.env_api_key, presented_key(request))
    if key_id is None:
        raise ServiceError("unauthorized", "Unauthorized")
    request.state.key_id = key_id  # for the access log line (api/telemetry.py)
    return key_id
