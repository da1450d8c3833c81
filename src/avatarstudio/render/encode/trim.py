"""Cutting a stretch out of a video (a lipsync's start_time..end_time), decoded and re-encoded so the cut falls on
the exact frame rather than the nearest keyframe. The audio is dropped: a lipsync replaces it."""
from __future__ import annotations

from pathlib import Path

from avatarstudio.render.encode.ffmpeg import run_ffmpeg_into


def cut(source: Path, start: float, end: float | None, output: Path) -> Path:
    """`output` (MP4) holds `source` from `start` to `end` seconds (to its end when None), at its own size and
    frame rate, visually lossless (x264 CRF 12)."""
    span = ["-to", f"{end:.3f}"] if end is not None else []
    run_ffmpeg_into(output, ["-ss", f"{start:.3f}", *span, "-i", str(source), "-map", "0:v:0", "-an",
                             "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-fps_mode", "passthrough",
                             "-f", "mp4"], "cutting the source video")
    return output
