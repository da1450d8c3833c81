"""v3 Idempotency-Key records: which request first used a key, and the response it got (api/idempotency.py)."""
from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from avatarstudio.store.models import IdempotentRequest
from avatarstudio.store.repository import Repository


class IdempotentRequests(Repository[IdempotentRequest]):
    kind = "idempotent_request"
    model = IdempotentRequest

    def forget_before(self, cutoff: float) -> None:
        """Removes every key first used before `cutoff`, so it can be used afresh."""
        with self.db.session() as session:
            session.execute(delete(IdempotentRequest).where(IdempotentRequest.created_at < cutoff))

    def forget_in_flight_before(self, cutoff: float) -> None:
        """Removes claims still in flight since before `cutoff`: their request's process died mid-request."""
        with self.db.session() as session:
            session.execute(delete(IdempotentRequest).where(IdempotentRequest.state != "done",
                                                            IdempotentRequest.created_at < cutoff))

    def claim(self, key_id: str, idempotency_key: str, request_hash: str) -> bool:
        """Records the key as in flight for this request; False when the API key already holds it. Of concurrent
        claims (across processes, on either database) exactly one gets True: the primary key decides."""
        try:
            with self.db.session() as session:
                session.add(IdempotentRequest(key_id=key_id, idempotency_key=idempotency_key,
                                              request_hash=request_hash))
        except IntegrityError:
            return False
        return True

    def stored(self, key_id: str, idempotency_key: str) -> IdempotentRequest | None:
        """The record of a claimed key, or None."""
        with self.db.session() as session:
            return session.get(IdempotentRequest, (key_id, idempotency_key))

    def release(self, key_id: str, idempotency_key: str) -> None:
        """Forgets a claim whose request was refused, so a corrected retry may use the key."""
        with self.db.session() as session:
            session.execute(delete(IdempotentRequest).where(IdempotentRequest.key_id == key_id,
                                                            IdempotentRequest.idempotency_key == idempotency_key))

    def finish(self, key_id: str, idempotency_key: str, status_code: int, response_body: str) -> None:
        """Stores the response that every repeat within the window replays."""
        with self.db.session() as session:
            row = session.get(IdempotentRequest, (key_id, idempotency_key))
            row.state, row.status_code, row.response_body = "done", status_code, response_body
