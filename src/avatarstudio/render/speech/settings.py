"""Voice settings (the spec's VoiceTuning, checked) and the prosody an engine is asked to produce.

Mappings (the same for every engine):
- speed 0.5..1.5 multiplies the speaking rate; durations and timings scale by 1/speed.
- pitch -50..+50 shifts pitch by pitch/10 semitones (+20 -> +2 semitones, f0 x1.122) without changing duration.
- emotion picks a preset from EMOTIONS. A preset multiplies the rate, adds semitones, adds gain in dB to the
  loudness target, and scales intonation (the width of the pitch contour; espeak only, piper and festival keep
  their own).
- elevenlabs_settings.stability 0..1 (ElevenLabs: low = more variable delivery) multiplies intonation by
  1.5 - stability (0 -> x1.5, 0.5 -> unchanged, 1 -> x0.5); like intonation, it acts on espeak voices only.
  (Scaling piper's duration noise instead was tried and made its timing erratic: an "Excited" preset came out
  slower, not faster.)
- elevenlabs_settings.style 0..1 (ElevenLabs: style exaggeration) strengthens the emotion preset: each of its
  departures from neutral is multiplied by 1 + style. Without an emotion it changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from avatarstudio.render.speech.errors import SpeechError
from avatarstudio.spec import VoiceTuning

SPEED_RANGE = (0.5, 2.0)
"""The engines handle up to 2x (v3 speech allows it); the video endpoints limit speed to 1.5 in their wire models."""
PITCH_RANGE = (-50.0, 50.0)
SEMITONES_PER_PITCH_UNIT = 0.1


@dataclass(frozen=True, kw_only=True)
class VoiceSettings(VoiceTuning):
    """The spec's voice tuning, checked: out-of-range values raise SpeechError("INVALID_VOICE_SETTINGS") here,
    once."""

    @classmethod
    def of(cls, tuning: VoiceTuning) -> VoiceSettings:
        """`tuning` (a scene's TextSpeech, for one) checked."""
        return cls(**{field.name: getattr(tuning, field.name) for field in fields(VoiceTuning)})

    def __post_init__(self) -> None:
        if not SPEED_RANGE[0] <= self.speed <= SPEED_RANGE[1]:
            raise SpeechError("INVALID_VOICE_SETTINGS", f"speed must be between {SPEED_RANGE[0]} and "
                              f"{SPEED_RANGE[1]}, got {self.speed}")
        if not PITCH_RANGE[0] <= self.pitch <= PITCH_RANGE[1]:
            raise SpeechError("INVALID_VOICE_SETTINGS", f"pitch must be between {PITCH_RANGE[0]:g} and "
                              f"{PITCH_RANGE[1]:g}, got {self.pitch}")
        for name in ("stability", "style"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise SpeechError("INVALID_VOICE_SETTINGS", f"{name} must be between 0 and 1, got {value}")


@dataclass(frozen=True)
class Prosody:
    """What an engine is asked to do: rate multiplier, pitch shift in semitones, gain in dB, intonation width."""

    rate: float = 1.0
    semitones: float = 0.0
    gain_db: float = 0.0
    intonation: float = 1.0


EMOTIONS: dict[str, Prosody] = {
    "excited": Prosody(rate=1.12, semitones=1.5, gain_db=2.0, intonation=1.5),
    "friendly": Prosody(rate=1.03, semitones=0.8, gain_db=0.0, intonation=1.2),
    "serious": Prosody(rate=0.94, semitones=-1.0, gain_db=0.0, intonation=0.7),
    "soothing": Prosody(rate=0.88, semitones=-0.8, gain_db=-3.0, intonation=0.8),
    "broadcaster": Prosody(rate=1.0, semitones=-0.5, gain_db=1.0, intonation=1.1),
}


def prosody_for(settings: VoiceSettings) -> Prosody:
    """Combine speed, pitch and the emotion preset. An unknown emotion raises SpeechError("UNSUPPORTED_EMOTION")."""
    preset = Prosody()
    if settings.emotion is not None:
        preset = EMOTIONS.get(settings.emotion.strip().lower())
        if preset is None:
            names = ", ".join(name.capitalize() for name in EMOTIONS)
            raise SpeechError("UNSUPPORTED_EMOTION", f"emotion {settings.emotion!r} is not one of {names}")
    strength = 1.0 + (settings.style or 0.0)
    width = 1.5 - settings.stability if settings.stability is not None else 1.0
    return Prosody(
        rate=settings.speed * (1.0 + (preset.rate - 1.0) * strength),
        semitones=settings.pitch * SEMITONES_PER_PITCH_UNIT + preset.semitones * strength,
        gain_db=preset.gain_db * strength,
        intonation=(1.0 + (preset.intonation - 1.0) * strength) * width,
    )
