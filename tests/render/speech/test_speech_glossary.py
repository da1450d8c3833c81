"""Respelling glossary terms and labelling the spoken words with the terms again (plain data)."""
from __future__ import annotations

from avatarstudio.render.speech.glossary import as_written, respell
from avatarstudio.render.vocabulary import Timed

TERMS = (("SQL", "sequel"), ("AWS", "A W S"), ("US", "United States"))


def test_whole_words_case_sensitively_around_break_tags() -> None:
    respelled = respell('We run SQL, and AWS <break time="1s"/> on SQL-Server in the US, with us. "SQL"', TERMS)
    assert respelled.text == ('We run sequel, and A W S <break time="1s"/> on SQL-Server in the United States, '
                              'with us. "sequel"')
    assert respelled.terms == ((2, 1, "SQL"), (4, 3, "AWS"), (11, 2, "US"), (15, 1, "SQL"))


def test_spoken_words_are_joined_back_into_the_term() -> None:
    respelled = respell("Ask AWS now", TERMS)
    spoken = [Timed(label, index * 0.5, index * 0.5 + 0.4) for index, label in enumerate("Ask A W S now".split())]
    assert as_written(spoken, respelled) == [Timed("Ask", 0.0, 0.4), Timed("AWS", 0.5, 1.9), Timed("now", 2.0, 2.4)]
    assert respell("No terms here", ()).text == "No terms here"
