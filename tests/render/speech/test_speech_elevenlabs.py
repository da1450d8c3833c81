"""elevenlabs_settings mapped onto the local engines' prosody: stability narrows intonation, style strengthens
the emotion."""
from __future__ import annotations

import numpy as np
import pytest

from avatarstudio.render.speech import SpeechError, VoiceSettings, synthesize
from avatarstudio.render.speech.settings import EMOTIONS, prosody_for
from speech_measure import f0_track

SENTENCE = "Well, did you really think that this would be the easiest part of the whole journey?"


def test_stability_and_style_mapping() -> None:
    assert prosody_for(VoiceSettings(stability=0.0)).intonation == pytest.approx(1.5)
    assert prosody_for(VoiceSettings(stability=0.5)).intonation == pytest.approx(1.0)
    assert prosody_for(VoiceSettings(stability=1.0)).intonation == pytest.approx(0.5)
    excited = EMOTIONS["excited"]
    doubled = prosody_for(VoiceSettings(emotion="Excited", style=1.0))
    assert doubled.rate == pytest.approx(1 + 2 * (excited.rate - 1))
    assert doubled.semitones == pytest.approx(2 * excited.semitones)
    assert prosody_for(VoiceSettings(style=1.0)) == prosody_for(VoiceSettings())
    with pytest.raises(SpeechError):
        VoiceSettings(stability=1.5)


def test_low_stability_widens_the_measured_pitch_contour(espeak_english) -> None:
    def spread(stability: float) -> float:
        f0 = f0_track(synthesize(SENTENCE, espeak_english, VoiceSettings(stability=stability)))
        semitones = 12 * np.log2(f0 / np.median(f0))
        return float(np.percentile(semitones, 90) - np.percentile(semitones, 10))

    assert spread(0.0) > 1.3 * spread(1.0)
