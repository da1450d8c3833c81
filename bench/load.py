"""The API half of the bench: a real `avatarstudio serve` on loopback, hit by many clients at once.

Latency: issue 14's four scenarios, each on one server with one worker (`api_latency`):
  1. status at 10 clients and 2. status at 50 clients, the server idle;
  3. create at 10 clients, the worker paused (SIGSTOP) so that it does not render what is created meanwhile;
  4. status at 50 clients while exactly one render runs.
The clients are one lean asyncio HTTP/1.1 keep-alive client (lean_client.py), the "light keep-alive client" the
issue names: an httpx client costs several times more CPU per request than the server on a 2-core machine, and
its own time would be counted as the server's. The client's own CPU seconds and the API process's are reported.
Throughput: SHORT_VIDEOS ~2-second renders queued at once on a fresh server with 1 and then 2 workers.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import lean_client
from bench.lean_client import Call

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
SCENARIOS = {  # name: (what is called, clients, calls; a quick run makes a tenth of them)
    "status_10": ("status", 10, 3000),
    "status_50": ("status", 50, 5000),
    "create_10": ("create", 10, 500),
    "status_50_render": ("status", 50, 5000),
}
WARM_UP_CALLS = 300
STATUS_VIDEOS = 10
"""Completed videos the status calls ask about in turn (a completed video's answer carries signed links)."""
SHORT_VIDEOS = 8
SILENCE_BODY = {"video_inputs": [{"voice": {"type": "silence", "duration": 1}}],
                "dimension": {"width": 320, "height": 240}}
SHORT_SENTENCE = "Hello there, thank you for joining us today."
"""About two seconds of speech."""
SHORT_BODY = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
                                "voice": {"type": "text", "voice_id": VOICE, "input_text": SHORT_SENTENCE},
                                "background": {"type": "color", "value": "#203040"}}],
              "dimension": {"width": 1280, "height": 720}}
LONG_BODY = {**SHORT_BODY, "video_inputs": [{**SHORT_BODY["video_inputs"][0], "voice": {
    "type": "text", "voice_id": VOICE, "input_text": " ".join([SHORT_SENTENCE] * 12)}}]}
"""About 25 seconds of speech at 720p: the render that runs under scenario 4's status calls."""
KEY_LINE = re.compile(r"API key \(shown once; store it\): (\S+)")


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    key: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"X-Api-Key": self.key}, timeout=60)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(data_dir: Path, workers: int) -> Iterator[Server]:
    """`avatarstudio serve` with `workers` worker processes and no per-key limit that the bench could reach. The
    key is the stored one that serve makes on a fresh database (hashed in the database, as users' keys are)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {**os.environ, "AVATARSTUDIO_CONCURRENCY_PER_KEY": "100000"}
    env.pop("AVATARSTUDIO_API_KEY", None)
    command = [sys.executable, "-m", "avatarstudio.cli", "serve", "--port", str(port), "--workers", str(workers),
               "--data-dir", str(data_dir)]
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        found = KEY_LINE.search(log_path.read_text())
        if found is None:
            raise RuntimeError(f"serve printed no new API key (is {data_dir} fresh?)")
        yield Server(base_url, process, found.group(1))
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


def _wait_until_up(base_url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            httpx.get(f"{base_url}/healthz", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


# --- the server's processes, from /proc ----------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _is_worker(pid: int) -> bool:
    try:
        return b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False


def _tree(pid: int) -> list[int]:
    return [pid, *(grandchild for child in _children(pid) for grandchild in _tree(child))]


def _workers(server: Server) -> list[int]:
    """The worker processes and everything they started (ffmpeg)."""
    return [pid for child in _children(server.process.pid) if _is_worker(child) for pid in _tree(child)]


def _api_processes(server: Server) -> list[int]:
    """serve and its children that are not workers: the processes answering HTTP."""
    return [server.process.pid, *(child for child in _children(server.process.pid) if not _is_worker(child))]


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@contextmanager
def _workers_paused(server: Server) -> Iterator[None]:
    """The worker (and its ffmpeg) stopped with SIGSTOP meanwhile, so what is created is not rendered yet."""
    paused = _workers(server)
    for pid in paused:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)


# --- the scenarios -------------------------------------------------------------------------------------

def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"count": 0}

    def at(fraction: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {"count": len(ordered), "p50_ms": at(0.50), "p99_ms": at(0.99), "max_ms": 1000 * ordered[-1]}


def _hammer(server: Server, calls: list[Call], clients: int) -> dict:
    """The calls made `clients` at a time, with latency percentiles and the CPU the API and the client spent."""
    api_processes = _api_processes(server)
    api_cpu = _cpu_seconds(api_processes)
    load_before = os.getloadavg()[0]
    outcome = asyncio.run(lean_client.run(server.base_url, {"X-Api-Key": server.key}, calls, clients))
    api_cpu = _cpu_seconds(api_processes) - api_cpu
    requests = len(calls)
    return {**_percentiles(outcome.latencies), "clients": clients, "requests": requests, "errors": outcome.errors,
            "first_error": outcome.first_error, "per_second": requests / outcome.wall_seconds,
            "wall_seconds": outcome.wall_seconds, "client_cpu_seconds": outcome.cpu_seconds,
            "api_cpu_seconds": api_cpu, "api_cpu_ms_per_request": 1000 * api_cpu / requests,
            "api_processes": len(api_processes), "load_average": max(load_before, os.getloadavg()[0])}


def _status_calls(ids: list[str], count: int) -> list[Call]:
    return [Call("GET", "/v1/video_status.get", {"video_id": ids[i % len(ids)]}) for i in range(count)]


def _status_of(client: httpx.Client, video_id: str) -> str:
    return client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]["status"]


def _wait_until(client: httpx.Client, video_id: str, statuses: tuple[str, ...], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    status = _status_of(client, video_id)
    while status not in statuses and time.monotonic() < deadline:
        time.sleep(0.2)
        status = _status_of(client, video_id)
    return status


def api_latency(data_dir: Path, quick: bool = False) -> dict:
    """Issue 14's four scenarios against one `serve --workers 1`, in this order: status at 10 and at 50 clients
    with the worker idle, status at 50 clients while one LONG_BODY render runs, then creates at 10 clients with
    the worker paused (what they queue would otherwise start rendering at once)."""
    size = {name: (kind, clients, max(clients, calls // 10) if quick else calls)
            for name, (kind, clients, calls) in SCENARIOS.items()}
    results: dict = {}
    with running_server(data_dir, workers=1) as server, server.client() as client:
        ids = _submit(client, STATUS_VIDEOS, SILENCE_BODY)
        if _wait_all(client, ids, timeout=300) != len(ids):
            raise RuntimeError("the videos for the status calls did not complete")
        _hammer(server, _status_calls(ids, WARM_UP_CALLS), 10)
        for name in ("status_10", "status_50"):
            _, clients, calls = size[name]
            results[name] = _hammer(server, _status_calls(ids, calls), clients)
        rendering = _submit(client, 1, LONG_BODY)[0]
        if _wait_until(client, rendering, ("processing", "completed", "failed"), 120) != "processing":
            raise RuntimeError("the render for scenario 4 did not start")
        _, clients, calls = size["status_50_render"]
        results["status_50_render"] = _hammer(server, _status_calls(ids, calls), clients)
        results["status_50_render"]["render_ran_throughout"] = _status_of(client, rendering) == "processing"
        _wait_until(client, rendering, ("completed", "failed"), 600)
        _, clients, calls = size["create_10"]
        with _workers_paused(server):
            results["create_10"] = _hammer(server, [Call("POST", "/v2/video/generate", body=SILENCE_BODY)] * calls,
                                           clients)
    endpoints = {"status": "GET /v1/video_status.get", "create": "POST /v2/video/generate (1 s silence, 320x240)"}
    conditions = {"status_10": "idle", "status_50": "idle", "status_50_render": "one render running",
                  "create_10": "idle (worker paused)"}
    for name, (kind, _, _) in size.items():
        results[name].update(endpoint=endpoints[kind], condition=conditions[name])
    return {"client": "bench/lean_client.py (asyncio, HTTP/1.1 keep-alive)", "scenarios": results}


def _wait_all(client: httpx.Client, ids: list[str], timeout: float) -> int:
    """Poll until every video is completed or failed; returns how many completed."""
    deadline = time.monotonic() + timeout
    finished: dict[str, str] = {}
    while len(finished) < len(ids) and time.monotonic() < deadline:
        for video_id in ids:
            if video_id not in finished:
                status = _status_of(client, video_id)
                if status in ("completed", "failed"):
                    finished[video_id] = status
        time.sleep(0.2)
    return sum(status == "completed" for status in finished.values())


def _submit(client: httpx.Client, count: int, body: dict = SHORT_BODY) -> list[str]:
    return [client.post("/v2/video/generate", json=body).json()["data"]["video_id"] for _ in range(count)]


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
