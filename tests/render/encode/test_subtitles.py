"""SRT, WebVTT and ASS files, read back with ffmpeg's own subtitle demuxers (through PyAV)."""
from __future__ import annotations

from pathlib import Path

import av
import pytest

from avatarstudio.render.encode import captions_ass, captions_srt, captions_vtt
from avatarstudio.render.encode.subtitles import ass_time, srt_time, vtt_time
from avatarstudio.render.vocabulary import Timed

WORDS = [
    Timed("Hello", 0.12, 0.50), Timed("there.", 0.55, 0.98),
    Timed("This", 1.70, 1.90), Timed("is", 1.92, 2.01), Timed("<one>", 2.05, 2.40), Timed("&", 2.42, 2.50),
    Timed("{two}", 2.55, 3.05),
]
EXPECTED = [("Hello there.", 0.12, 0.98), ("This is <one> & {two}", 1.70, 3.05)]


DEMUXER = {".srt": "srt", ".vtt": "webvtt", ".ass": "ass"}


def read_cues(path: Path) -> list[tuple[str, float, float]]:
    """(text, start, end) of each cue as ffmpeg's demuxer for the file's format sees it.

    The demuxer is named, not probed: probing cannot recognise an SRT file with no cues, which is still valid.
    """
    with av.open(str(path), format=DEMUXER[path.suffix]) as container:
        stream = container.streams.subtitles[0]
        return [
            (bytes(packet).decode().split(",,")[-1], float(packet.pts * stream.time_base),
             float((packet.pts + packet.duration) * stream.time_base))
            for packet in container.demux(stream) if packet.size
        ]


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_cues(found: list[tuple[str, float, float]], texts: list[str], tolerance: float) -> None:
    assert [text for text, _, _ in found] == texts
    for (_, start, end), (_, want_start, want_end) in zip(found, EXPECTED):
        assert start == pytest.approx(want_start, abs=tolerance)
        assert end == pytest.approx(want_end, abs=tolerance)


def test_srt_cues_match_the_words(tmp_path: Path) -> None:
    text = captions_srt(WORDS)
    assert text.startswith("1\n00:00:00,120 --> 00:00:00,980\nHello there.\n\n2\n")
    assert_cues(read_cues(written(tmp_path, "c.srt", text)), ["Hello there.", "This is <one> & {two}"], 0.001)


def test_vtt_cues_match_the_words_and_escape_markup(tmp_path: Path) -> None:
    text = captions_vtt(WORDS)
    assert text.startswith("WEBVTT\n\n00:00:00.120 --> 00:00:00.980\n")
    assert_cues(read_cues(written(tmp_path, "c.vtt", text)), ["Hello there.", "This is &lt;one&gt; &amp; {two}"], 0.001)


def test_ass_cues_match_the_words_and_carry_the_frame_size(tmp_path: Path) -> None:
    text = captions_ass(WORDS, 1280, 720)
    for section in ("[Script Info]", "[V4+ Styles]", "[Events]", "PlayResX: 1280", "PlayResY: 720"):
        assert section in text
    style = next(line for line in text.splitlines() if line.startswith("Style: "))
    assert style.split(",")[18] == "2", "alignment 2 is bottom-centre"
    assert "Dialogue: 0,0:00:00.12,0:00:00.98,Default,,0,0,0,,Hello there." in text
    assert_cues(read_cues(written(tmp_path, "c.ass", text)), ["Hello there.", "This is <one> & (two)"], 0.01)


@pytest.mark.parametrize(("make", "name"), [(captions_srt, "srt"), (captions_vtt, "vtt")])
def test_no_words_gives_a_valid_file_without_cues(tmp_path: Path, make, name: str) -> None:
    assert read_cues(written(tmp_path, f"empty.{name}", make([]))) == []


def test_no_words_gives_an_ass_file_without_cues(tmp_path: Path) -> None:
    text = captions_ass([], 640, 360)
    assert "[Events]" in text and "Dialogue:" not in text
    assert read_cues(written(tmp_path, "empty.ass", text)) == []


def test_times_are_formatted_per_format() -> None:
    assert srt_time(3725.4567) == "01:02:05,457"
    assert vtt_time(3725.4567) == "01:02:05.457"
    assert ass_time(3725.4567) == "1:02:05.46"
    assert srt_time(59.9996) == "00:01:00,000"
