"""Locating and running the ffmpeg binary, and the one error every encode step raises."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import imageio_ffmpeg

from avatarstudio.render import processes

STDERR_TAIL_CHARS = 2000
"""How much of ffmpeg's stderr an EncodeError carries: enough for the real error, not the whole log."""

QUIET = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"]
"""Leading arguments for every run: stderr then holds only errors, so its tail is the message worth showing."""


class EncodeError(Exception):
    """An output file could not be produced; the message ends with what ffmpeg said, when it said anything."""


@cache
def ffmpeg_exe() -> str:
    """The static ffmpeg shipped in the imageio-ffmpeg wheel (libx264, libvpx-vp9, Opus, AAC, libass)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def failure(what: str, stderr: bytes) -> EncodeError:
    """An EncodeError naming the step that failed and quoting the end of what ffmpeg wrote to stderr."""
    tail = stderr.decode("utf-8", errors="replace")[-STDERR_TAIL_CHARS:].strip()
    return EncodeError(f"{what}: {tail}" if tail else what)


def partial_path(path: Path) -> Path:
    """Where an output is written before it is complete; renamed onto `path` only on success."""
    return path.with_name(f".{path.name}.part")


def run_ffmpeg_into(output: Path, args: list[str], what: str) -> None:
    """Runs ffmpeg with `args` followed by the output file, so that `output` appears only when complete.

    `args` must name the output format (-f): the file is written under partial_path(output) and renamed.
    Raises EncodeError("`what` failed ...: stderr tail"), leaving no partial file.
    """
    partial = partial_path(output)
    result = processes.run([ffmpeg_exe(), *QUIET, "-y", *args, str(partial)], what)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise failure(f"{what} failed (ffmpeg exit {result.returncode})", result.stderr)
    partial.replace(output)
