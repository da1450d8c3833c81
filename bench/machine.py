"""What a measurement ran on and from: machine, software versions, commit, date, command."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def load_average() -> float:
    """The 1-minute load average: other work on the machine slows every figure down."""
    return os.getloadavg()[0]


def _git(repo: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def describe(repo: Path, command: str, load_at_start: float) -> dict:
    """A JSON-ready description of this run's machine and source tree."""
    dirty = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "commit": _git(repo, "rev-parse", "--short", "HEAD"),
        "tree": "with uncommitted changes" if dirty and dirty != "unknown" else "clean",
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(_memory_gb(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "ffmpeg": imageio_ffmpeg.get_ffmpeg_version(),
        "load_average": {"start": round(load_at_start, 2), "end": round(load_average(), 2)},
    }


def markdown(machine: dict) -> str:
    return (f"- date: {machine['date']}; commit `{machine['commit']}` ({machine['tree']})\n"
            f"- command: `{machine['command']}`\n"
            f"- machine: {machine['cores']} cores, {machine['cpu_model']}, {machine['memory_gb']} GB memory, "
            f"{machine['os']}; Python {machine['python']}, ffmpeg {machine['ffmpeg']}\n"
            f"- load average (1 min): {machine['load_average']['start']} at start, {machine['load_average']['end']} "
            f"at end ({machine['cores']} cores: more than that means other processes competed for the CPU)\n")
