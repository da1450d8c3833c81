"""The try-it page: one static HTML file that drives the public API from a browser, with the user's API key.

It lives outside the API's schema and needs no key to load; everything it does goes through the same
authenticated endpoints a client's code calls.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

router = APIRouter(include_in_schema=False)


@cache
def _page() -> str:
    return files("avatarstudio").joinpath("web/studio.html").read_text(encoding="utf-8")


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/studio")


@router.get("/studio")
def studio() -> HTMLResponse:
    return HTMLResponse(_page())
