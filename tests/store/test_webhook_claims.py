"""A webhook delivery's attempt holds a lease: of two workers handed the same delivery one attempts it, and a lease
that runs out with the delivery still pending (its worker died mid-attempt) is taken back once."""
from __future__ import annotations

import time

from avatarstudio.runtime import Runtime
from avatarstudio.store.webhooks import WebhookEvents


def _one_delivery(events: WebhookEvents) -> str:
    [delivery_id] = events.record("e1", "avatar_video.success", "v1", "{}", time.time(), "http://127.0.0.1:9/hook")
    return delivery_id


def test_one_of_two_claims_wins_and_the_outcome_ends_the_lease(runtime: Runtime) -> None:
    events = WebhookEvents(runtime.db)
    delivery_id = _one_delivery(events)
    assert events.claim(delivery_id, 60) is not None
    assert events.claim(delivery_id, 60) is None, "a second attempt ran while the first held the lease"
    assert events.take_back_cut_off() == [], "a live lease was taken back"
    events.attempted(delivery_id, False, 500, "HTTP 500")
    assert events.claim(delivery_id, 60) is not None, "the failed attempt kept its lease"


def test_a_lease_that_ran_out_is_taken_back_once_with_the_next_attempts_number(runtime: Runtime) -> None:
    events = WebhookEvents(runtime.db)
    delivery_id = _one_delivery(events)
    events.claim(delivery_id, 60)
    events.attempted(delivery_id, False, None, "timed out")
    assert events.claim(delivery_id, 0.01) is not None  # the second attempt; its worker dies
    time.sleep(0.05)
    assert events.take_back_cut_off() == [(delivery_id, 2)]
    assert events.take_back_cut_off() == [], "taken back twice"
    assert events.claim(delivery_id, 60) is not None
    events.attempted(delivery_id, True, 200, None)
    assert events.claim(delivery_id, 60) is None, "a delivered event was attempted again"
