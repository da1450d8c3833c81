"""Every request gets a request id (the client's X-Request-Id when it sent a usable one), returned in the
X-Request-Id header of every family's responses and written on every log line the request causes; then one
access log line and this process's request counters.

The route is the path template (`/v2/videos/{video_id}`), not the path, so that counters stay a bounded set.
"""
from __future__ import annotations

import logging
import os
import re
import time
import uuid
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from avatarstudio import logs
from avatarstudio.metrics import ProcessMetrics

access = logging.getLogger("avatarstudio.access")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
"""What is echoed of a client's X-Request-Id: a token of safe characters, so a header cannot forge log content."""
PID = os.getpid()
"""Which of serve's API processes answered (processes.py), on each access line."""


def _client_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            sent = value.decode("latin-1")
            return sent if REQUEST_ID.fullmatch(sent) else None
    return None


def _video_id(scope: Scope) -> str | None:
    """The video a request concerns: named in its path or query, or the one it created (see routes/videos.py)."""
    named = scope.get("state", {}).get("video_id") or scope.get("path_params", {}).get("video_id")
    if named:
        return named
    if b"video_id" in scope.get("query_string", b""):
        return parse_qs(scope["query_string"].decode("latin-1")).get("video_id", [None])[0]
    return None


class Telemetry:
    def __init__(self, app: ASGIApp, metrics: ProcessMetrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _client_request_id(scope) or uuid.uuid4().hex
        header = (b"x-request-id", request_id.encode())
        status = 500
        token = logs.request_id.set(request_id)
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            logs.request_id.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        self.metrics.observe_request(scope["method"], template, status, seconds)
        fields = {"method": scope["method"], "path": scope["path"], "route": template, "status": status,
                  "duration_ms": round(seconds * 1000, 2), "key_id": scope.get("state", {}).get("key_id"),
                  "video_id": _video_id(scope), "client": (scope.get("client") or ("", 0))[0], "pid": PID}
        access.info("%s %s %d", scope["method"], scope["path"], status,
                    extra={name: value for name, value in fields.items() if value is not None})
