"""Footage served over loopback and checks on what a twin or lipsync rendered, shared by the twin and lipsync
tests: the footage is PsychoPy's real clips (footage.py), the checks decode the output independently."""
from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import av
import httpx
import mediapipe as mp
import numpy as np

from avatarstudio.render.encode.ffmpeg import ffmpeg_exe
from footage import clip


def footage_folder(folder: Path) -> Path:
    """jwpIntro.mp4 and testMovie.mp4 (real footage), short.mp4 (its first 2 s) and text.mp4 (not a video)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("jwpIntro.mp4", "testMovie.mp4"):
        (folder / name).write_bytes(clip(name).read_bytes())
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip("jwpIntro.mp4")), "-t", "2",
                    "-c:v", "libx264", "-c:a", "aac", str(folder / "short.mp4")], check=True)
    (folder / "text.mp4").write_text("this is a text file with a video's name\n" * 20)
    return folder


def poll(get: Callable[[], dict], done: Callable[[dict], bool], timeout: float = 300) -> dict:
    """Call `get` until `done` holds for what it returns (bounded by `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = get()
        if done(found):
            return found
        time.sleep(0.5)
    raise AssertionError(f"not done after {timeout} s: {found}")


def face_share(video: Path, every: int = 10) -> float:
    """The share of sampled frames in which mediapipe's face mesh finds a face."""
    found = total = 0
    with mp.solutions.face_mesh.FaceMesh(max_num_faces=1) as mesh, av.open(str(video)) as box:
        for index, frame in enumerate(box.decode(video=0)):
            if index % every:
                continue
            total += 1
            found += bool(mesh.process(frame.to_ndarray(format="rgb24")).multi_face_landmarks)
    return found / max(total, 1)


def stream_facts(video: Path) -> dict:
    """Size, frame rate, duration in frames / fps and audio loudness (RMS) of a rendered file."""
    with av.open(str(video)) as box:
        stream = box.streams.video[0]
        frames = sum(1 for _ in box.decode(video=0))
        facts = {"width": stream.codec_context.width, "height": stream.codec_context.height,
                 "fps": float(stream.average_rate), "frames": frames}
    with av.open(str(video)) as box:
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in box.decode(audio=0)]) if box.streams.audio \
            else np.zeros(1)
    facts["seconds"] = facts["frames"] / facts["fps"]
    facts["audio_rms"] = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    return facts


def fetch_bytes(url: str) -> bytes:
    response = httpx.get(url, timeout=60)
    response.raise_for_status()
    return response.content
