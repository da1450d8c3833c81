"""The catalogue endpoints over HTTP: avatars, looks, talking photos, voices, locales, previews, text to speech."""
from __future__ import annotations

import io

import httpx
import numpy as np
import pytest
import soundfile
from PIL import Image
from skimage import data

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"  # piper, joe (en-US), the catalogue's default voice
DRAWN = "Ava_drawn_front"
PHOTO = "Astronaut_Portrait_public"
UNKNOWN = "0" * 32


@pytest.fixture(scope="module")
def talking_photo(service) -> str:
    """A small landscape PNG of a face (talking photos need one) uploaded as a talking photo; its id."""
    out = io.BytesIO()
    Image.fromarray(data.astronaut()[20:260, 80:480]).resize((200, 120)).save(out, format="PNG")
    with service.client() as client:
        created = client.post("/v1/talking_photo", content=out.getvalue()).json()
    return created["data"]["talking_photo_id"]


def _decode_wav(url: str) -> tuple[np.ndarray, int]:
    response = httpx.get(url, timeout=60)
    assert response.status_code == 200, response.text
    samples, rate = soundfile.read(io.BytesIO(response.content), dtype="float32")
    return samples, rate


# --- avatars -------------------------------------------------------------------------------------------

def test_v2_avatars_lists_builtins_and_talking_photos(client: httpx.Client, talking_photo: str) -> None:
    body = client.get("/v2/avatars").json()
    assert body["error"] is None
    avatars = {item["avatar_id"]: item for item in body["data"]["avatars"]}
    assert {DRAWN, PHOTO} <= avatars.keys()
    ava = avatars[DRAWN]
    assert ava["premium"] is False and ava["type"] == "avatar" and ava["gender"] == "female"
    assert ava["preview_video_url"].startswith("http") and ava["default_voice_id"]
    assert "transparent_background" in ava["tags"]
    photos = {item["talking_photo_id"]: item for item in body["data"]["talking_photos"]}
    assert photos[talking_photo]["preview_image_url"].startswith("http")


def test_avatar_preview_is_a_png_of_the_look(client: httpx.Client) -> None:
    avatar = next(item for item in client.get("/v2/avatars").json()["data"]["avatars"] if item["avatar_id"] == DRAWN)
    for _ in range(2):  # the first request makes and caches the file, the second serves the cached one
        response = httpx.get(avatar["preview_image_url"])  # public: no key
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG" and image.mode == "RGBA" and image.height == 512


def test_v2_avatar_details(client: httpx.Client, talking_photo: str) -> None:
    data = client.get(f"/v2/avatar/{PHOTO}/details").json()["data"]
    assert data["avatar_id"] == PHOTO and data["is_public"] is True
    assert client.get(f"/v2/avatar/{talking_photo}/details").json()["data"]["type"] == "talking_photo"


def test_v2_avatar_groups(client: httpx.Client, talking_photo: str) -> None:
    private = client.get("/v2/avatar_group.list").json()["data"]
    assert talking_photo in {group["id"] for group in private["avatar_group_list"]}
    assert all(group["group_type"] == "PRIVATE" for group in private["avatar_group_list"])
    everything = client.get("/v2/avatar_group.list", params={"include_public": "true"}).json()["data"]
    groups = {group["id"]: group for group in everything["avatar_group_list"]}
    assert everything["total_count"] == len(groups) > private["total_count"]
    assert groups["Ava_drawn"]["num_looks"] == 2 and groups["Ava_drawn"]["preview_image"].startswith("http")
    looks = client.get("/v2/avatar_group/Ava_drawn/avatars").json()["data"]["avatar_list"]
    assert {look["id"] for look in looks} == {"Ava_drawn_front", "Ava_drawn_close"}
    for look in looks:
        assert look["avatar_id"] == look["id"] and look["group_id"] == "Ava_drawn"
        assert look["image_url"] == look["preview_image_url"] and look["premium"] is False
        assert look["preview_video_url"].startswith("http") and look["avatar_name"] == look["name"]


def test_v1_avatar_list(client: httpx.Client) -> None:
    body = client.get("/v1/avatar.list").json()
    assert body["code"] == 100
    assert DRAWN in {item["avatar_id"] for item in body["data"]["avatars"]}


def test_v3_groups_paging_and_one_group(client: httpx.Client, talking_photo: str) -> None:
    first = client.get("/v3/avatars", params={"limit": 2}).json()
    assert len(first["data"]) == 2 and first["has_more"] is True and first["next_token"]
    second = client.get("/v3/avatars", params={"limit": 2, "token": first["next_token"]}).json()
    assert not {group["id"] for group in first["data"]} & {group["id"] for group in second["data"]}
    group = client.get("/v3/avatars/Noah_drawn").json()["data"]
    assert group["looks_count"] == 2 and group["gender"] == "male" and group["preview_image_url"].startswith("http")
    private = client.get("/v3/avatars", params={"ownership": "private", "limit": 100}).json()["data"]
    assert talking_photo in {group["id"] for group in private}


def test_v3_looks_and_filters(client: httpx.Client, talking_photo: str) -> None:
    looks = client.get("/v3/avatars/looks", params={"limit": 100}).json()
    assert looks["has_more"] is False and looks["next_token"] is None
    by_id = {look["id"]: look for look in looks["data"]}
    drawn = by_id[DRAWN]
    assert drawn["avatar_type"] == "studio_avatar" and drawn["supported_api_engines"] == ["avatar_iv"]
    assert drawn["preferred_orientation"] == "landscape" and drawn["image_height"] == 512 and drawn["image_width"] > 0
    assert by_id["Ava_drawn_close"]["preferred_orientation"] == "portrait"
    assert by_id[PHOTO]["avatar_type"] == "photo_avatar"
    photo = by_id[talking_photo]
    assert (photo["avatar_type"], photo["image_width"], photo["image_height"]) == ("photo_avatar", 200, 120)
    assert photo["preferred_orientation"] == "landscape"

    in_group = client.get("/v3/avatars/looks", params={"group_id": "Astronaut_public"}).json()["data"]
    assert len(in_group) == 3 and {look["group_id"] for look in in_group} == {"Astronaut_public"}
    studio = client.get("/v3/avatars/looks", params={"avatar_type": "studio_avatar", "limit": 100}).json()["data"]
    assert len(studio) == 4 and {look["avatar_type"] for look in studio} == {"studio_avatar"}
    assert client.get(f"/v3/avatars/looks/{talking_photo}").json()["data"]["id"] == talking_photo
    bad = client.get("/v3/avatars/looks", params={"avatar_type": "hologram"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "avatar_type"


# --- voices --------------------------------------------------------------------------------------------

def test_v2_voices_and_preview_audio(client: httpx.Client) -> None:
    body = client.get("/v2/voices").json()
    assert body["error"] is None
    voices = {voice["voice_id"]: voice for voice in body["data"]["voices"]}
    joe = voices[VOICE]
    assert joe["language"] == "English" and joe["support_interactive_avatar"] is False
    assert {"support_pause", "emotion_support", "support_locale", "gender", "name"} <= joe.keys()
    samples, rate = _decode_wav(joe["preview_audio"])  # public: no key
    assert rate > 8000 and 0.5 < len(samples) / rate < 10
    assert float(np.sqrt(np.mean(samples ** 2))) > 0.01, "the preview is silent"
    again, _ = _decode_wav(joe["preview_audio"])
    assert np.array_equal(samples, again)  # served from the cache


def test_v2_voice_locales_are_unique(client: httpx.Client) -> None:
    locales = client.get("/v2/voices/locales").json()["data"]["locales"]
    values = [item["value"] for item in locales]
    assert len(values) == len(set(values)) and "en-US" in values
    english = next(item for item in locales if item["value"] == "en-US")
    assert english == {**english, "locale": "en-US", "tag": "en-US", "language_code": "en", "language": "English"}


def test_v1_voice_list(client: httpx.Client) -> None:
    body = client.get("/v1/voice.list").json()
    assert body["code"] == 100 and VOICE in {voice["voice_id"] for voice in body["data"]["list"]}


def test_v3_voices_filters_and_paging(client: httpx.Client) -> None:
    first = client.get("/v3/voices", params={"limit": 5}).json()
    assert len(first["data"]) == 5 and first["has_more"] and first["data"][0]["voice_id"] == VOICE
    second = client.get("/v3/voices", params={"limit": 5, "token": first["next_token"]}).json()
    assert not {v["voice_id"] for v in first["data"]} & {v["voice_id"] for v in second["data"]}

    french = client.get("/v3/voices", params={"language": "French", "limit": 100}).json()["data"]
    assert french and {voice["language"] for voice in french} == {"French"}
    assert french == client.get("/v3/voices", params={"language": "fr", "limit": 100}).json()["data"]
    female = client.get("/v3/voices", params={"language": "en", "gender": "female", "limit": 100}).json()["data"]
    assert female and {voice["gender"] for voice in female} == {"female"}
    piper = client.get("/v3/voices", params={"engine": "piper", "limit": 100}).json()["data"]
    assert [voice["voice_id"] for voice in piper] == [VOICE]
    assert client.get("/v3/voices", params={"type": "private"}).json()["data"] == []
    assert len(client.get("/v3/voices", params={"engine": "starfish", "limit": 7}).json()["data"]) == 7

    voice = client.get(f"/v3/voices/{VOICE}").json()["data"]
    assert voice["voice_id"] == VOICE and voice["type"] == "public" and voice["preview_audio_url"].startswith("http")


def test_v3_speech_returns_audio_and_word_timestamps(client: httpx.Client) -> None:
    text = "The quick brown fox jumps over the lazy dog."
    response = client.post("/v3/voices/speech", json={"text": text, "voice_id": VOICE, "speed": 1.2})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    words = data["word_timestamps"]
    assert [word["word"] for word in words] == text.rstrip(".").split()
    assert all(0 <= word["start"] < word["end"] <= data["duration"] + 1e-3 for word in words)
    samples, rate = _decode_wav(data["audio_url"])
    assert abs(len(samples) / rate - data["duration"]) < 0.01
    assert float(np.sqrt(np.mean(samples ** 2))) > 0.01 and len(data["request_id"]) == 32


def test_v3_speech_ssml_and_locale(client: httpx.Client) -> None:
    ssml = '<speak>Hello <break time="500ms"/> <emphasis level="strong">there</emphasis> everyone</speak>'
    data = client.post("/v3/voices/speech", json={"text": ssml, "voice_id": VOICE, "input_type": "ssml",
                                                   "locale": "en-US"}).json()["data"]
    assert [word["word"] for word in data["word_timestamps"]] == ["Hello", "there", "everyone"]
    assert data["word_timestamps"][1]["start"] - data["word_timestamps"][0]["end"] >= 0.45


@pytest.mark.parametrize(("body", "param"), [
    ({"voice_id": VOICE}, "text"),
    ({"text": "", "voice_id": VOICE}, "text"),
    ({"text": "x" * 5001, "voice_id": VOICE}, "text"),
    ({"text": "Hi"}, "voice_id"),
    ({"text": "Hi", "voice_id": VOICE, "speed": 2.5}, "speed"),
    ({"text": "Hi", "voice_id": VOICE, "locale": "fr-FR"}, "locale"),
    ({"text": "Hi", "voice_id": VOICE, "language": "de"}, "language"),
    ({"text": "Hi", "voice_id": VOICE, "input_type": "markdown"}, "input_type"),
])
def test_v3_speech_validation_names_the_field(client: httpx.Client, body: dict, param: str) -> None:
    response = client.post("/v3/voices/speech", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and error["param"] == param and error["message"].startswith(param)


# --- unknown ids and keys ------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "code", "envelope"), [
    (f"/v2/avatar/{UNKNOWN}/details", "avatar_not_found", "v2"),
    (f"/v2/avatar_group/{UNKNOWN}/avatars", "avatar_not_found", "v2"),
    (f"/v3/avatars/{UNKNOWN}", "avatar_not_found", "v3"),
    (f"/v3/avatars/looks/{UNKNOWN}", "avatar_not_found", "v3"),
    (f"/v3/voices/{UNKNOWN}", "voice_not_found", "v3"),
    (f"/catalog/avatars/{UNKNOWN}/preview.png", "avatar_not_found", "v3"),
    (f"/catalog/voices/{UNKNOWN}/preview.wav", "voice_not_found", "v3"),
])
def test_unknown_ids_are_404(client: httpx.Client, path: str, code: str, envelope: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == code
    assert (body["data"] is None) if envelope == "v2" else ("param" in body["error"])


def test_unknown_voice_in_speech_is_404(client: httpx.Client) -> None:
    response = client.post("/v3/voices/speech", json={"text": "Hi", "voice_id": UNKNOWN})
    assert response.status_code == 404 and response.json()["error"]["code"] == "voice_not_found"


@pytest.mark.parametrize("path", ["/v1/avatar.list", "/v1/voice.list", "/v2/avatars", "/v2/voices",
                                  "/v2/voices/locales", "/v2/avatar_group.list", "/v3/avatars",
                                  "/v3/avatars/looks", "/v3/voices"])
def test_missing_key_is_401_in_the_family_envelope(service, path: str) -> None:
    with service.client(key=None) as anonymous:
        response = anonymous.get(path)
    assert response.status_code == 401
    body = response.json()
    if path.startswith("/v1/"):
        assert body == {"code": 400112, "message": body["message"]}
    elif path.startswith("/v2/"):
        assert body["data"] is None and body["error"]["code"] == "unauthorized"
    else:
        assert body["error"]["code"] == "unauthorized" and "data" not in body


def test_v3_speech_accepts_its_documented_double_speed(client: httpx.Client) -> None:
    text = "Counting slowly and then quickly from one to ten."
    normal = client.post("/v3/voices/speech", json={"text": text, "voice_id": VOICE}).json()["data"]
    double = client.post("/v3/voices/speech", json={"text": text, "voice_id": VOICE, "speed": 2.0}).json()["data"]
    assert 0.4 < double["duration"] / normal["duration"] < 0.65
