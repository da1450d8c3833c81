"""Filling variables of every kind into a Studio body, as plain data (templates/ has no HTTP)."""
from __future__ import annotations

import pytest

from avatarstudio.errors import ServiceError
from avatarstudio.templates import fill, find_variables, given, stand_ins

BODY = {"video_inputs": [{
    "character": {"type": "avatar", "avatar_id": "{{who}}", "scale": 0.8},
    "voice": {"type": "audio", "audio_url": "{{recording}}"},
    "background": {"type": "image", "url": "{{backdrop}}"},
}, {
    "voice": {"type": "text", "voice_id": "{{narrator}}", "input_text": "{{a}} and {{b}}, {{a}}"},
    "background": {"type": "video", "video_asset_id": "{{clip}}"},
}]}


def test_every_kind_is_found_and_filled_with_its_fields() -> None:
    variables = find_variables(BODY)
    assert {name: variable.kind for name, variable in variables.items()} == {
        "who": "character", "recording": "audio", "backdrop": "image", "narrator": "voice", "a": "text", "b": "text",
        "clip": "video"}
    values = {"who": given("character", {"character_id": "photo1", "type": "talking_photo"}),
              "recording": given("audio", {"asset_id": "aud1", "url": ""}),
              "backdrop": given("image", {"url": "https://example.com/b.png", "fit": "contain"}),
              "narrator": given("voice", {"voice_id": "v1", "locale": "en-GB"}),
              "a": given("text", {"content": "Ann"}), "b": given("text", {"content": "Bo"}),
              "clip": given("video", {"url": "https://example.com/c.mp4", "play_style": "freeze"})}
    filled, origins = fill(BODY, variables, {}, values)
    first, second = filled["video_inputs"]
    assert first["character"] == {"type": "talking_photo", "talking_photo_id": "photo1", "scale": 0.8}
    assert first["voice"] == {"type": "audio", "audio_asset_id": "aud1"}
    assert first["background"] == {"type": "image", "url": "https://example.com/b.png", "fit": "contain"}
    assert second["voice"] == {"type": "text", "voice_id": "v1", "locale": "en-GB", "input_text": "Ann and Bo, Ann"}
    assert second["background"] == {"type": "video", "url": "https://example.com/c.mp4", "play_style": "freeze"}
    assert origins["video_inputs.0.character.talking_photo_id"] == "variables.who.properties.character_id"
    assert origins["video_inputs.0.voice.audio_asset_id"] == "variables.recording.properties.asset_id"
    assert BODY["video_inputs"][0]["character"]["avatar_id"] == "{{who}}"  # the template itself is untouched


@pytest.mark.parametrize(("name", "value", "param"), [
    ("backdrop", given("image", {"url": "u", "asset_id": "a"}), "variables.backdrop.properties"),
    ("clip", given("video", {"url": "u", "volume": 1}), "variables.clip.properties.volume"),
    ("who", given("character", {"character_id": "x", "type": "robot"}), "variables.who.properties.type"),
])
def test_bad_values_name_their_property(name: str, value, param: str) -> None:
    variables = find_variables(BODY)
    with pytest.raises(ServiceError) as raised:
        fill(BODY, variables, stand_ins(variables), {name: value})
    assert raised.value.param == param
