"""The command line: render without a server, and key management that the server honours."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from live_service import start_service, stop_service
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
