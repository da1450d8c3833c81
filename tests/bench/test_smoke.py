"""make bench and make quality, each run small: they finish, write their reports, and the measures behave."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from quality import metrics  # noqa: E402

FPS = 25.0


def speech_like_envelope(seconds: float, seed: int = 1) -> np.ndarray:
    """A loudness curve in dB with syllables at 2-6 Hz and two silent pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * FPS)) / FPS
    syllables = np.abs(np.sin(2 * np.pi * np.cumsum(rng.uniform(2, 6, t.size)) / FPS))
    level = -40 + 35 * syllables
    level[int(3 * FPS):int(3.8 * FPS)] = -60
    level[int(7 * FPS):int(8 * FPS)] = -60
    return level


def test_the_offset_of_a_delayed_copy_is_recovered_and_noise_does_not_correlate() -> None:
    level = speech_like_envelope(12)
    opening = (level + 60) / 600
    delayed_audio = np.concatenate([np.full(3, -60.0), level[:-3]])
    sync = metrics.av_sync(opening, delayed_audio, FPS)
    assert sync.offset_frames == 3 and sync.correlation > 0.9
    assert metrics.av_sync(opening, level, FPS).offset_frames == 0
    still = 0.02 + np.random.default_rng(2).normal(0, 1e-4, level.size)
    assert abs(metrics.av_sync(still, level, FPS).correlation) < 0.3


def test_pause_opening_compares_pauses_with_speech() -> None:
    level = speech_like_envelope(12)
    closing = np.where(level <= -60, 0.0, (level + 60) / 600)
    assert metrics.pause_opening(closing, level, FPS)["ratio"] == 0.0
    assert metrics.pause_opening(np.full(level.size, 0.05), level, FPS)["ratio"] == pytest.approx(1.0)
    assert metrics.pause_opening(closing, level, FPS)["pauses"] >= 2


def test_blinks_are_counted() -> None:
    ear = np.full(250, 0.3)
    for start in (40, 120, 200):
        ear[start:start + 4] = 0.1
    assert metrics.blinks(ear, FPS)["count"] == 3


def run(script: str, *args: str) -> None:
    done = subprocess.run([sys.executable, str(ROOT / script), *args], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


@pytest.mark.slow
def test_quality_quick_run_measures_a_short_render_and_its_baselines(tmp_path: Path) -> None:
    run("quality/run.py", "--quick", "--out", str(tmp_path))
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["videos"]) == {"builtin", "still", "shifted"}
    for video in results["videos"].values():
        assert video["face_found"] > 0.9 and -10 <= video["offset_frames"] <= 10
        assert np.isfinite(video["correlation"]) and video["ssim"]["frames"] > 0
    assert (tmp_path / "contact_sheet.png").stat().st_size > 10_000
    assert "## Targets and baselines" in (tmp_path / "REPORT.md").read_text()


@pytest.mark.slow
def test_bench_quick_run_renders_one_tiny_case(tmp_path: Path) -> None:
    requests = tmp_path / "requests"
    requests.mkdir()
    body = {"dimension": {"width": 320, "height": 240},
            "video_inputs": [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
                              "voice": {"type": "text", "voice_id": "dc5a480bbf70285f92f42e37cf943c8a",
                                        "input_text": "Hi."}}]}
    (requests / "tiny.json").write_text(json.dumps({"api": "v2-generate", "description": "tiny", "body": body}))
    run("bench/run.py", "--quick", "--requests", str(requests), "--out", str(tmp_path))
    results = json.loads((tmp_path / "results.json").read_text())
    (tiny,) = results["renders"]
    assert tiny["ok"] and (tiny["width"], tiny["height"]) == (320, 240)
    assert tiny["video_seconds"] > 0 and tiny["peak_rss_tree_mb"] > 0 and tiny["output_bytes"] > 0
    assert set(tiny["stage_seconds"]) >= {"speech", "avatar", "encode"}
    assert results["speech"]["warm"]["x_realtime_per_core"] > 0
    assert "| tiny |" in (tmp_path / "REPORT.md").read_text()
