"""Who is calling: `X-Api-Key` (any case) or `Authorization: Bearer <key>`."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from avatarstudio import keys
from avatarstudio.api.reads import database_read
from avatarstudio.errors import ServiceError


def presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def require_key(request: Request) -> str:
    """FastAPI dependency: the caller's key id, or 401 in the route's envelope.

    Async, so that the environment's key costs a comparison on the event loop; a stored key costs one read of
    two columns (api/reads.py says where it runs), skipped while the database is unchanged (ApiKeys.active_id): a
    key revoked by `avatarstudio keys revoke` fails on the next request. A plain function would cost every request
    a trip through the thread pool."""
    runtime = request.app.state.runtime
    presented = presented_key(request)
    if keys.is_env_key(runtime.settings.env_api_key, presented):
        key_id: str | None = keys.ENV_KEY_ID
    else:
        key_id = await database_read(runtime, keys.authenticate, runtime.db, runtime.settings.env_api_key, presented)
    if key_id is None:
        raise ServiceError("unauthorized", "Unauthorized")
    request.state.key_id = key_id  # for the access log line (api/telemetry.py)
    return key_id


Key = Annotated[str, Depends(require_key)]
"""A route's parameter for the caller's key id: declaring it makes the route answer only a valid key."""
