import pytest

from avatarstudio.catalog.voices import DEFAULT_VOICE_ID, Voice, get_voice, list_voices


@pytest.fixture(scope="session")
def joe() -> Voice:
    return get_voice(DEFAULT_VOICE_ID)


@pytest.fixture(scope="session")
def espeak_english() -> Voice:
    return next(voice for voice in list_voices() if voice.name == "English (espeak)")


@pytest.fixture(scope="session")
def slt() -> Voice:
    return next(voice for voice in list_voices() if voice.engine == "festival")


@pytest.fixture(scope="session", params=["piper", "festival", "espeak"])
def voice(request: pytest.FixtureRequest, joe: Voice, slt: Voice, espeak_english: Voice) -> Voice:
    return {"piper": joe, "festival": slt, "espeak": espeak_english}[request.param]
