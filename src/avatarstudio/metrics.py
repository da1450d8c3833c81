"""Counters and histograms in Prometheus's text format, all named avatarstudio_*.

The service runs as several processes (API processes, workers on other hosts), so each figure is kept where it is
true for everyone: what the database and queue hold (videos by status, queue depth, webhook attempts) is counted at
scrape time; what only a process sees is kept in its ProcessMetrics. An API process's requests are served from its
own /metrics; a worker publishes its render histograms with its heartbeat (jobs/liveness.py), and the API adds up
every worker's at scrape time. When `serve` runs several API processes on one port, a scrape reaches any one of
them, so each also writes its request counters to a folder they share (RequestPeers), and the one scraped adds up
its siblings' (at most a heartbeat old) to its own: the port answers as one API.
"""
from __future__ import annotations

import json
import math
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 150, 300, 600)
RATIO_BUCKETS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 0.75, 1, 1.5, 2, 4)
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Histogram:
    """Counts of observations at or below each bound (the last bound is +Inf), their sum and count."""

    def __init__(self, bounds: Iterable[float], counts: list[int] | None = None, total: float = 0.0):
        self.bounds = tuple(bounds)
        self.counts = counts or [0] * (len(self.bounds) + 1)
        self.total = total

    def observe(self, value: float) -> None:
        for index, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[index] += 1
                break
        else:
            self.counts[-1] += 1
        self.total += value

    def add(self, other: Histogram) -> None:
        if other.bounds == self.bounds:
            self.counts = [mine + theirs for mine, theirs in zip(self.counts, other.counts)]
            self.total += other.total

    def to_dict(self) -> dict:
        return {"bounds": list(self.bounds), "counts": list(self.counts), "sum": self.total}

    @classmethod
    def from_dict(cls, data: dict) -> Histogram:
        return cls(data["bounds"], list(data["counts"]), float(data["sum"]))

    def lines(self, name: str, labels: dict[str, str]) -> list[str]:
        cumulative, out = 0, []
        for bound, count in zip((*self.bounds, math.inf), self.counts):
            cumulative += count
            out.append(f"{name}_bucket{_labels({**labels, 'le': _number(bound)})} {cumulative}")
        out.append(f"{name}_sum{_labels(labels)} {_number(self.total)}")
        out.append(f"{name}_count{_labels(labels)} {cumulative}")
        return out


class RenderMetrics:
    """What renders took, as a worker saw them: seconds per pipeline stage, render time / video time."""

    def __init__(self) -> None:
        self.stage_seconds: dict[str, Histogram] = {}
        self.ratio = Histogram(RATIO_BUCKETS)

    def observe(self, stage_seconds: dict[str, float], render_seconds: float, video_seconds: float) -> None:
        for stage, seconds in stage_seconds.items():
            self.stage_seconds.setdefault(stage, Histogram(STAGE_BUCKETS)).observe(seconds)
        if video_seconds > 0:
            self.ratio.observe(render_seconds / video_seconds)

    def add(self, other: RenderMetrics) -> None:
        for stage, histogram in other.stage_seconds.items():
            self.stage_seconds.setdefault(stage, Histogram(STAGE_BUCKETS)).add(histogram)
        self.ratio.add(other.ratio)

    def to_dict(self) -> dict:
        return {"stage_seconds": {stage: h.to_dict() for stage, h in self.stage_seconds.items()},
                "ratio": self.ratio.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> RenderMetrics:
        metrics = cls()
        metrics.stage_seconds = {stage: Histogram.from_dict(h) for stage, h in data["stage_seconds"].items()}
        metrics.ratio = Histogram.from_dict(data["ratio"])
        return metrics


class ProcessMetrics:
    """This process's own counters. Request handlers and render threads update them concurrently."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.renders = RenderMetrics()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.request_seconds: dict[tuple[str, str], Histogram] = {}

    def observe_render(self, stage_seconds: dict[str, float], render_seconds: float, video_seconds: float) -> None:
        with self.lock:
            self.renders.observe(stage_seconds, render_seconds, video_seconds)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(method, route, str(status))] += 1
            self.request_seconds.setdefault((method, route), Histogram(REQUEST_BUCKETS)).observe(seconds)

    def render_snapshot(self) -> dict:
        with self.lock:
            return self.renders.to_dict()

    def request_snapshot(self) -> dict:
        """The request counters as plain data: what a sibling API process adds to its own (RequestPeers)."""
        with self.lock:
            return {"requests": [[*key, count] for key, count in self.requests.items()],
                    "seconds": [[*key, histogram.to_dict()] for key, histogram in self.request_seconds.items()]}

    def add_requests(self, snapshot: dict) -> None:
        with self.lock:
            for method, route, status, count in snapshot["requests"]:
                self.requests[(method, route, status)] += count
            for method, route, histogram in snapshot["seconds"]:
                self.request_seconds.setdefault((method, route), Histogram(REQUEST_BUCKETS)).add(
                    Histogram.from_dict(histogram))


class RequestPeers:
    """The request counters of the API processes of one `serve`, in a folder of one JSON file per process.
    Each process rewrites its own file every heartbeat; a scrape adds up the other files and its live counters."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.own = folder / f"{os.getpid()}.json"

    def publish(self, metrics: ProcessMetrics) -> None:
        partial = self.own.with_suffix(".partial")
        partial.write_text(json.dumps(metrics.request_snapshot()))
        partial.replace(self.own)  # a reader sees the old file or the new one, never half of one

    def combined(self, metrics: ProcessMetrics) -> ProcessMetrics:
        """This process's request counters plus every sibling's last published ones."""
        total = ProcessMetrics()
        total.add_requests(metrics.request_snapshot())
        for path in self.folder.glob("*.json"):
            if path != self.own:
                try:
                    total.add_requests(json.loads(path.read_text()))
                except (OSError, ValueError):  # a sibling that has just been replaced
                    continue
        return total


def _number(value: float) -> str:
    if value == math.inf:
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    escaped = (f'{name}="{str(value).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
               for name, value in labels.items())
    return "{" + ",".join(escaped) + "}"


class Exposition:
    """Builds the text of one scrape: each metric family's HELP and TYPE once, then its samples."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, value: float, **labels: str) -> None:
        self.lines.append(f"{name}{_labels(labels)} {_number(value)}")

    def histogram(self, name: str, histogram: Histogram, **labels: str) -> None:
        self.lines += histogram.lines(name, labels)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render_families(out: Exposition, renders: RenderMetrics) -> None:
    out.family("avatarstudio_render_stage_seconds", "histogram",
               "Seconds each render spent in a pipeline stage, from every worker's heartbeat.")
    for stage, histogram in sorted(renders.stage_seconds.items()):
        out.histogram("avatarstudio_render_stage_seconds", histogram, stage=stage)
    out.family("avatarstudio_render_time_ratio", "histogram",
               "Render time divided by the rendered video's duration (below 1 is faster than real time).")
    out.histogram("avatarstudio_render_time_ratio", renders.ratio)


def request_families(out: Exposition, metrics: ProcessMetrics) -> None:
    with metrics.lock:
        requests = dict(metrics.requests)
        latencies = {key: Histogram(h.bounds, list(h.counts), h.total) for key, h in metrics.request_seconds.items()}
    out.family("avatarstudio_api_requests_total", "counter", "API requests answered, by route and status (every "
               "API process of this serve).")
    for (method, route, status), count in sorted(requests.items()):
        out.sample("avatarstudio_api_requests_total", count, method=method, route=route, status=status)
    out.family("avatarstudio_api_request_seconds", "histogram", "Time taken to answer, by route (every API process "
               "of this serve).")
    for (method, route), histogram in sorted(latencies.items()):
        out.histogram("avatarstudio_api_request_seconds", histogram, method=method, route=route)
