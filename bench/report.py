"""Targets from issues 4, 5, 6, 11 and 14, checked against the bench's figures, and REPORT.md."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.machine import markdown as machine_markdown
from bench.renders import RenderResult

STAGES = ("speech", "motion", "avatar", "compose", "encode", "side_files")
"""The pipeline's stages in running order; a stage it reports beyond these gets a column after them."""
MEMORY_GROWTH_ALLOWED = 0.10
"""'No growth with length': the 10-minute peak may exceed the 1-minute peak by at most this fraction."""


@dataclass(frozen=True)
class Figures:
    """What the targets are checked against: the renders that succeeded, by case name, the speech speed, the
    one-core avatar frame cost, the digital twin's speeds and the API scenarios (bench/load.py)."""

    renders: dict[str, RenderResult]
    speech: dict | None
    avatar: dict | None
    twin: dict | None = None
    api: dict | None = None

    def scenario(self, name: str) -> dict:
        """An API scenario's figures; KeyError (shown 'not run') when it did not run or any of its calls failed."""
        figures = self.api["scenarios"][name]
        if figures["errors"]:
            raise KeyError(name)
        return figures


@dataclass(frozen=True)
class Target:
    name: str
    source: str
    case: str
    limit: str
    measure: Callable[[Figures], float]
    passes: Callable[[float], bool] | None
    """None: a figure shown beside a target for context, with no limit of its own."""
    unit: str


TARGETS = (
    Target("720p MP4 render time / video duration", "issue 6.7", "01_mp4_720p", "<= 0.25",
           lambda f: f.renders["01_mp4_720p"].rtf, lambda v: v <= 0.25, ""),
    Target("1080p MP4 render time / video duration", "issue 6.7", "02_mp4_1080p", "<= 0.5",
           lambda f: f.renders["02_mp4_1080p"].rtf, lambda v: v <= 0.5, ""),
    Target("720p WebM with alpha render time / video duration", "issue 6.7", "04_webm_720p_alpha", "<= 0.5",
           lambda f: f.renders["04_webm_720p_alpha"].rtf, lambda v: v <= 0.5, ""),
    Target("photo avatar frame at 720p, one core", "issue 4.5", "avatar", "<= 4 ms",
           lambda f: f.avatar["photo_ms"], lambda v: v <= 4.0, " ms"),
    Target("10-minute video peak memory (process tree)", "issue 6.7", "07_long_10min", "< 1.5 GB",
           lambda f: f.renders["07_long_10min"].peak_rss_tree_mb / 1024, lambda v: v < 1.5, " GB"),
    Target("peak memory growth, 10 min vs 1 min", "issue 6.7", "07_long_10min",
           f"<= {MEMORY_GROWTH_ALLOWED:.0%}",
           lambda f: f.renders["07_long_10min"].peak_rss_tree_mb / f.renders["06_long_1min"].peak_rss_tree_mb - 1,
           lambda v: v <= MEMORY_GROWTH_ALLOWED, ""),
    Target("piper speech, audio seconds per CPU second (voice loaded)", "DESIGN", "speech", ">= 10x",
           lambda f: f.speech["warm"]["x_realtime_per_core"], lambda v: v >= 10.0, "x"),
    Target("digital twin 720p render time / video duration", "issue 11", "twin", "<= 0.35",
           lambda f: f.twin["renders"]["720p"]["rtf"], lambda v: v <= 0.35, ""),
    Target("digital twin 1080p render time / video duration", "issue 11", "twin", "<= 0.7",
           lambda f: f.twin["renders"]["1080p"]["rtf"], lambda v: v <= 0.7, ""),
    Target("digital twin preparation time / footage length (58 s footage)", "issue 11", "twin", "<= 0.5",
           lambda f: f.twin["prepare_long"]["ratio"], lambda v: v <= 0.5, ""),
    Target("digital twin preparation time / footage length (5.8 s clip)", "issue 11", "twin", "-",
           lambda f: f.twin["prepare"]["ratio"], None, ""),
    Target("GET /v1/video_status.get p99, 10 clients, idle", "issue 14", "status_10", "<= 25 ms",
           lambda f: f.scenario("status_10")["p99_ms"], lambda v: v <= 25, " ms"),
    Target("GET /v1/video_status.get requests/s, 50 clients, idle", "issue 14", "status_50", ">= 1000",
           lambda f: f.scenario("status_50")["per_second"], lambda v: v >= 1000, "/s"),
    Target("GET /v1/video_status.get p99, 50 clients, idle", "issue 14", "status_50", "<= 100 ms",
           lambda f: f.scenario("status_50")["p99_ms"], lambda v: v <= 100, " ms"),
    Target("POST /v2/video/generate p99, 10 clients, idle", "issue 14", "create_10", "<= 200 ms",
           lambda f: f.scenario("create_10")["p99_ms"], lambda v: v <= 200, " ms"),
    Target("GET /v1/video_status.get p99, 50 clients, one render running", "issue 14", "status_50_render",
           "<= 200 ms", lambda f: f.scenario("status_50_render")["p99_ms"], lambda v: v <= 200, " ms"),
)


def check_targets(results: list[RenderResult], speech: dict | None, avatar: dict | None,
                  twin: dict | None = None, api: dict | None = None) -> list[dict]:
    """Each target with its measured value and pass / fail, or 'not run' when its cases did not render."""
    figures = Figures({result.name: result for result in results if result.ok}, speech, avatar, twin, api)
    checked = []
    for target in TARGETS:
        row = {"target": target.name, "source": target.source, "limit": target.limit, "case": target.case}
        try:
            value = target.measure(figures)
        except (KeyError, TypeError, ZeroDivisionError):
            checked.append({**row, "value": None, "shown": "-", "verdict": "not run"})
            continue
        shown = f"{value:+.0%}" if target.limit.endswith("%") else f"{value:.3g}{target.unit}"
        verdict = "-" if target.passes is None else "pass" if target.passes(value) else "FAIL"
        checked.append({**row, "value": value, "shown": shown, "verdict": verdict})
    return checked


def _render_rows(results: list[RenderResult]) -> str:
    reported = {stage for r in results for stage in r.stage_seconds}
    stages_shown = [*STAGES, *sorted(reported - set(STAGES))]
    columns = ["case", "output", "video s", "render s", "render / duration", "process s", *stages_shown,
               "avatar ms/frame", "peak RSS tree", "peak RSS largest process", "file", "load"]
    header = "| " + " | ".join(columns) + " |\n"
    rule = "|" + "---|" * len(columns) + "\n"
    rows = []
    for r in results:
        if not r.ok:
            reason = (r.error or "").strip().splitlines()[-1][:120] if r.error else ""
            rows.append(f"| {r.name} | failed: {reason} |" + " |" * (len(columns) - 2))
            continue
        stages = " | ".join(f"{r.stage_seconds.get(stage, 0.0):.2f}" for stage in stages_shown)
        rows.append(f"| {r.name} | {r.width}x{r.height} {r.api} | {r.video_seconds:.1f} | {r.render_seconds:.2f} | "
                    f"**{r.rtf:.3f}** | {r.wall_seconds:.1f} | {stages} | {r.avatar_ms_per_frame:.2f} | "
                    f"{r.peak_rss_tree_mb:.0f} MB | {r.peak_rss_process_mb:.0f} MB | "
                    f"{r.output_bytes / 1e6:.2f} MB | {r.load_average:.1f} |")
    return header + rule + "\n".join(rows) + "\n"


def _api_rows(api: dict | None, throughput: list[dict]) -> str:
    if api is None:
        return "Not run (`--quick`).\n"
    lines = [f"Issue 14's scenarios against `avatarstudio serve --workers 1` on loopback, one after another, the "
             f"load client on the same machine: {api['client']}. *API CPU* is the CPU time of the process(es) "
             "answering HTTP over the scenario's requests; *client CPU* is the load client's own, which competes "
             "with the server for the same cores; *load* is the 1-minute load average.\n",
             "| scenario | call | condition | clients | requests | errors | requests/s | p50 | p99 | max | "
             "API CPU ms/request | client CPU s | load |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in api["scenarios"].items():
        running = "" if "render_ran_throughout" not in c else (
            "" if c["render_ran_throughout"] else " (the render ended before the calls did)")
        lines.append(f"| {name} | {c['endpoint']} | {c['condition']}{running} | {c['clients']} | {c['requests']} | "
                     f"{c['errors']} | {c['per_second']:.0f} | {c.get('p50_ms', 0):.1f} ms | "
                     f"**{c.get('p99_ms', 0):.1f} ms** | {c.get('max_ms', 0):.1f} ms | "
                     f"{c['api_cpu_ms_per_request']:.2f} | {c['client_cpu_seconds']:.1f} | {c['load_average']:.1f} |")
    if not throughput:
        return "\n".join(lines) + "\n"
    lines += ["", "Queue throughput: videos queued at once, timed from the first create to the last completion "
              "(one warm-up video per worker first).", "",
              "| workers | video | videos | completed | seconds | videos/minute |", "|---|---|---|---|---|---|"]
    for t in throughput:
        lines.append(f"| {t['workers']} | {t['video']} ({t['video_seconds']} s) | {t['videos']} | {t['completed']} | "
                     f"{t['seconds']:.1f} | **{t['videos_per_minute']:.1f}** |")
    return "\n".join(lines) + "\n"


def _speech_rows(speech: dict | None) -> str:
    if speech is None:
        return "Speech speed could not be measured.\n"
    rows = ["| call | audio s | CPU s | wall s | audio s per CPU s | audio s per wall s |", "|---|---|---|---|---|---|"]
    for kind, label in (("cold", "first (loads the voice)"), ("warm", "second (voice loaded)")):
        c = speech[kind]
        rows.append(f"| {label} | {c['audio_seconds']:.1f} | {c['cpu_seconds']:.2f} | {c['wall_seconds']:.2f} | "
                    f"**{c['x_realtime_per_core']:.1f}x** | {c['x_realtime_wall']:.1f}x |")
    engines = ["| engine (first English voice) | audio s | wall s | x real time | CPU s | x real time per core |",
               "|---|---|---|---|---|---|"]
    for name, e in speech.get("engines", {}).items():
        engines.append(f"| {name} | {e['audio_seconds']:.1f} | {e['wall_seconds']:.2f} | {e['x_real_time']:.1f}x | "
                       f"{e['cpu_seconds']:.2f} | **{e['x_real_time_per_core']:.1f}x** |")
    return (f"`{speech['voice']}` speaking the 30-second script of 01_mp4_720p twice in one process "
            "(bench/speech_speed.py); CPU seconds count every thread, so audio per CPU second is per core.\n\n"
            + "\n".join(rows) + "\n\nEvery engine, voice loaded, on about 30 s of English "
            "(`avatarstudio.render.speech.benchmark.measure_engines`; festival's own process counted in CPU s):\n\n"
            + "\n".join(engines) + "\n")


def _avatar_rows(avatar: dict | None) -> str:
    if avatar is None:
        return "The avatar frame cost could not be measured.\n"
    return (f"bench/avatar_speed.py: {avatar['frames']} frames at {avatar['height']} px, pinned to CPU "
            f"{avatar['cpu']}, driven by the motion stage; engine set-up excluded.\n\n"
            "| engine | ms per frame |\n|---|---|\n"
            f"| photo (astronaut, landmark warp) | **{avatar['photo_ms']:.2f}** |\n"
            f"| drawn (Ava) | **{avatar['drawn_ms']:.2f}** |\n")


def markdown(machine: dict, results: list[RenderResult], speech: dict | None, avatar: dict | None,
             targets: list[dict], api: dict | None, throughput: list[dict], bench_seconds: float) -> str:
    target_rows = "\n".join(f"| {t['target']} | {t['source']} | {t['case']} | {t['limit']} | {t['shown']} | "
                            f"**{t['verdict']}** |" for t in targets)
    notes = sorted({note for r in results for note in r.notes})
    return (
        "# Bench report\n\n"
        "Written by `make bench` (bench/run.py); the figures below come from one run, in "
        f"{bench_seconds / 60:.1f} minutes.\n\n" + machine_markdown(machine) +
        "\n## Targets\n\n| target | from | case | limit | measured | verdict |\n|---|---|---|---|---|---|\n"
        + target_rows + "\n\n"
        "## Renders\n\nEach request in bench/requests/ rendered by `avatarstudio render` in its own child process "
        "(bench/child.py). *render s* is `pipeline.render` after the request's voices are loaded (what a running "
        "worker spends per video; speech synthesis included); "
        "*process s* adds interpreter start, imports and model loading. Stage columns are seconds from the "
        "pipeline's own stopwatch (`Rendered.stage_seconds`); *avatar ms/frame* is the avatar stage over all "
        "frames (engine set-up included, and sharing the CPU with ffmpeg). *Peak RSS tree* is the largest sum of resident memory over the render "
        "process and its children (ffmpeg), sampled every 50 ms; *largest process* is `ru_maxrss` from `wait4`. "
        "*Load* is the machine's 1-minute load average when the render started.\n\n"
        + _render_rows(results) +
        ("\nRenderer notes: " + "; ".join(notes) + "\n" if notes else "") +
        "\n## Avatar frames\n\n" + _avatar_rows(avatar) +
        "\n## Speech\n\n" + _speech_rows(speech) +
        "\n## API\n\n" + _api_rows(api, throughput)
    )
