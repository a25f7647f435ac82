"""Tagged PDFs (issue 14 item 8): the structure tree, read back with pypdf, for a single render and a
build in parts (:mod:`editions.pdf.structure`), its reading order, language and marks, PDF/A, dates.

The tree is walked from ``/StructTreeRoot``; each piece of marked content (a page's ``/MCID``) is
given its text by following the page's content stream, so the tree's text in tree order can be
compared with the edition's reading order, and the tree of a build in parts with the tree of the
same edition rendered in one piece.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

from test_pdf import EPOCH, write_long_edition

DATA = Path(__file__).parent / "data"
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")


@dataclass
class Tree:
    reader: PdfReader
    roles: list[str] = field(default_factory=list)  # every element's role, depth first
    elements: list[tuple[str, str, Any]] = field(default_factory=list)  # (role, text, alt) depth first
    text: str = ""  # the marked content's text in tree order
    reached: set[int] = field(default_factory=set)  # the element objects reached from the root
    mcids: dict[int, list[int]] = field(default_factory=dict)  # page -> MCIDs reached, in tree order
    headers: list[str] = field(default_factory=list)  # the ids table cells point at


def marked_text(reader: PdfReader) -> dict[tuple[int, int], str]:
    """The text of every piece of marked content: (page index, MCID) -> text; the text of a page's
    artifacts under (page index, -1)."""
    found: dict[tuple[int, int], str] = {}
    for number, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(operator: bytes, operands: list, cm: Any, tm: Any, stack: list = stack) -> None:
            if operator == b"BDC":
                props = operands[1] if len(operands) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, dict) else None
                stack.append(int(mcid) if mcid is not None else None)
            elif operator == b"BMC":
                stack.append(-1 if operands and operands[0] == "/Artifact" else None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(
            piece: str, cm: Any, tm: Any, font: Any, size: Any, stack: list = stack, number: int = number
        ) -> None:
            current = next((m for m in reversed(stack) if m is not None), None)
            if current is not None:
                key = (number, current)
                found[key] = found.get(key, "") + piece

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def read_tree(path: Path) -> Tree:
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    texts = marked_text(reader)
    tree = Tree(reader)
    pieces: list[str] = []

    def walk(ref: Any, page: int | None) -> str:
        element = ref.get_object()
        if isinstance(ref, IndirectObject):
            tree.reached.add(ref.idnum)
        if "/Pg" in element:
            page = pages[element.raw_get("/Pg").idnum]
        role = str(element["/S"])[1:]
        tree.roles.append(role)
        index = len(tree.elements)
        tree.elements.append((role, "", element.get("/Alt")))
        attributes = element.get("/A")
        if attributes is not None and "/Headers" in attributes.get_object():
            tree.headers.extend(str(h) for h in attributes.get_object()["/Headers"])
        kids = element.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [] if kids is None else [kids]
        own = ""
        for kid in kids:
            resolved = kid.get_object()
            if isinstance(resolved, NumberObject):
                assert page is not None
                tree.mcids.setdefault(page, []).append(int(resolved))
                piece = texts.get((page, int(resolved)), "")
                pieces.append(piece)
                own += piece
            elif isinstance(resolved, DictionaryObject) and resolved.get("/Type") == "/MCR":
                mcr_page = pages[resolved.raw_get("/Pg").idnum] if "/Pg" in resolved else page
                assert mcr_page is not None
                tree.mcids.setdefault(mcr_page, []).append(int(resolved["/MCID"]))
                piece = texts.get((mcr_page, int(resolved["/MCID"])), "")
                pieces.append(piece)
                own += piece
            elif isinstance(resolved, DictionaryObject) and resolved.get("/Type") == "/OBJR":
                continue
            else:
                own += walk(kid, page)
        tree.elements[index] = (role, own, element.get("/Alt"))
        return own

    structure = root["/StructTreeRoot"]
    kids = structure["/K"]
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        walk(kid, None)
    tree.text = "".join(pieces)
    return tree


def parent_tree(reader: PdfReader) -> dict[int, Any]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def id_tree(reader: PdfReader) -> dict[str, Any]:
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get("/IDTree")
    if tree is None:
        return {}
    names = tree.get_object()["/Names"]
    return {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}


def content_mcids(page: Any) -> list[int]:
    return [int(m) for m in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())]


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u00ad-]+", "", text)


def build(source: Path, out: Path, **options: Any) -> Path:
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        make_pdf(load_edition([source]), out, **options)
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tagged")


@pytest.fixture(scope="module")
def small(workdir: Path) -> Path:
    """The test edition with footnotes, a figure with alt text, a table, lists, in one render."""
    return build(DATA / "pdf", workdir / "small.pdf")


@pytest.fixture(scope="module")
def long_edition(workdir: Path) -> Path:
    return write_long_edition(workdir / "sixteen", 16, seed=5)


@pytest.fixture(scope="module")
def whole(workdir: Path, long_edition: Path) -> Path:
    return build(long_edition, workdir / "whole.pdf", parallel=False)


@pytest.fixture(scope="module")
def in_parts(workdir: Path, long_edition: Path) -> Path:
    return build(long_edition, workdir / "parts.pdf", jobs=2, cache_dir=workdir / "cache")


def check_marked(path: Path) -> Tree:
    """The document is marked, has a language, shows its title, and every page's marked content is
    reachable from the parent tree and from the root (no orphan elements, no MCID twice)."""
    tree = read_tree(path)
    reader = tree.reader
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert str(root["/Lang"]) == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    parents = parent_tree(reader)
    keys = set()
    for number, page in enumerate(reader.pages):
        mcids = content_mcids(page)
        if not mcids:
            continue
        key = int(page["/StructParents"])
        assert key not in keys
        keys.add(key)
        entry = parents[key].get_object()
        assert len(entry) == len(mcids) and sorted(mcids) == list(range(len(mcids)))
        for mcid in mcids:
            element = entry[mcid]
            assert element.idnum in tree.reached, (number, mcid)
        assert sorted(tree.mcids[number]) == sorted(mcids), number
        assert page["/Tabs"] == "/S"
    links = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            links += 1
            # Every link is in the tree, within a Link element (WeasyPrint gives each box inside an
            # <a> an annotation of its own), with a description.
            parent = parents[int(annot["/StructParent"])]
            assert parent.idnum in tree.reached
            roles, element = [], parent.get_object()
            while "/P" in element and element["/S"] != "/Document":
                roles.append(element["/S"])
                element = element["/P"].get_object()
            assert "/Link" in roles
            assert str(annot["/Contents"]).strip()
            assert not str(annot.get("/A", {}).get("/URI", "")).startswith("editions-")
    assert links
    return tree


# --- a single render -------------------------------------------------------------------------------


def test_a_small_edition_is_tagged_with_its_structure(small: Path) -> None:
    tree = check_marked(small)
    roles = set(tree.roles)
    assert {
        "Document",
        "H1",
        "H2",
        "P",
        "L",
        "LI",
        "Table",
        "TR",
        "TH",
        "TD",
        "Figure",
        "Note",
        "Link",
    } <= roles
    ids = id_tree(tree.reader)
    assert ids and all(ident.get_object()["/S"] == "/TH" for ident in ids.values())
    assert tree.headers and set(tree.headers) <= set(ids)
    alts = [str(alt) for role, _, alt in tree.elements if role == "Figure" and alt]
    assert "The four groups of the night shift, and the line that joined them" in alts
    notes = [text for role, text, _ in tree.elements if role == "Note"]
    assert len(notes) == 5 and all(text.strip() for text in notes)


def test_running_heads_and_folios_are_artifacts(small: Path) -> None:
    """Each body page's folio and running head are drawn as artifacts, and the tree's text of the
    page is the page's text without them."""
    reader = PdfReader(small)
    texts = marked_text(reader)
    checked = 0
    for number in range(3, len(reader.pages) - 1):
        artifacts = texts.get((number, -1), "").split()
        if not artifacts:
            continue
        checked += 1
        assert str(number + 1) in artifacts  # the folio
        content = "".join(text for (page, mcid), text in texts.items() if page == number and mcid >= 0)
        assert squeeze(content + " ".join(artifacts)).__len__() == len(
            squeeze(reader.pages[number].extract_text())
        )
    assert checked >= 3


def test_the_tree_reads_in_the_edition_order(small: Path) -> None:
    tree = read_tree(small)
    headings = [squeeze(text) for role, text, _ in tree.elements if role == "H1" and text.strip()]
    titles = [squeeze(line) for line in ("Apergia", "Organising", "Zabastovka")]
    found = [
        next((i for i, h in enumerate(headings) if h.lower().startswith(t.lower()[:6])), -1) for t in titles
    ]
    assert found == sorted(found)


# --- a build in parts ----------------------------------------------------------------------------


def test_a_build_in_parts_is_tagged_as_one_tree(in_parts: Path) -> None:
    tree = check_marked(in_parts)
    assert tree.roles.count("Document") == 1
    assert {"H1", "P", "Note", "Link"} <= set(tree.roles)
    figures = [alt for role, _, alt in tree.elements if role == "Figure"]
    assert figures and all(str(alt or "").startswith("http") for alt in figures)  # the Sources' QR codes


def test_the_parts_tree_reads_as_the_whole_render(whole: Path, in_parts: Path) -> None:
    """Same roles in the same order, and the same text in the same order, as one render's tree."""
    one, parts = read_tree(whole), read_tree(in_parts)
    assert [r for r in parts.roles] == [r for r in one.roles]
    assert squeeze(parts.text) == squeeze(one.text)
    assert [(role, squeeze(text)) for role, text, _ in parts.elements if role.startswith("H")] == [
        (role, squeeze(text)) for role, text, _ in one.elements if role.startswith("H")
    ]


def test_reading_order_follows_the_pages(in_parts: Path) -> None:
    """Depth first, the tree visits the pages in order; its text is the pages' text in order."""
    tree = read_tree(in_parts)
    pages = sorted(tree.mcids)
    assert pages == list(range(pages[0], pages[-1] + 1))
    titles = [squeeze(text) for role, text, _ in tree.elements if role == "H1" and text.strip()]
    positions = [squeeze(tree.text).find(title) for title in titles]
    assert -1 not in positions and positions == sorted(positions)


@needs_qpdf
def test_qpdf_check_is_clean(small: Path, in_parts: Path) -> None:
    for path in (small, in_parts):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_build_in_parts_is_reproducible(workdir: Path, long_edition: Path, in_parts: Path) -> None:
    again = build(long_edition, workdir / "again.pdf", jobs=1, cache=False)
    assert again.read_bytes() == in_parts.read_bytes()


# --- dates and PDF/A ----------------------------------------------------------------------------------


def test_modified_is_never_before_created(workdir: Path) -> None:
    """An edition dated after SOURCE_DATE_EPOCH (2023-11-14): modified is moved up to created."""
    folder = workdir / "dated"
    shutil.copytree(DATA / "small", folder)
    toml = folder / "edition.toml"
    toml.write_text(re.sub(r"(?m)^date = .*\n", "", toml.read_text()) + "date = 2024-05-01\n")
    info = PdfReader(build(folder, workdir / "dated.pdf")).metadata
    assert info is not None
    assert str(info["/CreationDate"]).startswith("D:20240501")
    assert str(info["/ModDate"]) >= str(info["/CreationDate"])


def test_archive_is_pdf_a(workdir: Path, long_edition: Path) -> None:
    for path in (
        build(DATA / "pdf", workdir / "archive.pdf", archive=True),
        build(long_edition, workdir / "archive-parts.pdf", archive=True, jobs=2, cache=False),
    ):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert "/OutputIntents" in root
        xmp = root["/Metadata"].get_object().get_data()
        assert b"pdfaid:part" in xmp and b"2" in xmp
        assert "/StructTreeRoot" in root
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                assert int(annot.get_object()["/F"]) == 4
