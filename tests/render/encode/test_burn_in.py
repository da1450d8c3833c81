"""Captions burned in: the captioned copy differs from the clean one only in the caption band, never off-frame.

Both copies are lossy encodes of the same frames; once captions appear, inter-frame prediction spreads a little
quantisation noise over the whole picture (a few levels of 255), far below what a drawn caption changes.
"""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from avatarstudio.render.compose.captions import prepare_burn_in
from avatarstudio.render.encode import EncodeTarget, VideoWriter
from avatarstudio.render.vocabulary import Timed

pytestmark = pytest.mark.slow

FPS = 25
NOISE = 16
"""The largest difference allowed outside the caption band: encoder noise, not drawing."""


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24").astype(np.int16) for frame in container.decode(video=0)]


def render_pair(folder: Path, width: int, height: int, words: list[Timed], frames: int = 50,
                still_from: int | None = None) -> tuple[Path, Path]:
    """Clean and captioned copies of a moving gradient; from frame `still_from` on, the frames are held still
    outside their top-left quarter and the writer starts another ffmpeg run."""
    burn_in, note = prepare_burn_in(words, width, height, folder, folder / "captioned.mp4")
    assert note is None
    clean = folder / "clean.mp4"
    ys, xs = np.mgrid[:height, :width]
    with VideoWriter(EncodeTarget(clean, "mp4", width, height, FPS), np.zeros(4000, np.float32), 8000,
                     burn_in) as writer:
        for index in range(frames):
            if index == still_from:
                writer.hold_still((0, 0, width // 2, height // 2))
            frame = np.full((height, width, 4), 255, np.uint8)
            frame[..., 0] = (xs * 200 // width + index) % 256          # a moving gradient, like a real picture
            frame[..., 1] = ys * 200 // height
            frame[..., 2] = 90
            if still_from is not None and index >= still_from:
                frame[:, width // 2:, 0] = (xs[:, width // 2:] * 200 // width + still_from) % 256
                frame[height // 2:, :, 0] = (xs[height // 2:] * 200 // width + still_from) % 256
            writer.write(frame)
    return clean, burn_in.path


@pytest.mark.parametrize(("width", "height"), [(640, 360), (360, 640)])
def test_captions_change_only_the_caption_band(tmp_path: Path, width: int, height: int) -> None:
    words = [Timed(word, 0.1 + 0.25 * i, 0.3 + 0.25 * i) for i, word in
             enumerate("Captions belong at the bottom, inside the frame.".split())]
    clean, captioned = render_pair(tmp_path, width, height, words)
    plain, burned = decoded(clean), decoded(captioned)
    assert len(plain) == len(burned) == 50
    band = int(height * 0.75)
    margin = int(width * 0.05)
    changed_rows = 0
    for a, b in zip(plain, burned):
        diff = np.abs(a - b).max(axis=2)
        assert diff[:band].max() <= NOISE and diff[:band].mean() < 2.5, "outside the caption band"
        assert diff[:, :margin].max() <= NOISE and diff[:, -margin:].max() <= NOISE, "captions reach the side edges"
        changed_rows = max(changed_rows, int((diff[band:] > 60).any(axis=1).sum()))
    assert changed_rows > 0.02 * height, "no caption was drawn"


def test_a_word_too_long_for_a_line_is_set_smaller(tmp_path: Path) -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    clean, captioned = render_pair(tmp_path, 360, 640, [Timed(word, 0.0, 1.9)], frames=10)
    ass = (tmp_path / "captions.ass").read_text()
    assert "{\\fs" in ass
    diff = np.abs(decoded(clean)[5] - decoded(captioned)[5]).max(axis=2)
    assert diff[:, :8].max() <= NOISE and diff[:, -8:].max() <= NOISE
    assert (diff > 60).any()


def test_captions_keep_their_times_in_a_later_ffmpeg_run(tmp_path: Path) -> None:
    """The frames from 1 s on go to a second ffmpeg run, whose timestamps start again at 0: a word spoken at
    1.2-1.6 s must still be drawn from frame 30 to frame 39 only."""
    clean, captioned = render_pair(tmp_path, 640, 360, [Timed("Later", 1.2, 1.6)], still_from=25)
    plain, burned = decoded(clean), decoded(captioned)
    assert len(plain) == len(burned) == 50
    drawn = [index for index, (a, b) in enumerate(zip(plain, burned)) if (np.abs(a - b).max(axis=2) > 60).any()]
    assert drawn == list(range(30, 40))
