"""Targets (issue 4, item 4) and baseline expectations (issue 5) checked against the measures, and REPORT.md."""
from __future__ import annotations

from bench.machine import describe, load_average, markdown as machine_markdown
from quality import metrics
from quality.analyse import SSIM_EVERY

__all__ = ["check", "describe", "load_average", "markdown"]

STILL_CORRELATION_LIMIT = 0.3
"""'Correlation near 0' for the still baseline: its peak correlation stays below this."""


def _render_checks(name: str, video: dict) -> list[dict]:
    pause = video["pause_opening"]["ratio"]
    ssim = video["ssim"]["mean"] if video["ssim"] else None
    rows = [("audio-visual offset", "-1 to +1 frames", video["offset_frames"],
             abs(video["offset_frames"]) <= 1, f"{video['offset_frames']:+d} frames"),
            ("peak correlation", ">= 0.5", video["correlation"], video["correlation"] >= 0.5,
             f"{video['correlation']:.2f}"),
            ("mouth opening in pauses / speaking median", "<= 15 %", pause, pause is not None and pause <= 0.15,
             "no pause found" if pause is None else f"{pause:.0%}"),
            ("SSIM of the face outside mouth, jaw, eyes", ">= 0.9", ssim, ssim is not None and ssim >= 0.9,
             "-" if ssim is None else f"{ssim:.3f}")]
    return [{"video": name, "what": what, "limit": limit, "value": value, "shown": shown,
             "verdict": "pass" if passed else "FAIL", "kind": "target"}
            for what, limit, value, passed, shown in rows]


def check(results: dict[str, dict], reference: str, shift_frames: int) -> list[dict]:
    """Targets for every render; for the baselines, whether they fail the way they must."""
    checks = []
    for name, video in results.items():
        if video["kind"] == "render":
            checks += _render_checks(name, video)
    still = results["still"]["correlation"]
    checks.append({"video": "still", "what": "peak correlation is near 0", "kind": "baseline",
                   "limit": f"< {STILL_CORRELATION_LIMIT}", "value": still, "shown": f"{still:.2f}",
                   "verdict": "as expected" if abs(still) < STILL_CORRELATION_LIMIT else "UNEXPECTED"})
    shifted, base = results["shifted"]["offset_frames"], results[reference]["offset_frames"]
    checks.append({"video": "shifted", "what": f"offset recovered: shifted minus {reference}", "kind": "baseline",
                   "limit": f"= {shift_frames}", "value": shifted - base,
                   "shown": f"{shifted - base:+d} frames (shifted {shifted:+d}, {reference} {base:+d})",
                   "verdict": "as expected" if shifted - base == shift_frames else "UNEXPECTED"})
    return checks


def _video_rows(results: dict[str, dict]) -> str:
    lines = ["| video | seconds | face found | offset | peak corr | corr at 0 | pause opening | pauses "
             "| SSIM mean (min) | blinks/min | head x / y range | roll range |", "|---" * 12 + "|"]
    for name, v in results.items():
        pause = v["pause_opening"]
        ssim = f"{v['ssim']['mean']:.3f} ({v['ssim']['min']:.3f})" if v["ssim"] else "-"
        ratio = "-" if pause["ratio"] is None else f"{pause['ratio']:.0%}"
        head = v["head_motion"]
        lines.append(f"| {name} | {v['seconds']:.1f} | {v['face_found']:.0%} | {v['offset_frames']:+d} | "
                     f"{v['correlation']:.2f} | {v['correlation_at_zero']:.2f} | {ratio} | {pause['pauses']} | "
                     f"{ssim} | {v['blinks']['per_minute']:.1f} | {head['x_range']:.3f} / {head['y_range']:.3f} | "
                     f"{head['roll_range_degrees']:.2f} deg |")
    return "\n".join(lines) + "\n"


def markdown(machine: dict, script: str, results: dict[str, dict], checks: list[dict], seconds: float) -> str:
    check_rows = "\n".join(f"| {c['video']} | {c['what']} | {c['limit']} | {c['shown']} | **{c['verdict']}** |"
                           for c in checks)
    titles = "\n".join(f"- **{name}**: {v['title']} (`{v['video']}`)" for name, v in results.items())
    return (
        "# Quality report\n\n"
        f"Written by `make quality` (quality/run.py) in {seconds / 60:.1f} minutes.\n\n" + machine_markdown(machine) +
        f"\nScript (piper voice joe, en-US): `{script}`\n\n{titles}\n\n"
        "## Targets and baselines\n\n| video | measure | limit | measured | verdict |\n|---|---|---|---|---|\n"
        + check_rows + "\n\n## All measures\n\n" + _video_rows(results) +
        "\nContact sheet: `quality/contact_sheet.png` (face crops at telling moments, mouth opening and loudness "
        "over time).\n\n"
        "## Method\n\n"
        "Nothing here reads the renderer's data: each MP4 is decoded with PyAV and the face is tracked by "
        "mediapipe face mesh (refine_landmarks, video mode) on every frame.\n\n"
        "- **Mouth opening**: mean distance between the inner lips at three points across the mouth (landmarks "
        "82-87, 13-14, 312-317) divided by the distance between the outer eye corners (33-263).\n"
        "- **Loudness envelope**: the audio, resampled to 16 kHz mono, as RMS in dB over the 1/fps window in which "
        "each frame is shown, on the container's clock (so a delayed audio stream reads as delayed).\n"
        f"- **(a) offset, (b) correlation**: both signals band-passed to {metrics.BAND_HZ[0]:g}-{metrics.BAND_HZ[1]:g} "
        "Hz (2nd-order Butterworth, forward-backward so it shifts nothing); Pearson correlation of mouth[t] with "
        f"loudness[t + lag] for |lag| <= {metrics.MAX_LAG_FRAMES} frames. The offset is the lag of the peak, positive "
        "when the sound comes later than the mouth; the correlation is the peak value.\n"
        f"- **(c) pause opening**: pauses are runs of at least {metrics.PAUSE_MIN_SECONDS * 1000:.0f} ms more than "
        f"{metrics.PAUSE_BELOW_PEAK_DB:g} dB below the loud-speech level (95th percentile of the envelope); the "
        f"{metrics.PAUSE_EDGE_FRAMES} frames at each end of a pause are left out (the mouth closes after the last "
        "word and opens before the next). The mean opening inside them is divided by the median opening over "
        f"speaking frames (within {metrics.SPEAKING_BELOW_PEAK_DB:g} dB of that level).\n"
        "- **(d) SSIM**: against the source photo (scikit-image's astronaut, the photo of both cases), on every "
        f"{SSIM_EVERY}th frame. The frame is warped onto the photo by the similarity transform (rotation, scale, "
        "shift; least median of squares) that maps its landmarks that speech does not move (eye corners, nose "
        "from bridge to base, inner brow ends, mid forehead) onto the photo's, then refined by an affine ECC fit "
        "of the measured region's pixels (landmarks alone are a few pixels off, which SSIM punishes), so "
        "placement, scale and rigid head motion do not count. SSIM (scikit-image, grey levels) is averaged over "
        "the face oval above the base of the nose (landmark 2), which leaves out mouth, chin and jaw, less each eye "
        f"with a margin of {metrics.SSIM_EYE_MARGIN:.0%} of the eye distance.\n"
        f"- **(e) blinks**: dips of the eye aspect ratio below {metrics.BLINK_FRACTION:.0%} of its median lasting at "
        f"most {metrics.BLINK_MAX_SECONDS * 1000:.0f} ms, per minute. **Head motion**: 2nd-98th percentile range of "
        "the landmark centroid (in eye distances) and of the roll angle of the eye line.\n"
        "- **Baselines**: *still* holds the first rendered frame over the same audio, so its correlation must be "
        f"near 0 (|peak| < {STILL_CORRELATION_LIMIT}); *shifted* is the first render remuxed with ffmpeg "
        "`-itsoffset` (audio 3 frames late, streams copied), so its offset must read 3 frames more than the "
        "render's own.\n"
    )
