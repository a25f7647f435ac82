"""The print HTML: an edition, a style and print options in; the complete HTML WeasyPrint renders out.

It is the same template as the HTML edition (``medium="print"``) with, around the style's print
CSS, two generated blocks: the page geometry (paper size, margins wider on the binding side, a
body size and measure suited to the paper, from :mod:`editions.paper`) *before* the style's CSS,
so a style may change it, and the user's explicit choices (``--paper``, ``--font-size``,
``--open-right``) *after* it, so they win. Relative ``url()`` references in the style's CSS become
absolute ``file:`` URLs, and a ``<base>`` element points at the edition's folder, so the HTML
renders the same from wherever it is written (the ``weasyprint`` command renders it as is).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup

from ..html import render_html
from ..model import Edition
from ..paper import PageGeometry, PaperSize, num, page_geometry
from ..resources import ResourceLoader
from ..styles import Style, load_style
from .qr import qr_svg


def geometry_css(geometry: PageGeometry) -> str:
    """The page geometry block placed *before* the style's CSS (a style may override it)."""
    g = geometry
    return "\n".join(
        [
            "/* editions: page geometry for the paper (before the style's CSS, which may change it) */",
            ":root {",
            f"  --paper-width: {num(g.paper.width_mm)}mm;",
            f"  --paper-height: {num(g.paper.height_mm)}mm;",
            f"  --text-width: {num(g.text_width)}mm;",
            f"  --text-height: {num(g.text_height)}mm;",
            f"  --body-size: {num(g.font_size_pt)}pt;",
            f"  --body-align: {'justify' if g.justify else 'start'};",
            "}",
            f"@page {{ size: {g.paper.css}; margin: {num(g.top)}mm {num(g.outer)}mm"
            f" {num(g.bottom)}mm {num(g.inner)}mm; }}",
            f"@page :left {{ margin-left: {num(g.outer)}mm; margin-right: {num(g.inner)}mm; }}",
            f"@page :right {{ margin-left: {num(g.inner)}mm; margin-right: {num(g.outer)}mm; }}",
            "",
        ]
    )


def options_css(geometry: PageGeometry, *, font_size: float | None, open_right: bool) -> str:
    """The user's explicit choices, placed *after* the style's CSS so they win."""
    lines = [
        "/* editions: the options of this build (after the style's CSS) */",
        f"@page {{ size: {geometry.paper.css}; }}",
    ]
    if font_size is not None:
        lines.append(f":root {{ --body-size: {num(geometry.font_size_pt)}pt; }}")
        lines.append(f"html {{ font-size: {num(geometry.font_size_pt)}pt; }}")
    if open_right:
        lines.append("article.article { break-before: right; }")
    return "\n".join(lines) + "\n"


# --- style CSS with absolute URLs ------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]*)(?P=q)\s*\)""")


def style_css(style: Style, medium: str = "print") -> str:
    """The style's CSS for ``medium`` (as :meth:`Style.css`) with relative ``url()``\\ s made absolute.

    A relative URL is resolved from the folder of the CSS file that holds it (standard CSS), and
    if no file is there, through the style chain (:meth:`Style.find`), so a derived style can
    replace a font or image of the base style by giving the same path.
    """
    parts = []
    for folder in reversed(style.folders):
        for name in ("common.css", f"{medium}.css"):
            css_file = folder / "css" / name
            if css_file.is_file():
                text = css_file.read_text(encoding="utf-8")
                parts.append(f"/* {folder.name}/css/{name} */\n" + _absolute_urls(text, css_file, style))
    parts.append(style.settings_css(medium))  # style.toml's settings (see editions.styles)
    return "\n".join(parts)


def _absolute_urls(css: str, css_file: Path, style: Style) -> str:
    def replace(match: re.Match[str]) -> str:
        url = match.group("url").strip()
        if not url or url.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return match.group(0)
        relative = unquote(url.split("#", 1)[0].split("?", 1)[0])
        candidates = [css_file.parent / relative] + [folder / "css" / relative for folder in style.folders]
        found = next((c for c in candidates if c.is_file()), candidates[0])
        return f'url("{found.resolve().as_uri()}")'

    return _CSS_URL.sub(replace, css)


def resolve_style(edition: Edition, style: Style | str | None) -> Style:
    if isinstance(style, Style):
        return style
    return load_style(style or edition.style, edition.root)


def _keywords(edition: Edition) -> list[str]:
    seen: dict[str, None] = {}
    for article in edition.articles:
        for tag in article.tags:
            if tag.strip():
                seen.setdefault(tag.strip(), None)
    return list(seen)


def base_url(edition: Edition) -> str | None:
    if edition.root is None:
        return None
    return edition.root.resolve().as_uri() + "/"


def print_options(
    edition: Edition,
    paper: str | PaperSize | None,
    font_size: float | None,
    open_right: bool | None,
    style: Style | None = None,
) -> tuple[str | PaperSize, float | None, bool]:
    """The paper, body size and open-right choice: the caller's, else the edition's, else the
    style's (its style.toml's ``[page]``), else the defaults."""
    settings = edition.pdf
    own = style.settings if style is not None else None
    return (
        paper if paper is not None else settings.paper or (own and own.paper) or "A5",
        next(
            (v for v in (font_size, settings.font_size, own.font_size if own else None) if v is not None),
            None,
        ),
        open_right if open_right is not None else bool(settings.open_right),
    )


def back_cover(edition: Edition) -> str:
    """What the outside back cover, the PDF's last page, holds, as the edition's ``[pdf] back_cover``
    says, else designed when there is a publisher, contact or URL to print there, else blank:
    ``"designed"`` (the title, publisher, contact, and the ``url`` with its QR code), ``"blank"`` (a
    page with nothing on it) or ``"none"`` (no such page: the colophon ends the PDF)."""
    if edition.pdf.back_cover:
        return edition.pdf.back_cover
    return "designed" if edition.publisher or edition.contact or edition.url else "blank"


def render_print_html(
    edition: Edition,
    *,
    style: Style | str | None = None,
    paper: str | PaperSize | None = None,
    font_size: float | None = None,
    open_right: bool | None = None,
    resources: ResourceLoader | None = None,
) -> str:
    """The complete print HTML for ``edition``, which the ``weasyprint`` command renders as is.

    Article images are embedded as ``data:`` URIs by ``resources`` (see :func:`~editions.html.render_html`).
    ``paper``, ``font_size`` and ``open_right`` left as ``None`` come from the edition's ``[pdf]``
    settings, else the defaults (A5, the paper's body size, no).
    """
    resolved = resolve_style(edition, style)
    paper, font_size, open_right = print_options(edition, paper, font_size, open_right, resolved)
    geometry = page_geometry(paper, font_size)
    css = "\n".join(
        [
            geometry_css(geometry),
            style_css(resolved, "print"),
            options_css(geometry, font_size=font_size, open_right=open_right),
        ]
    )
    printed = edition
    if not edition.description and edition.subtitle:
        printed = edition.replace(description=edition.subtitle)
    extra: dict[str, Any] = {
        "css": Markup(css),
        "qr": qr_svg,
        "keywords": _keywords(edition),
        "base_url": base_url(edition),
        "paper": geometry.paper,
        "geometry": geometry,
        "open_right": open_right,
    }
    extra["back_cover"] = "" if back_cover(edition) == "none" else back_cover(edition)
    if edition.cover is not None:
        extra["cover_image"] = Path(edition.cover).resolve().as_uri()
    return render_html(printed, style=resolved, medium="print", extra=extra, resources=resources)
