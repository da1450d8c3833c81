"""What an operator runs it by: the probes, /metrics after a render, JSON log lines, the one version."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from avatarstudio import __version__
from live_service import Service, start_service, stop_service
from receiver import Receiver

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
PROBES = ("/healthz", "/readyz", "/metrics")

pytestmark = pytest.mark.service


def json_lines(log: Path) -> list[dict]:
    """The log's JSON lines (serve also prints its banner to stdout in plain words); every one must parse."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def wait_for_line(log: Path, matches, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [line for line in json_lines(log) if matches(line)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no such log line in {timeout} s; log ends:\n{log.read_text()[-3000:]}")


def samples(text: str) -> dict[str, float]:
    """`name{labels}` -> value for every sample line of a Prometheus text scrape."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def test_health_needs_no_key_and_agrees_with_the_cli_and_openapi_on_the_version(service: Service) -> None:
    health = httpx.get(f"{service.base_url}/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "version": __version__}
    document = httpx.get(f"{service.base_url}/openapi.json").json()
    assert document["info"]["version"] == __version__
    assert not set(PROBES) & set(document["paths"])
    printed = subprocess.run([sys.executable, "-m", "avatarstudio.cli", "--version"], capture_output=True, text=True)
    assert printed.stdout.strip() == f"avatarstudio {__version__}"


def test_ready_once_a_worker_beats(service: Service) -> None:
    deadline = time.monotonic() + 60
    while (ready := httpx.get(f"{service.base_url}/readyz")).status_code != 200:
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.3)
    assert ready.json()["status"] == "ready" and ready.json()["checks"]["workers"] == "1 live"


def test_not_ready_without_a_worker_saying_why(tmp_path: Path) -> None:
    lonely = start_service(tmp_path, workers=0)
    try:
        answer = httpx.get(f"{lonely.base_url}/readyz")
        assert httpx.get(f"{lonely.base_url}/healthz").status_code == 200
    finally:
        stop_service(lonely)
    assert answer.status_code == 503
    assert answer.json()["status"] == "not ready"
    assert [reason.split(":")[0] for reason in answer.json()["reasons"]] == ["workers"]
    assert answer.json()["checks"]["database"].startswith("reachable")


def test_every_family_returns_the_request_id_it_was_sent_or_a_new_one(client: httpx.Client) -> None:
    for path in ("/v1/video.list", "/v2/avatars", "/v3/avatars"):
        assert client.get(path, headers={"X-Request-Id": "trace-42"}).headers["X-Request-Id"] == "trace-42"
        made = client.get(path).headers["X-Request-Id"]
        assert len(made) == 32 and made != "trace-42"
    assert client.get("/v1/video.list", headers={"X-Request-Id": "bad\tid"}).headers["X-Request-Id"] != "bad\tid"


def test_a_render_moves_the_metrics_and_logs_json_lines(service: Service, client: httpx.Client) -> None:
    before = samples(httpx.get(f"{service.base_url}/metrics").text)
    receiver = Receiver().start()
    try:
        video_id = client.post("/v2/video/generate", headers={"X-Request-Id": "render-trace-1"}, json={
            "callback_url": f"{receiver.url}/hook?token=secret-in-query",
            "dimension": {"width": 320, "height": 240},
            "video_inputs": [{"character": {"type": "avatar", "avatar_id": "Noah_drawn_front"},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": "Counted."}}]},
        ).json()["data"]["video_id"]
        assert service.wait(video_id)["status"] == "completed"
        receiver.wait_for(lambda delivery: delivery.payload["event_data"].get("video_id") == video_id)
    finally:
        receiver.stop()
    # A worker publishes its histograms with its heartbeat (every 0.5 s in the tests).
    deadline = time.monotonic() + 30
    while True:
        after = samples(scrape := httpx.get(f"{service.base_url}/metrics").text)
        if after["avatarstudio_render_time_ratio_count"] > before["avatarstudio_render_time_ratio_count"]:
            break
        assert time.monotonic() < deadline, scrape
        time.sleep(0.3)
    assert after['avatarstudio_videos{status="completed"}'] == before['avatarstudio_videos{status="completed"}'] + 1
    encode = 'avatarstudio_render_stage_seconds_count{stage="encode"}'
    assert after[encode] > before.get(encode, 0)
    assert after["avatarstudio_workers_live"] == 1
    assert after['avatarstudio_webhook_deliveries_total{outcome="delivered"}'] > \
        before['avatarstudio_webhook_deliveries_total{outcome="delivered"}']
    status_route = 'avatarstudio_api_requests_total{method="GET",route="/v1/video_status.get",status="200"}'
    assert after[status_route] > before.get(status_route, 0)
    assert after['avatarstudio_api_request_seconds_count{method="GET",route="/v1/video_status.get"}'] > 0
    assert "# TYPE avatarstudio_render_stage_seconds histogram" in scrape

    created = wait_for_line(service.log, lambda line: line.get("request_id") == "render-trace-1")
    assert created["logger"] == "avatarstudio.access" and created["status"] == 200
    assert created["key_id"] == "env" and created["video_id"] == video_id and created["route"] == "/v2/video/generate"
    assert all(service.log.read_text().count(secret) == 0 for secret in ("test-key-0123456789", "secret-in-query"))
    rendered = wait_for_line(service.log, lambda line: line.get("video_id") == video_id and "ratio" in line)
    assert rendered["video_seconds"] > 0 and rendered["render_seconds"] > 0
    assert {"speech", "encode"} <= set(rendered["stage_seconds"])
    attempt = wait_for_line(service.log, lambda line: line.get("video_id") == video_id and "attempt" in line)
    assert attempt["outcome"] == "delivered" and attempt["status_code"] == 200 and attempt["attempt"] == 1
