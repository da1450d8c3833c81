"""The studio page's files: served without a key, its script parses, and everything it calls or touches exists."""
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


def test_the_page_and_its_files_are_served_without_a_key(service) -> None:
    page = httpx.get(f"{service.base_url}/studio")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path, kind in [("/studio/studio.js", "text/javascript"), ("/studio/studio.css", "text/css"),
                       ("/studio/favicon.svg", "image/svg+xml"), ("/favicon.ico", "image/svg+xml")]:
        response = httpx.get(f"{service.base_url}{path}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind), path
    missing = httpx.get(f"{service.base_url}/studio/..%2Fapi%2Fapp.py")
    assert missing.status_code == 404


def test_the_script_parses_and_uses_real_endpoints_and_elements(service, tmp_path: Path) -> None:
    html = httpx.get(f"{service.base_url}/studio").text
    script = httpx.get(f"{service.base_url}/studio/studio.js").text
    source = tmp_path / "studio.js"
    source.write_text(script)
    checked = subprocess.run(["node", "--check", str(source)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    ids = set(re.findall(r'id="([^"]+)"', html))
    used = set(re.findall(r'\$\("([^"]+)"\)', script))
    assert used and used <= ids, used - ids
    calls = re.findall(r'api\("(GET|POST|DELETE)", [`"](/v\d/[^`"?]+)', script)
    calls += [("GET", path) for path in re.findall(r'allPages\("(/v\d/[^"?]+)"', script)]
    assert len(calls) > 10, calls
    known = httpx.get(f"{service.base_url}/openapi.json").json()["paths"]
    for method, path in calls:
        route = re.sub(r"\$\{[^}]+\}", "{id}", path)
        matches = [name for name in known if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", name), route)
                   and method.lower() in known[name]]
        assert matches, f"{method} {path} is not a route of the API"
