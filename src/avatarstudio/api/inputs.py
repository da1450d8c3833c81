"""What every route reads from a request: the runtime and a JSON body."""
from __future__ import annotations

import json

from fastapi import Request

from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


MAX_JSON_BYTES = 20 * 1024 * 1024
"""Room for a base64 photo or watermark inside a JSON body; anything larger is no HeyGen request."""
MAX_DEPTH = 32
"""HeyGen's deepest body nests about 6 levels."""


async def bounded_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 once it is known to exceed `limit` bytes: from Content-Length before anything is
    read, else while it streams in, so an oversized body is never held whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ServiceError:
    return ServiceError("payload_too_large", f"body is invalid: larger than {limit // (1024 * 1024)} MB",
                        param="body")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


async def json_body(request: Request) -> tuple[bytes, object]:
    """The raw body (idempotency hashes it) and its JSON value (None when empty); bad JSON names `body`."""
    raw = await bounded_body(request, MAX_JSON_BYTES)
    try:
        value = json.loads(raw or b"null", parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ServiceError("invalid_parameter", f"body is invalid: not JSON ({error.msg})", param="body") from None
    except UnicodeDecodeError:
        raise ServiceError("invalid_parameter", "body is invalid: not UTF-8 text", param="body") from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError as error:
        raise ServiceError("invalid_parameter", f"body is invalid: {error}", param="body") from None
    if _depth(value) > MAX_DEPTH:
        raise _too_deep()
    where = _nul_at(value)
    if where is not None:
        # PostgreSQL cannot store U+0000 in text, and no HeyGen field needs it: refuse it here, naming the field.
        raise ServiceError("invalid_parameter", f"{where} is invalid: contains a NUL character (\\u0000)",
                           param=where)
    return raw, value


def _too_deep() -> ServiceError:
    return ServiceError("invalid_parameter", f"body is invalid: nested deeper than {MAX_DEPTH} levels", param="body")


def _depth(value: object) -> int:
    """How deeply a JSON value nests, counted without recursion (the value may be thousands deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


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
