"""Voice settings: speed, pitch, locale and emotion, measured on the audio."""
import math

import pytest
from speech_measure import median_f0

from avatarstudio.render.speech import SpeechError, VoiceSettings, synthesize
from avatarstudio.render.speech.settings import EMOTIONS

pytestmark = pytest.mark.slow

SENTENCE = "The quick brown fox jumps over the lazy dog while we are all waiting here."


@pytest.mark.parametrize("speed, factor", [(0.5, 2.0), (1.5, 2 / 3)])
def test_speed_scales_duration_and_timings(voice, speed, factor):
    normal = synthesize(SENTENCE, voice)
    changed = synthesize(SENTENCE, voice, VoiceSettings(speed=speed))

    assert changed.duration / normal.duration == pytest.approx(factor, rel=0.15)
    normal_span = normal.words[-1].end - normal.words[0].start
    changed_span = changed.words[-1].end - changed.words[0].start
    assert changed_span / normal_span == pytest.approx(factor, rel=0.15)


def test_pitch_shifts_by_a_tenth_of_a_semitone_per_unit_without_changing_duration(voice):
    script = SENTENCE + " Nobody knows how long the summer will last, so we enjoy every warm evening."
    normal = synthesize(script, voice)
    raised = synthesize(script, voice, VoiceSettings(pitch=20))

    semitones = 12 * math.log2(median_f0(raised) / median_f0(normal))
    assert semitones == pytest.approx(2.0, abs=1.0)
    # Two piper runs differ by a few percent in timing; a pitch shift by resampling would differ by 12 %.
    assert raised.duration == pytest.approx(normal.duration, rel=0.08)
    assert raised.words[-1].end == pytest.approx(normal.words[-1].end, rel=0.08)


def test_a_locale_the_voice_has_picks_that_accent(espeak_english):
    american = synthesize("tomato water", espeak_english, VoiceSettings(locale="en-US"))
    british = synthesize("tomato water", espeak_english, VoiceSettings(locale="en_gb-X-RP"))

    assert "".join(p.label for p in american.phonemes) != "".join(p.label for p in british.phonemes)


def test_a_locale_the_voice_lacks_is_refused_naming_what_it_has(joe):
    with pytest.raises(SpeechError) as raised:
        synthesize("Hello.", joe, VoiceSettings(locale="fr-FR"))
    assert raised.value.code == "UNSUPPORTED_LOCALE"
    assert "fr-FR" in raised.value.message and "en-US" in raised.value.message


@pytest.mark.parametrize("emotion", ["Excited", "Friendly", "Serious", "Soothing", "Broadcaster"])
def test_every_emotion_changes_the_delivery(espeak_english, emotion):
    normal = synthesize(SENTENCE, espeak_english)
    moved = synthesize(SENTENCE, espeak_english, VoiceSettings(emotion=emotion))
    preset = EMOTIONS[emotion.lower()]

    if preset.rate != 1.0:
        assert moved.duration / normal.duration == pytest.approx(1 / preset.rate, rel=0.08)
    assert moved.samples.tolist() != normal.samples.tolist()


def test_an_unknown_emotion_is_refused(joe):
    with pytest.raises(SpeechError) as raised:
        synthesize("Hello.", joe, VoiceSettings(emotion="Grumpy"))
    assert raised.value.code == "UNSUPPORTED_EMOTION"


@pytest.mark.parametrize("settings", [{"speed": 0.4}, {"speed": 2.1}, {"pitch": 51}, {"pitch": -60}])
def test_out_of_range_settings_are_refused(settings):
    with pytest.raises(SpeechError) as raised:
        VoiceSettings(**settings)
    assert raised.value.code == "INVALID_VOICE_SETTINGS"


def test_an_emotion_moves_piper_too(joe):
    script = " ".join([SENTENCE] * 3)  # piper's random timing averages out over more words
    normal = synthesize(script, joe)
    excited = synthesize(script, joe, VoiceSettings(emotion="excited"))

    assert excited.duration / normal.duration == pytest.approx(1 / EMOTIONS["excited"].rate, rel=0.1)
    assert median_f0(excited) > median_f0(normal)
