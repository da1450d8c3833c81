"""Grouping timed words into caption cues short enough to read at a glance."""
from __future__ import annotations

from dataclasses import dataclass

from avatarstudio.render.vocabulary import Timed

MAX_WORDS = 7
MAX_CHARS = 42
MAX_SECONDS = 3.5
PAUSE_SECONDS = 0.5
"""A silence longer than this between two words starts a new cue."""
SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")


@dataclass(frozen=True)
class Cue:
    """One caption on screen: its text over [start, end) seconds."""

    text: str
    start: float
    end: float


def _clean(label: str) -> str:
    """A word's label on one line with single spaces, so no format's cue can be broken by a newline."""
    return " ".join(label.split())


def _ends_sentence(word: str) -> bool:
    return word.rstrip("\"'»”)]").endswith(SENTENCE_END)


def _fits(cue: list[Timed], word: Timed) -> bool:
    """Whether `word` may join `cue` without breaking a length, duration or pause limit."""
    text = " ".join(w.label for w in [*cue, word])
    return (
        len(cue) < MAX_WORDS
        and len(text) <= MAX_CHARS
        and word.end - cue[0].start <= MAX_SECONDS
        and word.start - cue[-1].end <= PAUSE_SECONDS
    )


def group_cues(words: list[Timed]) -> list[Cue]:
    """Cues of at most MAX_WORDS words, MAX_CHARS characters and MAX_SECONDS each, in the order of `words`.

    A cue ends after a word closing a sentence and before a pause longer than PAUSE_SECONDS; its times are its
    first word's start and last word's end. Blank words are skipped. A single word over a limit gets a cue alone.
    """
    groups: list[list[Timed]] = []
    for word in words:
        label = _clean(word.label)
        if not label:
            continue
        word = Timed(label, word.start, word.end)
        if groups and not _ends_sentence(groups[-1][-1].label) and _fits(groups[-1], word):
            groups[-1].append(word)
        else:
            groups.append([word])
    return [Cue(" ".join(w.label for w in group), group[0].start, group[-1].end) for group in groups]
