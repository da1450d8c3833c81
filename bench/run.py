"""make bench: render the versioned request set, load the API, and write bench/results.json and bench/REPORT.md.

    .venv/bin/python bench/run.py [--requests DIR] [--out DIR] [--quick] [--only api]

Scratch files (rendered videos, logs, server data) go to bench/out/ and are not committed.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script by make: let `bench.*` import as a package
    sys.path.insert(0, str(ROOT))

from bench import load, machine, renders, report  # noqa: E402

SPEECH_CASE = ROOT / "bench" / "requests" / "01_mp4_720p.json"
"""Its 30-second script is what the speech speed is measured on."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=Path, default=ROOT / "bench" / "requests",
                        help="folder of request cases (*.json)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench",
                        help="where results.json and REPORT.md go (scratch goes to OUT/out)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: the renders, speech speed on one sentence, no API load, throughput or twin; "
                             "with --only api, the API scenarios with a tenth of their calls")
    parser.add_argument("--only", choices=("api",),
                        help="api: only issue 14's API latency scenarios (no renders, speech, twin or throughput)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started, load_at_start = time.perf_counter(), machine.load_average()
    command = "make bench" if argv == [] else "bench/run.py " + " ".join(argv)
    scratch = args.out / "out"
    shutil.rmtree(scratch, ignore_errors=True)
    if args.only == "api":
        results, speech, avatar, twin, throughput = [], None, None, None, []
        api = _api(scratch, args.quick)
    else:
        results, speech, avatar, twin = _renders_and_speeds(args, scratch)
        api, throughput = None, []
        if not args.quick:
            api = _api(scratch, quick=False)
            for workers in (1, 2):
                print(f"queue throughput with {workers} worker(s)", flush=True)
                throughput.append(load.queue_throughput(scratch / f"server-{workers}-workers", workers))
    targets = report.check_targets(results, speech, avatar, twin, api)
    seconds = time.perf_counter() - started
    about = machine.describe(ROOT, command, load_at_start)
    payload = {"machine": about, "bench_seconds": seconds, "targets": targets, "speech": speech, "avatar": avatar,
               "twin": twin, "renders": [result.to_dict() for result in results], "api": api,
               "queue_throughput": throughput}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    (args.out / "REPORT.md").write_text(report.markdown(about, results, speech, avatar, targets, api, throughput, seconds))
    for target in targets:
        print(f"{target['verdict']:>7}  {target['target']}: {target['shown']} (limit {target['limit']})")
    print(f"wrote {args.out / 'REPORT.md'} in {seconds:.0f} s")
    return 0 if all(result.ok for result in results) else 1


def _api(scratch: Path, quick: bool) -> dict:
    for name, (kind, clients, calls) in load.SCENARIOS.items():
        print(f"API load: {name}: {kind} calls, {clients} clients", flush=True)
    return load.api_latency(scratch / "server-load", quick)


def _renders_and_speeds(args: argparse.Namespace, scratch: Path) -> tuple[list, dict, dict, dict | None]:
    """The request set rendered one by one, then speech speed, the avatar frame cost and (unless quick) the twin."""
    renders.make_media(scratch / "media")
    results = []
    with renders.media_server(scratch / "media") as media_url:
        for case in renders.load_cases(args.requests, media_url):
            print(f"render {case.name}: {case.description}", flush=True)
            result = renders.render_case(case, scratch / case.name, scratch / "data")
            results.append(result)
            print(f"  {'ok' if result.ok else 'FAILED'}: {result.video_seconds:.1f} s of video in "
                  f"{result.render_seconds:.1f} s (process {result.wall_seconds:.1f} s), "
                  f"peak {result.peak_rss_tree_mb:.0f} MB" + ("" if result.ok else f"\n{result.error}"), flush=True)
    speech_text = json.loads(SPEECH_CASE.read_text())["body"]["script"]
    if args.quick:
        speech_text = speech_text.split(". ")[0] + "."
    print("speech speed", flush=True)
    speech = renders.speech_speed(load.VOICE, speech_text)
    print("avatar frame cost on one core", flush=True)
    avatar = renders.avatar_speed()
    twin = None
    if not args.quick:
        print("digital twin: prepare jwpIntro.mp4, render it speaking at 720p and 1080p", flush=True)
        twin = renders.twin_speed()
    return results, speech, avatar, twin


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
