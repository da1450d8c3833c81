"""Registered webhook endpoints, and webhook events: one row per event and receiver, with its delivery attempts."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, delete, func, select, update

from avatarstudio.store.models import WebhookAttempt, WebhookEndpoint, WebhookEvent, new_id, now
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import Repository


class WebhookEndpoints(Repository[WebhookEndpoint]):
    """Events emitted after an endpoint is added reach it; a deleted endpoint's past events stay in the history."""

    kind = "webhook_endpoint"
    model = WebhookEndpoint

    def _newest_first(self):
        return select(WebhookEndpoint).order_by(WebhookEndpoint.created_at.desc(), WebhookEndpoint.id)

    def all(self) -> list[WebhookEndpoint]:
        """Every endpoint, newest first."""
        with self.db.session() as session:
            return list(session.scalars(self._newest_first()))

    def page(self, token: str | None, limit: int) -> Page[WebhookEndpoint]:
        """Newest first (ties by id)."""
        with self.db.session() as session:
            return page_of_query(session, self._newest_first(), token, limit)


@dataclass(frozen=True)
class Delivery:
    """What one delivery attempt needs: where, what, and the secret to sign with (None: a callback_url)."""

    url: str
    body: bytes
    event_id: str
    secret: str | None
    event_type: str
    entity_id: str | None


class WebhookEvents(Repository[WebhookEvent]):
    kind = "webhook_event"
    model = WebhookEvent

    def record(self, event_id: str, event_type: str, entity_id: str | None, body: str, created: float,
               callback_url: str | None) -> list[str]:
        """Records the event once for each receiver, in one transaction: every enabled endpoint that subscribed to
        its type (none listed = all) and is scoped to no entity or to this one, then `callback_url`. Returns the
        new rows' ids, to deliver."""
        with self.db.session() as session:
            receivers: list[tuple[str | None, str]] = [
                (endpoint.id, endpoint.url)
                for endpoint in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.status == "enabled"))
                if (not endpoint.events or event_type in endpoint.events) and endpoint.entity_id in (None, entity_id)
            ]
            if callback_url:
                receivers.append((None, callback_url))
            rows = [WebhookEvent(id=new_id(), event_id=event_id, event_type=event_type, entity_id=entity_id,
                                 endpoint_id=endpoint_id, url=url, body=body, created_at=created)
                    for endpoint_id, url in receivers]
            session.add_all(rows)
        return [row.id for row in rows]

    def claim(self, delivery_id: str, lease_seconds: float) -> Delivery | None:
        """The delivery, leased to the caller for `lease_seconds` to make one attempt, signed with its endpoint's
        current secret; None when it is not pending (delivered, given up, gone) or another attempt holds its
        lease. One guarded UPDATE: of two workers handed the same delivery, one attempts it."""
        claimed = update(WebhookEvent).where(
            WebhookEvent.id == delivery_id, WebhookEvent.status == "pending",
            (WebhookEvent.claimed_until.is_(None)) | (WebhookEvent.claimed_until < now()),
        ).values(claimed_until=now() + lease_seconds)
        with self.db.session() as session:
            if session.execute(claimed).rowcount != 1:
                return None
            row = session.get(WebhookEvent, delivery_id)
            endpoint = session.get(WebhookEndpoint, row.endpoint_id) if row.endpoint_id else None
            return Delivery(row.url, row.body.encode(), row.event_id, endpoint.secret if endpoint else None,
                            row.event_type, row.entity_id)

    def attempted(self, delivery_id: str, delivered: bool, status_code: int | None, error: str | None) -> int:
        """Counts one attempt with its outcome, atomically with marking the event delivered when it was and with
        ending the attempt's lease; returns the attempt's number."""
        with self.db.session() as session:
            row = session.get(WebhookEvent, delivery_id)
            row.attempts += 1
            row.claimed_until = None
            session.add(WebhookAttempt(event_id=delivery_id, number=row.attempts, status_code=status_code,
                                       error=error))
            if delivered:
                row.status = "delivered"
            return row.attempts

    def take_back_cut_off(self) -> list[tuple[str, int]]:
        """The pending deliveries whose attempt's lease ran out (the worker making it died mid-attempt), with the
        number their next attempt has. Each is taken back by a guarded UPDATE that ends its lease, so of several
        reapers one re-queues it."""
        with self.db.session() as session:
            expired = session.execute(select(WebhookEvent.id, WebhookEvent.attempts, WebhookEvent.claimed_until).where(
                WebhookEvent.status == "pending", WebhookEvent.claimed_until < now())).all()
            taken = []
            for delivery_id, attempts, until in expired:
                if session.execute(update(WebhookEvent).where(
                        WebhookEvent.id == delivery_id, WebhookEvent.claimed_until == until,
                        WebhookEvent.status == "pending").values(claimed_until=None)).rowcount == 1:
                    taken.append((delivery_id, attempts + 1))
            return taken

    def attempts_by_outcome(self) -> dict[str, int]:
        """Every delivery attempt so far, counted as delivered (a 2xx answer) or failed (anything else)."""
        outcome = case((WebhookAttempt.status_code.between(200, 299), "delivered"), else_="failed")
        with self.db.session() as session:
            return dict(session.execute(select(outcome, func.count()).group_by(outcome)).all())

    def redeliver(self, event_id: str) -> list[str]:
        """Puts every delivery of an event back to pending (attempt history kept); returns their ids, [] when
        there is no such event."""
        with self.db.session() as session:
            rows = list(session.scalars(select(WebhookEvent).where(WebhookEvent.event_id == event_id)))
            for row in rows:
                row.status = "pending"
            return [row.id for row in rows]

    def forget_settled_before(self, cutoff: float) -> int:
        """Deletes the deliveries made before `cutoff` that are delivered or given up, with their attempts."""
        with self.db.session() as session:
            settled = select(WebhookEvent.id).where(WebhookEvent.created_at < cutoff, WebhookEvent.status != "pending")
            session.execute(delete(WebhookAttempt).where(WebhookAttempt.event_id.in_(settled)))
            return session.execute(delete(WebhookEvent).where(WebhookEvent.created_at < cutoff,
                                                              WebhookEvent.status != "pending")).rowcount

    def give_up(self, delivery_id: str) -> None:
        """Marks the delivery failed: no more attempts."""
        with self.db.session() as session:
            session.get(WebhookEvent, delivery_id).status = "failed"

    def history(self, token: str | None, limit: int, event_type: str | None = None,
                entity_id: str | None = None) -> Page[list[WebhookEvent]]:
        """Events newest first, each once, as the list of its receivers' rows (oldest first); optionally one
        type's or one entity's."""
        query = (select(WebhookEvent.event_id, func.max(WebhookEvent.created_at).label("created"))
                 .group_by(WebhookEvent.event_id)
                 .order_by(func.max(WebhookEvent.created_at).desc(), WebhookEvent.event_id))
        if event_type:
            query = query.where(WebhookEvent.event_type == event_type)
        if entity_id:
            query = query.where(WebhookEvent.entity_id == entity_id)
        with self.db.session() as session:
            page = page_of_query(session, query, token, limit)
            by_event: dict[str, list[WebhookEvent]] = {event_id: [] for event_id in page.items}
            for row in session.scalars(select(WebhookEvent).where(WebhookEvent.event_id.in_(page.items))
                                       .order_by(WebhookEvent.created_at, WebhookEvent.id)):
                by_event[row.event_id].append(row)
        return Page(list(by_event.values()), page.next_token)
