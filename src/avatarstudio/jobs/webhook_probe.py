"""The OPTIONS probe that decides whether a URL may be registered as a webhook endpoint.

HeyGen adds an endpoint only when its URL answers OPTIONS with a 2xx within one second; clients written
against HeyGen expect a dead or misconfigured URL to be refused at registration, not to swallow events later.
Private addresses are allowed as for deliveries (unless AVATARSTUDIO_ALLOW_PRIVATE_WEBHOOKS=false): a self-hosted
service's receivers usually live on the same private network.

Every failure gets the same answer, refused address, closed port, timeout or error status alike: a probe that said
which one would let any key holder map the ports of the server's network.
"""
from __future__ import annotations

import logging

from avatarstudio import outbound
from avatarstudio.jobs.webhooks import USER_AGENT

TIMEOUT_SECONDS = 1.0
PROBLEM = f"the endpoint did not answer an OPTIONS request with 2xx within {TIMEOUT_SECONDS:g} s"

log = logging.getLogger(__name__)


def endpoint_problem(url: str, reach: outbound.Reach) -> str | None:
    """Why `url` cannot be a webhook endpoint (None: it answered the probe). Over within TIMEOUT_SECONDS; async
    callers still run it in a thread."""
    try:
        # The body is never read: only the status line counts.
        with outbound.request("OPTIONS", url, reach, TIMEOUT_SECONDS, {"User-Agent": USER_AGENT}) as response:
            status = response.status
    except outbound.Refused as refused:
        log.info("webhook endpoint %s refused: %s", url, refused.reason)
        return PROBLEM
    if not 200 <= status < 300:
        log.info("webhook endpoint %s answered the probe with HTTP %d", url, status)
        return PROBLEM
    return None
