"""Reading a rendered file back with PyAV, knowing nothing of how it was made: frames with their times, and the
audio as a loudness envelope sampled at the video's frame times."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

AUDIO_RATE = 16000
ENVELOPE_FLOOR_DB = -60.0


def frame_rate(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.streams.video[0].average_rate)


def frames(path: Path) -> Iterator[tuple[float, np.ndarray]]:
    """(presentation time in seconds, RGB uint8 array) for every frame, in order."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield float(frame.time), frame.to_ndarray(format="rgb24")


def frames_at(path: Path, indices: set[int]) -> dict[int, np.ndarray]:
    """The RGB frames with these indices (a second decoding pass, so the first need not keep frames)."""
    return {index: rgb for index, (_, rgb) in enumerate(frames(path)) if index in indices}


def audio(path: Path) -> tuple[np.ndarray, float]:
    """(mono float samples at AUDIO_RATE, time in seconds of the first sample on the video's clock)."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
    chunks: list[np.ndarray] = []
    start: float | None = None
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            if start is None:
                start = float(frame.time)
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    if start is None:
        raise ValueError(f"{path} has no audio")
    return np.concatenate(chunks).astype(np.float64), start


def loudness_envelope(samples: np.ndarray, start: float, times: np.ndarray, fps: float) -> np.ndarray:
    """RMS level in dB (relative to full scale, floored at ENVELOPE_FLOOR_DB) of the audio heard while each
    video frame is shown: the window [t, t + 1/fps) on the shared clock. Windows outside the audio are silent."""
    window = int(round(AUDIO_RATE / fps))
    levels = np.full(len(times), ENVELOPE_FLOOR_DB)
    for index, time in enumerate(times):
        first = int(round((time - start) * AUDIO_RATE))
        chunk = samples[max(0, first):max(0, first + window)]
        if chunk.size:
            rms = np.sqrt(np.mean(chunk ** 2))
            levels[index] = max(ENVELOPE_FLOOR_DB, 20 * np.log10(rms + 1e-12))
    return levels
