"""Two-second encodes shared by the encode tests (each is made once per session)."""
from __future__ import annotations

from pathlib import Path

import pytest
from encode_samples import encode, half_transparent_frame, patch_frame, tone


@pytest.fixture(scope="session")
def mp4_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode(tmp_path_factory.mktemp("mp4") / "patches.mp4", "mp4", patch_frame, tone(2.0))


@pytest.fixture(scope="session")
def webm_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode(tmp_path_factory.mktemp("webm") / "alpha.webm", "webm", half_transparent_frame, tone(2.0))
