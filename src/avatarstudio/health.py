"""Is this installation able to do its work? Each check answers one question and says what is wrong in words.

/readyz asks the cheap ones (can the database, queue and storage be reached, is any worker alive); `avatarstudio
doctor` asks those and then the ones a render needs (ffmpeg and its encoders, fonts, voices, face models), which
take a few seconds because they run the real thing once.
"""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from avatarstudio.jobs import liveness

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

ENCODERS = ("libx264", "aac", "libvpx-vp9", "libopus")
FONTS = {"Roboto": "pip install fontpkg-roboto", "Noto Sans": "pip install fontpkg-noto-sans",
         "WenQuanYi Micro Hei": "apt-get install fonts-wqy-microhei", "DejaVu Sans": "apt-get install fonts-dejavu-core"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _run(name: str, probe: Callable[[], str]) -> Check:
    """A probe returns what it found, or raises with what is wrong."""
    try:
        return Check(name, True, probe())
    except Exception as error:  # noqa: BLE001 - any failure of a probe is the answer it reports
        return Check(name, False, str(error) or type(error).__name__)


def _database(runtime: Runtime) -> str:
    return f"reachable ({runtime.db.ping()})"


def _queue(runtime: Runtime) -> str:
    return f"reachable, {runtime.queue.huey.pending_count()} task(s) waiting"


def _storage(runtime: Runtime) -> str:
    runtime.blobs.check()
    return "reachable"


def _workers(runtime: Runtime) -> str:
    count = len(liveness.live(runtime, liveness.heartbeats(runtime)))
    if count == 0:
        raise RuntimeError(f"no worker has sent a heartbeat in the last {runtime.settings.stale_after_seconds:g} s: "
                           "start `avatarstudio worker` (or `serve` with --workers 1 or more)")
    return f"{count} live"


def readiness(runtime: Runtime) -> list[Check]:
    """What /readyz reports: the service can accept work and something will render it."""
    return [_run("database", lambda: _database(runtime)), _run("queue", lambda: _queue(runtime)),
            _run("storage", lambda: _storage(runtime)), _run("workers", lambda: _workers(runtime))]


def _ffmpeg() -> str:
    import imageio_ffmpeg

    executable = imageio_ffmpeg.get_ffmpeg_exe()
    listed = subprocess.run([executable, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30,
                            check=True).stdout
    missing = [name for name in ENCODERS if f" {name} " not in listed]
    if missing:
        raise RuntimeError(f"{executable} lacks the encoder(s) {', '.join(missing)}; reinstall imageio-ffmpeg")
    return executable


def _fonts() -> str:
    from avatarstudio.render.compose import fonts

    installed = {fonts.family_name(path) for path in fonts.installed_files()} | set(fonts.bundled_families())
    missing = [f"{family} ({hint})" for family, hint in FONTS.items() if family not in installed]
    if missing:
        raise RuntimeError(f"not found: {', '.join(missing)}")
    return ", ".join(FONTS)


def _voices() -> str:
    from avatarstudio.catalog import voices
    from avatarstudio.render.speech.synthesize import synthesize

    engines: dict[str, voices.Voice] = {}
    for voice in voices.list_voices():
        engines.setdefault(voice.engine, voice)
    problems = []
    for engine, voice in engines.items():
        try:
            synthesize("Ready.", voice)
        except Exception as error:  # noqa: BLE001 - each engine's failure is reported in its own words
            problems.append(f"{engine} ({voice.name}): {getattr(error, 'message', None) or error}")
    if problems:
        raise RuntimeError("; ".join(problems))
    return f"{', '.join(engines)} spoke"


def _face_models() -> str:
    from skimage.data import astronaut

    from avatarstudio.render.face.analysis import analyse

    analyse(astronaut())
    return "face mesh and segmentation found the face in the astronaut portrait"


def installation(runtime: Runtime) -> list[Check]:
    """What `avatarstudio doctor` reports: readiness, then everything a render needs on this host."""
    return readiness(runtime) + [_run("ffmpeg", _ffmpeg), _run("fonts", _fonts), _run("voices", _voices),
                                 _run("face models", _face_models)]
