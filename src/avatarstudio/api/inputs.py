"""What every route reads from a request: the runtime, a JSON body, a list-page token."""
from __future__ import annotations

import json

from fastapi import Request

from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


async def json_body(request: Request) -> tuple[bytes, object]:
    """The raw body (idempotency hashes it) and its JSON value (None when empty); bad JSON names `body`."""
    raw = await request.body()
    try:
        return raw, json.loads(raw or b"null")
    except json.JSONDecodeError as error:
        raise ServiceError("invalid_parameter", f"body is invalid: not JSON ({error.msg})", param="body") from None


def offset(token: str | None) -> int:
    """List tokens are the offset of the next page."""
    return int(token) if token and token.isdigit() else 0
