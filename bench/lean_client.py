"""A lean HTTP/1.1 keep-alive load client for loopback: one asyncio stream per client, requests written by hand,
answers read by Content-Length. It does only what the bench's calls need (JSON in, JSON out, no redirects, no
chunked bodies: an answer without Content-Length counts as an error), so that on a small machine the client's
CPU time stays a fraction of the server's and the figures are the server's.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.0.0.1", "::1", "localhost")
READ_TIMEOUT = 30.0
"""Seconds one answer may take before the call counts as an error (the connection is then opened afresh)."""


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict | None = None
    body: dict | None = None


@dataclass
class Outcome:
    """Latencies in seconds of the calls answered 200, and the bodies when asked for; everything else is an error."""

    latencies: list[float] = field(default_factory=list)
    bodies: list[dict] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    """The client's own CPU time (this process) while the calls ran."""

    def error(self, why: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or why


def _request_bytes(host: str, call: Call, headers: dict[str, str]) -> bytes:
    target = call.path + ("?" + urlencode(call.query) if call.query else "")
    lines = [f"{call.method} {target} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    payload = b""
    if call.body is not None:
        payload = json.dumps(call.body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length is None:
        raise ValueError("an answer without Content-Length")
    return int(status_line.split(" ", 2)[1]), await reader.readexactly(length)


async def run(base_url: str, headers: dict[str, str], calls: list[Call], clients: int,
              keep_bodies: bool = False) -> Outcome:
    """Make `calls` with `clients` keep-alive connections at a time, each taking the next call when it is free."""
    url = urlsplit(base_url)
    if url.hostname not in LOOPBACK:
        raise ValueError(f"the load client only talks to loopback, not {url.hostname}")
    host, port = url.hostname, url.port or 80
    pending = iter(calls)
    outcome = Outcome()

    async def client() -> None:
        reader = writer = None
        for call in pending:
            request = _request_bytes(f"{host}:{port}", call, headers)
            started = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                status, body = await asyncio.wait_for(_read_answer(reader), READ_TIMEOUT)
            except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.TimeoutError) as failure:
                outcome.error(f"{call.method} {call.path}: {failure!r}")
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            if status != 200:
                outcome.error(f"{call.method} {call.path}: {status} {body[:200]!r}")
                continue
            outcome.latencies.append(time.perf_counter() - started)
            if keep_bodies:
                outcome.bodies.append(json.loads(body))
        if writer is not None:
            writer.close()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    outcome.wall_seconds = time.perf_counter() - wall
    outcome.cpu_seconds = time.process_time() - cpu
    return outcome
