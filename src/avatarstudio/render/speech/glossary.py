"""A pronunciation glossary applied to a script: terms respelled as they are said ("SQL" -> "sequel"), and the
spoken words labelled with the terms again, so captions show the script as written.

A term is one written word (punctuation at its ends set aside, as speech timing counts words), matched
case-sensitively: a term is written the way the brand writes it, and "US" must not catch "us".
"""
from __future__ import annotations

from dataclasses import dataclass

from avatarstudio.render.speech.text import script_words
from avatarstudio.render.vocabulary import Timed


@dataclass(frozen=True)
class Respelled:
    text: str
    """What the engine reads."""
    terms: tuple[tuple[int, int, str], ...]
    """(index of the first spoken word, how many spoken words, the term as written) for each term replaced."""


def respell(script: str, pronunciations: tuple[tuple[str, str], ...]) -> Respelled:
    """`script` with every glossary term replaced by its spoken form."""
    spoken_of = dict(pronunciations)
    if not spoken_of:
        return Respelled(script, ())
    pieces: list[str] = []
    terms: list[tuple[int, int, str]] = []
    position = spoken_index = 0
    for word in script_words(script):
        spoken = spoken_of.get(word.label)
        if spoken is None:
            spoken_index += 1
            continue
        count = len(script_words(spoken))
        pieces += [script[position:word.start], spoken]
        terms.append((spoken_index, count, word.label))
        spoken_index += count
        position = word.end
    pieces.append(script[position:])
    return Respelled("".join(pieces), tuple(terms))


def as_written(words: list[Timed], respelled: Respelled) -> list[Timed]:
    """The spoken words with each respelled term's words joined back into the term, over their time span."""
    relabelled = list(words)
    for first, count, term in reversed(respelled.terms):
        if count and first + count <= len(relabelled):
            span = relabelled[first:first + count]
            relabelled[first:first + count] = [Timed(term, span[0].start, span[-1].end)]
    return relabelled
