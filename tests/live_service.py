"""The real service for tests: `avatarstudio serve` in a subprocess on a free loopback port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

API_KEY = "test-key-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    base_url: str
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def client(self, key: str | None = API_KEY) -> httpx.Client:
        headers = {"X-Api-Key": key} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def wait(self, video_id: str, timeout: float = 120, client: httpx.Client | None = None) -> dict:
        """Poll v1 status until the video is completed or failed."""
        client = client or self.client()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = client.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]
            if data["status"] in ("completed", "failed"):
                return data
            time.sleep(0.3)
        raise AssertionError(f"video {video_id} did not finish in {timeout} s; log:\n{self.log.read_text()[-3000:]}")


def service_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "AVATARSTUDIO_API_KEY": API_KEY, "AVATARSTUDIO_ALLOW_PRIVATE_URLS": "true",
           "AVATARSTUDIO_WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2,0.2", "AVATARSTUDIO_HEARTBEAT_SECONDS": "0.5",
           "AVATARSTUDIO_STALE_AFTER_SECONDS": "3", "AVATARSTUDIO_SIGNING_SECRET": "test-signing-secret",
           "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


def start_service(data_dir: Path, workers: int = 1, **env: str) -> Service:
    port = free_port()
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    log = data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "avatarstudio.cli", "serve", "--port", str(port), "--workers", str(workers),
         "--data-dir", str(data_dir)],
        env=service_env(**env), stdout=log.open("w"), stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            httpx.get(f"{base_url}/openapi.json", timeout=1)
            return Service(base_url, data_dir, process, log)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()}")


def stop_service(service: Service) -> None:
    service.process.terminate()
    try:
        service.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        service.process.kill()
