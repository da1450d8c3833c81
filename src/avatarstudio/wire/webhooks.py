"""Webhook endpoint bodies, v1 and v3: registering an endpoint and changing one."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator

from avatarstudio.jobs.webhooks import SUBSCRIBABLE
from avatarstudio.wire.common import HttpUrl, Wire


def _known_event(name: str) -> str:
    if name not in SUBSCRIBABLE:
        raise ValueError(f"unknown event type {name!r}; GET /v3/webhooks/event-types lists them")
    return name


# Item-level validation, so that an unknown type is reported as `events.N`.
EventType = Annotated[str, AfterValidator(_known_event)]


class EndpointCreate(Wire):
    """Both families' create body; `events` missing or null subscribes to every event type."""

    url: HttpUrl
    events: list[EventType] | None = None
    entity_id: str | None = None


class EndpointChange(Wire):
    """v3's PATCH body (and the core of v1's). A field left out keeps its value; `events: null` means all."""

    url: HttpUrl | None = None
    events: list[EventType] | None = None


class V1EndpointChange(EndpointChange):
    endpoint_id: str
    status: Literal["enabled", "disabled"] | None = None
