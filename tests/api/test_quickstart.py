"""The README's promise: `serve` on a fresh data dir prints a URL and a key, and the README's curl example,
run as written, downloads a real video."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from live_service import free_port
from media import probe

pytestmark = pytest.mark.service

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text()
    block = text.split("<!-- quickstart-example -->")[1].split("<!-- /quickstart-example -->")[0]
    return block.split("```bash\n")[1].split("```")[0]


def test_serve_prints_url_and_key_and_the_readme_example_makes_a_video(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "AVATARSTUDIO_API_KEY"}
    log = tmp_path / "serve.log"
    server = subprocess.Popen([sys.executable, "-m", "avatarstudio.cli", "serve", "--port", str(port),
                               "--data-dir", str(tmp_path / "data")],
                              env={**env, "PYTHONUNBUFFERED": "1"}, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not re.search(r"API key.*: (\S+)", log.read_text()) or not _up(port):
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        printed = log.read_text()
        url = re.search(r"listening on (http://\S+)", printed).group(1)
        key = re.search(r"API key.*: (\S+)", printed).group(1)
        assert url == f"http://127.0.0.1:{port}"
        script = readme_example().replace("URL=http://127.0.0.1:8000", f"URL={url}")
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env={**env, "KEY": key},
                             capture_output=True, text=True, timeout=240)
        assert run.returncode == 0, run.stderr + run.stdout
        assert "completed 100 %" in run.stdout
        media = probe(tmp_path / "video.mp4")
        assert (media.video_codec, media.audio_codec, media.width, media.height) == ("h264", "aac", 1280, 720)
        assert media.video_seconds > 2
    finally:
        server.terminate()
        server.wait(timeout=20)


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
