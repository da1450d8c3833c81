"""Reading rendered files back, independently of the renderer: streams, sizes, durations, alpha, loudness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import httpx
import numpy as np


@dataclass
class Probe:
    video_codec: str
    audio_codec: str | None
    width: int
    height: int
    video_seconds: float
    audio_seconds: float
    audio_rms: float


def download(url: str, path: Path) -> Path:
    response = httpx.get(url, timeout=60)
    response.raise_for_status()
    path.write_bytes(response.content)
    return path


def probe(path: Path) -> Probe:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video=0))
        fps = float(video.average_rate)
        width, height, codec = video.codec_context.width, video.codec_context.height, video.codec_context.name
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return Probe(codec, None, width, height, frames / fps, 0.0, 0.0)
        audio = container.streams.audio[0]
        chunks = [frame.to_ndarray().astype(np.float64).reshape(-1) for frame in container.decode(audio=0)]
        samples = np.concatenate(chunks)
        seconds = sum(chunk.size for chunk in chunks) / audio.codec_context.channels / audio.codec_context.sample_rate
        return Probe(codec, audio.codec_context.name, width, height, frames / fps, seconds,
                     float(np.sqrt(np.mean(samples ** 2))))


def alpha_planes(path: Path) -> list[np.ndarray]:
    """Alpha of each frame of a VP9 WebM. Only the libvpx decoder reads WebM alpha (the native one drops it)."""
    decoder = av.codec.CodecContext.create("libvpx-vp9", "r")
    planes = []
    with av.open(str(path)) as container:
        for packet in container.demux(video=0):
            for frame in decoder.decode(packet):
                planes.append(frame.to_ndarray(format="rgba")[:, :, 3])
    return planes
