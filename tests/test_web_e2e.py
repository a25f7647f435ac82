"""``editions serve`` in a real browser: headless Chromium (Debian's, driven by Playwright) goes from a
pasted article to a downloaded booklet, and the booklet is read back with pypdf and pdftotext.

Screenshots of the way are written to ``$EDITIONS_SCREENSHOTS`` when set (the README's pictures
come from there), else to the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PASTED = """\
Labour
The Organizer
Depot Strike Ends With a Raise
By Ana Ruiz
After nine days on the picket line, the workers at the bus depot won a raise of two dollars an \
hour, and the union says it will not stop there.

The strike began when the company refused to open its books. Drivers and mechanics walked out \
together, and the picket held through two nights of rain.

"We learned that we are stronger when we stand together," said one of the mechanics, who has \
worked at the depot for eleven years.
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, articles_dir: Path) -> Iterator[tuple[str, Path]]:
    """The sample edition, copied, served by uvicorn in a thread of this process."""
    import uvicorn

    from editions.web.app import create_app

    folder = tmp_path / "edition"
    shutil.copytree(articles_dir, folder)
    port = _free_port()
    app = create_app(folder, host="127.0.0.1", port=port)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", folder
    server.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is needed for the browser tests (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("EDITIONS_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _order(page: object) -> list[str]:
    return page.eval_on_selector_all("#article-list > li", "els => els.map(e => e.dataset.name)")  # type: ignore[attr-defined]


def test_paste_correct_reorder_build_download(
    served: tuple[str, Path], browser: object, tmp_path: Path
) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    url, folder = served
    shots = _shots(tmp_path)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # 1. Paste an article with the page's address.
    page.goto(url + "/")
    expect(page.locator("#article-list > li")).to_have_count(2)
    page.get_by_label("Text of the article").fill(PASTED)
    page.get_by_label("Address of the page").fill("https://example.org/depot-strike")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".notice.done")).to_contain_text("Added")
    expect(page.locator("#article-list > li")).to_have_count(3)
    added = _order(page)[-1]
    assert added.endswith(".md") and (folder / added).is_file()
    page.screenshot(path=str(shots / "serve-articles.png"))

    # 2. Review it: the detected fields say where they came from; correct the title.
    page.get_by_role("link", name="Depot Strike Ends With a Raise").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Depot Strike Ends With a Raise")
    expect(page.get_by_label("Address of the original (URL)")).to_have_value(
        "https://example.org/depot-strike"
    )
    expect(page.locator(".preview")).to_contain_text("nine days on the picket line")
    page.screenshot(path=str(shots / "serve-review.png"), full_page=False)
    page.get_by_label("Title", exact=True).fill("Depot workers win their raise")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice.done")).to_contain_text("Saved")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Depot workers win their raise")
    assert "title: Depot workers win their raise" in (folder / added).read_text(encoding="utf-8")

    # 3. Reorder with the keyboard: focus the new article's Up button and press Enter, twice.
    page.goto(url + "/")
    up = page.get_by_role("button", name="Move “Depot workers win their raise” up")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#article-list > li").nth(1)).to_have_attribute("data-name", added)
    expect(page.get_by_role("button", name="Move “Depot workers win their raise” up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#article-list > li").first).to_have_attribute("data-name", added)
    assert _order(page)[0] == added

    # … and by dragging: the last article onto the first.
    last = _order(page)[-1]
    with page.expect_navigation():  # the new order is saved, then the page reloads
        page.drag_and_drop(
            "#article-list > li:last-child",
            "#article-list > li:first-child",
            target_position={"x": 20, "y": 5},
        )
    expect(page.locator("#article-list > li").first).to_have_attribute("data-name", last)
    assert _order(page)[:2] == [last, added]
    manifest = (folder / "edition.toml").read_text(encoding="utf-8")
    assert manifest.index(last) < manifest.index(added)
    assert manifest.startswith("# The sample edition")  # comments kept

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"
    page.screenshot(path=str(shots / "serve-phone.png"))
    page.set_viewport_size({"width": 1100, "height": 900})

    # 4. Build the booklet: the progress bar shows, then thumbnails and downloads.
    page.goto(url + "/build")
    page.get_by_label("EPUB for e-readers").uncheck()
    page.get_by_role("button", name="Build", exact=True).click()
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#build-done")).to_be_visible(timeout=120_000)
    expect(page.locator("ol.thumbs img").first).to_be_visible()
    assert page.eval_on_selector("ol.thumbs img", "img => img.naturalWidth") > 100
    expect(page.locator("pre.note")).to_contain_text("Booklet")
    page.screenshot(path=str(shots / "serve-build.png"))
    page.get_by_role("heading", name="Pages").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, document.querySelector('ol.thumbs').getBoundingClientRect().top - 60)")
    expect(page.locator("ol.sheets img").first).to_be_visible()
    page.wait_for_function(
        "[...document.querySelectorAll('ol.thumbs img')].slice(0, 6).every(i => i.complete)"
    )
    page.screenshot(path=str(shots / "serve-thumbnails.png"))

    # 5. Download the booklet and read it.
    with page.expect_download() as info:
        page.get_by_role("link", name="no-to-the-wider-war-booklet.pdf").click()
    target = tmp_path / "booklet.pdf"
    info.value.save_as(target)
    reader = PdfReader(target)
    width_pt, height_pt = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert width_pt > height_pt  # sheets: two A5 pages side by side on A4 landscape
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Depot workers win their raise" in " ".join(text.split())
    assert "The Organizer" in text or "example.org" in text
    assert not errors, errors
    context.close()
