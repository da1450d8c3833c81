"""A webhook receiver on loopback that records what it gets and can fail the first N deliveries.

It answers the registration probe (OPTIONS) with `options_status` after `options_delay` seconds, so one class
serves both a good endpoint and the bad ones the probe must refuse.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    fail_first: int = 0
    options_status: int = 200
    options_delay: float = 0.0
    hold: threading.Event | None = None
    """When given, each delivery is answered only once it is set (or after a minute)."""
    deliveries: list[Delivery] = field(default_factory=list)
    probes: list[Delivery] = field(default_factory=list)

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def record(self, into: list[Delivery], body: bytes, status: int) -> None:
                into.append(Delivery(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = 500 if len(receiver.deliveries) < receiver.fail_first else 200
                self.record(receiver.deliveries, body, status)
                if receiver.hold is not None:
                    receiver.hold.wait(60)
                self.send_response(status)
                self.end_headers()

            def do_OPTIONS(self) -> None:  # noqa: N802 - kept apart from deliveries: a probe has no JSON payload
                self.record(receiver.probes, b"", receiver.options_status)
                time.sleep(receiver.options_delay)
                self.send_response(receiver.options_status)
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802 - nothing is served: a fetch from here is a 404
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Receiver":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def wait_for(self, predicate, timeout: float = 60) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [delivery for delivery in self.deliveries if predicate(delivery)]
            if matching:
                return matching
            time.sleep(0.1)
        raise AssertionError(f"no matching delivery; got {[d.path for d in self.deliveries]}")
