"""Fetching user-named URLs (images, audio, backgrounds) without becoming a proxy into private networks.

http(s) only; every address the host resolves to must be public unless private addresses are allowed by
configuration; redirects are followed by hand so each hop is checked again; size and time are bounded.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from avatarstudio.errors import RenderError

MAX_REDIRECTS = 5


def _check_address(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RenderError("download_failed", f"Cannot fetch {url!r}: only http and https URLs are allowed")
    if not parts.hostname:
        raise RenderError("download_failed", f"Cannot fetch {url!r}: the URL has no host")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as error:
        raise RenderError("download_failed", f"Cannot fetch {url!r}: host not found ({error})") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise RenderError("download_failed",
                              f"Cannot fetch {url!r}: {address} is a private or local address "
                              "(set AVATARSTUDIO_ALLOW_PRIVATE_URLS=true to allow it)")


def fetch(url: str, destination: Path, *, allow_private: bool, max_bytes: int, timeout: float) -> Path:
    """Download `url` into `destination`; RenderError('download_failed') with the reason on any problem."""
    deadline = time.monotonic() + timeout
    with httpx.Client(follow_redirects=False, timeout=timeout) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_address(url, allow_private)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise RenderError("download_failed", f"Cannot fetch {url}: HTTP {response.status_code}")
                    _save(response, destination, max_bytes, deadline, url)
                    return destination
            except httpx.HTTPError as error:
                raise RenderError("download_failed", f"Cannot fetch {url}: {error}") from None
    raise RenderError("download_failed", f"Cannot fetch {url}: more than {MAX_REDIRECTS} redirects")


def _save(response: httpx.Response, destination: Path, max_bytes: int, deadline: float, url: str) -> None:
    size = 0
    with destination.open("wb") as out:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise RenderError("download_failed", f"Cannot fetch {url}: larger than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise RenderError("download_failed", f"Cannot fetch {url}: took too long")
            out.write(chunk)
