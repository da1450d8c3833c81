"""Digital-twin speed in its own process: prints one JSON object.

PsychoPy's jwpIntro.mp4 (5.8 s of a man talking, fetched from its wheel by tests/footage.py) is prepared as a twin,
timed against its length, and so is a 58 s footage made of it played forward and backward five times (the same real
frames and voice, reversed every other pass: a length like the 2 minutes a user is asked for, where preparation's
fixed costs, about 1 s of model graphs, no longer dominate); the twin then speaks the 720p case's 30-second script at 720p and at 1080p through
`pipeline.render`, timed against the video's length (the voice is loaded and mediapipe imported first, as in a
running worker). Beside each wall-clock time, the CPU seconds spent (this process's threads, and the ffmpeg children
it waited for) say what a change saved on a machine shared with other work, where wall time is noisy.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import imageio_ffmpeg  # noqa: E402

from avatarstudio import spec  # noqa: E402
from avatarstudio.catalog import voices  # noqa: E402
from avatarstudio.render import pipeline, speech, twin  # noqa: E402
from bench.load import VOICE  # noqa: E402
from tests.footage import clip  # noqa: E402

SCRIPT_CASE = ROOT / "bench" / "requests" / "01_mp4_720p.json"
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of the children it has waited for (ffmpeg)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def forward_and_back(footage: Path, out: Path, passes: int = 5) -> Path:
    """`footage` played forward then backward (picture and sound), `passes` times over."""
    once = out.with_name("once.mp4")
    graph = ("[0:v]split[a][b];[b]reverse[r];[a][r]concat=n=2:v=1:a=0[v];"
             "[0:a]asplit[c][d];[d]areverse[e];[c][e]concat=n=2:v=0:a=1[s]")
    ffmpeg = [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y"]
    subprocess.run([*ffmpeg, "-i", str(footage), "-filter_complex", graph, "-map", "[v]", "-map", "[s]",
                    "-c:v", "libx264", "-crf", "18", "-c:a", "aac", str(once)], check=True)
    subprocess.run([*ffmpeg, "-stream_loop", str(passes - 1), "-i", str(once), "-c", "copy", str(out)], check=True)
    return out


def timed_prepare(footage: Path, directory: Path) -> tuple[twin.Prepared, dict]:
    started, cpu = time.perf_counter(), cpu_seconds()
    prepared = twin.prepare(footage, directory)
    seconds, spent = time.perf_counter() - started, cpu_seconds() - cpu
    return prepared, {"footage_seconds": prepared.duration, "seconds": seconds, "ratio": seconds / prepared.duration,
                      "cpu_seconds": spent}


def main() -> int:
    script = json.loads(SCRIPT_CASE.read_text())["body"]["script"]
    speech.synthesize("Ready.", voices.get_voice(VOICE))
    # A running worker imported mediapipe with its first twin (about 1 s, most of it the matplotlib mediapipe
    # pulls in); the graphs are still built inside each preparation, as the worker builds them per footage.
    import mediapipe  # noqa: F401
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "twin"
        _, short = timed_prepare(clip("jwpIntro.mp4"), directory)
        _, long = timed_prepare(forward_and_back(clip("jwpIntro.mp4"), Path(scratch) / "long.mp4"),
                                Path(scratch) / "long")
        renders = {}
        for name, (width, height) in SIZES.items():
            scene = spec.Scene(spec.Character(spec.TwinLook("jwp")), spec.TextSpeech(script, VOICE))
            video = spec.VideoSpec((scene,), spec.Output(width, height))
            started, cpu = time.perf_counter(), cpu_seconds()
            rendered = pipeline.render(video, Path(scratch) / name, lambda ref, kind: directory)
            seconds, spent = time.perf_counter() - started, cpu_seconds() - cpu
            renders[name] = {"render_seconds": seconds, "video_seconds": rendered.duration,
                             "rtf": seconds / rendered.duration, "cpu_seconds": spent,
                             "cpu_per_video_second": spent / rendered.duration, "stage_seconds": rendered.stage_seconds}
    print(json.dumps({"prepare": short, "prepare_long": long, "renders": renders}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
