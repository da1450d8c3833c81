"""The contact sheet: per video, face crops at telling moments and its mouth-opening and loudness curves."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from quality import decode, metrics  # noqa: E402
from quality.analyse import Series  # noqa: E402

CROP_MARGIN = 0.25


def moments(series: Series) -> list[tuple[str, int]]:
    """(label, frame index) of the moments shown: rest, widest and narrowest mouth while speaking, a pause, a
    blink, the strongest head roll."""
    opening = metrics.fill_gaps(series.opening)
    talking = np.flatnonzero(metrics.speaking(series.level_db))
    chosen = [("first frame", 0)]
    if talking.size:
        chosen += [("widest mouth, speaking", int(talking[np.argmax(opening[talking])])),
                   ("narrowest mouth, speaking", int(talking[np.argmin(opening[talking])]))]
    pauses = metrics.pauses(series.level_db, series.fps)
    if pauses:
        start, end = max(pauses, key=lambda run: run[1] - run[0])
        chosen.append(("middle of longest pause", (start + end) // 2))
    blinks = metrics.blinks(series.ear, series.fps)["frames"]
    chosen.append(("blink" if blinks else "lowest eye opening",
                   blinks[0] if blinks else int(np.argmin(metrics.fill_gaps(series.ear)))))
    rolls = metrics.fill_gaps(series.rolls)
    chosen.append(("most head roll", int(np.argmax(np.abs(rolls - np.median(rolls))))))
    return chosen


def _crop(rgb: np.ndarray, box: np.ndarray) -> np.ndarray:
    if np.isnan(box).any():
        return rgb
    x0, y0, x1, y1 = box
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    half = (1 + CROP_MARGIN) * max(x1 - x0, y1 - y0) / 2
    height, width = rgb.shape[:2]
    left, top = int(max(0, centre_x - half)), int(max(0, centre_y - half))
    return rgb[top:int(min(height, centre_y + half)), left:int(min(width, centre_x + half))]


def write(rows: list[tuple[str, Path, Series]], path: Path) -> None:
    """One row per (title, video, series): six labelled crops, then the signals over time."""
    columns = 6
    figure = plt.figure(figsize=(2.2 * columns, 4.4 * len(rows)), dpi=100)
    grid = figure.add_gridspec(2 * len(rows), columns, height_ratios=[1.2, 0.8] * len(rows))
    for row, (title, video, series) in enumerate(rows):
        chosen = moments(series)[:columns]
        pictures = decode.frames_at(video, {index for _, index in chosen})
        for column, (label, index) in enumerate(chosen):
            axis = figure.add_subplot(grid[2 * row, column])
            axis.imshow(_crop(pictures[index], series.boxes[index]))
            axis.set_title(f"{label}\nt={series.times[index]:.2f} s, open={series.opening[index]:.3f}", fontsize=7)
            axis.axis("off")
        axis = figure.add_subplot(grid[2 * row + 1, :])
        axis.plot(series.times, series.opening, color="tab:red", label="mouth opening (/ eye distance)")
        axis.set_ylabel("mouth opening", fontsize=7)
        axis.tick_params(labelsize=7)
        level = axis.twinx()
        level.plot(series.times, series.level_db, color="tab:blue", alpha=0.5, label="loudness (dB)")
        level.set_ylabel("loudness dB", fontsize=7)
        level.tick_params(labelsize=7)
        axis.set_title(title, fontsize=9, loc="left")
        axis.set_xlabel("seconds", fontsize=7)
        axis.legend(loc="upper left", fontsize=6)
        level.legend(loc="upper right", fontsize=6)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
