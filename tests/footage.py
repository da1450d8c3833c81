"""Real footage of a person talking, for digital-twin tests, taken from a PyPI wheel and cached (never committed).

PsychoPy (GPL-3.0-or-later, https://www.psychopy.org) ships two clips of the same man talking to the camera:
`jwpIntro.mp4` (640x480, 5.8 s, speech) and `testMovie.mp4` (352x288, 7.8 s, another session). The wheel is
fetched once with `pip download --no-deps` and the clips are extracted into a cache outside the repository.
"""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

PSYCHOPY = "psychopy==2026.2.5"
CLIPS = {
    "jwpIntro.mp4": "psychopy/demos/coder/stimuli/jwpIntro.mp4",
    "testMovie.mp4": "psychopy/tests/data/testMovie.mp4",
}
CACHE = Path(os.environ.get("AVATARSTUDIO_FOOTAGE_CACHE", Path.home() / ".cache" / "avatarstudio-footage"))


def clip(name: str) -> Path:
    """The cached clip `name` (a key of CLIPS), fetched and extracted on first use."""
    path = CACHE / name
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(CACHE.glob("psychopy-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", PSYCHOPY, "-d", str(CACHE)],
                       check=True, timeout=600)
        wheels = sorted(CACHE.glob("psychopy-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as wheel:
        partial = path.with_suffix(".partial")
        partial.write_bytes(wheel.read(CLIPS[name]))
        partial.rename(path)  # atomic, so parallel tests never read half a clip
    return path
