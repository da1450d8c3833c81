"""make quality: render talking-photo videos, measure their lip-sync and face from the decoded files alone, and
write quality/results.json, quality/REPORT.md and quality/contact_sheet.png.

    .venv/bin/python quality/run.py [--out DIR] [--quick | --only twin]

Cases: the built-in astronaut portrait, and the same photo sent as an uploaded image (POST /v3/videos, type
image), speaking a script with pauses at 720p. Two baselines are made from the first render to show the
measures can fail: the render's first frame held still over the same audio, and the render with its audio
delayed by 3 frames (remuxed with ffmpeg -itsoffset, no re-encoding). The digital twin's cases (held-out
rebuilding of real footage, and the twin speaking the script) are quality/twin.py's.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script by make: let `quality.*` import as a package
    sys.path.insert(0, str(ROOT))

import imageio_ffmpeg  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from skimage import data as skimage_data  # noqa: E402

from quality import analyse, decode, report, sheet, twin  # noqa: E402

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
SCRIPT = ('Hello, and thank you for joining me today. <break time="0.6s"/> I would like to show you something new. '
          '<break time="0.8s"/> Please watch my lips as I speak: papa, mama, baby, bubble. <break time="0.6s"/> '
          'When I stop talking, my mouth should come to rest. <break time="1s"/> That is all for now. Goodbye!')
QUICK_SCRIPT = 'Hello there. <break time="0.6s"/> Papa made a map.'
SHIFT_FRAMES = 3


def source_photo() -> np.ndarray:
    """scikit-image's astronaut portrait (NASA, public domain): the photo behind Astronaut_Portrait_public."""
    return skimage_data.astronaut()


def requests(script: str, quick: bool) -> list[tuple[str, str, str, dict]]:
    """(name, title, --api, body) of each rendered case."""
    builtin = ("builtin", "built-in look Astronaut_Portrait_public, 720p (POST /v2/videos)", "v2-videos",
               {"avatar_id": "Astronaut_Portrait_public", "script": script, "voice_id": VOICE,
                "resolution": "720p", "aspect_ratio": "16:9", "background": {"type": "color", "value": "#2C3E50"}})
    if quick:
        return [builtin]
    png = io.BytesIO()
    Image.fromarray(source_photo()).save(png, format="PNG")
    uploaded = ("uploaded", "the same photo uploaded, 720p (POST /v3/videos, type image, base64)", "v3-videos",
                {"type": "image", "image": {"type": "base64", "data": base64.b64encode(png.getvalue()).decode(),
                                            "media_type": "image/png"},
                 "script": script, "voice_id": VOICE, "resolution": "720p", "aspect_ratio": "16:9"})
    return [builtin, uploaded]


def render(api: str, body: dict, folder: Path, data_dir: Path) -> Path:
    """`avatarstudio render` in a child process; returns the video it wrote."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "body.json").write_text(json.dumps(body))
    done = subprocess.run([sys.executable, "-m", "avatarstudio.cli", "render", str(folder / "body.json"),
                           "--api", api, "-o", str(folder / "render"), "--data-dir", str(data_dir)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if done.returncode != 0:
        raise RuntimeError(f"render failed ({done.returncode}): {done.stderr[-1500:]}")
    return Path(done.stdout.splitlines()[0])


def _ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", *args], check=True)


def still_baseline(video: Path, out: Path) -> Path:
    """The video's first frame held for its whole length, with its audio unchanged."""
    first = out.with_suffix(".png")
    Image.fromarray(next(decode.frames(video))[1]).save(first)
    fps = f"{decode.frame_rate(video):g}"
    _ffmpeg("-loop", "1", "-framerate", fps, "-i", str(first), "-i", str(video), "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "copy", "-shortest", str(out))
    return out


def shifted_baseline(video: Path, out: Path, frames: int) -> Path:
    """The same streams with the audio `frames` video frames later (no re-encoding)."""
    delay = frames / decode.frame_rate(video)
    _ffmpeg("-i", str(video), "-itsoffset", f"{delay:.6f}", "-i", str(video), "-map", "0:v", "-map", "1:a",
            "-c", "copy", str(out))
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "quality",
                        help="where results.json, REPORT.md and contact_sheet.png go (scratch goes to OUT/out)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: a 3-second script, the built-in look and its two baselines only (no twin)")
    parser.add_argument("--only", choices=("twin",),
                        help="only the digital twin's cases (held out, new speech, warp); with --out elsewhere, so the "
                             "full report is kept")
    return parser.parse_args(argv)


def photo_cases(args: argparse.Namespace, scratch: Path, script: str) -> tuple[dict, list, list[dict]]:
    """(results, contact-sheet rows, checks) of the talking-photo renders and their two baselines."""
    source = analyse.Source.of(source_photo())
    videos: list[tuple[str, str, str, Path]] = []
    for name, title, api, body in requests(script, args.quick):
        print(f"render {name}: {title}", flush=True)
        videos.append((name, title, "render", render(api, body, scratch / name, scratch / "data")))
    first = videos[0][3]
    videos += [("still", "baseline: first frame held still, same audio", "still",
                still_baseline(first, scratch / "still.mp4")),
               ("shifted", f"baseline: {videos[0][0]} with its audio {SHIFT_FRAMES} frames late", "shifted",
                shifted_baseline(first, scratch / "shifted.mp4", SHIFT_FRAMES))]
    results, rows = {}, []
    for name, title, kind, video in videos:
        print(f"analyse {name}", flush=True)
        series = analyse.track(video, source)
        results[name] = {"title": title, "kind": kind, "video": str(video.relative_to(args.out)),
                         **analyse.measure(series)}
        if kind == "render":
            rows.append((title, video, series))
    return results, rows, report.check(results, reference=videos[0][0], shift_frames=SHIFT_FRAMES)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started, load_at_start = time.perf_counter(), report.load_average()
    scratch = args.out / "out"
    shutil.rmtree(scratch, ignore_errors=True)
    script = QUICK_SCRIPT if args.quick else SCRIPT
    results, rows, checks = ({}, [], []) if args.only == "twin" else photo_cases(args, scratch, script)
    twin_measures = None
    if not args.quick:
        print("twin: prepare, held-out windows, new speech", flush=True)
        twin_measures, twin_checks, twin_rows = twin.run(scratch, script, VOICE)
        results.update(twin_rows)
        checks += twin_checks
    if rows:
        sheet.write(rows, args.out / "contact_sheet.png")
    seconds = time.perf_counter() - started
    command = "make quality" if argv == [] else "quality/run.py " + " ".join(argv)
    about = report.describe(ROOT, command, load_at_start)
    payload = {"machine": about, "quality_seconds": seconds, "script": script, "checks": checks, "videos": results,
               "twin": twin_measures}
    (args.out / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    (args.out / "REPORT.md").write_text(report.markdown(about, script, results, checks, seconds)
                                        + ("" if args.quick else twin.METHOD))
    for check in checks:
        print(f"{check['verdict']:>7}  {check['video']}: {check['what']}: {check['shown']} ({check['limit']})")
    print(f"wrote {args.out / 'REPORT.md'} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
