"""The book's fonts: the font programs of every rendered part in, one program per face out.

In: the PDFs of the parts (read by pypdf) and the style's font files (the originals of the
subsets WeasyPrint embedded). Out: for the merge (:mod:`editions.pdf.merge`), one font program per
font file for the whole book and, per font, one font dictionary (:class:`FontPlan`).
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pydyf

from .weasyfix import font_objects, read_font, unicode_map

#: The suffixes of the font files a style's CSS may point at (the originals of the embedded subsets).
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


class FontPlan:
    """Gathers the fonts of every part, then makes one program per font file and, per font, one dictionary.

    WeasyPrint positions glyphs relative to the widths it writes (the first it measured for a glyph),
    which may differ by a unit between documents at different text sizes: a document whose widths
    disagree with the shared ones keeps a dictionary of its own (with the shared program).
    """

    def __init__(self, candidates: Sequence[Path]) -> None:
        self.candidates = [p for p in candidates if p.suffix.lower() in FONT_SUFFIXES]
        self.fonts: dict[str, dict[str, Any]] = {}
        self._names: dict[Path, tuple[str, ...] | None] = {}
        self.unified: dict[tuple[int, str], Any] = {}  # (source, name) -> font reference
        self.streams: dict[Path, Any] = {}  # original file -> its program's stream in the book
        self.source = 0

    def gather(self, reader: Any, source: int) -> None:
        """Record the widths, Unicode maps and programs of a reader's fonts (WeasyPrint's Type 0 fonts)."""
        from pypdf.generic import DictionaryObject

        seen: set[int] = set()
        for page in reader.pages:
            resources = page.get("/Resources")
            if resources is None:
                continue
            fonts = resources.get_object().get("/Font")
            if fonts is None:
                continue
            fonts = fonts.get_object()
            if id(fonts) in seen:
                continue
            seen.add(id(fonts))
            for name, ref in fonts.items():
                font = ref.get_object()
                if not isinstance(font, DictionaryObject):
                    continue
                self._gather_font(str(name)[1:], font, source)

    def _gather_font(self, name: str, font: Any, source: int) -> None:
        record = self.fonts.setdefault(
            name, {"ok": True, "widths": {}, "unicode": {}, "instances": 0, "variants": {}}
        )
        record["instances"] += 1
        try:
            embedded = read_font(font)
            if record.get("base", embedded.base) != embedded.base:
                raise ValueError("two fonts under one name")
            record["base"] = embedded.base
            if "descriptor" not in record:
                record["descriptor"] = embedded.descriptor_entries()
                record["program"] = embedded.program()
            widths = embedded.widths()
            shared = record["widths"]
            if all(shared.get(glyph, width) == width for glyph, width in widths.items()):
                shared.update(widths)
            else:
                record["variants"][source] = widths
            record["unicode"].update(unicode_map(font))
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            record["ok"] = False
            record["why"] = str(exc)

    def _fingerprint(self, data: bytes) -> tuple[str, ...] | None:
        from fontTools.ttLib import TTFont

        try:
            font = TTFont(io.BytesIO(data), lazy=True)
            names = font["name"]
            found = [str(names.getDebugName(i) or "") for i in (1, 2, 5, 6)]
            return (*found, str(font["head"].unitsPerEm))
        except Exception:  # a font we cannot read is a font we leave alone
            return None

    def _original(self, program: bytes) -> Path | None:
        wanted = self._fingerprint(program)
        if wanted is None:
            return None
        matches = []
        for path in self.candidates:
            if path not in self._names:
                try:
                    self._names[path] = self._fingerprint(path.read_bytes())
                except OSError:
                    self._names[path] = None
            if self._names[path] == wanted:
                matches.append(path)
        return matches[0] if len(matches) == 1 else None

    def subsets(self) -> list[tuple[Path, list[int]]]:
        """The original files to subset, with the union of glyph ids used from each."""
        by_file: dict[Path, set[int]] = {}
        for record in self.fonts.values():
            if not record["ok"]:
                continue
            original = self._original(record["program"])
            if original is None:
                record["ok"] = False
                continue
            record["file"] = original
            by_file.setdefault(original, set()).update(record["widths"])
            for widths in record["variants"].values():
                by_file[original].update(widths)
        return [(path, sorted(gids)) for path, gids in sorted(by_file.items())]

    def build(self, pdf: pydyf.PDF, files: Collection[Path]) -> None:
        """Add one Type 0 font per unified font name, and one program per original file (of ``files``,
        those :meth:`subsets` names), to ``pdf``; the programs' data comes with :meth:`fill` (the
        subsets are made meanwhile)."""
        streams = self.streams
        for name in sorted(self.fonts):
            record = self.fonts[name]
            if not record["ok"] or record.get("file") not in files:
                continue
            path = record["file"]
            if path not in streams:
                stream = pydyf.Stream([], pydyf.Dictionary({"Length1": 0}), compress=True)
                pdf.add_object(stream)
                streams[path] = stream
            shared = font_objects(pdf, record, streams[path].reference)
            self.unified[(-1, name)] = shared
            for source, widths in sorted(record["variants"].items()):
                self.unified[(source, name)] = font_objects(
                    pdf, dict(record, widths=widths), streams[path].reference
                )

    def fill(self, programs: dict[Path, bytes]) -> None:
        """The subset font programs of the files :meth:`build` made a place for."""
        for path, stream in self.streams.items():
            data = programs[path]
            stream.stream = [data]
            stream.extra["Length1"] = len(data)

    def font(self, source: int, name: str) -> Any:
        """The book's font for a font name of a source document (None: copy the document's own)."""
        return self.unified.get((source, name), self.unified.get((-1, name)))
