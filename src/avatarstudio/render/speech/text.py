"""Script text: HeyGen's `<break time="..."/>` pauses, sentence chunks, and the words a caller will see timed.

A word is a whitespace-separated token with leading and trailing punctuation stripped ("Hello," -> "Hello");
symbols and the spoken marks %#&@ stay ("$5", "50%"). Tokens that are punctuation only ("-", "...") are not words. Numbers are words as
written: "42" is one word even though it is spoken as "forty-two".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from avatarstudio.render.speech.errors import SpeechError

MAX_BREAK_SECONDS = 60.0
MAX_CHUNK_CHARS = 300
"""Longest chunk handed to an engine at once; longer sentences are cut at clause marks, then between words."""

_BREAK = re.compile(r"<\s*break\b([^>]*?)/?\s*>", re.IGNORECASE)
_BREAK_TIME = re.compile(r"""^\s*time\s*=\s*(["']?)\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)\s*\1\s*$""", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:，；：])\s+")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Pause:
    """Exact silence requested by a break tag."""

    seconds: float


@dataclass(frozen=True)
class Word:
    """A word of a chunk as written, and its [start, end) character span in that chunk."""

    label: str
    start: int
    end: int


def split_breaks(text: str) -> list[str | Pause]:
    """Text pieces and Pauses in script order; whitespace-only pieces are dropped.

    A malformed break tag or one longer than MAX_BREAK_SECONDS raises SpeechError("INVALID_BREAK_TIME").
    """
    parts: list[str | Pause] = []
    position = 0
    for tag in _BREAK.finditer(text):
        parts.append(text[position:tag.start()])
        parts.append(Pause(_break_seconds(tag.group(0), tag.group(1))))
        position = tag.end()
    parts.append(text[position:])
    return [part for part in parts if isinstance(part, Pause) or part.strip()]


def _break_seconds(tag: str, attributes: str) -> float:
    match = _BREAK_TIME.match(attributes)
    if match is None:
        raise SpeechError("INVALID_BREAK_TIME", f'{tag} is not a break like <break time="1.5s"/> or '
                          f'<break time="500ms"/>')
    value = float(match.group(2))
    seconds = value / 1000 if match.group(3).lower() == "ms" else value
    if seconds > MAX_BREAK_SECONDS:
        raise SpeechError("INVALID_BREAK_TIME", f"{tag} is longer than {MAX_BREAK_SECONDS:g} s")
    return seconds


def split_chunks(text: str) -> list[str]:
    """Sentences of `text`, each at most MAX_CHUNK_CHARS long, that contain at least one word."""
    chunks: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        chunks.extend(_cut(sentence, _CLAUSE_END))
    return [chunk for chunk in chunks if words_of(chunk)]


def _cut(text: str, separator: re.Pattern[str] | None) -> list[str]:
    if len(text) <= MAX_CHUNK_CHARS:
        return [text]
    pieces = separator.split(text) if separator is not None else _TOKEN.findall(text)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        joined = f"{current} {piece}" if current else piece
        if len(joined) <= MAX_CHUNK_CHARS or not current:
            current = joined
        else:
            chunks.append(current)
            current = piece
    chunks.append(current)
    if separator is None:
        return chunks
    return [short for chunk in chunks for short in _cut(chunk, None)]


def words_of(text: str) -> list[Word]:
    """The words of `text` in order, with their character spans."""
    words: list[Word] = []
    for token in _TOKEN.finditer(text):
        start, end = token.start(), token.end()
        while start < end and _is_punctuation(text[start]):
            start += 1
        while end > start and _is_punctuation(text[end - 1]):
            end -= 1
        if start < end:
            words.append(Word(text[start:end], start, end))
    return words


def script_words(text: str) -> list[Word]:
    """The words of a whole script in order, with spans in `text`; break tags are not words."""
    words: list[Word] = []
    position = 0
    for piece in [*_BREAK.finditer(text), None]:
        end = piece.start() if piece is not None else len(text)
        words += [Word(word.label, word.start + position, word.end + position)
                  for word in words_of(text[position:end])]
        position = piece.end() if piece is not None else end
    return words


_SPOKEN_PUNCTUATION = frozenset("%‰#&@")


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P") and char not in _SPOKEN_PUNCTUATION
