"""Bad input gets a clear error in its family's envelope, naming the field; the seed's 400 examples exactly."""
from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
AVATAR = "Ava_drawn_front"


def scene(**parts) -> dict:
    base = {"character": {"type": "avatar", "avatar_id": AVATAR},
            "voice": {"type": "text", "voice_id": VOICE, "input_text": "Hi there."}}
    return {"video_inputs": [{**base, **parts}]}


SEED_003_EXAMPLES = [
    (scene(character={"type": "avatar", "avatar_id": AVATAR, "circle_background_color": "white"}),
     "video_inputs.0.character.avatar.circle_background_color is invalid: String should match pattern "
     "'^#[0-9a-fA-F]{6}$'"),
    (scene(voice={"type": "audio"}),
     "video_inputs.0.voice.audio is invalid: Value error, either audio_url or audio_asset_id needs to be provided"),
    (scene(background={"type": "image"}),
     "video_inputs.0.background.image is invalid: Value error, either url or image_asset_id needs to be provided"),
]


@pytest.mark.parametrize(("body", "message"), SEED_003_EXAMPLES)
def test_seed_003_examples_reproduce_exactly(client: httpx.Client, body: dict, message: str) -> None:
    response = client.post("/v2/video/generate", json=body)
    assert response.status_code == 400
    assert response.json() == {"data": None, "error": {"code": "invalid_parameter", "message": message}}


@pytest.mark.parametrize(("body", "field"), [
    (scene(character={"type": "avatar", "avatar_id": AVATAR, "scale": 5.5}), "video_inputs.0.character.avatar.scale"),
    (scene(voice={"type": "text", "voice_id": VOICE, "input_text": "x", "speed": 2}), "video_inputs.0.voice.text.speed"),
    (scene(voice={"type": "text", "voice_id": VOICE, "input_text": "x", "pitch": -51}), "video_inputs.0.voice.text.pitch"),
    (scene(voice={"type": "silence", "duration": 0.5}), "video_inputs.0.voice.silence.duration"),
    (scene(voice={"type": "text", "voice_id": VOICE, "input_text": "x" * 5001}), "video_inputs.0.voice.text.input_text"),
    ({**scene(), "dimension": {"width": 641, "height": 360}}, "dimension"),
    ({"video_inputs": []}, "video_inputs"),
    ({"video_inputs": scene()["video_inputs"] * 51}, "video_inputs"),
    (scene(background={"type": "color", "value": "#12345"}), "video_inputs.0.background.color.value"),
])
def test_studio_constraints_name_the_field(client: httpx.Client, body: dict, field: str) -> None:
    response = client.post("/v2/video/generate", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(f"{field} is invalid: "), response.json()


def test_unknown_ids_get_the_family_not_found(client: httpx.Client) -> None:
    v2 = client.post("/v2/video/generate", json=scene(character={"type": "avatar", "avatar_id": "nobody"}))
    assert v2.status_code == 404 and v2.json()["error"]["code"] == "avatar_not_found"
    v3 = client.post("/v3/videos", json={"type": "avatar", "avatar_id": AVATAR, "script": "hi", "voice_id": "nope"})
    assert v3.status_code == 404
    assert v3.json()["error"]["code"] == "voice_not_found" and v3.json()["error"]["param"] == "voice_id"
    v1 = client.get("/v1/video_status.get", params={"video_id": "0" * 32})
    assert v1.status_code == 404 and v1.json()["code"] == 400140


def test_either_or_rules_of_seeds_000_and_001(client: httpx.Client) -> None:
    both = client.post("/v1/video.webm", json={"avatar_pose_id": AVATAR, "input_text": "hi", "voice_id": VOICE,
                                                "input_audio": "https://example.com/a.mp3"})
    assert both.status_code == 400 and both.json()["code"] == 400175
    assert "not both" in both.json()["message"]
    two_images = client.post("/v2/videos", json={"avatar_id": AVATAR, "image_url": "https://x/y.png", "script": "hi",
                                                  "voice_id": VOICE})
    assert two_images.status_code == 400 and "mutually exclusive" in two_images.json()["error"]["message"]
    no_voice = client.post("/v2/videos", json={"avatar_id": AVATAR, "script": "hi"})
    assert "voice_id is required" in no_voice.json()["error"]["message"]


def test_a_nul_character_is_refused_naming_its_field(client: httpx.Client) -> None:
    """U+0000 cannot be stored in PostgreSQL text; it is refused up front, in each family's envelope."""
    v2 = client.post("/v2/video/generate", json={**scene(voice={"type": "text", "voice_id": VOICE,
                                                                "input_text": "Hi\u0000there."}), "title": "ok"})
    assert v2.status_code == 400
    assert v2.json()["error"]["message"].startswith("video_inputs.0.voice.input_text is invalid: contains a NUL")
    v3 = client.post("/v3/videos", json={"type": "avatar", "avatar_id": AVATAR, "script": "Hi.", "voice_id": VOICE,
                                         "title": "a\u0000b"})
    assert v3.status_code == 400 and v3.json()["error"]["param"] == "title"
    v1 = client.post("/v1/video.webm", json={"avatar_pose_id": AVATAR, "input_text": "hi", "voice_id": VOICE,
                                             "title\u0000": "x"})
    assert v1.status_code == 400 and "contains a NUL" in v1.json()["message"]


def test_unknown_fields_are_ignored(client: httpx.Client) -> None:
    body = {"type": "avatar", "avatar_id": AVATAR, "script": "Hi.", "voice_id": VOICE, "test": True,
            "resolution": "720p", "something_new": {"a": 1}}
    assert client.post("/v3/videos", json=body).status_code == 200


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("GET", "/v1/video_status.get?video_id=x", {"code": 400112, "message": "Unauthorized"}),
    ("POST", "/v2/video/generate", {"data": None, "error": {"code": "unauthorized", "message": "Unauthorized"}}),
    ("GET", "/v3/videos", None),
])
def test_bad_key_gets_each_family_envelope(service, method: str, path: str, expected: dict | None) -> None:
    for key in (None, "wrong-key"):
        with service.client(key) as anonymous:
            response = anonymous.request(method, path, json={})
        assert response.status_code == 401
        if expected is None:
            assert response.json()["error"]["code"] == "unauthorized"
            assert set(response.json()["error"]) == {"code", "message", "param", "doc_url"}
        else:
            assert response.json() == expected


def test_bearer_token_and_dot_segments(service) -> None:
    with httpx.Client(base_url=service.base_url, headers={"Authorization": "Bearer test-key-0123456789"}) as bearer:
        listing = bearer.get("/v1/video.list")
        assert listing.status_code == 200 and listing.json()["code"] == 100
        # One official client builds status URLs as /v2/../v1/...; httpx would normalise, so send it raw.
        request = bearer.build_request("GET", "/v1/video_status.get", params={"video_id": "0" * 32})
        request.url = request.url.copy_with(raw_path=b"/v2/../v1/video_status.get?video_id=" + b"0" * 32)
        assert bearer.send(request).json()["code"] == 400140


def test_idempotency_key_replays_the_first_response(client: httpx.Client) -> None:
    body = {"type": "avatar", "avatar_id": AVATAR, "script": "Hi.", "voice_id": VOICE, "resolution": "720p"}
    headers = {"Idempotency-Key": "order-42"}
    first = client.post("/v3/videos", json=body, headers=headers)
    second = client.post("/v3/videos", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["video_id"] == second.json()["data"]["video_id"]
    changed = client.post("/v3/videos", json={**body, "script": "Other."}, headers=headers)
    assert changed.status_code == 400 and changed.json()["error"]["param"] == "Idempotency-Key"


def test_openapi_and_docs_are_served(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v2/video/generate" in spec["paths"] and "/v1/video.webm" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_elevenlabs_settings_reach_the_spec(service) -> None:
    from avatarstudio import translate
    from avatarstudio.config import load_settings
    from avatarstudio.runtime import open_runtime
    from avatarstudio.uploads import DbLookup
    from avatarstudio.wire import v2
    from avatarstudio.wire.common import parse

    runtime = open_runtime(load_settings(service.data_dir))
    body = scene(voice={"type": "text", "voice_id": VOICE, "input_text": "Hi.",
                        "elevenlabs_settings": {"stability": 0.2, "style": 0.7, "model": "eleven_v3"}})
    speech = translate.studio(parse(v2.GenerateRequest, body), DbLookup(runtime, "env")).spec.scenes[0].speech
    assert (speech.stability, speech.style) == (0.2, 0.7)
