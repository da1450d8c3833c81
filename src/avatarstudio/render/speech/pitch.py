"""Pitch shifting without a change of duration, for engines that cannot shift pitch themselves.

Uses the rubberband filter of the static ffmpeg shipped in imageio-ffmpeg (formants preserved, quality
pitch mode); the result is cut or padded to the input's exact length so timings stay valid.
"""
from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np

from avatarstudio.render import processes


def shift_pitch(samples: np.ndarray, sample_rate: int, semitones: float) -> np.ndarray:
    """`samples` (float32 mono) with pitch raised by `semitones` (negative lowers it), same length."""
    if abs(semitones) < 1e-3 or samples.size == 0:
        return samples
    ratio = 2 ** (semitones / 12)
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error",
        "-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
        "-af", f"rubberband=pitch={ratio:.6f}:formant=preserved:pitchq=quality",
        "-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "pipe:1",
    ]
    result = processes.run(command, "shifting the voice's pitch", stdin=samples.astype(np.float32).tobytes())
    if result.returncode != 0:
        raise subprocess.CalledProcessError(result.returncode, command, result.stdout, result.stderr)
    shifted = np.frombuffer(result.stdout, np.float32)
    out = np.zeros(len(samples), np.float32)
    out[:min(len(shifted), len(out))] = shifted[:len(out)]
    return out
