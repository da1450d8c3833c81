"""Thumbnail and GIF preview: real files, decoded back."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from encode_samples import HEIGHT, WIDTH, half_transparent_frame, patch_frame
from PIL import Image

from avatarstudio.render.encode import EncodeError, write_gif_preview, write_thumbnail


def test_thumbnail_is_a_jpeg_of_the_frame_size(tmp_path: Path) -> None:
    path = tmp_path / "thumb.jpg"
    write_thumbnail(patch_frame(0), path)
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == (WIDTH, HEIGHT)
        assert image.getpixel((WIDTH // 4, HEIGHT // 4)) == pytest.approx((255, 0, 0), abs=6)


def test_thumbnail_flattens_alpha_on_the_background(tmp_path: Path) -> None:
    path = tmp_path / "thumb.jpg"
    write_thumbnail(half_transparent_frame(0), path, background="#0000FF")
    with Image.open(path) as image:
        assert image.getpixel((WIDTH // 4, HEIGHT // 2)) == pytest.approx((0, 0, 255), abs=6)
        assert image.getpixel((3 * WIDTH // 4, HEIGHT // 2)) == pytest.approx((200, 60, 30), abs=6)


def test_unwritable_thumbnail_raises(tmp_path: Path) -> None:
    with pytest.raises(EncodeError, match="thumb.jpg"):
        write_thumbnail(patch_frame(0), tmp_path / "missing" / "thumb.jpg")


def gif_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgba") for frame in container.decode(video=0)]


def test_gif_preview_of_an_mp4_is_animated(mp4_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "preview.gif"
    write_gif_preview(mp4_file, path, seconds=1.0, width=160, fps=10)
    frames = gif_frames(path)
    assert 5 <= len(frames) <= 11
    assert frames[0].shape == (120, 160, 4)
    assert frames[0][30, 40, :3] == pytest.approx((255, 0, 0), abs=40)
    assert not np.array_equal(frames[0][90, 120], frames[-1][90, 120])


def test_gif_preview_of_a_transparent_webm_is_transparent(webm_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "preview.gif"
    write_gif_preview(webm_file, path, seconds=0.5)
    frames = gif_frames(path)
    assert len(frames) > 1
    assert frames[0][:, :150, 3].max() == 0
    assert frames[0][:, 170:, 3].min() == 255


def test_gif_preview_of_a_missing_video_raises(tmp_path: Path) -> None:
    with pytest.raises(EncodeError):
        write_gif_preview(tmp_path / "missing.mp4", tmp_path / "preview.gif")
