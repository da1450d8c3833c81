"""The render half of the bench: the versioned request set, the media it needs, one child process per render.

Each case file in bench/requests/ is {"api", "description", "body", optional "repeat_scenes"}. "{media}" in a
body is replaced by the base URL of a loopback HTTP server that serves the clips the bench makes itself.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import imageio_ffmpeg

CHILD = Path(__file__).with_name("child.py")
SPEECH_SPEED = Path(__file__).with_name("speech_speed.py")
AVATAR_SPEED = Path(__file__).with_name("avatar_speed.py")
TWIN_SPEED = Path(__file__).with_name("twin_speed.py")
RSS_SAMPLE_SECONDS = 0.05


@dataclass
class Case:
    name: str
    api: str
    description: str
    body: dict


@dataclass
class RenderResult:
    name: str
    api: str
    description: str
    ok: bool
    error: str | None = None
    width: int = 0
    height: int = 0
    video_seconds: float = 0.0
    wall_seconds: float = 0.0
    """The child process from start to exit: interpreter start, imports, voice load, render, side files."""
    render_seconds: float = 0.0
    """`pipeline.render` alone, as a worker that is already running spends it."""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    frames: int = 0
    avatar_ms_per_frame: float = 0.0
    peak_rss_process_mb: float = 0.0
    """ru_maxrss of the child: the largest single process among it and its children (ffmpeg)."""
    peak_rss_tree_mb: float = 0.0
    """Largest sum of resident memory over the child and its descendants, sampled every 50 ms."""
    output_bytes: int = 0
    load_average: float = 0.0
    """The machine's 1-minute load average when the render started."""
    notes: list[str] = field(default_factory=list)

    @property
    def rtf(self) -> float:
        return self.render_seconds / self.video_seconds if self.video_seconds else float("nan")

    @property
    def rtf_process(self) -> float:
        return self.wall_seconds / self.video_seconds if self.video_seconds else float("nan")

    def to_dict(self) -> dict:
        return {**asdict(self), "rtf": self.rtf, "rtf_process": self.rtf_process}


def load_cases(folder: Path, media_url: str) -> list[Case]:
    """Every *.json in `folder`, in name order, with "{media}" filled in and repeat_scenes applied."""
    cases = []
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text().replace("{media}", media_url))
        body = raw["body"]
        if raw.get("repeat_scenes"):
            body = {**body, "video_inputs": body["video_inputs"] * int(raw["repeat_scenes"])}
        cases.append(Case(path.stem, raw["api"], raw["description"], body))
    return cases


def make_media(folder: Path) -> None:
    """The clips the Studio case fetches: a 4 s looping test pattern (H.264) and a still picture (PNG)."""
    folder.mkdir(parents=True, exist_ok=True)
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    common = [ffmpeg, "-y", "-loglevel", "error", "-f", "lavfi"]
    subprocess.run([*common, "-i", "testsrc2=size=1280x720:rate=25:duration=4", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", str(folder / "loop.mp4")], check=True)
    subprocess.run([*common, "-i", "gradients=size=1280x720:duration=1:speed=0", "-frames:v", "1",
                    str(folder / "still.png")], check=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def media_server(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="bench-media")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _tree_rss_kb(root: int) -> int:
    """Resident kB of `root` and all its descendants, read from /proc (0 for processes already gone)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def _run_measured(command: list[str], env: dict[str, str], log: Path) -> tuple[int, float, int, int]:
    """Run `command`; returns (exit code, wall seconds, ru_maxrss kB, peak sampled tree RSS kB)."""
    peak = 0
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(RSS_SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, wall, usage.ru_maxrss, peak


def _video_format(path: Path) -> tuple[int, int, float]:
    """(width, height, frames per second) of the rendered file, read back with PyAV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return stream.codec_context.width, stream.codec_context.height, float(stream.average_rate)


def render_case(case: Case, workdir: Path, data_dir: Path) -> RenderResult:
    """Render one case in a child process and collect its figures."""
    workdir.mkdir(parents=True, exist_ok=True)
    body_path, report_path, out = workdir / "body.json", workdir / "measured.json", workdir / "out"
    body_path.write_text(json.dumps(case.body))
    command = [sys.executable, str(CHILD), str(report_path), str(body_path), "--api", case.api, "-o", str(out),
               "--data-dir", str(data_dir)]
    env = {**os.environ, "AVATARSTUDIO_ALLOW_PRIVATE_URLS": "true", "PYTHONUNBUFFERED": "1"}
    load_average = os.getloadavg()[0]
    code, wall, maxrss_kb, tree_kb = _run_measured(command, env, workdir / "render.log")
    result = RenderResult(case.name, case.api, case.description, ok=False, wall_seconds=wall,
                          peak_rss_process_mb=maxrss_kb / 1024, peak_rss_tree_mb=tree_kb / 1024,
                          load_average=load_average)
    if code != 0 or not report_path.exists():
        result.error = f"exit {code}: " + (workdir / "render.log").read_text()[-800:]
        return result
    measured = json.loads(report_path.read_text())
    video = Path(measured["video"])
    result.ok = True
    result.width, result.height, fps = _video_format(video)
    result.video_seconds = measured["duration"]
    result.render_seconds = measured["render_seconds"]
    result.stage_seconds = measured["stage_seconds"]
    result.notes = measured["notes"]
    result.frames = round(result.video_seconds * fps)
    result.avatar_ms_per_frame = 1000 * result.stage_seconds.get("avatar", 0.0) / max(1, result.frames)
    result.output_bytes = video.stat().st_size
    return result


def _json_child(script: Path, *args: str) -> dict | None:
    """The JSON object a measuring script prints last, run in a fresh process; None if it failed."""
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-800:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def speech_speed(voice_id: str, text: str) -> dict | None:
    """Speech synthesis speed from bench/speech_speed.py."""
    return _json_child(SPEECH_SPEED, voice_id, text)


def avatar_speed() -> dict | None:
    """Avatar frame cost at 720p on one core from bench/avatar_speed.py."""
    return _json_child(AVATAR_SPEED)


def twin_speed() -> dict | None:
    """Digital-twin preparation and render speed from bench/twin_speed.py."""
    return _json_child(TWIN_SPEED)
