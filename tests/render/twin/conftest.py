"""One preparation of PsychoPy's jwpIntro.mp4 per test session, shared by the twin tests (it takes seconds)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from avatarstudio.render.twin import Prepared, prepare
from tests.footage import clip


@pytest.fixture(scope="session")
def jwp_twin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Prepared]:
    """(directory, result) of jwpIntro.mp4 prepared as a twin."""
    directory = tmp_path_factory.mktemp("jwp-twin")
    return directory, prepare(clip("jwpIntro.mp4"), directory)


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", *args], check=True, timeout=120)
