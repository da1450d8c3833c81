"""Uploaded English speech is transcribed to timed words for captions, and only when the caller asks."""
import difflib
import re

import numpy as np
import pytest
import soundfile

from avatarstudio.render.speech import SAMPLE_RATE, load_audio, silence, synthesize
from avatarstudio.render.vocabulary import Timed

pytestmark = pytest.mark.slow

SCRIPT = ("Good morning everyone. Today we will talk about how to keep your data safe online, "
          "and what to do when something goes wrong.")


def spelling(label: str) -> str:
    return re.sub(r"[^a-z']", "", label.lower())


def is_content(label: str) -> bool:
    """Words of four letters or more: the short function words are the ones the language model guesses at."""
    return len(spelling(label)) >= 4


@pytest.fixture(scope="module")
def spoken(joe):
    return synthesize(SCRIPT, joe)


@pytest.fixture(scope="module")
def upload(spoken, tmp_path_factory):
    path = tmp_path_factory.mktemp("upload") / "speech.wav"
    soundfile.write(path, spoken.samples, SAMPLE_RATE)
    return path


@pytest.fixture(scope="module")
def transcribed(upload):
    return load_audio(upload, transcribe=True)


@pytest.fixture(scope="module")
def matched(spoken, transcribed) -> list[tuple[Timed, Timed]]:
    """(spoken word, recognised word) pairs where the two word sequences agree."""
    said = [spelling(word.label) for word in spoken.words]
    heard = [word.label for word in transcribed.words]
    blocks = difflib.SequenceMatcher(None, said, heard, autojunk=False).get_matching_blocks()
    return [(spoken.words[block.a + k], transcribed.words[block.b + k]) for block in blocks for k in range(block.size)]


def test_most_of_the_script_is_recognised(spoken, matched):
    """Measured on piper's Joe: 82-100 % of these words over 15 syntheses (piper's timing varies run to run)."""
    content = [word for word in spoken.words if is_content(word.label)]
    assert len([said for said, _ in matched if is_content(said.label)]) / len(content) >= 0.7


def test_words_are_plain_dictionary_spellings_in_order_inside_the_audio(transcribed):
    words = transcribed.words
    assert all(re.fullmatch(r"[a-z'.-]+", word.label) for word in words), [word.label for word in words]
    assert all(0.0 <= word.start < word.end <= transcribed.duration for word in words)
    assert all(a.end <= b.start + 1e-6 for a, b in zip(words, words[1:]))


def test_recognised_words_start_where_they_were_spoken(matched):
    """Measured: a median of 0.04-0.07 s from piper's own word starts."""
    assert len(matched) >= 10
    assert np.median([abs(said.start - heard.start) for said, heard in matched]) < 0.12


def test_without_transcription_there_are_no_words_but_still_phonemes(upload):
    track = load_audio(upload)
    assert track.words == [] and track.phonemes


def test_other_languages_are_not_transcribed(upload):
    assert load_audio(upload, "de-DE", transcribe=True).words == []


def test_digital_silence_is_no_words(tmp_path):
    path = tmp_path / "silence.wav"
    soundfile.write(path, silence(2.0).samples, SAMPLE_RATE)
    assert load_audio(path, transcribe=True).words == []
