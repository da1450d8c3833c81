"""The try-it page: served without a key, its script parses, and everything it calls or touches exists."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.service


def test_root_leads_to_the_page(service) -> None:
    response = httpx.get(f"{service.base_url}/", follow_redirects=False)
    assert response.status_code in (302, 307) and response.headers["location"] == "/studio"


def test_the_page_script_parses_and_uses_real_endpoints_and_elements(service, tmp_path: Path) -> None:
    page = httpx.get(f"{service.base_url}/studio")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    script = re.search(r"<script>(.*)</script>", html, re.S).group(1)
    source = tmp_path / "page.js"
    source.write_text(script)
    checked = subprocess.run(["node", "--check", str(source)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    ids = set(re.findall(r'id="([^"]+)"', html))
    used = set(re.findall(r'\$\("([^"]+)"\)', script))
    assert used and used <= ids, used - ids
    paths = set(re.findall(r'"(?:GET|POST)", [`"](/v\d/[^`"?$]+)', script))
    assert paths == {"/v2/avatars", "/v2/voices", "/v2/video/generate", "/v1/video_status.get"}
    known = set(httpx.get(f"{service.base_url}/openapi.json").json()["paths"])
    assert paths <= known, paths - known
