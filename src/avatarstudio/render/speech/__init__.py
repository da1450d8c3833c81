"""The speech stage: text or uploaded audio to a SpeechTrack (24 kHz mono samples, word and phoneme timings).

Engines (piper, festival, espeak-ng) sit behind base.Engine; synthesize() picks one from the catalogue voice.
"""
from avatarstudio.render.speech.audio_input import load_audio
from avatarstudio.render.speech.errors import SpeechError
from avatarstudio.render.speech.lipsync import align_audio, is_english
from avatarstudio.render.speech.settings import VoiceSettings
from avatarstudio.render.speech.synthesize import synthesize
from avatarstudio.render.speech.track import SAMPLE_RATE, silence

__all__ = ["SAMPLE_RATE", "SpeechError", "align_audio", "VoiceSettings", "is_english", "load_audio", "silence",
           "synthesize"]
