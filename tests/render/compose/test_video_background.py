"""Background videos: timing per play_style and geometry per fit, checked on decoded frames of a real clip."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from avatarstudio.render.compose.backdrop import first_video_frame
from avatarstudio.render.compose.video_background import video_frames
from avatarstudio.render.encode.ffmpeg import ffmpeg_exe

SEGMENTS = ("red", "lime", "blue", "yellow")
RGB = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}
FPS = 10


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 s, 160x120 clip at 10 fps: red, lime, blue, yellow for 0.5 s each."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    inputs = [arg for colour in SEGMENTS for arg in ("-f", "lavfi", "-i", f"color=c={colour}:s=160x120:r={FPS}:d=0.5")]
    graph = "".join(f"[{i}:v]" for i in range(len(SEGMENTS))) + f"concat=n={len(SEGMENTS)}:v=1:a=0"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", *inputs, "-filter_complex", graph,
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def colour_of(pixel: np.ndarray) -> str:
    return min(RGB, key=lambda name: np.abs(np.array(RGB[name]) - pixel[:3].astype(int)).sum())


def timeline(clip: Path, play_style: str, n_frames: int, fit: str = "cover", size=(64, 48)) -> list[str]:
    return [colour_of(frame[size[1] // 2, size[0] // 2])
            for frame in video_frames(clip, *size, fit, play_style, n_frames, FPS)]


def test_loop_repeats_the_clip_to_fill_the_scene(clip: Path) -> None:
    seen = timeline(clip, "loop", 50)
    assert len(seen) == 50
    one_pass = [name for name in SEGMENTS for _ in range(5)]
    assert seen == (one_pass * 3)[:50]


def test_fit_to_scene_stretches_the_clip_over_the_scene(clip: Path) -> None:
    seen = timeline(clip, "fit_to_scene", 40)        # 4 s scene: each 0.5 s segment lasts 1 s
    assert seen == [name for name in SEGMENTS for _ in range(10)]
    squeezed = timeline(clip, "fit_to_scene", 8)     # 0.8 s scene: every segment still shows, in order
    assert [name for index, name in enumerate(squeezed) if index == 0 or squeezed[index - 1] != name] == list(SEGMENTS)


def test_freeze_holds_the_first_frame_and_once_holds_the_last(clip: Path) -> None:
    assert timeline(clip, "freeze", 30) == ["red"] * 30
    once = timeline(clip, "once", 30)
    assert once[:20] == [name for name in SEGMENTS for _ in range(5)] and once[20:] == ["yellow"] * 10


def test_fits_at_the_edges(clip: Path) -> None:
    # 160x120 (4:3) onto 320x120: cover fills, contain leaves transparent bars left and right, none is centred.
    cover = first_video_frame(clip, 320, 120, "cover")
    assert (cover[..., 3] == 255).all()
    contain = first_video_frame(clip, 320, 120, "contain")
    assert (contain[:, :80, 3] == 0).all() and (contain[:, 240:, 3] == 0).all()
    assert (contain[:, 82:238, 3] == 255).all() and colour_of(contain[60, 160]) == "red"
    small = first_video_frame(clip, 320, 200, "none")
    assert (small[40:160, 80:240, 3] == 255).all()
    assert (small[:38, :, 3] == 0).all() and (small[:, :78, 3] == 0).all() and (small[162:, :, 3] == 0).all()
    big = first_video_frame(clip, 100, 60, "none")       # larger than the canvas: cut, no bars
    assert (big[..., 3] == 255).all()


def test_a_file_that_is_not_a_video_is_a_render_error(tmp_path: Path) -> None:
    from avatarstudio.errors import RenderError

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(RenderError):
        list(video_frames(bad, 32, 32, "cover", "loop", 3, FPS))
