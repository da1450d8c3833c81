"""Thumbnail and GIF preview: real files, decoded back."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from encode_samples import FPS, HEIGHT, WIDTH, half_transparent_frame, patch_frame
from PIL import Image

from avatarstudio.render.encode import EncodeError, GifPreview, write_thumbnail


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


def preview_of(make_frame, path: Path, frames: int, **options) -> Path:
    with GifPreview(path, FPS, (WIDTH, HEIGHT), **options) as preview:
        for index in range(frames):
            preview.offer(index, make_frame(index))
        preview.finish()
    return path


def test_gif_preview_shows_the_first_seconds_at_its_rate_in_order(tmp_path: Path) -> None:
    frames = gif_frames(preview_of(patch_frame, tmp_path / "preview.gif", 50, seconds=1.0, width=160, fps=10))
    assert len(frames) == 10, "1 s at 10 frames a second, of a 2 s video"
    assert frames[0].shape == (120, 160, 4)
    assert frames[0][30, 40, :3] == pytest.approx((255, 0, 0), abs=40)
    greys = [int(frame[90, 120, 0]) for frame in frames]
    assert greys == sorted(greys) and greys[-1] - greys[0] >= 4 * 20, "video frames 0, 2.5, 5 ... 22.5, in order"


def test_gif_preview_of_a_short_video_stops_at_its_end(tmp_path: Path) -> None:
    assert len(gif_frames(preview_of(patch_frame, tmp_path / "preview.gif", 12))) == 5  # 0.48 s at 10 a second


def test_gif_preview_of_transparent_frames_is_transparent(tmp_path: Path) -> None:
    frames = gif_frames(preview_of(half_transparent_frame, tmp_path / "preview.gif", 20, seconds=0.5))
    assert len(frames) > 1
    assert frames[0][:, :150, 3].max() == 0
    assert frames[0][:, 170:, 3].min() == 255


def test_gif_preview_into_a_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(EncodeError):
        preview_of(patch_frame, tmp_path / "missing" / "preview.gif", 5)


def test_gif_preview_abandoned_by_a_failed_render_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "preview.gif"
    with pytest.raises(RuntimeError), GifPreview(path, FPS, (WIDTH, HEIGHT), seconds=0.5) as preview:
        preview.offer(0, patch_frame(0))
        raise RuntimeError("the render failed")
    assert list(tmp_path.iterdir()) == []
