"""The processes `serve` starts beside itself: workers (cli.py), and API processes when there are several.

Several API processes share one listening socket that `serve` opens: the kernel hands each new connection to one
of the processes waiting in accept, so one port is answered by as many cores as there are processes. Each is a
spawned interpreter with its own database engine and event loop (nothing is inherited half-initialised by a fork);
`serve` keeps the reaper and the workers, starts an API process again if one dies, and on SIGTERM or SIGINT stops
them all and waits for them.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

from avatarstudio.config import Settings
from avatarstudio.metrics import RequestPeers

PR_SET_PDEATHSIG = 1
STOP_SECONDS = 15.0
"""How long API processes get to finish the requests in hand once told to stop; then they are killed."""
log = logging.getLogger(__name__)


def die_with_parent() -> None:
    """Runs first in each child: the kernel sends it SIGTERM when `serve` exits, however it exits (uvicorn
    re-raises SIGTERM after its shutdown, so `serve` cannot count on its own cleanup running)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


def serve_api(settings: Settings, count: int, host: str, port: int, log_style: str) -> None:
    """Answer HTTP on host:port from `count` processes until this process gets SIGTERM or SIGINT."""
    stopping = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    spawn = multiprocessing.get_context("spawn")
    with listening_socket(host, port) as sock, tempfile.TemporaryDirectory(prefix="avatarstudio-api-") as peers:

        def start() -> multiprocessing.Process:
            process = spawn.Process(target=_api_process, args=(settings, sock, log_style, Path(peers)),
                                    name="avatarstudio-api", daemon=False)
            process.start()
            return process

        processes = [start() for _ in range(count)]
        try:
            while not stopping.wait(1.0):
                for index, process in enumerate(processes):
                    if not process.is_alive():
                        log.warning("API process %d exited with %s; starting another", process.pid, process.exitcode)
                        processes[index] = start()
        finally:
            _stop(processes)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _stop(processes: list[multiprocessing.Process]) -> None:
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def _api_process(settings: Settings, sock: socket.socket, log_style: str, peers: Path) -> None:
    """One API process: the app on the shared socket, its request counters published for its siblings."""
    die_with_parent()
    import uvicorn

    from avatarstudio import logs
    from avatarstudio.api.app import create_app
    from avatarstudio.runtime import open_runtime

    logs.configure(log_style)
    runtime = open_runtime(settings)
    runtime.request_peers = RequestPeers(peers)
    stop = threading.Event()

    def publish() -> None:
        while not stop.wait(settings.heartbeat_seconds):
            runtime.request_peers.publish(runtime.metrics)

    threading.Thread(target=publish, daemon=True, name="request-counters").start()
    # uvicorn re-raises the signal it stopped on once it has shut down; ignored, that returns here instead.
    signal.signal(signal.SIGTERM, lambda *_: None)
    config = uvicorn.Config(create_app(runtime), log_level="warning", log_config=None, access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        stop.set()
        runtime.request_peers.publish(runtime.metrics)
