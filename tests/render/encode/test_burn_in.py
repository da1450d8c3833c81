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

FPS = 25
NOISE = 16
"""The largest difference allowed outside the caption band: encoder noise, not drawing."""


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24").astype(np.int16) for frame in container.decode(video=0)]


def render_pair(folder: Path, width: int, height: int, words: list[Timed], frames: int = 50) -> tuple[Path, Path]:
    burn_in, note = prepare_burn_in(words, width, height, folder, folder / "captioned.mp4")
    assert note is None
    clean = folder / "clean.mp4"
    ys, xs = np.mgrid[:height, :width]
    with VideoWriter(EncodeTarget(clean, "mp4", width, height, FPS), np.zeros(4000, np.float32), 8000,
                     burn_in) as writer:
        for index in range(frames):
            frame = np.full((height, width, 4), 255, np.uint8)
            frame[..., 0] = (xs * 200 // width + index) % 256          # a moving gradient, like a real picture
            frame[..., 1] = ys * 200 // height
            frame[..., 2] = 90
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
