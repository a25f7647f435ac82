"""The style's fonts: a style in, its bundled fonts (with their licences) out, and for
``--embed-fonts`` the ``@font-face`` rules and font files the book's text needs."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..styles import Style
from .files import Document, Resource

FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


@dataclass(frozen=True)
class _Font:
    path: Path
    family: str
    weight: int
    italic: bool
    licence: Path | None


def bundled_fonts(style: Style) -> list[_Font]:
    """The fonts in ``fonts/`` of the first style in the chain that has any: text family first, mono last."""
    from PIL import ImageFont

    for folder in style.folders:
        fonts_dir = folder / "fonts"
        if not fonts_dir.is_dir():
            continue
        found = []
        for path in sorted(fonts_dir.iterdir()):
            if path.suffix.lower() not in FONT_TYPES:
                continue
            try:
                family, style_name = ImageFont.truetype(str(path), 12).getname()
            except OSError:
                continue
            lower = (style_name or "").lower()
            weight = 700 if "bold" in lower and "semi" not in lower else 400
            italic = "italic" in lower or "oblique" in lower
            found.append(_Font(path, family or path.stem, weight, italic, _licence_for(path, family or "")))
        if found:
            mono = [f for f in found if "mono" in f.family.lower()]
            text = [f for f in found if f not in mono]
            return text + mono
    return []


def _licence_for(path: Path, family: str) -> Path | None:
    folder = path.parent
    compact = family.replace(" ", "").lower()
    for candidate in sorted(folder.iterdir()):
        if candidate.suffix.lower() in (".txt", ".md") and candidate.is_file():
            stem = candidate.stem.lower()
            if compact and compact in stem.replace("-", "").replace("_", ""):
                return candidate
    for name in ("OFL.txt", "LICENSE.txt", "LICENSE"):
        if (folder / name).is_file():
            return folder / name
    return None


def font_css(fonts: list[_Font], css: str, documents: Sequence[Document]) -> tuple[str, list[Resource]]:
    """``@font-face`` rules for the fonts the book needs, and the font files (unmodified) with their licences.

    The fonts are packed whole: subsetting an OFL font with Reserved Font Names would make a Modified
    Version that may not keep its name. Monospaced fonts are packed only when the text has code, and
    the families for other scripts (Arabic, Hebrew) only when the text has letters only they have;
    those come after the text family in the body's font list.
    """
    text_family = fonts[0].family
    has_code = any(re.search(rb"<(code|pre|kbd|samp)[\s>]", d.content) for d in documents)
    text_chars = {ord(ch) for d in documents for ch in d.content.decode("utf-8") if ord(ch) > 0x7F}
    text_font = codepoints(fonts[0].path)
    script_families = [
        f.family
        for f in fonts
        if f.family != text_family
        and "mono" not in f.family.lower()
        and any(c in codepoints(f.path) and c not in text_font for c in text_chars)
    ]
    chosen = [
        f
        for f in fonts
        if f.family in (text_family, *script_families) or (has_code and "mono" in f.family.lower())
    ]
    resources: list[Resource] = []
    rules = []
    licences: dict[Path, None] = {}
    for font in chosen:
        name = f"fonts/{font.path.name}"
        uid = "font-" + re.sub(r"[^A-Za-z0-9]+", "-", font.path.stem).strip("-").lower()
        resources.append(Resource(name, FONT_TYPES[font.path.suffix.lower()], font.path.read_bytes(), uid))
        rules.append(
            "@font-face {\n"
            f'  font-family: "{font.family}";\n'
            f"  font-style: {'italic' if font.italic else 'normal'};\n"
            f"  font-weight: {font.weight};\n"
            f'  src: url("../{name}");\n'
            "}"
        )
        if font.licence:
            licences[font.licence] = None
    for licence in licences:
        uid = "licence-" + re.sub(r"[^A-Za-z0-9]+", "-", licence.stem).strip("-").lower()
        resources.append(Resource(f"fonts/{licence.name}", "text/plain", licence.read_bytes(), uid))
    mono = next((f.family for f in chosen if "mono" in f.family.lower()), None)
    families = "".join(f'"{family}", ' for family in dict.fromkeys([text_family, *script_families]))
    use = [f"body {{ font-family: {families}serif; }}"]
    if mono:
        use.append(f'code, pre, kbd, samp {{ font-family: "{mono}", monospace; }}')
    header = "/* Embedded fonts (make-epub --embed-fonts) */\n" + "\n".join(rules) + "\n"
    return header + css + "\n" + "\n".join(use) + "\n", resources


@functools.cache
def codepoints(path: Path | None) -> frozenset[int]:
    if path is None:
        return frozenset(range(32, 127))
    try:
        from fontTools.ttLib import TTFont

        return frozenset(TTFont(str(path), lazy=True).getBestCmap())
    except Exception:  # a font fontTools cannot read: assume it covers everything
        return frozenset(range(0x110000))
