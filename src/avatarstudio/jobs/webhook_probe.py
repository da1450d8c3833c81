"""The OPTIONS probe that decides whether a URL may be registered as a webhook endpoint.

HeyGen adds an endpoint only when its URL answers OPTIONS with a 2xx within one second; clients written
against HeyGen expect a dead or misconfigured URL to be refused at registration, not to swallow events later.
Unlike media downloads, private addresses are allowed, as for deliveries: a self-hosted service's receivers
usually live on the same private network, and only holders of an API key can register one.
"""
from __future__ import annotations

import re

import httpx

from avatarstudio.jobs.webhooks import USER_AGENT

TIMEOUT_SECONDS = 1.0


def endpoint_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook endpoint (None: it answered the probe). Blocks for up to about a second
    per phase (connect, read), so async callers run it in a thread."""
    try:
        # Streamed and never read: only the status line counts, and a slow body must not hold the request open.
        with httpx.stream("OPTIONS", url, headers={"User-Agent": USER_AGENT}, timeout=TIMEOUT_SECONDS,
                          follow_redirects=False) as response:
            status = response.status_code
    except httpx.TimeoutException:
        return _unanswered("timed out")
    except httpx.HTTPError as error:
        return _unanswered(_plain(error))
    if response.is_redirect:
        return _unanswered(f"it answered HTTP {status}; redirects are not followed")
    if not 200 <= status < 300:
        return _unanswered(f"it answered HTTP {status}")
    return None


def _unanswered(why: str) -> str:
    return f"the endpoint did not answer an OPTIONS request with 2xx within {TIMEOUT_SECONDS:g} s ({why})"


def _plain(error: httpx.HTTPError) -> str:
    """'[Errno 111] Connection refused' -> 'connection refused': the errno means nothing to an API client."""
    return re.sub(r"^\[Errno -?\d+\] ", "", str(error)).lower() or type(error).__name__
