"""What every route reads from a request: the runtime and a JSON body."""
from __future__ import annotations

import json

from typing import Annotated

from fastapi import Query, Request
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime


Limit = Annotated[int, Query(ge=1, le=100)]
"""A list's page size: HeyGen's lists take 1 to 100 items a page (each route sets its own default)."""


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


MAX_JSON_BYTES = 20 * 1024 * 1024
"""Room for a base64 photo or watermark inside a JSON body; anything larger is no HeyGen request."""
MAX_DEPTH = 32
"""HeyGen's deepest body nests about 6 levels."""


async def bounded_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 once it is known to exceed `limit` bytes (see _bounded)."""
    return await _bounded(request, limit, limit, "body").body()


MULTIPART_OVERHEAD = 64 * 1024
"""Room for the boundaries, part headers and small fields around the file of a multipart body."""


async def bounded_form(request: Request, file_limit: int, param: str = "file") -> FormData:
    """The multipart form of an upload of at most `file_limit` bytes (one file; the caller closes the form),
    refused with 413 naming `param` as soon as the body is known to be too large (see _bounded). Starlette would
    otherwise spool a body of any size to disk before the route could look at it."""
    counted = _bounded(request, file_limit + MULTIPART_OVERHEAD, file_limit, param)
    return await counted.form(max_files=1, max_fields=16)


async def form_file(form: FormData, field: str, limit: int, required: bool = True) -> tuple[bytes, str]:
    """The bytes and file name of the file in `field` of a form read by bounded_form (b"" and "" when it is absent
    and not `required`); over `limit` bytes is a 413 naming the field."""
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        if required or upload not in (None, ""):
            raise ServiceError("invalid_parameter", f"{field} is invalid: a file is required", param=field)
        return b"", ""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(field, limit)
    return data, upload.filename or ""


def _bounded(request: Request, limit: int, stated: int, param: str) -> Request:
    """The request, read through a running count of its bytes: refused from Content-Length before anything is read
    when it declares more than `limit`, else as soon as the bytes streamed in pass it, so an oversized body is never
    held whole. The refusal names `param` and states `stated` bytes as the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(param, stated)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _too_large(param, stated)
        return message

    return Request(request.scope, receive)


def _too_large(param: str, limit: int) -> ServiceError:
    return ServiceError("payload_too_large", f"{param} is invalid: larger than {limit // (1024 * 1024)} MB",
                        param=param)


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
