"""The API half of the bench: a real `avatarstudio serve` on loopback, hit by many clients at once.

Latency: CLIENTS concurrent clients make CREATES create calls (1-second silence scenes, so the queue stays
cheap) and then STATUS_CALLS status calls on the videos they made, while the worker renders in the background.
Throughput: SHORT_VIDEOS ~2-second renders queued at once on a fresh server with 1 and then 2 workers.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

API_KEY = "bench-key-0123456789"
VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
CLIENTS = 50
CREATES = 100
STATUS_CALLS = 500
SHORT_VIDEOS = 8
SILENCE_BODY = {"video_inputs": [{"voice": {"type": "silence", "duration": 1}}],
                "dimension": {"width": 320, "height": 240}}
SHORT_SENTENCE = "Hello there, thank you for joining us today."
"""About two seconds of speech."""
SHORT_BODY = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
                                "voice": {"type": "text", "voice_id": VOICE, "input_text": SHORT_SENTENCE},
                                "background": {"type": "color", "value": "#203040"}}],
              "dimension": {"width": 1280, "height": 720}}


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"X-Api-Key": API_KEY}, timeout=60)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(data_dir: Path, workers: int) -> Iterator[Server]:
    """`avatarstudio serve` with `workers` worker processes and no per-key limit that the bench could reach."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {**os.environ, "AVATARSTUDIO_API_KEY": API_KEY, "AVATARSTUDIO_CONCURRENCY_PER_KEY": "100000"}
    command = [sys.executable, "-m", "avatarstudio.cli", "serve", "--port", str(port), "--workers", str(workers),
               "--data-dir", str(data_dir)]
    with (data_dir / "server.log").open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server, then whatever is left in its process group: a busy worker may not stop in the time the
    server waits for it, and would go on rendering the bench's queue and skew the next figures."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_until_up(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}")
        try:
            httpx.get(f"{server.base_url}/openapi.json", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"count": 0}

    def at(fraction: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {"count": len(ordered), "p50_ms": at(0.50), "p99_ms": at(0.99), "max_ms": 1000 * ordered[-1],
            "mean_ms": 1000 * statistics.fmean(ordered)}


async def _hammer(server: Server, calls: list[tuple[str, str, dict | None]]) -> tuple[list[float], list[dict], int]:
    """Make `calls` (method, path, json body or query) with CLIENTS at a time; (latencies, replies, errors)."""
    queue: asyncio.Queue = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    latencies: list[float] = []
    replies: list[dict] = []
    errors = 0

    async def client_loop(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            method, path, payload = queue.get_nowait()
            started = time.perf_counter()
            if method == "POST":
                response = await http.post(path, json=payload)
            else:
                response = await http.get(path, params=payload)
            latencies.append(time.perf_counter() - started)
            if response.status_code == 200:
                replies.append(response.json())
            else:
                errors += 1

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=server.base_url, headers={"X-Api-Key": API_KEY}, timeout=60,
                                 limits=limits) as http:
        await asyncio.gather(*(client_loop(http) for _ in range(CLIENTS)))
    return latencies, replies, errors


def api_latency(data_dir: Path) -> dict:
    """p50/p99 of create and status calls with CLIENTS concurrent clients against a server with one worker."""
    with running_server(data_dir, workers=1) as server:
        started = time.perf_counter()
        created, replies, create_errors = asyncio.run(
            _hammer(server, [("POST", "/v2/video/generate", SILENCE_BODY)] * CREATES))
        create_wall = time.perf_counter() - started
        ids = [reply["data"]["video_id"] for reply in replies]
        calls = [("GET", "/v1/video_status.get", {"video_id": ids[i % len(ids)]}) for i in range(STATUS_CALLS)]
        started = time.perf_counter()
        statuses, _, status_errors = asyncio.run(_hammer(server, calls))
        status_wall = time.perf_counter() - started
    return {"clients": CLIENTS,
            "create": {**_percentiles(created), "errors": create_errors, "per_second": CREATES / create_wall,
                       "endpoint": "POST /v2/video/generate (1 s silence, 320x240)"},
            "status": {**_percentiles(statuses), "errors": status_errors, "per_second": STATUS_CALLS / status_wall,
                       "endpoint": "GET /v1/video_status.get"}}


def _wait_all(client: httpx.Client, ids: list[str], timeout: float) -> int:
    """Poll until every video is completed or failed; returns how many completed."""
    deadline = time.monotonic() + timeout
    finished: dict[str, str] = {}
    while len(finished) < len(ids) and time.monotonic() < deadline:
        for video_id in ids:
            if video_id not in finished:
                status = client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]["status"]
                if status in ("completed", "failed"):
                    finished[video_id] = status
        time.sleep(0.2)
    return sum(status == "completed" for status in finished.values())


def _submit(client: httpx.Client, count: int) -> list[str]:
    return [client.post("/v2/video/generate", json=SHORT_BODY).json()["data"]["video_id"] for _ in range(count)]


def queue_throughput(data_dir: Path, workers: int) -> dict:
    """Videos per minute with `workers` worker processes, after one warm-up video per worker."""
    with running_server(data_dir, workers) as server, server.client() as client:
        _wait_all(client, _submit(client, workers), timeout=120)
        started = time.perf_counter()
        ids = _submit(client, SHORT_VIDEOS)
        completed = _wait_all(client, ids, timeout=300)
        seconds = time.perf_counter() - started
        duration = client.get("/v1/video_status.get", params={"video_id": ids[0]}).json()["data"].get("duration")
    return {"workers": workers, "videos": SHORT_VIDEOS, "completed": completed, "seconds": seconds,
            "videos_per_minute": 60 * completed / seconds, "video": "1280x720 drawn avatar, one short sentence",
            "video_seconds": duration}
