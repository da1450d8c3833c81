"""Grouping timed words into caption cues short enough to read at a glance."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from avatarstudio.render.vocabulary import Timed

MAX_WORDS = 7
MAX_CHARS = 42
MAX_SECONDS = 3.5
PAUSE_SECONDS = 0.5
"""A silence longer than this between two words starts a new cue."""
LOOKAHEAD = 8
"""How many written tokens `as_written` looks ahead for a spoken word (tags, dashes and the like are skipped)."""
SPOKEN_PUNCTUATION = frozenset("%‰#&@")
ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "e.g.", "i.e."})
"""Words whose full stop does not end a sentence."""
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
    if word.lower() in ABBREVIATIONS:
        return False
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


def _bare(token: str) -> str:
    """A written token without the punctuation at its ends (what speech labels a word with)."""
    start, end = 0, len(token)
    while start < end and _silent(token[start]):
        start += 1
    while end > start and _silent(token[end - 1]):
        end -= 1
    return token[start:end]


def _silent(char: str) -> bool:
    """Punctuation that is not read aloud (speech keeps % # & @ in a word's label, as it says them)."""
    return unicodedata.category(char).startswith("P") and char not in SPOKEN_PUNCTUATION


def as_written(words: list[Timed], text: str) -> list[Timed]:
    """The spoken words relabelled with their whitespace-separated tokens of `text`, punctuation included.

    Speech labels words without their punctuation ("Hello", "there" for "Hello, there."); captions want it back,
    and cues break at sentence ends only when they see it. Words are matched in order to the next token (within
    LOOKAHEAD) that is the same word once its end punctuation is set aside; a word without a match keeps its
    label. Times are unchanged.
    """
    tokens = text.split()
    relabelled: list[Timed] = []
    at = 0
    for word in words:
        match = next((index for index in range(at, min(at + LOOKAHEAD, len(tokens)))
                      if _bare(tokens[index]) == word.label.strip()), None)
        if match is None:
            relabelled.append(word)
            continue
        relabelled.append(Timed(tokens[match], word.start, word.end))
        at = match + 1
    return relabelled


def video_words(scenes: list[tuple[list[Timed], str | None, float]]) -> list[Timed]:
    """The video's words for its captions from each scene's (spoken words, script or None, length in seconds),
    in order: timed from the video's start, and labelled as written in the script (punctuation included) where
    the scene has one."""
    words: list[Timed] = []
    offset = 0.0
    for spoken, script, seconds in scenes:
        labelled = as_written(spoken, script) if script is not None else spoken
        words += [Timed(word.label, word.start + offset, word.end + offset) for word in labelled]
        offset += seconds
    return words
