"""Giving every written word a time span from an engine's timed phoneme stream.

Engines speak numbers and symbols as several words ("$5" -> "five dollars") and merge short words ("in the"
-> "ɪnðə"), so phoneme groups and written words do not pair one to one. Each written word is phonemized
alone; an edit-distance alignment between those phonemes and the spoken ones then tells which spoken phoneme
belongs to which written word.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from avatarstudio.render.vocabulary import Timed

_STRESS = frozenset("ˈˌ")


def phoneme_key(phonemes: str) -> str:
    """The base symbols of an IPA string: stress, length, diacritics, punctuation and spaces removed."""
    return "".join(char for char in unicodedata.normalize("NFD", phonemes) if _is_base(char))


def _is_base(char: str) -> bool:
    category = unicodedata.category(char)
    return not (char in _STRESS or category in ("Lm", "Mn", "Zs") or category.startswith("P") or char.isspace())


def word_of_each_phoneme(word_keys: Sequence[str], spoken: Sequence[str], groups: Sequence[int]) -> list[int]:
    """For each spoken phoneme, the index of the written word it belongs to; never decreasing.

    word_keys: phoneme_key of each written word spoken alone. spoken: the phoneme_key of each spoken phoneme
    (one base symbol each). groups: the spoken word group (space-separated run) of each spoken phoneme, used to
    place phonemes the alignment leaves unmatched next to their group's neighbours.
    """
    expected = [(symbol, index) for index, key in enumerate(word_keys) for symbol in key]
    owners = _align(expected, spoken)
    for position, owner in enumerate(owners):
        if owner is None:
            owners[position] = _neighbour_owner(owners, groups, position)
    result: list[int] = []
    highest = 0
    for owner in owners:
        highest = max(highest, owner if owner is not None else highest)
        result.append(highest)
    return result


def _align(expected: list[tuple[str, int]], spoken: Sequence[str]) -> list[int | None]:
    """Levenshtein alignment; a spoken symbol matched or substituted takes that expected symbol's word."""
    rows, cols = len(spoken), len(expected)
    cost = [[0] * (cols + 1) for _ in range(rows + 1)]
    for j in range(cols + 1):
        cost[0][j] = j
    for i in range(1, rows + 1):
        above, here = cost[i - 1], cost[i]
        here[0] = i
        symbol = spoken[i - 1]
        for j in range(1, cols + 1):
            diagonal = above[j - 1] + (0 if expected[j - 1][0] == symbol else 1)
            here[j] = min(diagonal, above[j] + 1, here[j - 1] + 1)
    owners: list[int | None] = [None] * rows
    i, j = rows, cols
    while i > 0 and j > 0:
        step = 0 if expected[j - 1][0] == spoken[i - 1] else 1
        if cost[i][j] == cost[i - 1][j - 1] + step:
            owners[i - 1] = expected[j - 1][1]
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return owners


def _neighbour_owner(owners: list[int | None], groups: Sequence[int], position: int) -> int | None:
    """The owner of the nearest owned phoneme, preferring the same group and then the one before."""
    before = next((p for p in range(position - 1, -1, -1) if owners[p] is not None), None)
    after = next((p for p in range(position + 1, len(owners)) if owners[p] is not None), None)
    for candidate in (before, after):
        if candidate is not None and groups[candidate] == groups[position]:
            return owners[candidate]
    candidate = before if before is not None else after
    return owners[candidate] if candidate is not None else None


def word_spans(labels: Sequence[str], phonemes: Sequence[Timed], owners: Sequence[int]) -> list[Timed]:
    """One Timed per label: from its first phoneme's start to its last phoneme's end.

    A word that owns no phoneme gets an empty span where the previous word ends (or where the next starts).
    """
    firsts: dict[int, Timed] = {}
    lasts: dict[int, Timed] = {}
    for phoneme, owner in zip(phonemes, owners):
        firsts.setdefault(owner, phoneme)
        lasts[owner] = phoneme
    spans: list[Timed] = []
    for index, label in enumerate(labels):
        if index in firsts:
            spans.append(Timed(label, firsts[index].start, lasts[index].end))
            continue
        later = next((firsts[k].start for k in range(index + 1, len(labels)) if k in firsts), None)
        at = spans[-1].end if spans else (later if later is not None else 0.0)
        spans.append(Timed(label, at, at))
    return spans
