"""The three response envelopes, and the one place a ServiceError (or a record not found) becomes an error response.

The family is the route's: /v1/... answers in v1's envelope, /v2/... in v2's, /v3/... in v3's (errors too).
"""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from avatarstudio.errors import ServiceError
from avatarstudio.store.paging import page_of_list
from avatarstudio.store.repository import NotFound

DOC_URL = "/docs"

NOT_FOUND = {
    "video": ("video_not_found", "Video", "video_id"),
    "asset": ("asset_not_found", "Asset", "asset_id"),
    "folder": ("not_found", "Folder", "folder_id"),
    "batch": ("not_found", "Batch", "batch_id"),
    "webhook_endpoint": ("not_found", "Webhook endpoint", "endpoint_id"),
    "template": ("not_found", "Template", "template_id"),
    "photo_avatar_group": ("avatar_not_found", "Photo avatar group", "group_id"),
    "brand_glossary": ("not_found", "Brand glossary", "glossary_id"),
    "twin": ("avatar_not_found", "Avatar", "avatar_id"),
    "lipsync": ("not_found", "Lipsync", "lipsync_id"),
    "photo_import": ("avatar_not_found", "Avatar", "avatar_id"),
}
"""A missing record of each kind (store.NotFound) as HeyGen reports it: code, the record's name, the parameter."""


def family(path: str) -> str:
    for name in ("v1", "v2", "v3"):
        if path.startswith(f"/{name}/"):
            return name
    return "v3"


V1_SUCCESS = "Success"


def v1(data: Any, message: str | None = V1_SUCCESS) -> dict:
    """v1's success envelope. `message` is a string: HeyGen's strict clients (pydantic models of its live
    responses, e.g. its MCP server's) refuse a null one. Seed 000's create example shows null, so that route
    passes None."""
    return {"code": 100, "data": data, "msg": None, "message": message}


def v2(data: Any) -> dict:
    return {"error": None, "data": data}


def v3(data: Any) -> dict:
    return {"data": data}


def v3_page(items: list, has_more: bool = False, next_token: str | None = None) -> dict:
    return {"data": items, "has_more": has_more, "next_token": next_token}


def v3_list_page(items: list, limit: int, token: str | None) -> dict:
    """The page of a whole list of `items` that `token` asks for."""
    page = page_of_list(items, token, limit)
    return v3_page(page.items, page.has_more, page.next_token)


def error_body(path: str, error: ServiceError) -> dict:
    name = family(path)
    if name == "v1":
        return {"code": error.v1_code, "message": error.message}
    if name == "v2":
        return {"data": None, "error": {"code": error.code, "message": error.message}}
    return {"error": {"code": error.code, "message": error.message, "param": error.param, "doc_url": DOC_URL}}


def not_found(missing: NotFound) -> ServiceError:
    code, name, param = NOT_FOUND[missing.kind]
    return ServiceError(code, f"{name} {missing.record_id} not found", param=param)


def error_response(request: Request, error: ServiceError) -> JSONResponse:
    headers = {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error_body(request.url.path, error), status_code=error.status, headers=headers)
