"""The HTTP application: routers, envelopes, path normalisation. It translates wire formats; it never renders.

One rule for blocking work: a route that does any (database, blob store, waiting on a worker) is a plain `def`,
which FastAPI runs in its thread pool; an `async def` route only awaits the request's body, then hands the rest
to `run_in_threadpool`. Nothing blocks the event loop.
"""
from __future__ import annotations

import posixpath

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from avatarstudio import __version__
from avatarstudio.api import envelopes, openapi, unsupported
from avatarstudio.api.routes import (
    account, assets, avatars, files, glossaries, ops, photo_avatars, previews, speech, templates, videos, voice_design,
    voices, web, webhooks,
)
from avatarstudio.api.telemetry import Telemetry
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.repository import NotFound

DESCRIPTION = """A self-hosted, HeyGen-compatible avatar video API. Point a HeyGen client at this server's base
URL and keep its code: the same endpoints, JSON envelopes, status values, errors and webhooks.
Where HeyGen's documentation is silent, the behaviour chosen is described on each operation."""


class NormalisePath:
    """Resolves dot segments (`/v2/../v1/video_status.get`), which one official HeyGen client sends."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("/." in scope["path"] or "//" in scope["path"]):
            path = posixpath.normpath(scope["path"])
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(title="avatarstudio", version=__version__, description=DESCRIPTION)
    app.state.runtime = runtime

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        return envelopes.error_response(request, error)

    @app.exception_handler(NotFound)
    async def record_not_found(request: Request, missing: NotFound) -> JSONResponse:
        return envelopes.error_response(request, envelopes.not_found(missing))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        loc = [str(part) for part in first["loc"] if part not in ("body", "query", "path", "header")]
        param = ".".join(loc) or "body"
        return envelopes.error_response(request, ServiceError("invalid_parameter", f"{param} is invalid: {first['msg']}",
                                                              param=param))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code in (404, 405):
            known = unsupported.feature_for(request.method, request.url.path)
            if known is not None:
                feature, route = known
                return envelopes.error_response(request, ServiceError(
                    "not_supported", f"{feature} ({route}) is not supported by this server"))
        code = {404: "not_found", 405: "invalid_parameter"}.get(error.status_code, "invalid_parameter")
        response = envelopes.error_response(request, ServiceError(code, str(error.detail)))
        response.status_code = error.status_code
        return response

    for module in (videos, assets, avatars, voices, voice_design, speech, previews, photo_avatars, glossaries, webhooks,
                   account, templates, files, web, ops):
        app.include_router(module.router)
    openapi.install(app)
    app.add_middleware(Telemetry, metrics=runtime.metrics)
    app.add_middleware(NormalisePath)
    return app
