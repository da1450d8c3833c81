"""Grouping words into cues: the length, duration, pause and sentence rules."""
from __future__ import annotations

from avatarstudio.render.encode.cues import MAX_CHARS, MAX_WORDS, Cue, group_cues
from avatarstudio.render.vocabulary import Timed


def spoken(text: str, step: float = 0.3, length: float = 0.25) -> list[Timed]:
    """Words evenly spaced `step` seconds apart, each lasting `length`."""
    return [Timed(word, i * step, i * step + length) for i, word in enumerate(text.split())]


def test_no_words_no_cues() -> None:
    assert group_cues([]) == []


def test_a_short_sentence_is_one_cue_timed_by_its_words() -> None:
    assert group_cues(spoken("Hello world")) == [Cue("Hello world", 0.0, 0.55)]


def test_cues_hold_at_most_seven_words() -> None:
    cues = group_cues(spoken("a b c d e f g h i j"))
    assert [cue.text for cue in cues] == ["a b c d e f g", "h i j"]


def test_cues_hold_at_most_42_characters() -> None:
    cues = group_cues(spoken("extraordinary circumstances necessitate unprecedented collaboration"))
    assert all(len(cue.text) <= MAX_CHARS for cue in cues)
    assert " ".join(cue.text for cue in cues) == "extraordinary circumstances necessitate unprecedented collaboration"


def test_cues_last_at_most_three_and_a_half_seconds() -> None:
    cues = group_cues(spoken("one two three four five six", step=0.9, length=0.8))
    assert all(cue.end - cue.start <= 3.5 for cue in cues)
    assert len(cues) == 2


def test_a_sentence_end_closes_the_cue() -> None:
    cues = group_cues(spoken("Hi there. How are you?"))
    assert [cue.text for cue in cues] == ["Hi there.", "How are you?"]


def test_a_pause_starts_a_new_cue() -> None:
    words = [Timed("well", 0.0, 0.3), Timed("then", 0.4, 0.7), Timed("anyway", 1.3, 1.7)]
    assert [cue.text for cue in group_cues(words)] == ["well then", "anyway"]


def test_blank_words_are_skipped_and_labels_kept_on_one_line() -> None:
    words = [Timed(" ", 0.0, 0.1), Timed("two\nlines", 0.1, 0.4)]
    assert group_cues(words) == [Cue("two lines", 0.1, 0.4)]


def test_every_word_lands_in_exactly_one_cue_in_order() -> None:
    text = "So this is a longer passage, with commas. It keeps going for quite a while without stopping at all!"
    cues = group_cues(spoken(text))
    assert " ".join(cue.text for cue in cues) == text
    assert all(len(cue.text.split()) <= MAX_WORDS for cue in cues)
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:]))
