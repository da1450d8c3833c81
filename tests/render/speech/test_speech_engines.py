"""Each engine speaks real sentences; timings are checked against the audio's own energy."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from speech_measure import FRAME, frame_rms, longest_quiet_run, loud_frames

from avatarstudio.render.speech import SAMPLE_RATE, SpeechError, festival, synthesize
from avatarstudio.render.speech.benchmark import measure_engines
from avatarstudio.render.speech.text import words_of

pytestmark = pytest.mark.slow

SENTENCE = "The quick brown fox jumps over the lazy dog, and then it sleeps in the sun."
NUMBERS = "I paid $5 for 42 apples in the U.S. and 50% of them were red."


def test_a_sentence_is_spoken_with_one_timing_per_word(voice):
    track = synthesize(SENTENCE, voice)

    assert track.sample_rate == SAMPLE_RATE
    assert track.samples.dtype == np.float32
    assert 2.5 < track.duration < 8.0
    assert 0.1 < np.abs(track.samples).max() <= 1.0
    assert [word.label for word in track.words] == [word.label for word in words_of(SENTENCE)]
    previous_end = 0.0
    for word in track.words:
        assert previous_end - 1e-6 <= word.start < word.end <= track.duration
        previous_end = word.end


def test_numbers_and_symbols_get_spans_covering_their_spoken_form(voice):
    track = synthesize(NUMBERS, voice)

    assert [word.label for word in track.words] == [word.label for word in words_of(NUMBERS)]
    spans = {word.label: word.end - word.start for word in track.words}
    assert spans["$5"] > 0.35  # "five dollars"
    assert spans["42"] > 0.35  # "forty-two"
    assert spans["50%"] > 0.4  # "fifty percent"
    assert all(word.end - word.start > 0.04 for word in track.words)


def test_word_spans_cover_the_speech_energy(voice):
    track = synthesize(SENTENCE + " " + NUMBERS, voice)
    loud = loud_frames(track)
    covered = np.zeros_like(loud)
    for word in track.words:
        covered[max(0, int(word.start / FRAME) - 3):int(word.end / FRAME) + 4] = True

    assert (loud & covered).sum() / loud.sum() > 0.97
    rms = frame_rms(track)
    for word in track.words:
        inside = rms[int(word.start / FRAME):int(word.end / FRAME) + 1]
        assert inside.max() > 0.05 * rms.max(), word


def test_words_after_a_pause_start_at_an_energy_onset(voice):
    track = synthesize("Hello there. <break time=\"0.5s\"/> Good morning. Nice to meet you.", voice)
    loud = loud_frames(track, below_peak_db=30)
    checked = 0
    for before, word in zip(track.words, track.words[1:]):
        if word.start - before.end < 0.15:
            continue
        onset = (int(before.end / FRAME) + 5 + int(np.argmax(loud[int(before.end / FRAME) + 5:]))) * FRAME
        assert abs(onset - word.start) < 0.06, (word, onset)
        checked += 1
    assert checked >= 2


def test_phonemes_are_ipa_and_inside_their_words(voice):
    track = synthesize("Good morning everyone.", voice)

    assert track.phonemes
    assert all(p.start < p.end for p in track.phonemes)
    assert all(a.end <= b.start + 1e-6 for a, b in zip(track.phonemes, track.phonemes[1:]))
    assert "ŋ" in "".join(p.label for p in track.phonemes)
    assert track.phonemes[0].start >= track.words[0].start - 1e-6
    assert track.phonemes[-1].end <= track.words[-1].end + 1e-6


def test_a_long_script_is_spoken_sentence_by_sentence(espeak_english):
    script = " ".join(f"Sentence number {n} has a few words." for n in range(1, 120))[:5000]
    track = synthesize(script, espeak_english)

    assert len(track.words) == len(words_of(script))
    assert track.duration > 150
    assert longest_quiet_run(track, 0, track.duration) < 0.6


def test_espeak_calls_from_many_threads_do_not_mix(espeak_english):
    scripts = [SENTENCE, NUMBERS, "Good morning everyone.", "One, two, three."] * 3
    alone = [synthesize(script, espeak_english) for script in scripts]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda script: synthesize(script, espeak_english), scripts))

    for a, b in zip(alone, together):  # espeak varies a few samples from call to call, even alone
        assert [w.label for w in a.words] == [w.label for w in b.words]
        assert [p.label for p in a.phonemes] == [p.label for p in b.phonemes]
        assert b.duration == pytest.approx(a.duration, rel=0.02)


def test_festival_missing_is_a_clear_speech_error(slt, monkeypatch):
    monkeypatch.setattr(festival, "festival_program", lambda: None)
    with pytest.raises(SpeechError) as raised:
        synthesize("Hello there.", slt)
    assert raised.value.code == "VOICE_NOT_AVAILABLE"
    assert "festvox-us-slt-hts" in raised.value.message


def test_the_speed_benchmark_reports_every_engine():
    results = measure_engines(5.0)

    assert set(results) == {"piper", "festival", "espeak"}
    assert all(r["audio_seconds"] > 3 and r["x_real_time"] > 1 and r["x_real_time_per_core"] > 1
               for r in results.values())
