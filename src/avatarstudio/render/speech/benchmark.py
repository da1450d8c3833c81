"""Synthesis speed per engine, for `make bench`: seconds of speech produced per second of wall time."""
from __future__ import annotations

import resource
import time

from avatarstudio.catalog.voices import Voice, list_voices
from avatarstudio.render.speech.synthesize import synthesize

PASSAGE = ("The quick brown fox jumps over the lazy dog, and then it sleeps in the sun. "
           "Every morning we walk to the station, buy a paper and read it on the train. ")
"""About nine seconds of English speech; repeated to reach the requested length."""
PASSAGE_SECONDS = 9.0


def measure_engines(seconds_of_text: float = 30.0) -> dict[str, dict[str, float]]:
    """For each engine's first English voice: {"audio_seconds", "wall_seconds", "x_real_time", "cpu_seconds",
    "x_real_time_per_core"}.

    One warm-up sentence per voice runs first, so model loading is not counted. CPU time counts every thread of
    this process and the engine's child processes (festival runs as one), so the per-core figure is fair to
    engines that use several cores (piper's onnxruntime does).
    """
    script = PASSAGE * max(1, round(seconds_of_text / PASSAGE_SECONDS))
    results: dict[str, dict[str, float]] = {}
    for voice in _english_voice_per_engine():
        synthesize("Warm up.", voice)
        cpu, started = _cpu_seconds(), time.perf_counter()
        track = synthesize(script, voice)
        wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        results[voice.engine] = {"audio_seconds": round(track.duration, 2), "wall_seconds": round(wall, 3),
                                 "x_real_time": round(track.duration / wall, 1), "cpu_seconds": round(cpu, 3),
                                 "x_real_time_per_core": round(track.duration / cpu, 1)}
    return results


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _english_voice_per_engine() -> list[Voice]:
    chosen: dict[str, Voice] = {}
    for voice in list_voices():
        if voice.language_code == "en":
            chosen.setdefault(voice.engine, voice)
    return list(chosen.values())
