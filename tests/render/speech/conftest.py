import pytest

from avatarstudio.catalog.voices import DEFAULT_VOICE_ID, Voice, get_voice, list_voices


@pytest.fixture(scope="session")
def joe() -> Voice:
    return get_voice(DEFAULT_VOICE_ID)


@pytest.fixture(scope="session")
def espeak_english() -> Voice:
    return next(voice for voice in list_voices() if voice.name == "English (espeak)")


@pytest.fixture(scope="session", params=["piper", "espeak"])
def voice(request: pytest.FixtureRequest, joe: Voice, espeak_english: Voice) -> Voice:
    return joe if request.param == "piper" else espeak_english
