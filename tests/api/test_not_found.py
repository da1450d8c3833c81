"""A record that does not exist (store.NotFound) answers in each family's envelope with HeyGen's code, through the
real app in-process over a temporary runtime."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from avatarstudio.api.app import create_app
from avatarstudio.runtime import Runtime
from live_service import API_KEY

MISSING = "0" * 32


@pytest.fixture()
def app(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), headers={"X-Api-Key": API_KEY}) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", f"/v1/video_status.get?video_id={MISSING}", {"code": 400140, "message": f"Video {MISSING} not found"}),
    ("GET", f"/v2/videos/{MISSING}",
     {"data": None, "error": {"code": "video_not_found", "message": f"Video {MISSING} not found"}}),
    ("DELETE", f"/v3/videos/{MISSING}", {"error": {"code": "video_not_found", "message": f"Video {MISSING} not found",
                                                    "param": "video_id", "doc_url": "/docs"}}),
    ("GET", f"/v3/assets/{MISSING}", {"error": {"code": "asset_not_found", "message": f"Asset {MISSING} not found",
                                                "param": "asset_id", "doc_url": "/docs"}}),
    ("POST", f"/v1/asset/{MISSING}/delete", {"code": 400118, "message": f"Asset {MISSING} not found"}),
    ("POST", f"/v1/folders/{MISSING}/trash", {"code": 400140, "message": f"Folder {MISSING} not found"}),
    ("GET", f"/v3/videos/batches/{MISSING}", {"error": {"code": "not_found", "message": f"Batch {MISSING} not found",
                                                        "param": "batch_id", "doc_url": "/docs"}}),
    ("DELETE", f"/v3/webhooks/endpoints/{MISSING}",
     {"error": {"code": "not_found", "message": f"Webhook endpoint {MISSING} not found", "param": "endpoint_id",
                "doc_url": "/docs"}}),
])
def test_a_missing_record_is_404_in_the_family_s_envelope(app: TestClient, method: str, path: str, body: dict) -> None:
    response = app.request(method, path)
    assert (response.status_code, response.json()) == (404, body)
