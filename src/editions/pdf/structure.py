"""Tags in a build in parts: the parts' structure trees in (pypdf objects), the book's one tree out (pydyf).

In: the front matter's and each body part's PDF, as WeasyPrint tags them (a ``/StructTreeRoot``
whose ``/Document`` element holds, page by page, the elements of the page's boxes; marked content
``/MCID`` numbered per page; a ``/ParentTree`` number tree from each page's ``/StructParents``
and each link annotation's ``/StructParent`` to its elements), the book's pages made from them
and the annotations copied. Out (:class:`StructureMerge`): one ``/StructTreeRoot`` whose
``/Document`` holds the parts' elements in the book's order (the reading order: front matter,
then the articles, then the back matter), every ``/Pg`` pointing at the book's page, one
``/ParentTree`` keyed by the book's pages (``/StructParents`` = the page's index) and then by the
annotations (``/StructParent``), element ``/ID`` strings (table headers, and the ``/Headers`` of
the cells that point at them) made unique across parts, the ``/RoleMap`` entries of every part,
figure boxes moved sideways with their page, and an ``/IDTree`` of the ids (:func:`add_id_tree`).
The page furniture (skeletons) is not tagged: the merge draws it as an artifact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pydyf

from .objects import number as pdf_number


class StructureMerge:
    """Collects the structure trees of the book's sources, in book order, into one tree.

    ``add_object`` adds a new object to the book (``pydyf.PDF.add_object``); ``value`` converts
    any other pypdf value of the current source (``Converter.value``).
    """

    def __init__(self, pdf: pydyf.PDF) -> None:
        self.pdf = pdf
        self.root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
        pdf.add_object(self.root)
        self.document = pydyf.Dictionary(
            {"Type": "/StructElem", "S": "/Document", "P": self.root.reference, "K": pydyf.Array()}
        )
        pdf.add_object(self.document)
        self.root["K"] = pydyf.Array([self.document.reference])
        self.nums: list[tuple[int, Any]] = []  # (key, value) of the parent tree
        self.role_map: dict[str, Any] = {}
        self.annotation_keys = 0  # keys handed to annotations so far
        self.pending_annotations: list[tuple[pydyf.Dictionary, Any]] = []
        self.sources = 0

    def add_source(
        self,
        reader: Any,
        pages: dict[int, tuple[pydyf.Dictionary, int, float]],
        annotations: dict[int, pydyf.Dictionary],
        value: Callable[[Any], Any],
    ) -> None:
        """Add a source's tree: ``pages`` maps its page objects' numbers to (book page, book page
        index, sideways shift); ``annotations`` its annotations' numbers to the book's copies."""
        from pypdf import generic as g

        self.sources += 1
        prefix = f"s{self.sources}-"
        catalog = reader.trailer["/Root"].get_object()
        tree = catalog.get("/StructTreeRoot")
        if tree is None:
            return
        tree = tree.get_object()
        made: dict[int, pydyf.Dictionary] = {}
        annotation_elements: list[tuple[pydyf.Dictionary, Any]] = []

        def ident(text: Any) -> Any:
            return pydyf.String(prefix + str(text))

        def element(ref: Any, parent: bytes) -> bytes | None:
            source = ref.get_object()
            if not isinstance(source, g.DictionaryObject):
                return None
            number = ref.idnum if isinstance(ref, g.IndirectObject) else None
            if number is not None and number in made:
                return made[number].reference
            new = pydyf.Dictionary()
            self.pdf.add_object(new)
            if number is not None:
                made[number] = new
            on_page = pages.get(_number(source, "/Pg"))
            for key, item in source.items():
                name = str(key)[1:]
                if key in ("/K", "/P", "/Pg"):
                    continue
                if key == "/ID":
                    new["ID"] = ident(item)
                elif key == "/A":
                    new["A"] = attributes(item.get_object(), on_page)
                else:
                    new[name] = value(item)
            new["P"] = parent
            if on_page is not None:
                new["Pg"] = on_page[0].reference
            kids = source.get("/K")
            if kids is not None:
                kids = kids.get_object()
                items = list(kids) if isinstance(kids, g.ArrayObject) else [kids]
                out = pydyf.Array()
                for kid in items:
                    converted = child(kid, new)
                    if converted is not None:
                        out.append(converted)
                new["K"] = out
            return new.reference

        def attributes(source: Any, on_page: tuple[pydyf.Dictionary, int, float] | None) -> Any:
            if isinstance(source, g.ArrayObject):
                return pydyf.Array([attributes(item.get_object(), on_page) for item in source])
            if not isinstance(source, g.DictionaryObject):
                return value(source)
            out = pydyf.Dictionary()
            for key, item in source.items():
                if key == "/Headers":
                    out["Headers"] = pydyf.Array([ident(header) for header in item.get_object()])
                elif key == "/BBox" and on_page is not None and on_page[2]:
                    box = [float(v) for v in item.get_object()]
                    out["BBox"] = pydyf.Array(
                        [
                            pdf_number(round(v + (on_page[2] if i % 2 == 0 else 0), 6))
                            for i, v in enumerate(box)
                        ]
                    )
                else:
                    out[str(key)[1:]] = value(item)
            return out

        def child(kid: Any, parent: pydyf.Dictionary) -> Any:
            if isinstance(kid, g.NumberObject):
                return int(kid)  # a marked-content id on the element's page
            resolved = kid.get_object()
            if not isinstance(resolved, g.DictionaryObject):
                return None
            kind = resolved.get("/Type")
            if kind == "/MCR":
                on_page = pages.get(_number(resolved, "/Pg"))
                reference = pydyf.Dictionary({"Type": "/MCR", "MCID": int(cast(Any, resolved["/MCID"]))})
                if on_page is not None:
                    reference["Pg"] = on_page[0].reference
                return reference
            if kind == "/OBJR":
                annotation = annotations.get(_number(resolved, "/Obj"))
                if annotation is None:
                    return None
                on_page = pages.get(_number(resolved, "/Pg"))
                reference = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference})
                if on_page is not None:
                    reference["Pg"] = on_page[0].reference
                self.pdf.add_object(reference)
                annotation_elements.append((annotation, parent))
                return reference.reference
            return element(kid, parent.reference)

        # The top of the tree: the children of its /Document (or of the root, if it has no Document).
        top = tree.get("/K")
        top = top.get_object() if top is not None else g.ArrayObject()
        tops = list(top) if isinstance(top, g.ArrayObject) else [top]
        if len(tops) == 1 and tops[0].get_object().get("/S") == "/Document":
            inner = tops[0].get_object().get("/K")
            inner = inner.get_object() if inner is not None else g.ArrayObject()
            tops = list(inner) if isinstance(inner, g.ArrayObject) else [inner]
        for kid in tops:
            converted = element(kid, self.document.reference)
            if converted is not None:
                self.document["K"].append(converted)

        # The parent tree: each page's marked content, by the page's new key (its index in the book).
        by_key = {
            int(page["/StructParents"]): page.indirect_reference.idnum
            for page in reader.pages
            if "/StructParents" in page and page.indirect_reference is not None
        }
        for key, entry in _number_tree(tree.get("/ParentTree")):
            entry = entry.get_object()
            book_page = pages.get(by_key.get(key, -1))
            if not isinstance(entry, g.ArrayObject) or book_page is None:
                continue  # an annotation's (numbered again below), or a page left out of the book
            refs = pydyf.Array()
            for item in entry:
                converted = None if isinstance(item, g.NullObject) else element(item, self.document.reference)
                refs.append(converted if converted is not None else "null")
            book_page[0]["StructParents"] = book_page[1]
            book_page[0]["Tabs"] = "/S"
            self.nums.append((book_page[1], refs))
        self.pending_annotations.extend(annotation_elements)
        roles = tree.get("/RoleMap")
        if roles is not None:
            for key, item in roles.get_object().items():
                self.role_map.setdefault(str(key)[1:], value(item))

    def finish(self, catalog: pydyf.Dictionary, pages: int) -> None:
        """Write the parent tree (annotations numbered after the ``pages``), put the tree in ``catalog``."""
        for number, (annotation, parent) in enumerate(self.pending_annotations, start=pages):
            annotation["StructParent"] = number
            self.nums.append((number, parent.reference))
        tree = pydyf.Array()
        for key, item in sorted(self.nums, key=lambda n: n[0]):
            tree.append(key)
            tree.append(item)
        parent_tree = pydyf.Dictionary({"Nums": tree})
        self.pdf.add_object(parent_tree)
        self.root["ParentTree"] = parent_tree.reference
        self.root["ParentTreeNextKey"] = pages + len(self.pending_annotations)
        if self.role_map:
            self.root["RoleMap"] = pydyf.Dictionary(dict(sorted(self.role_map.items())))
        add_id_tree(self.pdf, self.root)
        catalog["StructTreeRoot"] = self.root.reference
        catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})


def add_id_tree(pdf: pydyf.PDF, root: pydyf.Dictionary | None = None) -> None:
    """Give the structure tree the ``/IDTree`` its elements' ``/ID`` need (WeasyPrint 70 writes the
    ids of table headers but no tree of them); ``root``: the ``/StructTreeRoot`` (found if not given)."""
    found: list[tuple[str, bytes]] = []
    for item in pdf.objects:
        if not isinstance(item, pydyf.Dictionary):
            continue
        if root is None and item.get("Type") == "/StructTreeRoot":
            root = item
        ident = item.get("ID")
        if item.get("Type") == "/StructElem" and isinstance(ident, pydyf.String):
            found.append((str(ident.string), item.reference))
    if root is None or not found:
        return
    names = pydyf.Array()
    for ident, reference in sorted(found):
        names.extend([pydyf.String(ident), reference])
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    root["IDTree"] = tree.reference


def _number(dictionary: Any, key: str) -> int:
    """The object number of an indirect entry of a dictionary (-1 if it has none)."""
    if key not in dictionary:
        return -1
    raw = dictionary.raw_get(key)
    return int(raw.idnum) if hasattr(raw, "idnum") else -1


def _number_tree(node: Any) -> list[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree (its ``/Nums`` and its ``/Kids``')."""
    if node is None:
        return []
    node = node.get_object()
    found: list[tuple[int, Any]] = []
    nums = node.get("/Nums")
    if nums is not None:
        nums = list(nums.get_object())
        found.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
    for kid in node.get("/Kids") or []:
        found.extend(_number_tree(kid))
    return found


def has_tags(reader: Any) -> bool:
    """Whether a PDF (a pypdf reader) has a structure tree."""
    return "/StructTreeRoot" in reader.trailer["/Root"].get_object()
