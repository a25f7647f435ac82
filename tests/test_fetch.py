"""Fetching URLs, against a local HTTP server on 127.0.0.1 that the tests start."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from editions import EditionsError, load_edition
from editions import fetch as fetch_module
from editions.fetch import fetch, is_public_address, is_url
from editions.readers.url import read_url

WEB = Path(__file__).parent / "data" / "web"
PAGE = (WEB / "og-only.html").read_bytes()
PLAIN = (WEB / "byline-only.html").read_bytes()
CANONICAL = PLAIN.replace(
    b"</head>", b'<link rel="canonical" href="https://campus.example.edu/cleaners"></head>'
)
BOMB = gzip.compress(b" " * (8 * 1024 * 1024))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: ClassVar[list[tuple[str, str]]] = []  # (path, user agent)
    release = threading.Event()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def redirect(self, status: int, location: str) -> None:
        self.send(status, b"", None, {"Location": location})

    def do_GET(self) -> None:
        Handler.requests.append((self.path, self.headers.get("User-Agent", "")))
        path = self.path
        if path == "/article":
            self.send(200, PAGE)
        elif path == "/plain":
            self.send(200, PLAIN)
        elif path == "/canonical":
            self.send(200, CANONICAL)
        elif path == "/r1":
            self.redirect(302, "/r2")
        elif path == "/r2":
            self.redirect(301, f"http://127.0.0.1:{self.server.server_address[1]}/r3")
        elif path == "/r3":
            self.redirect(307, "/plain")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self.redirect(302, f"/chain/{n - 1}") if n > 0 else self.send(200, PLAIN)
        elif path == "/loop-a":
            self.redirect(302, "/loop-b")
        elif path == "/loop-b":
            self.redirect(302, "/loop-a")
        elif path == "/to-ftp":
            self.redirect(302, "ftp://127.0.0.1/file")
        elif path == "/to-file":
            self.redirect(302, "file:///etc/passwd")
        elif path == "/no-location":
            self.send(302, b"", None)
        elif path == "/slow":
            Handler.release.wait(5)
            self.send(200, PAGE)
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(50):
                if Handler.release.wait(0.1):
                    break
                try:
                    self.wfile.write(b"<p>x</p>")
                    self.wfile.flush()
                except OSError:
                    break
        elif path == "/huge-declared":
            self.send(200, b"<html>", headers={"Content-Length": str(50 * 1024 * 1024)})
        elif path == "/huge-streamed":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"<p>" + b"x" * 8192 + b"</p>")
            except OSError:
                pass
            self.close_connection = True
        elif path == "/gzip":
            self.send(200, gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
        elif path == "/gzip-bomb":
            self.send(200, BOMB, headers={"Content-Encoding": "gzip"})
        elif path == "/pdf":
            self.send(200, b"%PDF-1.7\n", "application/pdf")
        elif path == "/untyped":
            self.send(200, PAGE, None)
        elif path == "/missing":
            self.send(404, b"<h1>Not here</h1>")
        elif path == "/broken":
            self.send(500, b"oops")
        else:
            self.send(404, b"")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    Handler.release.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        Handler.release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _clear_requests() -> None:
    Handler.requests.clear()


def test_fetch_a_page(server: str) -> None:
    response = fetch(f"{server}/article")
    assert response.body == PAGE
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    assert response.url == f"{server}/article"
    assert Handler.requests[0][1].startswith("editions/")


def test_redirect_chain_is_followed(server: str) -> None:
    response = fetch(f"{server}/r1")
    assert response.url == f"{server}/plain"
    assert response.redirects == (f"{server}/r1", f"{server}/r2", f"{server}/r3")
    assert response.body == PLAIN


def test_too_many_redirects(server: str) -> None:
    assert fetch(f"{server}/chain/5").body == PLAIN  # five redirects are allowed
    with pytest.raises(EditionsError, match="too many redirects") as info:
        fetch(f"{server}/chain/6")
    assert str(info.value).startswith(f"{server}/chain/6: ")


def test_redirect_loop(server: str) -> None:
    with pytest.raises(EditionsError, match="redirect loop") as info:
        fetch(f"{server}/loop-a")
    assert f"{server}/loop-a" in str(info.value)
    assert len(Handler.requests) == 2


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file"])
def test_redirect_to_another_scheme_is_refused(server: str, path: str) -> None:
    with pytest.raises(EditionsError, match=r"only http:// and https://"):
        fetch(f"{server}{path}")


def test_redirect_without_location(server: str) -> None:
    with pytest.raises(EditionsError, match="without a Location"):
        fetch(f"{server}/no-location")


@pytest.mark.parametrize(
    ("path", "status"), [("/missing", "404 Not Found"), ("/broken", "500 Internal Server Error")]
)
def test_http_errors(server: str, path: str, status: str) -> None:
    with pytest.raises(EditionsError) as info:
        fetch(f"{server}{path}")
    assert str(info.value) == f"{server}{path}: cannot fetch: the server answered {status}"


def test_timeout(server: str) -> None:
    start = time.monotonic()
    with pytest.raises(EditionsError, match=r"timed out after 0\.5 s"):
        fetch(f"{server}/slow", timeout=0.5)
    assert time.monotonic() - start < 2


def test_total_time_limit_holds_for_a_slow_trickle(server: str) -> None:
    start = time.monotonic()
    with pytest.raises(EditionsError, match="timed out"):
        fetch(f"{server}/trickle", timeout=0.6)
    assert time.monotonic() - start < 2


def test_declared_oversized_response(server: str) -> None:
    with pytest.raises(EditionsError, match=r"too large \(50\.0 MB; the limit is 10\.0 MB\)"):
        fetch(f"{server}/huge-declared")


def test_streamed_oversized_response(server: str) -> None:
    with pytest.raises(EditionsError, match="too large"):
        fetch(f"{server}/huge-streamed", max_bytes=100_000)


def test_gzip_is_decoded_and_a_gzip_bomb_stops_at_the_cap(server: str) -> None:
    assert fetch(f"{server}/gzip").body == PAGE
    with pytest.raises(EditionsError, match="too large"):
        fetch(f"{server}/gzip-bomb", max_bytes=1024 * 1024)


def test_content_type_is_checked(server: str) -> None:
    with pytest.raises(EditionsError, match=r"not a web page \(the server sent application/pdf\)"):
        fetch(f"{server}/pdf")
    assert fetch(f"{server}/pdf", accept=["application/pdf"]).body.startswith(b"%PDF")
    assert fetch(f"{server}/untyped").body == PAGE  # no type, but clearly HTML


def test_private_addresses_can_be_refused(server: str) -> None:
    with pytest.raises(EditionsError, match="local or private address") as info:
        fetch(f"{server}/article", allow_private=False)
    assert f"{server}/article" in str(info.value)
    assert Handler.requests == []  # refused before connecting


def test_a_public_page_cannot_redirect_into_private_space(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([True])  # the first address checked (the page's) passes as public, the redirect's does not
    monkeypatch.setattr(fetch_module, "is_public_address", lambda address: next(answers, False))
    with pytest.raises(
        EditionsError, match=r"redirected to .*/r2: 127\.0\.0\.1 is a local or private address"
    ):
        fetch(f"{server}/r1")
    assert [path for path, _ in Handler.requests] == ["/r1"]


@pytest.mark.parametrize(
    ("address", "public"),
    [("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
     ("169.254.169.254", False), ("0.0.0.0", False), ("100.64.0.1", False), ("224.0.0.1", False),
     ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
     ("93.184.216.34", True), ("2606:4700::1111", True), ("not an address", False)],
)  # fmt: skip
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/a", "only http:// and https://"),
        ("http://user:secret@127.0.0.1/a", "user name or password"),
        ("http:///nohost", "names no host"),
        ("http://127.0.0.1:99999/", "invalid URL"),
    ],
)
def test_unfetchable_urls(url: str, message: str) -> None:
    with pytest.raises(EditionsError, match=message) as info:
        fetch(url)
    assert str(info.value).startswith(url)


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(EditionsError, match=r"cannot connect to 127\.0\.0\.1"):
        fetch(f"http://127.0.0.1:{port}/", timeout=2)


def test_is_url() -> None:
    assert is_url("https://example.org/a") and is_url("HTTP://example.org")
    assert not is_url("articles/a.md") and not is_url(Path("http:/x")) and not is_url("ftp://x")


# --- reading URLs ------------------------------------------------------------------------------


def test_read_url_uses_the_fetched_url_as_source(server: str) -> None:
    article = read_url(f"{server}/r1")
    assert article.title == "The cleaners who beat outsourcing"
    assert article.source.url == f"{server}/plain"  # after redirects
    assert article.path is None


def test_read_url_prefers_the_canonical_url(server: str) -> None:
    assert read_url(f"{server}/canonical").source.url == "https://campus.example.edu/cleaners"


def test_read_url_offline_refuses_to_fetch(server: str) -> None:
    with pytest.raises(EditionsError) as info:
        read_url(f"{server}/article", offline=True)
    assert str(info.value) == f"{server}/article: not fetched: working offline (--offline)"
    assert Handler.requests == []


def test_read_url_non_html(server: str) -> None:
    with pytest.raises(EditionsError, match="not a web page"):
        read_url(f"{server}/pdf")


def test_load_edition_with_urls_and_a_manifest(server: str, tmp_path: Path) -> None:
    (tmp_path / "local.md").write_text("# Local note\n\nSome text.\n", encoding="utf-8")
    (tmp_path / "edition.toml").write_text(
        f'title = "Mixed"\narticles = ["local.md", "{server}/article"]\n', encoding="utf-8"
    )
    # A manifest may come from anyone: its URLs must be public, so this loopback one is refused.
    with pytest.raises(EditionsError, match="/article") as info:
        load_edition([tmp_path])
    assert "private" in str(info.value) or "loopback" in str(info.value) or "local" in str(info.value)
    # A URL the user types may be on their own network.
    edition = load_edition([f"{server}/plain", tmp_path / "local.md"])
    assert [a.title for a in edition.articles] == ["The cleaners who beat outsourcing", "Local note"]


def test_load_edition_offline(server: str, tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text(
        f'title = "Mixed"\narticles = ["{server}/article"]\n', encoding="utf-8"
    )
    with pytest.raises(EditionsError, match="offline") as info:
        load_edition([tmp_path], offline=True)
    assert f"{server}/article" in str(info.value)
    assert Handler.requests == []
