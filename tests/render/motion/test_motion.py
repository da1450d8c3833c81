import numpy as np
import pytest

from avatarstudio.render.motion import face_params
from avatarstudio.render.motion.blinks import MAX_GAP_S, MIN_GAP_S, blink_times
from avatarstudio.render.vocabulary import SpeechTrack, Timed

FPS = 25
SR = 24000


def burst(seconds: float) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)


@pytest.fixture(scope="module")
def burst_silence_burst() -> SpeechTrack:
    return SpeechTrack(np.concatenate([burst(1.0), np.zeros(SR // 2, np.float32), burst(1.0)]), SR)


def test_mouth_follows_loudness(burst_silence_burst):
    params = face_params(burst_silence_burst, FPS, round(2.5 * FPS))
    mouth = np.array([p.mouth_open for p in params])
    assert mouth[3:24].min() > 0.6              # first burst
    assert mouth[33:37].max() < 0.02            # the middle of the silence (1.3-1.5 s)
    assert mouth[41:62].min() > 0.6             # second burst


def test_bilabial_phoneme_closes_the_mouth(burst_silence_burst):
    track = SpeechTrack(burst_silence_burst.samples, SR, phonemes=[Timed("m", 0.40, 0.52), Timed("UW1", 0.6, 0.8)])
    params = face_params(track, FPS, round(2.5 * FPS))
    assert params[11].mouth_open < 0.1
    assert params[5].mouth_open > 0.6
    assert params[17].mouth_round > 0.5 and params[5].mouth_round == 0


def test_blinks_are_irregular_brief_and_seeded():
    track = SpeechTrack(np.zeros(10 * SR, np.float32), SR)
    blink = np.array([p.blink for p in face_params(track, FPS, 10 * FPS, seed=7)])
    closed = np.flatnonzero(blink == 1.0)
    assert len(closed) >= 2
    gaps = np.diff(closed) / FPS
    assert ((gaps >= MIN_GAP_S - 1 / FPS) & (gaps <= MAX_GAP_S + 1 / FPS)).all()
    assert len(set(np.round(gaps, 2))) > 1 or len(gaps) == 1
    assert (blink > 0).sum() <= len(closed) * 5      # each blink lasts a few frames (~150 ms)
    assert blink_times(10.0, 7) == blink_times(10.0, 7) != blink_times(10.0, 8)


def test_blink_gaps_vary_over_a_long_track():
    gaps = np.diff(blink_times(120.0, 1))
    assert gaps.min() >= MIN_GAP_S and gaps.max() <= MAX_GAP_S
    assert gaps.std() > 0.3


def test_expressiveness_scales_head_motion(burst_silence_burst):
    def spread(level: str) -> float:
        params = face_params(burst_silence_burst, FPS, round(2.5 * FPS), expressiveness=level, seed=3)
        return float(np.std([p.head_x for p in params]) + np.std([p.head_roll for p in params]) / 50)

    assert spread("high") > 1.5 * spread("low")


def test_expression_happy_smiles_and_silence_rests():
    track = SpeechTrack(np.zeros(SR, np.float32), SR)
    happy = face_params(track, FPS, FPS, expression="happy")
    assert all(p.smile > 0.5 for p in happy)
    assert all(p.mouth_open == 0 for p in happy)
    with pytest.raises(ValueError):
        face_params(track, FPS, FPS, expressiveness="wild")


def test_visemes_shape_the_mouth_and_cover_espeak_and_arpabet():
    from avatarstudio.render.motion.phonemes import ROUNDED, normalise
    from avatarstudio.render.motion.visemes import VISEMES, viseme_of

    for label in ("ɑː", "æ", "ə", "ɪ", "uː", "ʊ", "o", "ʃ", "θ", "ð", "ŋ", "ɹ", "AA1", "IY0", "UW1", "SH", "NG"):
        assert normalise(label) in VISEMES, label
    assert all(viseme_of(label).round >= 0.8 for label in ROUNDED)
    assert viseme_of("p").open == 0 and viseme_of("u").round == 1.0 and viseme_of("a").open == 1.0
    track = SpeechTrack(burst(1.0), SR, phonemes=[Timed("a", 0.1, 0.45), Timed("f", 0.5, 0.9)])
    mouth = np.array([p.mouth_open for p in face_params(track, FPS, FPS)])
    assert mouth[5:10].mean() > 1.5 * mouth[15:21].mean()      # "a" opens wider than "f"
    assert np.abs(np.diff(mouth[3:23])).max() < 0.35             # blended, no jumps between visemes


def test_motion_prompt_intents_apply_and_unknown_parts_are_reported(burst_silence_burst):
    notes: list[str] = []
    n = round(2.5 * FPS)
    plain = face_params(burst_silence_burst, FPS, n, seed=2)
    prompted = face_params(burst_silence_burst, FPS, n, seed=2, motion_prompt="Smile, tilt the head and nod. Juggle.",
                           notes=notes)
    assert all(p.smile >= 0.5 for p in prompted) and all(p.smile == 0 for p in plain)
    assert np.mean([p.head_roll for p in prompted]) > np.mean([p.head_roll for p in plain]) + 3
    assert notes == ['motion prompt: not understood, so not applied: "Juggle"']
    calm = face_params(burst_silence_burst, FPS, n, seed=2, motion_prompt="calm", notes=notes)
    assert np.std([p.head_x for p in calm]) < np.std([p.head_x for p in plain])
    expressive = face_params(burst_silence_burst, FPS, n, seed=2, talking_style="expressive")
    assert np.std([p.head_y for p in expressive]) > np.std([p.head_y for p in plain])


def test_stress_marks_do_not_hide_a_vowel_shape():
    from avatarstudio.render.motion.visemes import viseme_of

    assert viseme_of("ˈo") == viseme_of("o") and viseme_of("ˌæ") == viseme_of("æ")
    assert viseme_of("ˈo").round > 0.5
