"""``editions serve`` at the request level (Starlette's test client): every safety point of the web app,
and the forms that add, review, arrange and build."""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from editions.web import security
from editions.web.app import MAX_BODY, create_app

TOKEN = "test-token"
ORIGIN = {"origin": "http://testserver"}

PASTED = """\
The Organizer
Depot Strike Ends With a Raise
By Ana Ruiz
After nine days on the picket line, the workers at the bus depot won a raise of two dollars an \
hour, and the union says it will not stop there.

The strike began when the company refused to open its books, and the picket held through the rain.
"""


@pytest.fixture
def folder(tmp_path: Path, articles_dir: Path) -> Path:
    target = tmp_path / "edition"
    shutil.copytree(articles_dir, target)
    return target


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    app = create_app(folder, host="127.0.0.1", port=8765, extra_hosts=("testserver",), token=TOKEN)
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, url: str, **kwargs: object) -> object:
    data = dict(kwargs.pop("data", {}) or {})  # type: ignore[call-overload]
    data.setdefault("csrf_token", TOKEN)
    return client.post(url, data=data, headers=ORIGIN, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in root.rglob("*")
        if p.is_file()
    }


# --- the guard ------------------------------------------------------------------------------------


def test_host_header_must_be_the_served_address(client: TestClient) -> None:
    """A page of another site that rebinds its name to 127.0.0.1 sends its own Host: refused."""
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200
    for host in ("evil.example", "evil.example:8765", "127.0.0.1:9999", ""):
        response = client.get("/", headers={"host": host})
        assert response.status_code == 421, host
        assert "Articles" not in response.text
    response = client.post(
        "/add",
        data={"csrf_token": TOKEN, "text": PASTED},
        headers={"host": "evil.example:8765", "origin": "http://evil.example:8765"},
    )
    assert response.status_code == 421


def test_host_names_of_loopback_and_other_addresses() -> None:
    assert security.host_names("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert security.host_names("192.0.2.7", 80) == {"192.0.2.7:80", "192.0.2.7"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"origin": "http://evil.example"}, {"origin": "null"}, {"origin": "http://testserver.evil.example"}],
)
def test_cross_origin_post_is_refused(client: TestClient, folder: Path, headers: dict[str, str]) -> None:
    before = _snapshot(folder)
    response = client.post("/add", data={"csrf_token": TOKEN, "text": PASTED}, headers=headers)
    assert response.status_code == 403
    assert _snapshot(folder) == before


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_post_without_the_csrf_token_is_refused(client: TestClient, folder: Path, token: str | None) -> None:
    before = _snapshot(folder)
    data = {"text": PASTED} if token is None else {"text": PASTED, "csrf_token": token}
    assert client.post("/add", data=data, headers=ORIGIN).status_code == 403
    body = json.dumps({"names": ["nato-escalation-in-ukraine.txt", "us-weapons-threaten-a-wider-war.txt"]})
    headers = {**ORIGIN, "content-type": "application/json"}
    if token:
        headers["x-csrf-token"] = token
    assert client.post("/order", content=body, headers=headers).status_code == 403
    assert _snapshot(folder) == before


def test_token_in_header_or_multipart_form(client: TestClient, folder: Path) -> None:
    body = json.dumps({"names": ["nato-escalation-in-ukraine.txt", "us-weapons-threaten-a-wider-war.txt"]})
    headers = {**ORIGIN, "content-type": "application/json", "x-csrf-token": TOKEN}
    assert client.post("/order", content=body, headers=headers).status_code == 200
    manifest = (folder / "edition.toml").read_text(encoding="utf-8")
    assert manifest.index("nato-escalation") < manifest.index("us-weapons")
    response = client.post(
        "/add",
        data={"csrf_token": TOKEN},
        files={
            "files": (
                "note.md",
                b"---\ntitle: A note\npublication: Us\n---\n\nSome text here.\n",
                "text/markdown",
            )
        },
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (folder / "a-note.md").is_file()


def test_other_methods_are_refused(client: TestClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.request(method, "/", headers=ORIGIN).status_code == 405


def test_pages_keep_to_themselves(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script src="/static/htmx.min.js"' in response.text
    assert "http://" not in response.text.replace('href="http', "")  # no font or script from elsewhere
    assert client.get("/static/htmx.min.js").status_code == 200


def test_too_large_a_body_is_refused(client: TestClient, folder: Path) -> None:
    before = _snapshot(folder)
    big = b"a" * (MAX_BODY + 10)
    response = client.post(
        "/add", files={"files": ("big.txt", big, "text/plain")}, data={"csrf_token": TOKEN}, headers=ORIGIN
    )
    assert response.status_code == 413
    assert _snapshot(folder) == before


def test_uploads_are_checked_by_content(client: TestClient, folder: Path) -> None:
    before = _snapshot(folder)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    cases = [
        ("photo.txt", png),
        ("letter.docx", b"not a zip at all"),
        ("letter.odt", _zip({"mimetype": b"application/zip"})),
        ("program.exe", b"MZ\x90\x00"),
        ("empty.md", b"   \n"),
    ]
    for name, data in cases:
        response = client.post(
            "/add", files={"files": (name, data, "application/octet-stream")}, data={"csrf_token": TOKEN},
            headers=ORIGIN,
        )  # fmt: skip
        assert response.status_code == 200  # after the redirect: the page, with the error
        assert "Error" in response.text and name in response.text, name
    assert _snapshot(folder) == before


def test_file_names_are_made_safe(client: TestClient, folder: Path, tmp_path: Path) -> None:
    outside = sorted(p.name for p in tmp_path.iterdir())
    response = client.post(
        "/add",
        files={
            "files": (
                "../../evil name.md",
                b"---\ntitle: ../../etc/passwd\n---\n\nBody text.\n",
                "text/plain",
            )
        },
        data={"csrf_token": TOKEN},
        headers=ORIGIN,
    )
    assert response.status_code == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == outside
    assert (folder / "etc-passwd.md").is_file()


def test_nothing_outside_the_folder_is_read(client: TestClient, folder: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(
        "Secret Title\n\nThe secret text of a file outside the edition, long enough to be prose.\n"
    )
    (folder / "linked.txt").symlink_to(secret)
    for url in (
        "/article/..%2Fsecret.txt",
        "/article/linked.txt",
        "/article/.hidden.txt",
        "/download/..%2F..%2Fsecret.txt",
        "/download/edition.toml",
        "/static/..%2F..%2Fweb%2Fapp.py",
        "/thumb/page/1.png",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "secret text" not in response.text
    response = _post(client, "/arrange", data={"action": "putback", "name": "linked.txt"})
    assert "linked.txt" not in (folder / "edition.toml").read_text(encoding="utf-8")
    body = json.dumps({"names": ["../secret.txt"]})
    response = client.post("/order", content=body, headers={**ORIGIN, "x-csrf-token": TOKEN})
    assert response.status_code == 400


def test_viewing_changes_no_file(client: TestClient, folder: Path) -> None:
    _post(client, "/add", data={"text": PASTED})
    before = _snapshot(folder)
    for url in ("/", "/edition", "/build", "/article/depot-strike-ends-with-a-raise.md",
                "/article/nato-escalation-in-ukraine.txt", "/static/app.css", "/nope"):  # fmt: skip
        client.get(url)
    assert _snapshot(folder) == before


def test_one_build_at_a_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from editions.builds import BuildResult
    from editions.web import workspace

    release = threading.Event()
    started = threading.Event()

    def slow_build(folder: Path, outputs: list[str], **kwargs: object) -> BuildResult:
        started.set()
        release.wait(10)
        return BuildResult()

    monkeypatch.setattr(workspace, "build_folder", slow_build)
    accept = {**ORIGIN, "accept": "application/json", "x-csrf-token": TOKEN}
    assert client.post("/build", data={"pdf": "1"}, headers=accept).status_code == 202
    assert started.wait(5)
    second = client.post("/build", data={"pdf": "1"}, headers=accept)
    assert second.status_code == 409
    assert "running already" in second.json()["message"]
    release.set()
    client.app.state.workspace.wait_for_build()  # type: ignore[attr-defined]
    assert client.post("/build", data={"epub": "1"}, headers=accept).status_code == 202
    client.app.state.workspace.wait_for_build()  # type: ignore[attr-defined]


def test_failed_build_shows_its_error_and_keeps_the_previous_files(client: TestClient, folder: Path) -> None:
    previous = folder / "dist" / "no-to-the-wider-war.pdf"
    previous.parent.mkdir()
    previous.write_bytes(b"%PDF-1.7 the previous build")
    (folder / "unsourced.md").write_text("---\ntitle: No Source Here\n---\n\nA text without any source.\n")
    manifest = folder / "edition.toml"
    manifest.write_text(
        manifest.read_text().replace(
            "articles = [\n", 'require_sources = true\narticles = [\n  "unsourced.md",\n'
        )
    )
    response = _post(client, "/build", data={"pdf": "1", "imposed": "1"})
    assert response.status_code == 303
    client.app.state.workspace.wait_for_build()  # type: ignore[attr-defined]
    with client.stream("GET", "/build/events") as events:
        lines = [line for line in events.iter_lines() if line.startswith("data: ")]
    last = json.loads(lines[-1][len("data: ") :])
    assert last["done"] and last["error"]
    page = client.get("/build").text
    assert "The build failed: unsourced.md: no source recorded" in page
    articles = client.get("/").text  # and next to its cause
    item = articles[articles.index('data-name="unsourced.md"') :]
    assert item.index("The build failed: unsourced.md") < item.index("</li>")
    assert str(folder) not in page
    assert previous.read_bytes() == b"%PDF-1.7 the previous build"


# --- the forms ------------------------------------------------------------------------------------


def test_paste_review_and_correct(client: TestClient, folder: Path) -> None:
    response = _post(client, "/add", data={"text": PASTED, "url": "https://example.org/depot"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = client.get("/").text
    assert "Added: depot-strike-ends-with-a-raise.md" in page
    assert "Depot Strike Ends With a Raise" in page
    order = (folder / "edition.toml").read_text(encoding="utf-8")
    assert order.rstrip().endswith('"depot-strike-ends-with-a-raise.md",\n]')
    review = client.get("/article/depot-strike-ends-with-a-raise.md").text
    assert 'value="Depot Strike Ends With a Raise"' in review
    assert "a byline" in review  # where the author came from
    assert 'value="https://example.org/depot"' in review
    response = _post(
        client, "/article/depot-strike-ends-with-a-raise.md",
        data={"title": "Depot workers win", "author": "Ana Ruiz; Bo Li", "date": "2024-02-12"},
    )  # fmt: skip
    text = (folder / "depot-strike-ends-with-a-raise.md").read_text(encoding="utf-8")
    assert "title: Depot workers win\n" in text and "- Bo Li" in text and "date: 2024-02-12" in text
    response = _post(client, "/article/depot-strike-ends-with-a-raise.md", data={"date": "12 Feb"})
    page = client.get("/article/depot-strike-ends-with-a-raise.md").text
    assert "a date is written YYYY-MM-DD" in page
    assert (folder / "depot-strike-ends-with-a-raise.md").read_text(encoding="utf-8") == text


def test_arrange_with_buttons_remove_and_put_back(client: TestClient, folder: Path) -> None:
    first, second = "us-weapons-threaten-a-wider-war.txt", "nato-escalation-in-ukraine.txt"
    _post(client, "/arrange", data={"action": "down", "name": first})
    manifest = (folder / "edition.toml").read_text(encoding="utf-8")
    assert manifest.index(second) < manifest.index(first)
    assert manifest.startswith("# The sample edition")
    _post(client, "/arrange", data={"action": "remove", "name": second})
    page = client.get("/").text
    assert "Files left out of the edition" in page and f'aria-label="Put “{second}” back' in page
    assert second not in (folder / "edition.toml").read_text(encoding="utf-8")
    assert (folder / second).is_file()
    _post(client, "/arrange", data={"action": "putback", "name": second})
    assert second in (folder / "edition.toml").read_text(encoding="utf-8")


def test_edition_data_and_print_settings(client: TestClient, folder: Path) -> None:
    _post(
        client, "/edition",
        data={"title": "Bulletin 7", "subtitle": "", "editor": "The Committee", "date": "2024-07-01",
              "paper": "A4", "font_size": "11", "impose": "zine", "duplex": "long", "marks": "1",
              "style": "default"},
    )  # fmt: skip
    manifest = (folder / "edition.toml").read_text(encoding="utf-8")
    assert 'title = "Bulletin 7"' in manifest and "subtitle" not in manifest
    assert 'impose = "zine"' in manifest and "font_size = 11.0" in manifest and "marks = true" in manifest
    assert "Bulletin 7" in client.get("/edition").text
    assert "Imposed PDF for the printer (zine)" in client.get("/build").text
    _post(client, "/edition", data={"paper": "Z9"})
    assert "unknown paper size" in client.get("/edition").text
    assert (folder / "edition.toml").read_text(encoding="utf-8") == manifest


def test_a_periodical_issue_back_cover_translators_and_promos(client: TestClient, folder: Path) -> None:
    _post(
        client, "/edition",
        data={"series": "Workers Weekly", "volume": "8", "number": "22", "issue_date": "2024-06-15",
              "url": "https://example.org/weekly", "back_cover": "designed"},
    )  # fmt: skip
    manifest = (folder / "edition.toml").read_text(encoding="utf-8")
    assert 'series = "Workers Weekly"' in manifest and "volume = 8" in manifest and "number = 22" in manifest
    assert "issue_date = 2024-06-15" in manifest and 'back_cover = "designed"' in manifest
    page = client.get("/edition").text
    assert 'value="Workers Weekly"' in page and '<option value="designed" selected>' in page
    _post(client, "/edition", data={"number": "twenty-two"})
    assert "whole number" in client.get("/edition").text
    assert (folder / "edition.toml").read_text(encoding="utf-8") == manifest
    _post(client, "/add", data={"text": PASTED})
    name = "depot-strike-ends-with-a-raise.md"
    _post(client, f"/article/{name}", data={"translator": "Mia Chen", "promos": "Join the union\nSubscribe"})
    text = (folder / name).read_text(encoding="utf-8")
    assert "translator: Mia Chen" in text and "- Join the union\n- Subscribe" in text
    review = client.get(f"/article/{name}").text
    assert ">Join the union\nSubscribe</textarea>" in review


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_serve_warns_off_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--host`` other than loopback is served with a warning; the default listens on 127.0.0.1 only."""
    import uvicorn

    from editions.cli import editions_main

    seen: list[tuple[str, int]] = []

    class FakeServer:
        def __init__(self, config: uvicorn.Config) -> None:
            seen.append((config.host, config.port))
            self.started = True

        def run(self) -> None:
            return None

    monkeypatch.setattr(uvicorn, "Server", FakeServer)
    assert editions_main(["serve", str(tmp_path / "new"), "--no-browser"]) == 0
    assert seen[-1] == ("127.0.0.1", 8765)
    assert "warning" not in capsys.readouterr().err
    assert (tmp_path / "new").is_dir()
    assert (
        editions_main(["serve", str(tmp_path / "new"), "--no-browser", "--host", "0.0.0.0", "--port", "9000"])
        == 0
    )
    assert seen[-1] == ("0.0.0.0", 9000)
    assert "warning: serving on 0.0.0.0: anyone who can reach this address" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert editions_main(["serve", str(tmp_path / "file"), "--no-browser"]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert os.environ.get("EDITIONS_CACHE_DIR")


def test_the_server_ends_cleanly_on_ctrl_c(tmp_path: Path, articles_dir: Path) -> None:
    """``editions serve`` in its own process: it answers, refuses a foreign Host, and Ctrl-C ends it
    (and nothing it started) within seconds."""
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    folder = tmp_path / "edition"
    shutil.copytree(articles_dir, folder)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "editions", "serve", str(folder), "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert f"at http://127.0.0.1:{port}/" in process.stdout.readline()
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline
                time.sleep(0.1)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 421
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 130
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout
    assert not children.strip()


def test_warnings_of_an_added_article_are_shown(client: TestClient, folder: Path) -> None:
    page = (
        b"<html><head><title>A Page</title></head><body><article><h1>Housing Crisis Deepens in the City</h1>"
        b"<p>By Jo Bloggs</p><p>Rents rose again this year across the city, and tenants say they cannot keep "
        b"up with the increases any longer.</p><img src='photo.png' alt='x'><p>More text follows in another "
        b"long paragraph about the tenants union.</p></article></body></html>"
    )
    response = client.post(
        "/add", data={"csrf_token": TOKEN}, files={"files": ("page.html", page, "text/html")}, headers=ORIGIN
    )
    assert '<p class="notice warning">the page: image photo.png not copied' in response.text
    assert "Added: housing-crisis-deepens-in-the-city.md" in response.text
    review = client.get("/article/housing-crisis-deepens-in-the-city.md").text
    assert "no source recorded" in review  # the warning next to its article


def test_cover_image(client: TestClient, folder: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 90), "darkred").save(buffer, format="PNG")
    response = client.post(
        "/edition/cover",
        data={"csrf_token": TOKEN},
        files={"cover": ("../../my cover.png", buffer.getvalue(), "image/png")},
        headers=ORIGIN,
    )
    assert "Edition saved" in response.text
    assert (folder / "cover.png").is_file()
    assert 'cover = "cover.png"' in (folder / "edition.toml").read_text(encoding="utf-8")
    assert client.get("/edition/cover.img").headers["content-type"] == "image/png"
    before = _snapshot(folder)
    svg = ("x.png", b"<svg onload=alert(1)>", "image/png")
    response = client.post("/edition/cover", data={"csrf_token": TOKEN}, files={"cover": svg}, headers=ORIGIN)
    assert "x.png: cannot be used as a cover" in response.text
    assert _snapshot(folder) == before
    _post(client, "/edition/cover", data={"remove": "1"})
    assert "cover" not in (folder / "edition.toml").read_text(encoding="utf-8")
    assert client.get("/edition/cover.img").status_code == 404


def test_article_content_cannot_run_in_the_page(client: TestClient) -> None:
    page = (
        b"<html><body><article><h1>An Article With Tricks Inside It</h1><p>By Someone Sly</p>"
        b"<p>A paragraph long enough to be prose, with words and more words in it, to be an article."
        b"<script>alert('x')</script><img src='https://tracker.example/p.gif' onerror='alert(1)'>"
        b"<a href='javascript:alert(2)'>a link</a></p></article></body></html>"
    )
    client.post(
        "/add", data={"csrf_token": TOKEN}, files={"files": ("t.html", page, "text/html")}, headers=ORIGIN
    )
    review = client.get("/article/an-article-with-tricks-inside-it.md")
    assert review.status_code == 200
    html = review.text.lower()
    assert "alert(" not in html.replace("&#39;", "'").split("<details>")[0]
    assert "onerror" not in html and "javascript:" not in html
    assert "<script>" not in html.replace('<script src="/static/', "")
    assert "img-src 'self' data:" in review.headers["content-security-policy"]  # no tracker either


def test_every_word_shown_is_in_the_strings_module() -> None:
    """Templates hold markup and keys, no words: a translation is one mapping (editions.web.strings)."""
    import re

    from editions.web.app import HERE
    from editions.web.strings import STRINGS

    used: set[str] = set()
    for template in (HERE / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"T\.(\w+)", text)) | set(re.findall(r"""\bt\(["'](\w+)["']""", text))
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]*>", " ", text, flags=re.S)
        assert not re.findall(r"[A-Za-z]{2,}", bare), template.name
    assert used <= set(STRINGS)
