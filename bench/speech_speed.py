"""Speech synthesis speed per core, in its own process: prints one JSON object.

Usage: speech_speed.py VOICE_ID TEXT

Speaks TEXT twice through `speech.synthesize` (the speech stage's entry point). The first call includes loading
the voice model; the second is what a running worker pays per request. Speed is audio seconds per CPU second of
this process (all its threads), so it is a per-core figure however many threads the engine uses.
"""
from __future__ import annotations

import json
import sys
import time

from avatarstudio.catalog import voices
from avatarstudio.render import speech
from avatarstudio.render.speech.benchmark import measure_engines


def _timed(text: str, voice: voices.Voice) -> dict[str, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    track = speech.synthesize(text, voice)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"audio_seconds": track.duration, "cpu_seconds": cpu, "wall_seconds": wall,
            "x_realtime_per_core": track.duration / cpu, "x_realtime_wall": track.duration / wall}


def main(argv: list[str]) -> int:
    voice = voices.get_voice(argv[0])
    if voice is None:
        print(f"no voice {argv[0]}", file=sys.stderr)
        return 1
    cold = _timed(argv[1], voice)
    warm = _timed(argv[1], voice)
    engines = measure_engines(30.0)
    print(json.dumps({"voice": f"{voice.engine}/{voice.engine_voice}", "cold": cold, "warm": warm,
                      "engines": engines}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
