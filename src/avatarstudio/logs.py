"""Log lines: one JSON object per line for a log collector, or plain text for a terminal.

Every line carries what it is about without each caller repeating it: the request id, the caller's key id (never
the key) and the video id are context variables, set once where they become known (the HTTP middleware, the
render job) and read by the formatter. Anything passed as `extra=` to a log call becomes a field of its own.
"""
from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
key_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("key_id", default=None)
video_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("video_id", default=None)
CONTEXT = {"request_id": request_id, "key_id": key_id, "video_id": video_id}

# The attributes every LogRecord has; the rest were passed with `extra=` and are written as fields.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


@contextmanager
def about_video(video: str) -> Iterator[None]:
    """Tag the log lines written inside the block (in this thread) with the video they concern."""
    token = video_id.set(video)
    try:
        yield
    finally:
        video_id.reset(token)


def _fields(record: logging.LogRecord) -> dict:
    fields = {name: var.get() for name, var in CONTEXT.items() if var.get() is not None}
    fields.update({name: value for name, value in record.__dict__.items() if name not in _STANDARD})
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                + f".{int(record.msecs):03d}Z",
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        line.update(_fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The terminal's form: the message, then the same fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = " ".join(f"{name}={value}" for name, value in _fields(record).items())
        return f"{text} {fields}" if fields else text


def configure(log_format: str) -> None:
    """Route every logger (ours, uvicorn's, Huey's) through one handler on stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # httpx logs every request's full URL at INFO; a webhook's may carry a token in its query string, and
    # jobs/webhooks.py writes its own line per attempt without it.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
