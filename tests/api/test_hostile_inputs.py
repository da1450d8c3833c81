"""Requests built to hurt get a 400 (or 413) in their family's envelope, naming the field, and the connection
they came on keeps working."""
from __future__ import annotations

import base64
import json
import socket
import struct
import zlib
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from avatarstudio.api.app import AnswerUnexpectedErrors

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
STUDIO = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
                            "voice": {"type": "text", "voice_id": VOICE, "input_text": "Hi."}}]}


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height pixels: a few dozen bytes that would decode to gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + \
        chunk(b"IEND", b"")


def _v2_error(response: httpx.Response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None
    return body["error"]


@pytest.mark.service
def test_invalid_utf8_is_a_400_and_the_connection_stays_usable(client: httpx.Client) -> None:
    response = client.post("/v2/video/generate", content=b'{"title": "\xff\xfe"}',
                           headers={"Content-Type": "application/json"})
    assert "not UTF-8" in _v2_error(response)["message"]
    v3 = client.post("/v3/videos", content=b'{"script": "\xc3\x28"}', headers={"Content-Type": "application/json"})
    assert v3.status_code == 400 and v3.json()["error"]["param"] == "body"
    assert client.get("/v2/voices").status_code == 200


@pytest.mark.service
def test_deeply_nested_json_is_a_400(client: httpx.Client) -> None:
    response = client.post("/v2/video/generate", content=b"[" * 1000 + b"]" * 1000,
                           headers={"Content-Type": "application/json"})
    assert "nested deeper" in _v2_error(response)["message"]
    assert client.get("/v2/voices").status_code == 200


@pytest.mark.service
@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_nan_and_infinity_are_refused(client: httpx.Client, literal: bytes) -> None:
    body = json.dumps({**STUDIO, "video_inputs": [{**STUDIO["video_inputs"][0], "character": {
        "type": "avatar", "avatar_id": "Ava_drawn_front", "scale": 12345}}]}).encode().replace(b"12345", literal)
    response = client.post("/v2/video/generate", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


@pytest.mark.service
@pytest.mark.parametrize(("change", "field"), [
    ({"text": {"type": "text", "text": "big", "font_size": 10000}}, "video_inputs.0.text.font_size"),
    ({"text": {"type": "text", "text": "tall", "line_height": 1000}}, "video_inputs.0.text.line_height"),
    ({"character": {"type": "avatar", "avatar_id": "Ava_drawn_front", "offset": {"x": 5000, "y": 0}}},
     "video_inputs.0.character.avatar.offset.x"),
])
def test_unbounded_numbers_are_bounded(client: httpx.Client, change: dict, field: str) -> None:
    body = {**STUDIO, "video_inputs": [{**STUDIO["video_inputs"][0], **change}]}
    assert field in _v2_error(client.post("/v2/video/generate", json=body))["message"]


@pytest.mark.service
def test_long_titles_and_callback_ids_are_refused(client: httpx.Client) -> None:
    for field in ("title", "callback_id"):
        response = client.post("/v2/video/generate", json={**STUDIO, field: "x" * 1_000_000})
        assert _v2_error(response)["message"].startswith(f"{field} is invalid")


@pytest.mark.service
@pytest.mark.parametrize("dimension", [{"width": 2, "height": 3840}, {"width": 3840, "height": 640}])
def test_a_dimension_whose_previews_cannot_be_made_is_refused(client: httpx.Client, dimension: dict) -> None:
    response = client.post("/v2/video/generate", json={**STUDIO, "dimension": dimension})
    assert "dimension" in _v2_error(response)["message"]


@pytest.mark.service
def test_a_declared_oversized_body_is_refused_before_it_is_read(service) -> None:
    address = urlsplit(service.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(b"POST /v2/video/generate HTTP/1.1\r\nHost: x\r\nX-Api-Key: test-key-0123456789\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 400000000\r\n\r\n{")
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"413"


@pytest.mark.service
def test_a_decompression_bomb_is_a_400_at_upload(client: httpx.Client) -> None:
    bomb = _png_declaring(50000, 50000)
    assert client.post("/v1/talking_photo", content=_png_declaring(8000, 8000)).json()["message"] == \
        "file is invalid: the image has more than 50 megapixels"  # below PIL's own limit
    v1 = client.post("/v1/talking_photo", content=bomb, headers={"Content-Type": "image/png"})
    assert v1.status_code == 400 and "more than 50 megapixels" in v1.json()["message"]
    v3 = client.post("/v3/avatars", json={"type": "photo", "name": "bomb",
                                          "file": {"type": "base64", "media_type": "image/png",
                                                   "data": base64.b64encode(bomb).decode()}})
    assert v3.status_code == 400 and "more than 50 megapixels" in v3.json()["error"]["message"]


def test_an_unexpected_error_is_answered_in_the_envelope_and_the_connection_survives() -> None:
    app = FastAPI()

    @app.get("/v2/broken")
    def broken() -> dict:
        raise KeyError("/srv/secret/path")

    @app.get("/v2/fine")
    def fine() -> dict:
        return {"ok": True}

    app.add_middleware(AnswerUnexpectedErrors)
    with TestClient(app, raise_server_exceptions=False) as test:
        response = test.get("/v2/broken")
        assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
        assert "/srv" not in response.text and response.headers["X-Request-Id"] in response.text
        assert test.get("/v2/fine").json() == {"ok": True}


LONG_URL = "https://example.com/" + "a" * 2100
V3_VIDEO = {"type": "avatar", "avatar_id": "Ava_drawn_front", "script": "Hi.", "voice_id": VOICE}


def _refusal(response: httpx.Response) -> tuple[str, str | None]:
    """(message, param) of a 400 in whichever family's envelope it came."""
    assert response.status_code == 400, response.text
    body = response.json()
    error = body["error"] if isinstance(body.get("error"), dict) else body
    return error["message"], error.get("param")


@pytest.mark.service
@pytest.mark.parametrize("path, body, field", [
    ("/v1/video.webm", {"avatar_pose_id": "Ava_drawn_front", "input_text": "Hi.", "voice_id": VOICE}, "callback_url"),
    ("/v1/video.webm", {"avatar_pose_id": "Ava_drawn_front"}, "input_audio"),
    ("/v2/video/generate", STUDIO, "callback_url"),
    ("/v2/videos", {"avatar_id": "Ava_drawn_front", "script": "Hi.", "voice_id": VOICE}, "image_url"),
    ("/v3/videos", V3_VIDEO, "callback_url"),
    ("/v3/videos", {**V3_VIDEO, "script": None}, "audio_url"),
    ("/v3/webhooks/endpoints", {}, "url"),
    ("/v3/lipsyncs", {"audio": {"type": "asset_id", "asset_id": "a"}}, "video.url"),
])
@pytest.mark.parametrize("url, reason", [(LONG_URL, "at most 2048 characters"),
                                         ("javascript:alert(1)", "absolute http:// or https:// URL")])
def test_every_url_field_is_bounded_and_http_at_the_wire(client: httpx.Client, path: str, body: dict, field: str,
                                                         url: str, reason: str) -> None:
    sent = {key: value for key, value in body.items() if value is not None}
    if field == "image_url":
        sent.pop("avatar_id")
    if "." in field:
        outer, inner = field.split(".")
        sent[outer] = {"type": "url", inner: url}
    else:
        sent[field] = url
    message, param = _refusal(client.post(path, json=sent))
    assert message.startswith(f"{field} is invalid"), message
    assert reason in message or (field == "input_audio" and "neither an uploaded audio asset's id nor" in message)
    assert param == (field if path.startswith("/v3") else None)


MULTIPART_HEAD = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n"
                  b"Content-Type: image/png\r\n\r\n")


def _answer(connection: socket.socket) -> tuple[int, dict]:
    """The status and JSON body of the answer on a raw connection (read until the body is whole, bounded)."""
    received = b""
    while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(received):
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    head, body = received.split(b"\r\n\r\n", 1)
    return int(head.split()[1]), json.loads(body)


def _length(received: bytes) -> int:
    for line in received.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


@pytest.mark.service
def test_a_multipart_upload_declared_too_large_is_refused_before_it_is_read(service) -> None:
    address = urlsplit(service.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(b"POST /v3/assets HTTP/1.1\r\nHost: x\r\nX-Api-Key: test-key-0123456789\r\n"
                           b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 400000000\r\n\r\n"
                           + MULTIPART_HEAD)
        status, body = _answer(connection)
    assert status == 413 and body["error"]["param"] == "file", body
    assert body["error"]["message"] == "file is invalid: larger than 32 MB"


@pytest.mark.service
def test_a_multipart_upload_without_a_length_is_cut_off_once_it_passes_the_limit(service) -> None:
    """Sent chunked (no Content-Length), 1 MB at a time: the answer comes once the count passes 32 MB, and the
    rest is never read (at most 48 MB are offered)."""
    address = urlsplit(service.base_url)
    megabyte = b"\0" * (1024 * 1024)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(b"POST /v3/assets HTTP/1.1\r\nHost: x\r\nX-Api-Key: test-key-0123456789\r\n"
                           b"Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"
                           + b"%x\r\n" % len(MULTIPART_HEAD) + MULTIPART_HEAD + b"\r\n")
        try:
            for _ in range(48):
                connection.sendall(b"%x\r\n" % len(megabyte) + megabyte + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed the connection: what the test waits for
        status, body = _answer(connection)
    assert status == 413 and body["error"]["message"] == "file is invalid: larger than 32 MB", body
