"""Webhook events: who receives an event, its exact body and signature, and delivery with retries.

Registered endpoints get only the events they subscribed to (none listed = all), only for their entity when
they are scoped to one, and signatures: HeyGen's (hex HMAC-SHA256 of the body keyed by the whole secret string, in
`Signature` and `Heygen-Signature`) and Standard Webhooks' (`webhook-signature: v1,<base64 HMAC-SHA256 of
id.timestamp.body>` keyed by the secret's decoded bytes), whose signed timestamp lets a receiver refuse a replayed
delivery. A request's own callback_url gets every event of its video, unsigned, as HeyGen documents.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from avatarstudio import outbound

from avatarstudio.store.db import Database
from avatarstudio.store.models import new_id
from avatarstudio.store.webhooks import Delivery, WebhookEvents

log = logging.getLogger(__name__)

EVENT_TYPES = {
    "avatar_video.success": "A video finished rendering.",
    "avatar_video.fail": "A video could not be rendered; event_data.msg says why.",
    "avatar_video_gif.success": "A video's GIF preview is ready.",
    "avatar_video_gif.fail": "A video's GIF preview could not be made.",
    "avatar_video_caption.success": "A video's captioned copy and caption files are ready.",
    "avatar_video_caption.fail": "A video's captions could not be made.",
    "batch.finished": "Every item (video or lipsync) of a batch reached a final state.",
    "photo_avatar_train.success": "A photo avatar group was trained (at once: talking photos need no training), or a "
                                  "photo avatar made from an image URL is ready.",
    "photo_avatar_train.fail": "A photo avatar made from an image URL could not be made; event_data.msg says why.",
    "instant_avatar.success": "A digital twin finished training and can be used as avatar_id.",
    "instant_avatar.fail": "A digital twin could not be made from its footage; event_data.msg says why.",
    "lipsync.success": "A lipsync finished; event_data.url is the re-synced video.",
    "lipsync.fail": "A lipsync could not be made; event_data.msg says why.",
}
"""The events this server sends."""

NEVER_SENT = {
    "video_translate.success": "A video translation finished.",
    "video_translate.fail": "A video translation failed.",
    "video_translate.preflight.validation_failed": "A video translation's input was refused before it started.",
    "video_translate.preflight.download_failed": "A video translation's input could not be downloaded.",
    "personalized_video": "A personalized video campaign produced a video.",
    "photo_avatar_generation.success": "AI-generated photos for a photo avatar are ready.",
    "photo_avatar_generation.fail": "AI photo generation for a photo avatar failed.",
    "photo_avatar_add_motion.success": "Motion was added to a photo avatar.",
    "photo_avatar_add_motion.fail": "Motion could not be added to a photo avatar.",
    "proofread_creation.success": "A translation proofread was created.",
    "proofread_creation.fail": "A translation proofread could not be created.",
    "live_avatar.success": "A live (streaming) avatar session finished.",
    "live_avatar.fail": "A live (streaming) avatar session failed.",
    "video_agent.success": "A video agent session made its video.",
    "video_agent.fail": "A video agent session failed.",
    "hyperframes_video.success": "A HyperFrames video finished.",
    "hyperframes_video.fail": "A HyperFrames video failed.",
    "ai_clipping.success": "AI clipping produced its clips.",
    "ai_clipping.fail": "AI clipping failed.",
}
"""Events HeyGen documents for products this server does not have. Endpoints may subscribe to them (a client
written for HeyGen registers its usual list), and the event-type lists mark them as never sent here."""

SUBSCRIBABLE = {**EVENT_TYPES, **NEVER_SENT}

# Deliveries and the registration probe (webhook_probe.py) say who sends them, so a receiver can allow us by it.
USER_AGENT = "avatarstudio-webhooks"


PRIVATE_RECEIVERS = "AVATARSTUDIO_ALLOW_PRIVATE_WEBHOOKS"
LEASE_MARGIN_SECONDS = 15.0
"""How long past an attempt's own deadline its lease lasts: room to record the outcome, so a live worker's attempt
is never taken for a cut-off one."""


def receivers(allow_private: bool) -> outbound.Reach:
    """Where deliveries and the registration probe may go: never link-local or metadata addresses; private and
    loopback receivers (a local n8n) unless the installation is shared and says otherwise."""
    return outbound.Reach(allow_private, PRIVATE_RECEIVERS)


def sign(secret: str, body: bytes) -> str:
    """HeyGen's signature: hex HMAC-SHA256 of the body, keyed by the whole secret string."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def secret_key(secret: str) -> bytes:
    """Standard Webhooks' key: the bytes that the base64 after `whsec_` encodes (either alphabet, padding
    optional); a secret in another form is used as it is."""
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded.replace("-", "+").replace("_", "/") + "=" * (-len(encoded) % 4),
                                validate=True)
    except (binascii.Error, ValueError):
        return secret.encode()


def sign_standard(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of Standard Webhooks."""
    signed = hmac.new(secret_key(secret), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(signed).decode()


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")


def emit(db: Database, event_type: str, event_data: dict, entity_id: str | None,
         callback_url: str | None) -> list[str]:
    """Record one event for each receiver; returns the delivery ids to enqueue."""
    event_id = new_id()
    created = time.time()
    payload = {"event_type": event_type, "event": event_type, "event_id": event_id, "created_at": iso(created),
               "event_data": event_data}
    body = json.dumps(payload, separators=(",", ":"))
    return WebhookEvents(db).record(event_id, event_type, entity_id, body, created, callback_url)


def deliver(db: Database, delivery_id: str, reach: outbound.Reach, seconds: float) -> bool | None:
    """One attempt, over within `seconds`, under a lease a little longer (a worker killed mid-attempt leaves the
    lease to run out, and the reaper queues the delivery again). True: delivered; False: failed, worth retrying;
    None: nothing to do (not pending, or another worker's attempt is in flight)."""
    events = WebhookEvents(db)
    delivery = events.claim(delivery_id, seconds + LEASE_MARGIN_SECONDS)
    if delivery is None:
        return None
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "webhook-id": delivery.event_id, "webhook-timestamp": str(timestamp)}
    if delivery.secret is not None:
        signature = sign(delivery.secret, delivery.body)
        headers.update({"Signature": signature, "Heygen-Signature": signature,
                        "Heygen-Timestamp": str(timestamp), "Heygen-Event-Id": delivery.event_id,
                        "webhook-signature": sign_standard(delivery.secret, delivery.event_id, timestamp,
                                                           delivery.body)})
    status_code, error = None, None
    try:
        with outbound.request("POST", delivery.url, reach, seconds, headers, delivery.body) as response:
            status_code = response.status
            for _ in response.chunks:  # read within the deadline, so the connection ends cleanly
                pass
        ok = 200 <= status_code < 300
        if not ok:
            error = f"HTTP {status_code}"
    except outbound.Refused as refused:
        ok, error = False, refused.reason
    attempt = events.attempted(delivery_id, ok, status_code, error)
    _log_attempt(delivery, attempt, status_code, error)
    return ok


def _log_attempt(delivery: Delivery, attempt: int, status_code: int | None, error: str | None) -> None:
    """One line per attempt. The receiver is named without its query string, which may carry a token."""
    where = urlsplit(delivery.url)
    fields = {"event_type": delivery.event_type, "event_id": delivery.event_id, "attempt": attempt,
              "status_code": status_code, "outcome": "failed" if error else "delivered",
              "receiver": f"{where.scheme}://{where.netloc}{where.path}"}
    if delivery.entity_id:
        fields["video_id"] = delivery.entity_id
    log.log(logging.WARNING if error else logging.INFO, "webhook %s attempt %d to %s: %s", delivery.event_type,
            attempt, fields["receiver"], error or f"HTTP {status_code}", extra=fields)
