"""Digital-twin speed in its own process: prints one JSON object.

PsychoPy's jwpIntro.mp4 (5.8 s of a man talking, fetched from its wheel by tests/footage.py) is prepared as a twin,
timed against its length; the twin then speaks the 720p case's 30-second script at 720p and at 1080p through
`pipeline.render`, timed against the video's length (the voice is loaded first, as in a running worker).
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from avatarstudio import spec  # noqa: E402
from avatarstudio.catalog import voices  # noqa: E402
from avatarstudio.render import pipeline, speech, twin  # noqa: E402
from bench.load import VOICE  # noqa: E402
from tests.footage import clip  # noqa: E402

SCRIPT_CASE = ROOT / "bench" / "requests" / "01_mp4_720p.json"
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def main() -> int:
    script = json.loads(SCRIPT_CASE.read_text())["body"]["script"]
    speech.synthesize("Ready.", voices.get_voice(VOICE))
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "twin"
        started = time.perf_counter()
        prepared = twin.prepare(clip("jwpIntro.mp4"), directory)
        prepare_seconds = time.perf_counter() - started
        renders = {}
        for name, (width, height) in SIZES.items():
            scene = spec.Scene(spec.Character(spec.TwinLook("jwp")), spec.TextSpeech(script, VOICE))
            video = spec.VideoSpec((scene,), spec.Output(width, height))
            started = time.perf_counter()
            rendered = pipeline.render(video, Path(scratch) / name, lambda ref, kind: directory)
            seconds = time.perf_counter() - started
            renders[name] = {"render_seconds": seconds, "video_seconds": rendered.duration,
                             "rtf": seconds / rendered.duration, "stage_seconds": rendered.stage_seconds}
    print(json.dumps({"prepare_seconds": prepare_seconds, "footage_seconds": prepared.duration,
                      "prepare_ratio": prepare_seconds / prepared.duration, "renders": renders}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
