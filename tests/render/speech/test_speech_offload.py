"""Pocketsphinx decodes leave the worker's other threads running (its heartbeat above all)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from avatarstudio.render.speech.recognition import recognize_phonemes
from avatarstudio.render.speech.transcription import transcribe

pytestmark = pytest.mark.slow


def _ticks_during(work) -> tuple[int, float]:
    """How often a thread sleeping 10 ms at a time woke while `work` ran, and how long `work` took."""
    ticks, done = [0], threading.Event()

    def tick() -> None:
        while not done.is_set():
            time.sleep(0.01)
            ticks[0] += 1

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.monotonic()
    try:
        work()
    finally:
        elapsed = time.monotonic() - started
        done.set()
        ticker.join()
    return ticks[0], elapsed


@pytest.mark.parametrize("decode", [recognize_phonemes, transcribe], ids=["phonemes", "words"])
def test_other_threads_run_while_pocketsphinx_decodes(decode) -> None:
    noise = (np.random.default_rng(0).standard_normal(16000 * 6) * 0.1).astype(np.float32)
    decode(noise, 16000)  # the helper process starts and loads its model
    ticks, elapsed = _ticks_during(lambda: decode(noise, 16000))
    # Decoding in this process held the GIL throughout: a tick or two in seconds. A free thread wakes about every
    # 10 ms; a tenth of that rate is asked for, to hold on a loaded machine.
    assert ticks >= 0.1 * elapsed / 0.01, (ticks, elapsed)
