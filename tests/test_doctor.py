"""`avatarstudio doctor` says in words what is wrong with an installation."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from live_service import free_port, service_env

pytestmark = pytest.mark.slow


def doctor(data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "avatarstudio.cli", "doctor", "--data-dir", str(data_dir)],
                          env=service_env(**env), capture_output=True, text=True, timeout=240)


def test_doctor_checks_everything_a_render_needs_and_names_the_missing_worker(tmp_path: Path) -> None:
    ran = doctor(tmp_path)
    lines = ran.stdout.splitlines()
    assert ran.returncode == 1, ran.stdout + ran.stderr
    verdicts = {line[5:].split(":")[0]: line[:4].strip() for line in lines[:-1]}
    assert verdicts == {"database": "ok", "queue": "ok", "storage": "ok", "workers": "FAIL", "ffmpeg": "ok",
                        "fonts": "ok", "voices": "ok", "face models": "ok"}, ran.stdout
    assert "no worker has sent a heartbeat" in ran.stdout and "piper, festival, espeak spoke" in ran.stdout
    assert lines[-1] == "1 problem(s): workers"


def test_doctor_reports_a_database_it_cannot_reach(tmp_path: Path) -> None:
    ran = doctor(tmp_path, DATABASE_URL=f"postgresql+psycopg://user:pw@127.0.0.1:{free_port()}/none")
    assert ran.returncode == 1
    assert ran.stdout.startswith("FAIL start-up: OperationalError") and "Connection refused" in ran.stdout
