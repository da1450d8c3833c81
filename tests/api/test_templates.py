"""Templates end to end: authored through /v3/templates and from a file by the CLI, read and used through HeyGen's
v2 and v3 calls with the bodies its n8n node sends, each video checked on its decoded captions; every error in its
family's envelope, naming the variable."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from live_service import Service
from media import download
from receiver import Receiver

pytestmark = [pytest.mark.service, pytest.mark.slow]

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
TEMPLATE = {
    "name": "Welcome",
    "title": "Welcome {{first_name}}",
    "video_inputs": [
        {"character": {"type": "avatar", "avatar_id": "{{presenter}}"},
         "voice": {"type": "text", "voice_id": VOICE, "input_text": "Hello {{first_name}}, welcome aboard."},
         "background": {"type": "color", "value": "#203040"}},
        {"character": {"type": "avatar", "avatar_id": "Noah_drawn_front"},
         "voice": {"type": "text", "voice_id": "{{narrator}}", "input_text": "{{closing}}"},
         "text": {"type": "text", "text": "Bye {{first_name}}"}},
    ],
    "dimension": {"width": 320, "height": 240},
    "variables": {
        "first_name": {"name": "first_name", "type": "text", "properties": {"content": "friend"}},
        "presenter": {"name": "presenter", "type": "character", "properties": {"character_id": "Ava_drawn_front"}},
        "narrator": {"name": "narrator", "type": "voice", "properties": {"voice_id": VOICE}},
    },
}
"""`closing` has no default: every video must give it."""


def text(name: str, content: str) -> dict:
    return {name: {"name": name, "type": "text", "properties": {"content": content}}}


def captions(service: Service, client: httpx.Client, video_id: str, tmp_path: Path) -> str:
    status = service.wait(video_id, client=client)
    assert status["status"] == "completed", status
    return download(status["subtitle_url"], tmp_path / f"{video_id}.srt").read_text()


@pytest.fixture()
def template(client: httpx.Client) -> dict:
    response = client.post("/v3/templates", json=TEMPLATE)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_authoring_finds_the_variables_with_their_types(client: httpx.Client, template: dict) -> None:
    assert {name: value["type"] for name, value in template["variables"].items()} == {
        "first_name": "text", "presenter": "character", "narrator": "voice", "closing": "text"}
    assert template["variables"]["first_name"]["properties"] == {"content": "friend"}
    assert template["variables"]["closing"]["properties"] == {}
    assert [scene["variables"] for scene in template["scenes"]] == [
        ["first_name", "presenter"], ["first_name", "narrator", "closing"]]
    listed = client.get("/v2/templates").json()["data"]["templates"]
    assert {"template_id": template["id"], "name": "Welcome", "thumbnail_image_url": None,
            "aspect_ratio": "landscape"} in listed
    v2 = client.get(f"/v2/template/{template['id']}").json()
    assert v2["error"] is None and v2["data"]["variables"] == template["variables"]
    assert client.get(f"/v3/templates/{template['id']}").json()["data"]["scenes"] == template["scenes"]
    page = client.get("/v3/templates", params={"limit": 1}).json()
    assert len(page["data"]) == 1 and page["has_more"] in (True, False)


def test_v2_generate_as_n8n_sends_it_speaks_the_variables_even_after_the_template_is_deleted(
        service: Service, client: httpx.Client, template: dict, tmp_path: Path) -> None:
    with Receiver() as receiver:
        body = {"title": "For Priya", "caption": True, "dimension": {"width": 320, "height": 240}, "test": False,
                "callback_url": f"{receiver.url}/done", "folder_id": None,
                "variables": {**text("first_name", "Priya"), **text("closing", "See you at the launch.")}}
        response = client.post(f"/v2/template/{template['id']}/generate", json=body).json()
        assert response["error"] is None
        video_id = response["data"]["video_id"]
        assert client.delete(f"/v3/templates/{template['id']}").json()["data"] == {"id": template["id"],
                                                                                   "deleted": True}
        srt = captions(service, client, video_id, tmp_path)
        receiver.wait_for(lambda delivery: delivery.payload["event_data"]["video_id"] == video_id)
    assert "Hello Priya, welcome aboard." in srt.replace("\n", " ")
    assert "See you at the launch." in srt.replace("\n", " ")
    assert "{{" not in srt and "friend" not in srt
    assert client.get(f"/v2/videos/{video_id}").json()["data"]["title"] == "For Priya"
    missing = client.get(f"/v2/template/{template['id']}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_v3_generate_picks_scenes_and_keeps_defaults(service: Service, client: httpx.Client, template: dict,
                                                     tmp_path: Path) -> None:
    second = template["scenes"][1]["id"]
    response = client.post(f"/v3/templates/{template['id']}", json={
        "scene_ids": [second], "caption": True, "title": "Only the end", "include_gif": True,
        "variables": text("closing", "Thanks for watching.")})
    assert response.status_code == 200, response.text
    srt = captions(service, client, response.json()["data"]["video_id"], tmp_path)
    assert "Thanks for watching." in srt and "Hello" not in srt
    status = client.get(f"/v3/videos/{response.json()['data']['video_id']}").json()["data"]
    assert status["title"] == "Only the end" and status["duration"] < 4


def test_patch_changes_defaults_and_scenes(client: httpx.Client, template: dict) -> None:
    changed = client.patch(f"/v3/templates/{template['id']}", json={
        "name": "Welcome v2", "variables": {**TEMPLATE["variables"], **text("closing", "Goodbye.")}}).json()["data"]
    assert changed["name"] == "Welcome v2" and changed["variables"]["closing"]["properties"] == {"content": "Goodbye."}
    assert [scene["id"] for scene in changed["scenes"]] == [scene["id"] for scene in template["scenes"]]
    one_scene = client.patch(f"/v3/templates/{template['id']}", json={
        "video_inputs": TEMPLATE["video_inputs"][:1]}).json()["data"]
    assert set(one_scene["variables"]) == {"first_name", "presenter"} and len(one_scene["scenes"]) == 1


@pytest.mark.parametrize(("variables", "status", "code", "param"), [
    ({"nickname": {"name": "nickname", "type": "text", "properties": {"content": "x"}}}, 400, "invalid_parameter",
     "variables.nickname"),
    ({**text("closing", "Bye."), "first_name": {"name": "first_name", "type": "voice",
                                                "properties": {"voice_id": VOICE}}},
     400, "invalid_parameter", "variables.first_name.type"),
    ({}, 400, "invalid_parameter", "variables.closing"),
    ({**text("closing", "Bye."), "narrator": {"name": "narrator", "type": "voice",
                                              "properties": {"voice_id": "no-such-voice"}}},
     404, "voice_not_found", "variables.narrator.properties.voice_id"),
    ({**text("closing", "Bye."), "presenter": {"name": "presenter", "type": "character",
                                               "properties": {"character_id": "nobody"}}},
     404, "avatar_not_found", "variables.presenter.properties.character_id"),
    ({**text("closing", ""), }, 400, "invalid_parameter", "variables.closing.properties.content"),
])
def test_generate_errors_name_the_variable(client: httpx.Client, template: dict, variables: dict, status: int,
                                           code: str, param: str) -> None:
    v3 = client.post(f"/v3/templates/{template['id']}", json={"variables": variables})
    assert v3.status_code == status and v3.json()["error"]["code"] == code and v3.json()["error"]["param"] == param
    v2 = client.post(f"/v2/template/{template['id']}/generate", json={"variables": variables})
    assert v2.status_code == status and v2.json()["data"] is None
    assert v2.json()["error"]["code"] == code and param in v2.json()["error"]["message"]


@pytest.mark.parametrize(("change", "param"), [
    ({"name": ""}, "name"),
    ({"video_inputs": [{"voice": {"type": "text", "voice_id": VOICE, "input_text": "Hi"},
                        "background": {"type": "color", "value": "{{colour}}"}}]}, "video_inputs.0.background.value"),
    ({"video_inputs": [{"voice": {"type": "text", "voice_id": "x{{narrator}}", "input_text": "Hi"}}]},
     "video_inputs.0.voice.voice_id"),
    ({"video_inputs": [{"voice": {"type": "text", "voice_id": "{{who}}", "input_text": "Hi {{who}}"}}]},
     "video_inputs.0.voice.input_text"),
    ({"variables": {"ghost": {"type": "text", "properties": {"content": "boo"}}}}, "variables.ghost"),
    ({"variables": {"first_name": {"type": "image", "properties": {"url": "https://example.com/a.png"}}}},
     "variables.first_name.type"),
    ({"variables": {"presenter": {"type": "character", "properties": {"character_id": "nobody"}}}},
     "variables.presenter.properties.character_id"),
])
def test_authoring_errors_name_the_field(client: httpx.Client, change: dict, param: str) -> None:
    response = client.post("/v3/templates", json={**TEMPLATE, **change})
    assert response.status_code in (400, 404), response.text
    assert response.json()["error"]["param"] == param


def test_unsupported_v3_flags_and_unknown_scenes_are_refused(client: httpx.Client, template: dict) -> None:
    for body, param in (({"brand_voice_id": "brand"}, "brand_voice_id"), ({"fps": 60}, "fps"),
                        ({"scene_ids": ["nope"]}, "scene_ids.0")):
        response = client.post(f"/v3/templates/{template['id']}", json={**body, "variables": text("closing", "B.")})
        assert response.status_code == 400 and response.json()["error"]["param"] == param


def test_cli_adds_a_template_file_that_the_api_then_serves(service: Service, client: httpx.Client,
                                                           tmp_path: Path) -> None:
    document = tmp_path / "welcome.json"
    document.write_text(json.dumps({**TEMPLATE, "name": "From a file"}))
    added = subprocess.run([sys.executable, "-m", "avatarstudio.cli", "templates", "add", str(document),
                            "--data-dir", str(service.data_dir)], capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    template_id = added.stdout.split()[0]
    assert client.get(f"/v3/templates/{template_id}").json()["data"]["name"] == "From a file"
    listed = subprocess.run([sys.executable, "-m", "avatarstudio.cli", "templates", "list", "--data-dir",
                             str(service.data_dir)], capture_output=True, text=True, timeout=120)
    assert f"{template_id} From a file: first_name (text), presenter (character)" in listed.stdout
    document.write_text(json.dumps({**TEMPLATE, "video_inputs": [{"voice": {"type": "text", "voice_id": VOICE,
                                                                            "input_text": "{{"}}]}))
    refused = subprocess.run([sys.executable, "-m", "avatarstudio.cli", "templates", "add", str(document),
                              "--data-dir", str(service.data_dir)], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "video_inputs.0.voice.input_text" in refused.stderr
