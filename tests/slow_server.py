"""A loopback server that answers every connection with a complete response, but sends it one byte at a time:
the attacker's way of holding a client whose time limit is per read. Bounded: each connection ends after
`seconds`, and the server with its block."""
from __future__ import annotations

import socket
import threading
import time

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5\r\n" + b"X-Padding: " + b"x" * 400 + \
    b"\r\n\r\nPNG!!"


class SlowHeaders:
    def __init__(self, interval: float = 0.1, seconds: float = 60.0):
        self.interval, self.seconds = interval, seconds
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._closed = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/photo.png"

    def __enter__(self) -> "SlowHeaders":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._closed.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        deadline = time.monotonic() + self.seconds
        with connection:
            for byte in ANSWER:
                if self._closed.is_set() or time.monotonic() > deadline:
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(self.interval)
