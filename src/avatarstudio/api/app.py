"""The HTTP application: routers, envelopes, path normalisation. It translates wire formats; it never renders.

One rule for blocking work: a route that does any (database, blob store, waiting on a worker) is a plain `def`,
which FastAPI runs in its thread pool; an `async def` route only awaits the request's body, then hands the rest
to `run_in_threadpool`. Nothing blocks the event loop. The one exception is the hot path (the key check and the
status calls): a short read of a local SQLite file runs inline, where it costs less than the trip (api/reads.py).
"""
from __future__ import annotations

import logging
import posixpath
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from avatarstudio import __version__, logs
from avatarstudio.api import envelopes, openapi, unsupported
from avatarstudio.api.routes import (
    account, assets, avatars, files, glossaries, lipsyncs, ops, photo_avatars, previews, speech, templates, twins,
    videos, voice_design, voices, web, webhooks,
)
from avatarstudio.api.telemetry import Telemetry
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.repository import NotFound

log = logging.getLogger(__name__)

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


class AnswerUnexpectedErrors:
    """Any exception no handler turned into a response becomes a 500 in the route family's envelope, logged with a
    request id that the answer carries too. Nothing is re-raised to the server, so the client's keep-alive
    connection stays usable; the message says nothing of the server's insides."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            # Telemetry (outside this middleware) has named the request and adds its id to the answer.
            known = logs.request_id.get()
            request_id = known or uuid.uuid4().hex
            log.exception("unexpected error answering %s %s (request %s)", scope["method"], scope["path"],
                          request_id)
            if started:
                raise
            error = ServiceError("internal_error", "An unexpected error occurred; the server's log has the details "
                                 f"under request id {request_id}")
            response = JSONResponse(envelopes.error_body(scope["path"], error), status_code=500,
                                    headers={} if known else {"X-Request-Id": request_id})
            await response(scope, receive, send)


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

    for module in (videos, assets, avatars, twins, lipsyncs, voices, voice_design, speech, previews, photo_avatars,
                   glossaries, webhooks, account, templates, files, web, ops):
        app.include_router(module.router)
    openapi.install(app)
    app.add_middleware(AnswerUnexpectedErrors)
    app.add_middleware(Telemetry, metrics=runtime.metrics)
    app.add_middleware(NormalisePath)
    return app
