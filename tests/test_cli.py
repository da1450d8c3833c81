"""The command line: render without a server, and key management that the server honours."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from live_service import API_KEY, start_service, stop_service
from media import alpha_planes, probe

pytestmark = [pytest.mark.service, pytest.mark.slow]

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "avatarstudio.cli", *args], capture_output=True, text=True,
                          timeout=180, cwd=cwd)


def test_render_writes_the_video_and_side_files(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"avatar_pose_id": "Noah_drawn_front", "input_text": "Rendered from the shell.",
                                "voice_id": VOICE, "dimension": {"width": 320, "height": 240}}))
    run = cli("render", str(body), "--api", "v1-webm", "-o", str(tmp_path / "out"), "--data-dir", str(tmp_path / "d"))
    assert run.returncode == 0, run.stderr
    paths = [Path(line) for line in run.stdout.split()]
    assert {path.suffix for path in paths} == {".webm", ".jpg", ".gif", ".srt", ".vtt", ".ass"}
    assert all(path.is_file() and path.stat().st_size > 0 for path in paths)
    video = next(path for path in paths if path.suffix == ".webm")
    assert (probe(video).width, probe(video).height) == (320, 240)
    assert alpha_planes(video)[0].min() < 10
    assert "Rendered from the shell" in next(path for path in paths if path.suffix == ".srt").read_text()


def test_render_reports_a_bad_body_by_field(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"video_inputs": [{"voice": {"type": "audio"}}]}))
    run = cli("render", str(body), "--api", "v2-generate", "-o", str(tmp_path / "out"), "--data-dir", str(tmp_path))
    assert run.returncode == 1
    assert "video_inputs.0.voice.audio is invalid" in run.stderr


def test_keys_create_list_revoke_against_a_running_server(tmp_path: Path) -> None:
    created = cli("keys", "create", "--name", "ci", "--data-dir", str(tmp_path))
    assert created.returncode == 0, created.stderr
    key_id, plaintext = created.stdout.split()
    listed = cli("keys", "list", "--data-dir", str(tmp_path)).stdout
    assert key_id in listed and "active" in listed and plaintext not in listed
    assert plaintext not in (tmp_path / "avatarstudio.db").read_bytes().decode("latin-1")  # stored hashed
    service = start_service(tmp_path, workers=0)
    try:
        with service.client(plaintext) as client:
            assert client.get("/v3/videos").status_code == 200
            assert cli("keys", "revoke", key_id, "--data-dir", str(tmp_path)).returncode == 0
            assert client.get("/v3/videos").status_code == 401
    finally:
        stop_service(service)


def _api_processes(serve_pid: int) -> list[int]:
    children = [int(pid) for task in Path(f"/proc/{serve_pid}/task").iterdir()
                for pid in (task / "children").read_text().split()]
    return [pid for pid in children if b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def test_two_api_processes_answer_on_one_port_count_together_and_stop_on_sigterm(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_API_PROCESSES="2")
    missing = f"{service.base_url}/v1/video_status.get?video_id=missing"
    try:
        api = _api_processes(service.process.pid)
        assert len(api) == 2
        answered_by: set[int] = set()
        made = 0
        with ThreadPoolExecutor(10) as pool:
            while answered_by != set(api) and made < 400:  # new connections go to whichever process accepts first
                statuses = list(pool.map(lambda _: httpx.get(missing, headers={"X-Api-Key": API_KEY}).status_code,
                                         range(40)))
                assert statuses == [404] * 40
                made += 40
                time.sleep(0.5)
                lines = [json.loads(line) for line in service.log.read_text().splitlines() if line.startswith("{")]
                answered_by = {line["pid"] for line in lines
                               if line.get("logger") == "avatarstudio.access" and line["status"] == 404}
        assert answered_by == set(api)
        counted = 'avatarstudio_api_requests_total{method="GET",route="/v1/video_status.get",status="404"} ' + str(made)
        deadline = time.monotonic() + 20  # each process publishes its counters every heartbeat (0.5 s here)
        while counted not in (scrape := httpx.get(f"{service.base_url}/metrics").text).splitlines():
            assert time.monotonic() < deadline, scrape
            time.sleep(0.3)
    finally:
        stop_service(service)
    assert service.process.returncode == 0  # stopped on SIGTERM, not killed
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in api):
        assert time.monotonic() < deadline, "an API process outlived serve"
        time.sleep(0.2)


def test_a_worker_yields_the_cpu_to_the_api_by_its_niceness(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=1, AVATARSTUDIO_WORKER_NICENESS="7")
    try:
        children = [int(pid) for task in Path(f"/proc/{service.process.pid}/task").iterdir()
                    for pid in (task / "children").read_text().split()]
        [worker] = [pid for pid in children if b"\0worker\0" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        deadline = time.monotonic() + 30  # set once the worker has opened its runtime
        while os.getpriority(os.PRIO_PROCESS, worker) != os.getpriority(os.PRIO_PROCESS, 0) + 7:
            assert time.monotonic() < deadline, "the worker kept the API's priority"
            time.sleep(0.2)
        assert os.getpriority(os.PRIO_PROCESS, service.process.pid) == os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        stop_service(service)
