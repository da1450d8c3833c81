"""Account endpoints over HTTP: the installation as a user, its (absent) quota, and folders."""
from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.service

UNKNOWN = "0" * 32


def test_remaining_quota_is_large_with_the_four_details(client: httpx.Client) -> None:
    body = client.get("/v2/user/remaining_quota").json()
    assert body["error"] is None
    assert body["data"]["remaining_quota"] >= 10 ** 6
    assert set(body["data"]["details"]) == {"api", "streaming_avatar", "streaming_avatar_instance_quota", "seat"}


@pytest.mark.parametrize("path", ["/v1/user/me", "/v3/users/me"])
def test_me_describes_the_installation(client: httpx.Client, path: str) -> None:
    body = client.get(path).json()
    if path.startswith("/v1/"):
        assert body["code"] == 100 and body["message"] == "Success"
    else:
        assert set(body) == {"data"}
    user = body["data"]
    assert user["username"] == "avatarstudio" and user["billing_type"] == "usage_based"
    assert {"email", "first_name", "last_name"} <= user.keys()


def _folders(client: httpx.Client, **params: str) -> dict[str, dict]:
    body = client.get("/v1/folders", params={"limit": 100, **params}).json()
    assert body["code"] == 100
    return {folder["id"]: folder for folder in body["data"]["folders"]}


def test_folder_create_rename_trash_restore(client: httpx.Client) -> None:
    created = client.post("/v1/folders/create", json={"name": "Campaign", "project_type": "video"}).json()
    assert created["code"] == 100
    folder = created["data"]
    assert (folder["name"], folder["project_type"], folder["parent_id"], folder["trashed"]) == \
        ("Campaign", "video", None, False)
    assert isinstance(folder["created_ts"], int) and len(folder["id"]) == 32
    folder_id = folder["id"]
    assert folder_id in _folders(client)

    renamed = client.post(f"/v1/folders/{folder_id}", json={"name": "Spring campaign"}).json()["data"]
    assert renamed["name"] == "Spring campaign"
    again = client.post(f"/v1/folders/{folder_id}/rename", json={"name": "Summer campaign"}).json()["data"]
    assert again["name"] == "Summer campaign" and _folders(client)[folder_id]["name"] == "Summer campaign"

    assert client.post(f"/v1/folders/{folder_id}/trash").json()["data"]["trashed"] is True
    assert folder_id not in _folders(client)
    assert _folders(client, is_trash="true")[folder_id]["trashed"] is True

    assert client.post(f"/v1/folders/{folder_id}/restore").json()["data"]["trashed"] is False
    assert folder_id in _folders(client) and folder_id not in _folders(client, is_trash="true")


def test_folder_children_and_paging(client: httpx.Client) -> None:
    parent = client.post("/v1/folders/create", json={"name": "Parent"}).json()["data"]["id"]
    children = [client.post("/v1/folders/create", json={"name": f"Child {index}", "parent_id": parent})
                .json()["data"]["id"] for index in range(3)]
    assert list(_folders(client, parent_id=parent)) == children
    first = client.get("/v1/folders", params={"parent_id": parent, "limit": 2}).json()["data"]
    assert len(first["folders"]) == 2 and first["token"]
    rest = client.get("/v1/folders", params={"parent_id": parent, "limit": 2, "token": first["token"]}).json()["data"]
    assert [folder["id"] for folder in rest["folders"]] == children[2:] and rest["token"] is None
    assert list(_folders(client, name_filter="Child 1")) == [children[1]]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", f"/v1/folders/{UNKNOWN}", {"name": "x"}),
    ("post", f"/v1/folders/{UNKNOWN}/rename", {"name": "x"}),
    ("post", f"/v1/folders/{UNKNOWN}/trash", None),
    ("post", f"/v1/folders/{UNKNOWN}/restore", None),
    ("post", "/v1/folders/create", {"name": "x", "parent_id": UNKNOWN}),
])
def test_unknown_folder_is_404(client: httpx.Client, method: str, path: str, body: dict | None) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 404
    assert response.json() == {"code": 400140, "message": f"Folder {UNKNOWN} not found"}


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 5}])
def test_folder_name_is_required(client: httpx.Client, body: dict) -> None:
    response = client.post("/v1/folders/create", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == 400175 and response.json()["message"].startswith("name is invalid")


@pytest.mark.parametrize(("path", "envelope"), [
    ("/v1/user/me", {"code": 400112, "message": "Unauthorized"}),
    ("/v1/folders", {"code": 400112, "message": "Unauthorized"}),
    ("/v2/user/remaining_quota", {"data": None, "error": {"code": "unauthorized", "message": "Unauthorized"}}),
    ("/v3/users/me", {"error": {"code": "unauthorized", "message": "Unauthorized", "param": None,
                                "doc_url": "/docs"}}),
])
def test_missing_key_is_401_in_the_family_envelope(service, path: str, envelope: dict) -> None:
    with service.client(key=None) as anonymous:
        response = anonymous.get(path)
    assert response.status_code == 401 and response.json() == envelope
