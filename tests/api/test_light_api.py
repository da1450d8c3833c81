"""The HTTP layer never renders: the API process loads no speech engine, recogniser or face model (a worker
speaks, draws previews and checks faces for it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from live_service import start_service, stop_service

from avatarstudio.catalog.avatars import list_avatars
from avatarstudio.catalog.voices import DEFAULT_VOICE_ID

ENGINES = ("onnxruntime", "piper", "pocketsphinx", "mediapipe")


def _loaded_after(code: str) -> list[str]:
    """The engine and render modules a fresh interpreter holds after running `code`."""
    script = (f"import json, sys\n{code}\nprint(json.dumps(sorted(name for name in sys.modules "
              f"if name.split('.')[0] in {ENGINES!r} or name.startswith('avatarstudio.render'))))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_api_app_loads_no_engine() -> None:
    assert _loaded_after("import avatarstudio.api.app") == []


def test_the_running_api_with_its_queue_loads_no_engine(tmp_path: Path) -> None:
    assert _loaded_after("from avatarstudio.api.app import create_app\n"
                         "from avatarstudio.config import load_settings\n"
                         "from avatarstudio.runtime import open_runtime\n"
                         f"create_app(open_runtime(load_settings({str(tmp_path)!r})))") == []


@pytest.mark.service
def test_work_with_no_worker_to_do_it_fails_in_bounded_time_with_a_reason(tmp_path: Path) -> None:
    """Speech, previews and the face check need a worker; without one a request waits a bounded time, then 503."""
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_QUICK_JOB_SECONDS="1")
    try:
        with service.client() as client:
            response = client.post("/v3/voices/speech", json={"text": "Hello.", "voice_id": DEFAULT_VOICE_ID})
            preview = client.get(f"/catalog/avatars/{list_avatars()[0].avatar_id}/preview.png")
        assert response.status_code == preview.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "service_unavailable" and "worker" in error["message"], error
    finally:
        stop_service(service)
