"""What every route reads from a request: the runtime and a JSON body."""
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
        value = json.loads(raw or b"null")
    except json.JSONDecodeError as error:
        raise ServiceError("invalid_parameter", f"body is invalid: not JSON ({error.msg})", param="body") from None
    where = _nul_at(value)
    if where is not None:
        # PostgreSQL cannot store U+0000 in text, and no HeyGen field needs it: refuse it here, naming the field.
        raise ServiceError("invalid_parameter", f"{where} is invalid: contains a NUL character (\\u0000)",
                           param=where)
    return raw, value


def _nul_at(value: object, path: str = "") -> str | None:
    """The dotted path of the first string (or key) in a JSON value that contains U+0000, else None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return here
        found = _nul_at(item, here)
        if found is not None:
            return found
    return None
