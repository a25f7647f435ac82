"""The merge: the rendered parts in (pypdf reads them), the book's PDF out (pydyf writes it).

In: the front matter's PDF, each body part's PDF with its facts (pages, anchors, links, bookmarks)
and each skeleton's PDF (running heads and folios), with where every page lands and how far it
moves sideways (:mod:`editions.pdf.book`). Out: one PDF file, written atomically: each page one
content stream, the skeleton page's then the part's, over the union of their resources (a Form
XObject for the furniture if names clash, drawn as an artifact when the parts are tagged); the
parts' links (their internal ones made links to the book's named destinations again), the
destinations and outline rebuilt from the facts; the parts' structure trees made one
(:mod:`editions.pdf.structure`); the document information of the front matter; one font program
per face for the whole book (:class:`FontPlan`), pydyf writing the file with object streams, as
WeasyPrint.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pydyf

from ..textio import atomic_path
from .book import Book, Part, is_right
from .fontplan import FontPlan
from .objects import Direct, Hex, read_pdf, to_bytes
from .objects import name as pdf_name
from .objects import number as pdf_number
from .structure import StructureMerge, has_tags
from .weasyfix import INTERNAL_LINK, write_in_streams

if TYPE_CHECKING:  # pypdf is imported where it is used: importing this module stays cheap
    from pypdf.generic import DictionaryObject

log = logging.getLogger("editions")

# --- merging: pypdf reads the parts, pydyf writes the book ------------------------------------------------


class Converter:
    """Copies pypdf objects into a pydyf document (each indirect object once per source file)."""

    def __init__(self, pdf: pydyf.PDF, fonts: FontPlan) -> None:
        from pypdf import generic

        self.generic = generic  # (imported once, not at every value)
        self.pdf = pdf
        self.fonts = fonts
        self.memo: dict[tuple[int, int], Any] = {}
        self.source = 0
        self.objects: dict[bytes, Any] = {}
        self.merged: dict[tuple[int, int], pydyf.Dictionary | None] = {}

    def start(self, source: int) -> None:
        self.source = source

    def value(self, obj: Any) -> Any:
        g = self.generic
        if isinstance(obj, g.IndirectObject):
            key = (self.source, obj.idnum)
            if key not in self.memo:
                self.memo[key] = self._indirect(obj.get_object())
            return self.memo[key].reference
        if isinstance(obj, g.BooleanObject):
            return "true" if obj else "false"
        if isinstance(obj, g.NullObject) or obj is None:
            return "null"
        if isinstance(obj, g.NameObject):
            return pdf_name(str(obj))
        if isinstance(obj, g.FloatObject):
            return pdf_number(float(obj))
        if isinstance(obj, g.NumberObject):
            return int(obj)
        if isinstance(obj, g.ByteStringObject):
            return Hex(bytes(obj))
        if isinstance(obj, g.TextStringObject):
            return pydyf.String(str(obj))
        if isinstance(obj, g.StreamObject):
            return self._indirect(obj).reference
        if isinstance(obj, g.DictionaryObject):
            return pydyf.Dictionary({str(k)[1:]: self.value(v) for k, v in obj.items()})
        if isinstance(obj, g.ArrayObject):
            return pydyf.Array([self.value(v) for v in obj])
        raise TypeError(f"cannot copy {type(obj).__name__}")

    def _indirect(self, obj: Any) -> Any:
        g = self.generic
        if isinstance(obj, g.StreamObject):
            extra = pydyf.Dictionary({str(k)[1:]: self.value(v) for k, v in obj.items() if k != "/Length"})
            made = pydyf.Stream([obj._data], extra)
        elif isinstance(obj, g.DictionaryObject):
            made = pydyf.Dictionary({str(k)[1:]: self.value(v) for k, v in obj.items()})
        else:
            made = Direct(self.value(obj))
        self.pdf.add_object(made)
        self.objects[made.reference] = made
        return made

    def resources(self, page: Any) -> pydyf.Dictionary:
        """The page's resources (added to the document), its fonts replaced by the book's unified ones.

        Every entry but ``XObject`` becomes a reference, so that :func:`_overlay_resources` can add
        the furniture form to a copy cheaply.
        """
        raw = page.get("/Resources")
        key = (self.source, raw.idnum) if hasattr(raw, "idnum") else None
        if key is not None and key in self.memo:
            return self.memo[key]
        resources = raw.get_object() if raw is not None else {}
        made = pydyf.Dictionary()
        for k, v in resources.items():
            if k == "/Font":
                value: Any = pydyf.Dictionary()
                for name, ref in v.get_object().items():
                    unified = self.fonts.font(self.source, str(name)[1:])
                    value[str(name)[1:]] = unified if unified is not None else self.value(ref)
            else:
                value = self.value(v)
            if isinstance(value, pydyf.Dictionary) and k != "/XObject":
                self.pdf.add_object(value)
                self.objects[value.reference] = value
                value = value.reference
            made[str(k)[1:]] = value
        self.pdf.add_object(made)
        if key is not None:
            self.memo[key] = made
        return made

    def contents(self, page: Any) -> list[bytes]:
        raw = page.get("/Contents")
        if raw is None:
            return []
        resolved = raw.get_object()
        from pypdf import generic as g

        if isinstance(resolved, g.ArrayObject):
            return [self.value(item) for item in resolved]
        return [self.value(raw)]

    def union(self, first: pydyf.Dictionary, second: pydyf.Dictionary) -> pydyf.Dictionary | None:
        """Both pages' resources in one dictionary; None if a name means two different things."""
        key = (id(first), id(second))
        if key in self.merged:
            return self.merged[key]
        out = pydyf.Dictionary()
        clash = False
        for category in sorted(set(first) | set(second)):
            a, b = first.get(category), second.get(category)
            if b is None or a == b:
                out[category] = a
                continue
            if a is None:
                out[category] = b
                continue
            da, db = self._resolve(a), self._resolve(b)
            if not isinstance(da, dict) or not isinstance(db, dict):
                clash = True
                break
            combined = pydyf.Dictionary(da)
            for name, value in db.items():
                if name in combined and to_bytes(combined[name]) != to_bytes(value):
                    combined = None
                    break
                combined[name] = value
            if combined is None:
                clash = True
                break
            self.pdf.add_object(combined)
            out[category] = combined.reference
        if clash:
            self.merged[key] = None
            return None
        self.pdf.add_object(out)
        self.merged[key] = out
        return out

    def _resolve(self, value: Any) -> Any:
        return self.objects.get(value) if isinstance(value, bytes) else value

    @staticmethod
    def data(page: Any) -> bytes:
        """The page's content, decoded (its content streams joined)."""
        from pypdf import generic as g

        raw = page.get("/Contents")
        resolved = raw.get_object() if raw is not None else None
        if isinstance(resolved, g.ArrayObject):
            return b"\n".join(item.get_object().get_data() for item in resolved)
        return resolved.get_data() if resolved is not None else b""


def merge(
    book: Book,
    parts: Sequence[Part],
    groups: Sequence[Sequence[Part]],
    skeletons: dict[int, tuple[bytes, dict[str, Any]]],
    placements: Sequence[tuple[bytes, list[dict[str, Any]], list[float], int]],
    front_data: bytes,
    front_meta: dict[str, Any],
    front_pages: int,
    target: Path,
    fonts: FontPlan,
    run: Callable[[list[tuple[str, dict[str, Any]]]], list[tuple[bytes, dict[str, Any]]]],
) -> list[str]:
    """Write the book to ``target``: the front matter's pages, then each part's pages over its skeleton's
    (moved sideways by its ``placements``' shifts), one font per face (subset by ``run``, in the
    workers), the internal links pointed at the named destinations and the outline rebuilt from the
    parts' facts, the front
    matter's document information and catalogue entries (with its XMP metadata and output intent,
    for PDF/A). When the parts are tagged, their structure trees become one (see
    :mod:`editions.pdf.structure`) and the skeletons' furniture is marked as an artifact.

    Returns a key for each page of the book that changes when what the page shows may change (a
    digest of the rendered documents its content comes from, its place in them and its shift): a
    page whose key is unchanged since an earlier build looks the same (for thumbnails)."""
    front = read_pdf(front_data)
    skeleton_readers = [read_pdf(skeletons[number][0]) for number in range(len(groups))]
    bodies = [read_pdf(part.data) for part in parts]
    fonts.gather(front, 0)
    for number, reader in enumerate(skeleton_readers):
        fonts.gather(reader, 1 + number)
    for index, body in enumerate(bodies):
        fonts.gather(body, 1 + len(groups) + index)
    wanted = fonts.subsets()
    pdf = pydyf.PDF()
    fonts.build(pdf, [path for path, _ in wanted])
    # The workers subset the fonts while this process copies the pages (a thread waits for them).
    # The pages' content streams are compressed by another (zlib lets go of the interpreter).
    jobs = [("font", {"path": str(path), "gids": gids}) for path, gids in wanted]
    with concurrent.futures.ThreadPoolExecutor(2) as helpers:
        subsets = helpers.submit(run, jobs) if jobs else None
        facts = (front_data, front_meta, front_pages)
        keys = _write(book, parts, groups, skeletons, placements, *facts, pdf, fonts, helpers)
        results = subsets.result() if subsets is not None else []
    fonts.fill({path: data for (path, _), (data, _) in zip(wanted, results, strict=True)})
    with atomic_path(target) as tmp, open(tmp, "wb") as output:
        write_in_streams(pdf, output, b"1.7", identifier=True)
    return keys


def _write(
    book: Book,
    parts: Sequence[Part],
    groups: Sequence[Sequence[Part]],
    skeletons: dict[int, tuple[bytes, dict[str, Any]]],
    placements: Sequence[tuple[bytes, list[dict[str, Any]], list[float], int]],
    front_data: bytes,
    front_meta: dict[str, Any],
    front_pages: int,
    pdf: pydyf.PDF,
    fonts: FontPlan,
    helpers: concurrent.futures.Executor,
) -> list[str]:
    """Everything of :func:`merge` but the font programs, into ``pdf`` (``helpers`` compress the
    pages' content streams); the pages' keys."""
    from pypdf.generic import IndirectObject

    front = read_pdf(front_data)  # the readers merge() read (the same ones)
    skeleton_readers = [read_pdf(skeletons[number][0]) for number in range(len(groups))]
    bodies = [read_pdf(part.data) for part in parts]
    convert = Converter(pdf, fonts)
    refs: list[bytes] = []
    made_pages: list[pydyf.Dictionary] = []
    tagged = has_tags(front) and all(has_tags(body) for body in bodies)
    # Per source: its pages' object numbers -> (book page, index, shift), its annotations' -> the copies.
    source_pages: dict[int, dict[int, tuple[pydyf.Dictionary, int, float]]] = {}
    source_annotations: dict[int, dict[int, pydyf.Dictionary]] = {}
    page_facts: list[tuple[dict[str, Any], float]] = []  # (facts, shift) per book page, for links and outline
    compressed: list[tuple[pydyf.Stream, concurrent.futures.Future[bytes]]] = []
    shared: dict[str, Any] = {}
    keys: list[str] = []
    sha = {
        id(data): hashlib.sha256(data).hexdigest()
        for data in [front_data, *(d for d, _ in skeletons.values())]
    }
    sha.update({id(part.data): hashlib.sha256(part.data).hexdigest() for part in parts})

    def page_key(*facts: Any) -> str:
        return hashlib.sha256(repr(facts).encode()).hexdigest()

    def shared_stream(text: str) -> bytes:
        if text not in shared:
            stream = pydyf.Stream([text.encode()])
            pdf.add_object(stream)
            shared[text] = stream
        return shared[text].reference

    def artifact(contents: list[bytes]) -> list[bytes]:
        """Page furniture (a skeleton's page) marked as an artifact, when the book is tagged."""
        return [shared_stream("/Artifact BMC q"), *contents, shared_stream("Q EMC")] if tagged else contents

    def add_page(
        source: Any, contents: list[bytes], resources: Any, annots: list[Any], shift: float = 0.0
    ) -> None:
        page = pydyf.Dictionary({"Type": "/Page"})
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in source:
                page[box[1:]] = convert.value(source[box])
        page["Contents"] = contents[0] if len(contents) == 1 else pydyf.Array(contents)
        page["Resources"] = resources
        if annots:
            page["Annots"] = pydyf.Array(annots)
        pdf.add_page(page)
        refs.append(page.reference)
        made_pages.append(page)
        if source.indirect_reference is not None:
            mapped = source_pages.setdefault(convert.source, {})
            mapped[source.indirect_reference.idnum] = (page, len(made_pages) - 1, shift)

    anchors = {
        name
        for facts in [front_meta["pages"], *(part.meta["pages"] for part in parts)]
        for page in facts
        for name, *_ in page.get("anchors", [])
        if not name.startswith("editions-")
    }

    def annotations(source: Any, shift: float) -> list[Any]:
        made = []
        for annot in source.get("/Annots") or []:
            original = annot.get_object()
            action = original.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            convert_annot = convert.value(original)
            convert_annot.pop("StructParent", None)  # numbered again with the structure tree
            if uri.startswith(INTERNAL_LINK):  # a link inside the book (see weasyfix.page_facts)
                target = uri[len(INTERNAL_LINK) :]
                if target not in anchors:
                    log.warning("No anchor #%s for internal URI reference", target)
                    continue
                del convert_annot["A"]
                convert_annot["Dest"] = pydyf.String(target)
                if "Contents" in convert_annot:
                    convert_annot["Contents"] = pydyf.String(target)
            if isinstance(annot, IndirectObject):
                source_annotations.setdefault(convert.source, {})[annot.idnum] = convert_annot
            if shift and "Rect" in convert_annot:
                rect = convert_annot["Rect"]
                convert_annot["Rect"] = pydyf.Array(
                    [
                        pdf_number(round(float(v) + (shift if i % 2 == 0 else 0), 6))
                        for i, v in enumerate(rect)
                    ]
                )
            pdf.add_object(convert_annot)
            made.append(convert_annot.reference)
        return made

    # Front matter.
    convert.start(0)
    for number in range(front_pages):
        page = front.pages[number]
        add_page(page, convert.contents(page), convert.resources(page).reference, annotations(page, 0))
        page_facts.append((front_meta["pages"][number], 0.0))
        keys.append(page_key(sha[id(front_data)], number))
    # Parts over their skeletons.
    position = {
        id(group[0]): (number, 0 if is_right(group[0].chunk_start) else 1)
        for number, group in enumerate(groups)
    }
    cursor = 0
    group_number = -1
    for index, (part, body, (_, _, shifts, number)) in enumerate(zip(parts, bodies, placements, strict=True)):
        if number != group_number:
            group_number, cursor = position[id(groups[number][0])]
        skeleton_source = 1 + number
        body_source = 1 + len(groups) + index
        convert.start(skeleton_source)
        skeleton_pages = list(
            skeleton_readers[number].pages[cursor : cursor + part.pages + part.blank_before]
        )
        skeleton_sha, first = sha[id(skeletons[number][0])], cursor + part.blank_before
        cursor += part.pages + part.blank_before
        if part.blank_before:
            page = skeleton_pages.pop(0)
            add_page(page, artifact(convert.contents(page)), convert.resources(page).reference, [])
            page_facts.append(({"anchors": [], "bookmarks": [], "links": []}, 0.0))
            keys.append(page_key(skeleton_sha, first - 1))
        skeleton_resources = [convert.resources(page) for page in skeleton_pages]
        convert.start(body_source)
        for number_in_part, page in enumerate(body.pages):
            shift = shifts[number_in_part]
            furniture, body_resources = skeleton_pages[number_in_part], convert.resources(page)
            move = f"1 0 0 1 {pdf_number(shift)} 0 cm\n" if shift else ""
            union = convert.union(body_resources, skeleton_resources[number_in_part])
            if union is not None:
                # One content stream, as WeasyPrint writes: the furniture, then the body.
                data = b"%sq\n%s\nQ\n%sq\n%s%s\nQ\n" % (
                    b"/Artifact BMC\n" if tagged else b"",
                    convert.data(furniture),
                    b"EMC\n" if tagged else b"",
                    move.encode(),
                    convert.data(page),
                )
                stream = pydyf.Stream([], pydyf.Dictionary({"Filter": "/FlateDecode"}))
                compressed.append((stream, helpers.submit(zlib.compress, data)))
                pdf.add_object(stream)
                add_page(page, [stream.reference], union.reference, annotations(page, shift), shift)
            else:
                # Resource names that clash: the furniture as a Form XObject.
                convert.start(skeleton_source)
                form = _form(pdf, furniture, skeleton_resources[number_in_part].reference, convert)
                convert.start(body_source)
                page_resources = _overlay_resources(pdf, body_resources, form)
                furniture_mark = ("/Artifact BMC ", " EMC") if tagged else ("", "")
                contents = [
                    shared_stream(
                        f"{furniture_mark[0]}q /EditionsFurniture Do Q{furniture_mark[1]} q {move}"
                    ),
                    *convert.contents(page),
                    shared_stream("Q"),
                ]
                add_page(page, contents, page_resources, annotations(page, shift), shift)
            page_facts.append((part.meta["pages"][number_in_part], shift))
            keys.append(
                page_key(sha[id(part.data)], number_in_part, skeleton_sha, first + number_in_part, shift)
            )

    catalog = cast("DictionaryObject", front.trailer["/Root"].get_object())
    _destinations(pdf, made_pages, page_facts)
    _outline(pdf, refs, page_facts)
    info = cast("DictionaryObject", front.trailer["/Info"].get_object()) if "/Info" in front.trailer else {}
    convert.start(0)
    for key, value in info.items():
        pdf.info[str(key)[1:]] = convert.value(value)
    for key in ("/Lang", "/PageMode", "/PageLayout", "/ViewerPreferences", "/OutputIntents", "/Metadata"):
        if key in catalog:
            pdf.catalog[key[1:]] = convert.value(catalog[key])
    if tagged:
        structure = StructureMerge(pdf)
        for source, reader in [(0, front), *((1 + len(groups) + i, body) for i, body in enumerate(bodies))]:
            convert.start(source)
            structure.add_source(
                reader, source_pages.get(source, {}), source_annotations.get(source, {}), convert.value
            )
        structure.finish(pdf.catalog, len(made_pages))
    for stream, squeezed in compressed:
        stream.stream = [squeezed.result()]
    return keys


def _form(pdf: pydyf.PDF, page: Any, resources: Any, convert: Converter) -> bytes:
    """A Form XObject drawing a skeleton page (its content streams joined)."""
    from pypdf import generic as g

    raw = page.get("/Contents")
    resolved = raw.get_object() if raw is not None else None
    if isinstance(resolved, g.StreamObject):
        data, extra = (
            resolved._data,
            {str(k)[1:]: convert.value(v) for k, v in resolved.items() if k != "/Length"},
        )
    else:
        joined = b"\n".join(item.get_object().get_data() for item in (resolved or []))
        data, extra = zlib.compress(joined), {"Filter": "/FlateDecode"}
    box = page.get("/MediaBox")
    extra.update({"Type": "/XObject", "Subtype": "/Form", "BBox": convert.value(box), "Resources": resources})
    form = pydyf.Stream([data], pydyf.Dictionary(extra))
    pdf.add_object(form)
    return form.reference


def _overlay_resources(pdf: pydyf.PDF, resources: pydyf.Dictionary, form: bytes) -> bytes:
    """Page resources: the part's entries (references) and its images plus the furniture form."""
    made = pydyf.Dictionary(resources)
    xobjects = pydyf.Dictionary(resources.get("XObject") or {})
    xobjects["EditionsFurniture"] = form
    made["XObject"] = xobjects
    pdf.add_object(made)
    return made.reference


def _destinations(
    pdf: pydyf.PDF, pages: Sequence[pydyf.Dictionary], facts: Sequence[tuple[dict[str, Any], float]]
) -> None:
    """Named destinations for every anchor (the first of a name wins), which the links point at."""
    refs = [page.reference for page in pages]
    names: dict[str, Any] = {}
    for number, (page, shift) in enumerate(facts):
        for name, x, y, *_ in page.get("anchors", []):
            if name.startswith("editions-") or name in names:
                continue
            names[name] = pydyf.Array(
                [refs[number], "/XYZ", pdf_number(round(x + shift, 6)), pdf_number(y), 0]
            )
    if names:
        array = pydyf.Array()
        for name in sorted(names):
            array.append(pydyf.String(name))
            array.append(names[name])
        pdf.catalog["Names"] = pydyf.Dictionary({"Dests": pydyf.Dictionary({"Names": array})})


def _outline(pdf: pydyf.PDF, refs: Sequence[bytes], facts: Sequence[tuple[dict[str, Any], float]]) -> None:
    """The bookmarks of every page as one tree (as WeasyPrint nests them) in the document outline."""
    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for number, (page, shift) in enumerate(facts):
        for level, label, x, y, state in page.get("bookmarks", []):
            if level > previous:
                skipped.append(level - previous - 1)
            else:
                temp = level
                while temp < previous:
                    temp += 1 + skipped.pop()
                if temp > previous:
                    skipped.append(temp - previous - 1)
            previous = level
            depth = level - sum(skipped)
            children: list[Any] = []
            last_by_depth[depth - 1].append((label, (number, x + shift, y), children, state))
            del last_by_depth[depth:]
            last_by_depth.append(children)
    if root:
        _add_outlines(pdf, refs, root)


def _add_outlines(
    pdf: pydyf.PDF, refs: Sequence[bytes], bookmarks: list[Any], parent: Any = None
) -> tuple[list[Any], int]:
    count = len(bookmarks)
    outlines: list[Any] = []
    for title, (page, x, y), children, state in bookmarks:
        destination = pydyf.Array((refs[page], "/XYZ", pdf_number(round(x, 6)), pdf_number(round(y, 6)), 0))
        outline = pydyf.Dictionary({"Title": pydyf.String(title), "Dest": destination})
        pdf.add_object(outline)
        children_outlines, children_count = _add_outlines(pdf, refs, children, parent=outline)
        outline["Count"] = children_count
        if state == "closed":
            outline["Count"] *= -1
        else:
            count += children_count
        if outlines:
            outline["Prev"] = outlines[-1].reference
            outlines[-1]["Next"] = outline.reference
        if children_outlines:
            outline["First"] = children_outlines[0].reference
            outline["Last"] = children_outlines[-1].reference
        if parent is not None:
            outline["Parent"] = parent.reference
        outlines.append(outline)
    if parent is None and outlines:
        dictionary = pydyf.Dictionary(
            {"Count": count, "First": outlines[0].reference, "Last": outlines[-1].reference}
        )
        pdf.add_object(dictionary)
        for outline in outlines:
            outline["Parent"] = dictionary.reference
        pdf.catalog["Outlines"] = dictionary.reference
    return outlines, count
