"""v3's Idempotency-Key: a repeat within 24 h replays the first response; a repeat while the first is still
being handled gets 409 request_in_progress; the same key with a different body is refused. A request ends its
record's flight however it ends; one whose process died mid-request is taken over after IN_FLIGHT_SECONDS."""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

from fastapi.responses import JSONResponse

from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.idempotency import IdempotentRequests

WINDOW_SECONDS = 24 * 3600
IN_FLIGHT_SECONDS = 120
"""Far longer than any create takes; a record in flight for longer belongs to a request whose process died."""


def idempotent(runtime: Runtime, key_id: str, idempotency_key: str | None, body: bytes,
               handle: Callable[[], dict]) -> JSONResponse:
    if not idempotency_key:
        return JSONResponse(handle())
    digest = hashlib.sha256(body).hexdigest()
    requests = IdempotentRequests(runtime.db)
    requests.forget_before(time.time() - WINDOW_SECONDS)
    requests.forget_in_flight_before(time.time() - IN_FLIGHT_SECONDS)
    if not requests.claim(key_id, idempotency_key, digest):
        return _replay(requests, key_id, idempotency_key, digest)
    try:
        result = handle()
    except BaseException:
        # Whatever ended the request (a refusal, a crash), it is no longer in flight: a retry must be handled.
        requests.release(key_id, idempotency_key)
        raise
    requests.finish(key_id, idempotency_key, 200, json.dumps(result))
    return JSONResponse(result)


def _replay(requests: IdempotentRequests, key_id: str, idempotency_key: str, digest: str) -> JSONResponse:
    row = requests.stored(key_id, idempotency_key)
    state, stored_hash, status, body = row.state, row.request_hash, row.status_code, row.response_body
    if stored_hash != digest:
        raise ServiceError("invalid_parameter", "Idempotency-Key was already used with a different request body",
                           param="Idempotency-Key")
    if state != "done":
        raise ServiceError("request_in_progress", "A request with this Idempotency-Key is still in progress",
                           param="Idempotency-Key")
    return JSONResponse(json.loads(body), status_code=status or 200, headers={"Idempotent-Replayed": "true"})
