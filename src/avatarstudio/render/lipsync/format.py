"""The source video's own format, and the output format a lipsync's options ask for.

keep_the_same_format (default on) keeps the source's frame rate and aims the encoder at the source's video
bitrate; off, the output has the standard 25 fps and constant quality of every other video. fps_mode overrides
the rate: passthrough is the source's exact rate (30000/1001 stays 30000/1001), cfr the nearest whole number.
The size is always the source's (even sides: H.264 needs them), since a lipsync re-times a video rather than
reframes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av

STANDARD_FPS = 25


@dataclass(frozen=True)
class SourceFormat:
    rate: Fraction
    """Frames a second, exactly as the container says (its average rate)."""
    bitrate: int | None
    """Video bits a second, None when the file does not say and cannot be estimated."""


@dataclass(frozen=True)
class OutputFormat:
    fps: int | Fraction
    bitrate: int | None
    notes: tuple[str, ...] = ()


def probe(path: Path) -> SourceFormat:
    """The source's frame rate and video bitrate. A stream without its own bitrate (Matroska, WebM) is given the
    container's, less its audio."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        rate = video.average_rate or video.guessed_rate or Fraction(STANDARD_FPS)
        bitrate = video.bit_rate or None
        if bitrate is None and container.bit_rate:
            bitrate = container.bit_rate - sum(audio.bit_rate or 0 for audio in container.streams.audio) or None
    return SourceFormat(Fraction(rate), bitrate)


def output_format(source: SourceFormat, same_format: bool, fps_mode: Literal["passthrough", "cfr"] | None
                  ) -> OutputFormat:
    """The output's frame rate (an int when whole) and video bitrate for these options, with a note when the rate
    differs from the source's."""
    mode = fps_mode or ("passthrough" if same_format else None)
    if mode == "passthrough":
        rate = source.rate
    elif mode == "cfr":
        rate = Fraction(max(1, round(source.rate)))
    else:
        rate = Fraction(STANDARD_FPS)
    fps = rate.numerator if rate.denominator == 1 else rate
    notes = () if rate == source.rate else (
        f"The source plays at {float(source.rate):.3f} fps; the output at {float(rate):g} fps",)
    return OutputFormat(fps, source.bitrate if same_format else None, notes)
