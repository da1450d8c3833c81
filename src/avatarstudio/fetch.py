"""Fetching user-named URLs (images, audio, backgrounds) without becoming a proxy into private networks.

http(s) only; the address is vetted and pinned by outbound.py (private addresses only when configuration allows);
redirects are followed by hand so each hop is checked again; size and the total time are bounded.
"""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urljoin

from avatarstudio import outbound
from avatarstudio.errors import RenderError

MAX_REDIRECTS = 5
MEDIA = "AVATARSTUDIO_ALLOW_PRIVATE_URLS"


def fetch(url: str, destination: Path, *, allow_private: bool, max_bytes: int, timeout: float) -> Path:
    """Download `url` into `destination` within `timeout` seconds in all; RenderError('download_failed') with the
    reason on any problem."""
    reach = outbound.Reach(allow_private, MEDIA)
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise RenderError("download_failed", f"Cannot fetch {url}: took longer than {timeout:g} s")
        try:
            with outbound.request("GET", url, reach, left) as response:
                if response.status in (301, 302, 303, 307, 308):
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status != 200:
                    raise RenderError("download_failed", f"Cannot fetch {url}: HTTP {response.status}")
                _save(response.chunks, destination, max_bytes, url)
                return destination
        except outbound.TimedOut:
            raise RenderError("download_failed", f"Cannot fetch {url}: took longer than {timeout:g} s") from None
        except outbound.Refused as refused:
            raise RenderError("download_failed", f"Cannot fetch {url}: {refused.reason}") from None
    raise RenderError("download_failed", f"Cannot fetch {url}: more than {MAX_REDIRECTS} redirects")


def _save(chunks, destination: Path, max_bytes: int, url: str) -> None:
    size = 0
    with destination.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise RenderError("download_failed", f"Cannot fetch {url}: larger than {max_bytes} bytes")
            out.write(chunk)
