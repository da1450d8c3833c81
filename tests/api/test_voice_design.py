"""POST /v3/voices (voice design) as HeyGen's CLI sends it: the catalogue voices that fit a description."""
from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.service


def design(client: httpx.Client, **body) -> list[dict]:
    response = client.post("/v3/voices", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["seed"] == body.get("seed", 0)
    return response.json()["data"]["voices"]


def test_prompt_words_rank_language_accent_gender_and_style(client: httpx.Client) -> None:
    narrator = design(client, prompt="warm, confident female narrator")
    assert len(narrator) == 3 and narrator[0]["gender"] == "female" and narrator[0]["language"] == "English"
    assert narrator[0]["name"] == "Slt"  # a natural-sounding voice before espeak's formant ones
    assert {"voice_id", "name", "gender", "language", "preview_audio_url", "support_locale", "support_pause",
            "type"} <= narrator[0].keys()
    mexican = design(client, prompt="Mexican Spanish woman, friendly")[0]
    assert (mexican["language"], mexican["gender"], mexican["locale"]) == ("Spanish", "female", "es-MX")
    british = design(client, prompt="A British man")[0]
    assert (british["language"], british["gender"], british["locale"]) == ("English", "male", "en-GB")
    robotic = design(client, prompt="robotic computer voice")[0]
    assert "espeak" in robotic["name"]


def test_seed_pages_through_the_same_ranking(client: httpx.Client) -> None:
    first = design(client, prompt="calm German voice")
    again = design(client, prompt="calm German voice")
    second = design(client, prompt="calm German voice", seed=1)
    assert first == again and not {v["voice_id"] for v in first} & {v["voice_id"] for v in second}
    assert first[0]["language"] == "German"


def test_gender_and_locale_filter(client: httpx.Client) -> None:
    found = design(client, prompt="a narrator", gender="male", locale="pt-BR")
    assert found and all(v["gender"] == "male" and v["locale"] == "pt-BR" for v in found)


def test_errors_name_the_field(client: httpx.Client) -> None:
    for body, param in (({}, "prompt"), ({"prompt": "x", "locale": "xx-YY"}, "locale"),
                        ({"prompt": "x", "gender": "robot"}, "gender"), ({"prompt": "x", "seed": -1}, "seed")):
        response = client.post("/v3/voices", json=body)
        assert response.status_code == 400 and response.json()["error"]["param"] == param, response.text
