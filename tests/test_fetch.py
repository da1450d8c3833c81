"""Fetching user URLs: loopback refused unless allowed, HTTP errors and redirects checked."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from avatarstudio.errors import RenderError
from avatarstudio.fetch import fetch
from slow_server import SlowHeaders

LIMITS = {"max_bytes": 1 << 20, "timeout": 5.0}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        if self.path == "/audio.wav":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"RIFF!")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/audio.wav")
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_loopback_address_is_refused_by_default(server, tmp_path):
    with pytest.raises(RenderError) as raised:
        fetch(f"{server}/audio.wav", tmp_path / "a.wav", allow_private=False, **LIMITS)
    assert raised.value.code == "download_failed"
    assert "127.0.0.1" in str(raised.value)
    assert not (tmp_path / "a.wav").exists()


def test_a_loopback_address_is_fetched_when_private_addresses_are_allowed(server, tmp_path):
    saved = fetch(f"{server}/moved", tmp_path / "a.wav", allow_private=True, **LIMITS)
    assert saved.read_bytes() == b"RIFF!"


def test_a_missing_file_fails_with_download_failed(server, tmp_path):
    with pytest.raises(RenderError) as raised:
        fetch(f"{server}/nothing.mp3", tmp_path / "a.mp3", allow_private=True, **LIMITS)
    assert raised.value.code == "download_failed"
    assert "404" in str(raised.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.mp3"])
def test_only_http_urls_are_fetched(url, tmp_path):
    with pytest.raises(RenderError) as raised:
        fetch(url, tmp_path / "a", allow_private=True, **LIMITS)
    assert raised.value.code == "download_failed"


def test_a_file_over_the_size_limit_is_refused(server, tmp_path):
    with pytest.raises(RenderError) as raised:
        fetch(f"{server}/audio.wav", tmp_path / "a.wav", allow_private=True, max_bytes=3, timeout=5.0)
    assert "larger than 3 bytes" in str(raised.value)


def test_the_time_limit_is_total_not_per_read(tmp_path):
    """The whole answer would arrive within about 45 s, each byte well within any per-read limit."""
    with SlowHeaders() as slow, pytest.raises(RenderError) as raised:
        fetch(slow.url, tmp_path / "a.wav", allow_private=True, max_bytes=1 << 20, timeout=1.0)
    assert raised.value.code == "download_failed" and "took longer than 1 s" in str(raised.value)


def test_a_name_is_connected_at_the_address_that_was_checked(server, tmp_path):
    port = server.rsplit(":", 1)[1]
    with pytest.raises(RenderError) as raised:
        fetch(f"http://localhost:{port}/audio.wav", tmp_path / "a.wav", allow_private=False, **LIMITS)
    assert "private or local address" in str(raised.value)
    saved = fetch(f"http://localhost:{port}/audio.wav", tmp_path / "a.wav", allow_private=True, **LIMITS)
    assert saved.read_bytes() == b"RIFF!"
