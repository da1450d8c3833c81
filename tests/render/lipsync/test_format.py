"""The output format a lipsync's options ask for, from the source's real format; a fractional frame rate survives
the stored spec and reaches ffmpeg as a ratio."""
from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from PIL import Image

from avatarstudio import spec
from avatarstudio.render.compose.watermark import write_default_mark
from avatarstudio.render.encode.ffmpeg import ffmpeg_exe
from avatarstudio.render.encode.segment import video_arguments
from avatarstudio.render.lipsync.format import SourceFormat, output_format, probe
from footage import clip


def test_the_source_format_is_probed_exactly(tmp_path: Path) -> None:
    ntsc = tmp_path / "ntsc.mp4"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip("jwpIntro.mp4")), "-t", "1",
                    "-r", "30000/1001", "-c:v", "libx264", "-b:v", "400k", str(ntsc)], check=True)
    found = probe(ntsc)
    assert found.rate == Fraction(30000, 1001) and 200_000 < found.bitrate < 800_000, found


def test_each_option_decides_the_rate_and_bitrate() -> None:
    ntsc = SourceFormat(Fraction(30000, 1001), 900_000)
    assert output_format(ntsc, True, None) == output_format(ntsc, True, "passthrough")
    kept = output_format(ntsc, True, None)
    assert kept.fps == Fraction(30000, 1001) and kept.bitrate == 900_000 and not kept.notes
    whole = output_format(ntsc, True, "cfr")
    assert whole.fps == 30 and isinstance(whole.fps, int) and whole.notes
    standard = output_format(ntsc, False, None)
    assert standard.fps == 25 and standard.bitrate is None
    assert output_format(ntsc, False, "passthrough").fps == Fraction(30000, 1001)


def test_a_fractional_rate_and_a_bitrate_survive_the_stored_spec_and_reach_ffmpeg() -> None:
    scene = spec.Scene(None, spec.Silence(1.0))
    video = spec.VideoSpec((scene,), spec.Output(640, 480, fps=Fraction(30000, 1001), bitrate=900_000))
    stored = spec.to_dict(video)
    assert stored["output"]["fps"] == "30000/1001" and spec.from_dict(stored) == video
    assert spec.Output(640, 480).rate == 25 and abs(video.output.rate - 29.97) < 0.001
    arguments = video_arguments("mp4", (640, 480), video.output.fps, Path("out.mkv"), bitrate=900_000)
    assert arguments[arguments.index("-framerate") + 1] == "30000/1001"
    assert "-crf" not in arguments and arguments[arguments.index("-b:v") + 1] == "900000"


def test_the_default_mark_is_a_readable_translucent_image(tmp_path: Path) -> None:
    with Image.open(write_default_mark(tmp_path / "mark.png", 480)) as mark:
        alpha = mark.getchannel("A")
        assert mark.mode == "RGBA" and mark.height == round(0.06 * 480) and mark.width > 3 * mark.height
        assert alpha.getextrema() == (0, 255)
