"""Probes and metrics for whoever operates the service: outside the HeyGen API, its envelopes and its schema.

/healthz answers without a key and without touching anything (the process is up); /readyz answers 503 with the
reasons while the database, queue or storage cannot be reached or no worker is alive; /metrics is Prometheus's
text format.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from avatarstudio import __version__, health
from avatarstudio.api.inputs import runtime_of
from avatarstudio.scrape import scrape

router = APIRouter(include_in_schema=False)
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    checks = health.readiness(runtime_of(request))
    failed = [f"{check.name}: {check.detail}" for check in checks if not check.ok]
    body = {"status": "not ready" if failed else "ready", "reasons": failed,
            "checks": {check.name: check.detail for check in checks}}
    return JSONResponse(body, status_code=503 if failed else 200)


@router.get("/metrics")
def metrics(request: Request) -> PlainTextResponse:
    return PlainTextResponse(scrape(runtime_of(request)), media_type=PROMETHEUS_TEXT)
