"""Break tags, words as written, sentence chunks, and silence."""
import numpy as np
import pytest
from speech_measure import longest_quiet_run

from avatarstudio.catalog.voices import list_voices
from avatarstudio.render.speech import SAMPLE_RATE, SpeechError, silence, synthesize
from avatarstudio.render.speech.text import MAX_CHUNK_CHARS, Pause, split_breaks, split_chunks, words_of


def test_break_tags_become_pauses_in_seconds():
    assert split_breaks('One <break time="1.5s"/> two<BREAK time=\'500ms\' /> three') == [
        "One ", Pause(1.5), " two", Pause(0.5), " three"]


@pytest.mark.parametrize("tag", ['<break time="soon"/>', "<break/>", '<break time="90s"/>'])
def test_a_bad_break_tag_is_a_speech_error(tag):
    with pytest.raises(SpeechError) as raised:
        split_breaks(f"Hello {tag} world")
    assert raised.value.code == "INVALID_BREAK_TIME"


def test_words_are_tokens_as_written_without_surrounding_punctuation():
    assert [w.label for w in words_of('"Hello," she said -- it costs $5 (50%)... U.S.')] == [
        "Hello", "she", "said", "it", "costs", "$5", "50%", "U.S"]


def test_long_sentences_are_cut_into_chunks_an_engine_can_time():
    script = "First sentence. " + ", ".join(["a clause of several words"] * 40) + "! Last one"
    chunks = split_chunks(script)

    assert chunks[0] == "First sentence." and chunks[-1] == "Last one"
    assert all(len(chunk) <= MAX_CHUNK_CHARS for chunk in chunks)
    assert sum(len(words_of(c)) for c in chunks) == len(words_of(script))


def test_silence_is_exact():
    track = silence(1.25)
    assert track.sample_rate == SAMPLE_RATE and len(track.samples) == 30000
    assert not track.samples.any() and track.words == [] and track.phonemes == []


@pytest.mark.slow
def test_a_break_is_that_much_silence_in_the_right_place(voice):
    plain = synthesize("Hello there. Good morning.", voice)
    track = synthesize('Hello there. <break time="1s"/> Good morning.', voice)
    there, good = track.words[1], track.words[2]

    assert there.label == "there" and good.label == "Good"
    assert 1.0 <= good.start - there.end <= 1.3
    assert 0.9 <= longest_quiet_run(track, there.end, good.start) <= 1.2
    assert track.duration - plain.duration == pytest.approx(1.0 - 0.3, abs=0.2)  # the break replaces the sentence pause


def test_a_script_of_only_a_break_is_silence(voice):
    track = synthesize('<break time="500ms"/>', voice)
    assert track.duration == pytest.approx(0.5) and not np.abs(track.samples).any()


@pytest.mark.parametrize("script, code", [("  ... ", "EMPTY_TEXT"), ("word " * 1001, "TEXT_TOO_LONG")])
def test_unspeakable_text_is_a_speech_error(voice, script, code):
    with pytest.raises(SpeechError) as raised:
        synthesize(script, voice)
    assert raised.value.code == code


def test_text_a_voice_cannot_read_is_a_speech_error():
    cherokee = next(voice for voice in list_voices() if voice.language_code == "chr")
    with pytest.raises(SpeechError) as raised:
        synthesize("1 2 3", cherokee)
    assert raised.value.code == "UNSPEAKABLE_TEXT"
