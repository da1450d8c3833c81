"""The studio page: static HTML, CSS and script that drive the public API from a browser, with the user's API key.

It lives outside the API's schema and needs no key to load; everything it does goes through the same
authenticated endpoints a client's code calls. Only the files named here are served: nothing else in the package
can be reached through these routes.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from avatarstudio.errors import ServiceError

router = APIRouter(include_in_schema=False)

ASSETS = {"studio.css": "text/css", "studio.js": "text/javascript", "favicon.svg": "image/svg+xml"}


@cache
def _read(name: str) -> str:
    return files("avatarstudio").joinpath(f"web/{name}").read_text(encoding="utf-8")


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/studio")


@router.get("/studio")
def studio() -> HTMLResponse:
    return HTMLResponse(_read("studio.html"))


@router.get("/studio/{name}")
def studio_asset(name: str) -> Response:
    if name not in ASSETS:
        raise ServiceError("not_found", f"/studio/{name} not found", param="path")
    return Response(_read(name), media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on pages without an icon link (the API docs, a video's share page)."""
    return studio_asset("favicon.svg")
