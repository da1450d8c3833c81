"""Registered webhook endpoints (v1 and v3) and the v3 event history. Delivery itself lives in jobs/webhooks.py.

Endpoints belong to the service, not to one API key: the delivery side sends every event to every enabled
endpoint that subscribed to it, whoever registered it.
"""
from __future__ import annotations

import base64
import json
import secrets
from functools import partial

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from avatarstudio.api import envelopes
from avatarstudio.api.remote import off_the_shared_pool
from avatarstudio.api.inputs import Limit, json_body, runtime_of
from avatarstudio.api.auth import Key
from avatarstudio.errors import ServiceError, invalid
from avatarstudio.jobs.webhook_probe import endpoint_problem
from avatarstudio.jobs.webhooks import EVENT_TYPES, SUBSCRIBABLE, iso, receivers
from avatarstudio.runtime import Runtime
from avatarstudio.store.models import WebhookEndpoint, WebhookEvent
from avatarstudio.store.paging import Page
from avatarstudio.store.webhooks import WebhookEndpoints, WebhookEvents
from avatarstudio.wire.common import parse
from avatarstudio.wire.webhooks import EndpointChange, EndpointCreate, V1EndpointChange

router = APIRouter()


# --- helpers ---------------------------------------------------------------------------------------------

def _new_secret() -> str:
    """Standard Webhooks' form: whsec_ and the base64 of 32 random bytes, the bytes being the signing key."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _view(endpoint: WebhookEndpoint, show_secret: bool) -> dict:
    """One endpoint in both families' shape; v3 shows the secret only on create and rotate-secret."""
    return {"endpoint_id": endpoint.id, "url": endpoint.url, "secret": endpoint.secret if show_secret else None,
            "status": endpoint.status, "events": endpoint.events, "entity_id": endpoint.entity_id,
            "created_at": iso(endpoint.created_at)}


async def _probe(runtime: Runtime, url: str | None) -> None:
    """Refuses a url that does not answer HeyGen's registration probe; None (url unchanged) needs no probe.

    The probe runs before the endpoint is looked up or stored, so a refused url never replaces a working one.
    It can take a second, so it runs on the remote lane, never on the event loop or the shared threads.
    """
    if url is None:
        return
    problem = await off_the_shared_pool(endpoint_problem, url, receivers(runtime.settings.allow_private_webhooks))
    if problem is not None:
        raise invalid("url", problem)


async def _create(runtime: Runtime, change: EndpointCreate) -> WebhookEndpoint:
    await _probe(runtime, change.url)
    endpoint = WebhookEndpoint(url=change.url, secret=_new_secret(), events=change.events, status="enabled",
                               entity_id=change.entity_id)
    return await run_in_threadpool(WebhookEndpoints(runtime.db).add, endpoint)


async def _update(runtime: Runtime, endpoint_id: str, change: EndpointChange) -> WebhookEndpoint:
    """Applies the fields the caller sent; `events` is replaced whole, never merged."""
    await _probe(runtime, change.url)
    changes = {name: getattr(change, name) for name in change.model_fields_set & {"url", "events", "status"}
               if getattr(change, name) is not None or name == "events"}
    return await run_in_threadpool(partial(WebhookEndpoints(runtime.db).update, endpoint_id, **changes))


def _page(page: Page, view) -> dict:
    return envelopes.v3_page([view(item) for item in page.items], page.has_more, page.next_token)


# --- v1 --------------------------------------------------------------------------------------------------

@router.post("/v1/webhook/endpoint.add", summary="Register a webhook endpoint (v1); no `events` means all")
async def add_v1(request: Request, key_id: Key) -> dict:
    endpoint = await _create(runtime_of(request), parse(EndpointCreate, (await json_body(request))[1]))
    return envelopes.v1(_view(endpoint, show_secret=True))


@router.get("/v1/webhook/endpoint.list", summary="List webhook endpoints (v1 includes each secret)")
def list_v1(request: Request, key_id: Key) -> dict:
    endpoints = WebhookEndpoints(runtime_of(request).db).all()
    return envelopes.v1([_view(endpoint, show_secret=True) for endpoint in endpoints])


@router.patch("/v1/webhook/endpoint.update",
              summary="Change a webhook endpoint's url, events or status (enabled/disabled)")
@router.post("/v1/webhook/endpoint.update", operation_id="update_v1_webhook_endpoint_post",
             summary="Change a webhook endpoint (POST, for clients that cannot send PATCH)")
async def update_v1(request: Request, key_id: Key) -> dict:
    change = parse(V1EndpointChange, (await json_body(request))[1])
    endpoint = await _update(runtime_of(request), change.endpoint_id, change)
    return envelopes.v1(_view(endpoint, show_secret=True))


@router.delete("/v1/webhook/endpoint.delete", summary="Delete a webhook endpoint (v1, `?endpoint_id=`)")
def delete_v1(request: Request, key_id: Key, endpoint_id: str) -> dict:
    WebhookEndpoints(runtime_of(request).db).delete(endpoint_id)
    return envelopes.v1({"endpoint_id": endpoint_id})


@router.delete("/v1/webhook/endpoint.delete/{endpoint_id}", summary="Delete a webhook endpoint (v1, id in path)")
def delete_v1_path(request: Request, key_id: Key, endpoint_id: str) -> dict:
    return delete_v1(request, key_id, endpoint_id)


@router.get("/v1/webhook/webhook.list", summary="The event types an endpoint can subscribe to (v1)")
def event_types_v1(request: Request, key_id: Key) -> dict:
    return envelopes.v1(list(SUBSCRIBABLE))


# --- v3 --------------------------------------------------------------------------------------------------

@router.post("/v3/webhooks/endpoints", summary="Register a webhook endpoint; the secret is shown only here")
async def create_v3(request: Request, key_id: Key) -> dict:
    endpoint = await _create(runtime_of(request), parse(EndpointCreate, (await json_body(request))[1]))
    return envelopes.v3(_view(endpoint, show_secret=True))


@router.get("/v3/webhooks/endpoints", summary="List webhook endpoints, newest first (secrets are null)")
def list_v3(request: Request, key_id: Key, limit: Limit = 20, token: str | None = None) -> dict:
    page = WebhookEndpoints(runtime_of(request).db).page(token, limit)
    return _page(page, lambda endpoint: _view(endpoint, show_secret=False))


@router.patch("/v3/webhooks/endpoints/{endpoint_id}", summary="Change an endpoint's url or events (events replaced)")
async def update_v3(request: Request, key_id: Key, endpoint_id: str) -> dict:
    endpoint = await _update(runtime_of(request), endpoint_id, parse(EndpointChange, (await json_body(request))[1]))
    return envelopes.v3(_view(endpoint, show_secret=False))


@router.delete("/v3/webhooks/endpoints/{endpoint_id}", summary="Delete a webhook endpoint")
def delete_v3(request: Request, key_id: Key, endpoint_id: str) -> dict:
    WebhookEndpoints(runtime_of(request).db).delete(endpoint_id)
    return envelopes.v3({"endpoint_id": endpoint_id})


@router.post("/v3/webhooks/endpoints/{endpoint_id}/rotate-secret",
             summary="Replace an endpoint's signing secret; the old one stops working at once")
def rotate_secret_v3(request: Request, key_id: Key, endpoint_id: str) -> dict:
    endpoint = WebhookEndpoints(runtime_of(request).db).update(endpoint_id, secret=_new_secret())
    return envelopes.v3({"endpoint_id": endpoint.id, "secret": endpoint.secret})


@router.get("/v3/webhooks/event-types", summary="The event types an endpoint can subscribe to, described; "
            "`emitted: false` marks HeyGen's events for products this server does not have")
def event_types_v3(request: Request, key_id: Key) -> dict:
    return envelopes.v3_page([
        {"event_type": name, "emitted": name in EVENT_TYPES,
         "description": text if name in EVENT_TYPES else f"Never sent by this server. HeyGen: {text}"}
        for name, text in SUBSCRIBABLE.items()])


def _history_item(rows: list[WebhookEvent]) -> dict:
    """One event from its receivers' rows; every row carries the same body."""
    first = rows[0]
    return {"event_id": first.event_id, "event_type": first.event_type,
            "event_data": json.loads(first.body).get("event_data", {}), "created_at": iso(first.created_at),
            "deliveries": [{"endpoint_id": row.endpoint_id, "url": row.url, "status": row.status,
                            "attempts": row.attempts} for row in rows]}


@router.get("/v3/webhooks/events", summary="History of webhook events, newest first, with each receiver's delivery")
def events_v3(request: Request, key_id: Key, event_type: str | None = None, entity_id: str | None = None,
              limit: Limit = 20, token: str | None = None) -> dict:
    if event_type and event_type not in SUBSCRIBABLE:
        raise ServiceError("invalid_parameter", f"event_type is invalid: unknown event type {event_type!r}",
                           param="event_type")
    return _page(WebhookEvents(runtime_of(request).db).history(token, limit, event_type, entity_id), _history_item)


@router.post("/v3/webhooks/events/{event_id}/redeliver",
             summary="Send an event again to each of its receivers, with a fresh retry schedule")
def redeliver_v3(request: Request, key_id: Key, event_id: str) -> dict:
    runtime = runtime_of(request)
    delivery_ids = WebhookEvents(runtime.db).redeliver(event_id)
    if not delivery_ids:
        raise ServiceError("not_found", f"Webhook event {event_id} not found", param="event_id")
    runtime.queue.deliver(delivery_ids)
    return envelopes.v3({"event_id": event_id, "deliveries": len(delivery_ids)})
