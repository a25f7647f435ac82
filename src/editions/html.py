"""The HTML stage: an edition and a style in, a complete HTML document out.

In: an :class:`~editions.model.Edition`, a :class:`~editions.styles.Style` and a medium
(``screen`` for the HTML edition, ``print`` for the document WeasyPrint turns into a PDF).
Out: one self-contained HTML document (CSS inlined, article images embedded as ``data:`` URIs by
:mod:`editions.resources`, or left out), rendered by Jinja2 with autoescaping in a sandbox.

Article bodies are prepared for the medium here (:func:`prepare_article`): section headings get
ids, footnote markers become linked endnotes (screen), inline ``span.footnote`` elements
(print, placed by ``float: footnote``) or EPUB notes (epub). Article text only ever reaches the
templates as data: nothing in it is evaluated as template code.

The markup contract styles and tools rely on is documented in the README ("Markup contract").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.sandbox
import lxml.etree
import lxml.html
from markupsafe import Markup

from . import i18n
from .attribution import check_attribution
from .cache import installation_cache_dir
from .errors import EditionsError
from .inputs import check_edition_outputs
from .model import Article, Edition
from .resources import ResourceLoader, ResourcePolicy
from .sanitize import html_to_text
from .scripts import warn_unbundled_scripts
from .styles import Style, load_style
from .textio import write_atomic
from .version import __version__

DEFAULT_OUT_DIR = Path("dist")


@dataclass(frozen=True)
class Note:
    number: int
    id: str
    ref_id: str
    html: Markup


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class PreparedArticle:
    """An article with its body ready for one medium; templates receive these."""

    article: Article
    body: Markup
    notes: tuple[Note, ...]
    sections: tuple[Section, ...]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.article, name)


def prepare_article(
    article: Article, medium: str, *, xhtml: bool = False, endnotes: bool = False
) -> PreparedArticle:
    """Give the body's section headings ids and turn footnote markers into the medium's notes.

    ``endnotes``: in print too, the notes follow the article (a style's ``[text] notes``).
    """
    slug = article.slug or "article"
    root = lxml.html.fragment_fromstring(article.body_html or "", create_parent="div")
    sections = []
    for number, heading in enumerate(root.iter("h2"), start=1):
        heading.set("id", f"{slug}-s{number}")
        sections.append(Section(id=f"{slug}-s{number}", title=" ".join(heading.text_content().split())))
    notes: dict[int, Note] = {}
    printed: set[int] = set()
    # Footnotes at the foot of the page in print, unless a note is too long to fit there: then the
    # article's notes are endnotes, as on screen (WeasyPrint cuts a note taller than the page).
    at_page_foot = (
        medium == "print"
        and not endnotes
        and not any(len(html_to_text(note)) > PRINT_FOOTNOTE_MAX_CHARS for note in article.footnotes)
    )
    for marker in list(root.iter("sup")):
        number_text = marker.get("data-fn")
        if marker.get("class") != "fn" or not number_text or not number_text.isdigit():
            continue
        number = int(number_text)
        if not 1 <= number <= len(article.footnotes):
            _drop(marker)
            continue
        note_html = article.footnotes[number - 1]
        if at_page_foot:
            if number in printed:  # a second call of the same note: its number, not the note again
                marker.attrib.clear()
                marker.set("class", "footnote-repeat")
                marker.text = str(number)
            else:
                printed.add(number)
                _replace_with_print_note(marker, note_html)
            continue
        note_id, ref_id = f"{slug}-fn{number}", f"{slug}-ref{number}"
        first = number not in notes
        notes.setdefault(number, Note(number, note_id, ref_id, Markup(note_html)))
        marker.attrib.clear()
        marker.text = None
        link = lxml.etree.SubElement(marker, "a", href=f"#{note_id}")
        link.text = str(number)
        marker.set("class", "footnote-ref")
        if first:
            marker.set("id", ref_id)
        if medium == "epub":
            link.set("epub:type", "noteref")  # literal: EPUB documents declare the prefix on <html>
        link.set("role", "doc-noteref")
    if medium == "print":
        _break_long_runs(root)
    body = _serialise_children(root, xhtml=xhtml)
    return PreparedArticle(
        article, Markup(body), tuple(sorted(notes.values(), key=lambda n: n.number)), tuple(sections)
    )


#: A note with more characters of text than this may not fit at the foot of a small page (A6 holds
#: about 2,000 characters of notes): an article with one prints its notes as endnotes.
PRINT_FOOTNOTE_MAX_CHARS = 1500

#: Characters with no line break opportunity between them, this many in a row or more …
LONG_RUN = 100
#: … get a zero-width space every this many characters in print (WeasyPrint takes quadratic
#: time to break one long word across lines: 50,000 characters took two minutes).
LONG_RUN_STEP = 20
_LONG_RUN = re.compile(rf"[^ \t\n\r\f\u200b\u2002-\u2006\u2008-\u200a\u3000-]{{{LONG_RUN},}}")


def _break_long_runs(root: lxml.html.HtmlElement) -> None:
    """Give runs of :data:`LONG_RUN` or more characters without a break opportunity some (print only)."""

    def broken(text: str | None) -> str | None:
        if not text or len(text) < LONG_RUN or not _LONG_RUN.search(text):
            return text
        return _LONG_RUN.sub(
            lambda m: "\u200b".join(
                m.group(0)[i : i + LONG_RUN_STEP] for i in range(0, len(m.group(0)), LONG_RUN_STEP)
            ),
            text,
        )

    for element in root.iter():
        if isinstance(element.tag, str):
            element.text = broken(element.text)
        if element is not root:
            element.tail = broken(element.tail)


def _drop(element: lxml.html.HtmlElement) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


def _replace_with_print_note(marker: lxml.html.HtmlElement, note_html: str) -> None:
    note = lxml.html.fragment_fromstring(note_html or "", create_parent="span")
    paragraphs = [child for child in note if child.tag == "p"]
    span = lxml.html.Element("span")
    span.set("class", "footnote")
    if paragraphs and len(paragraphs) == len(note):
        for index, paragraph in enumerate(paragraphs):
            if index:
                lxml.etree.SubElement(span, "br")
            _append_content(span, paragraph)
    else:
        span.text = " ".join(note.text_content().split())
    span.tail = marker.tail
    marker.getparent().replace(marker, span)


def _append_content(target: lxml.html.HtmlElement, source: lxml.html.HtmlElement) -> None:
    if source.text:
        if len(target):
            target[-1].tail = (target[-1].tail or "") + source.text
        else:
            target.text = (target.text or "") + source.text
    for child in list(source):
        target.append(child)


def _serialise_children(root: lxml.html.HtmlElement, *, xhtml: bool) -> str:
    method = "xml" if xhtml else "html"
    parts = [_escape_text(root.text or "")]
    parts.extend(lxml.etree.tostring(child, method=method, encoding="unicode") for child in root)
    return "".join(parts)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def full_stop(value: Any) -> Markup:
    """``value`` ending with a full stop, unless it already ends with one (``9 января 2023 г.``)."""
    markup = value if isinstance(value, Markup) else Markup.escape(value)
    text = markup.striptags().rstrip()
    return markup if not text or text.endswith((".", "!", "?", "…")) else Markup(markup.rstrip() + ".")


_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?://)?")
_URL_BREAK = re.compile(r"(?<=[/.?&-])(?=[^/.?&-])")


MAX_URL_PIECE = 30
"""A piece of a URL between break characters longer than this may also break inside (every 20
characters), so that no URL runs into the margin."""


@jinja2.pass_context
def url_breaks(context: jinja2.runtime.Context, value: Any) -> Markup:
    """A URL as text that may break only after ``/ . ? & -``, never inside its scheme (``https://``).

    Each break is a ``<wbr>`` (``<wbr/>`` when the template's context sets ``xhtml``), so the text
    copies without stray characters; a run such as ``//`` breaks only after its last character, and
    the scheme stays with the first part of the host ("https://example." | "org/…") in a
    ``span.url-start`` the styles keep unbroken. The styles set ``overflow-wrap: normal`` on URLs so
    these are the only breaks, but for pieces longer than :data:`MAX_URL_PIECE` characters, which
    break every 20 characters rather than run into the margin; the ``href`` is written by the
    template, untouched.
    """
    text = str(value)
    head = _URL_SCHEME.match(text)
    scheme = head.group(0) if head else ""
    raw = _URL_BREAK.split(text[len(scheme) :])
    first_fits = len(raw[0]) <= MAX_URL_PIECE
    # a last resort: a piece longer than a narrow line (a token, a hash) breaks every 20 characters
    if any(len(part) > MAX_URL_PIECE for part in raw):
        raw = [part[i : i + 20] for part in raw for i in range(0, max(len(part), 1), 20)]
    pieces = raw
    parts: list[Markup] = [Markup.escape(part) for part in pieces]
    if scheme and first_fits:
        # Line breakers may break after "//" on their own; the span (white-space: nowrap) says no.
        parts[0] = Markup('<span class="url-start">{}</span>').format(scheme + parts[0])
    wbr = Markup("<wbr/>" if context.get("xhtml") else "<wbr>")
    return wbr.join(parts)


#: The options of the templates' environment; compiled templates are kept per set of options.
_OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}
_AUTOESCAPED = ("html", "xhtml", "xml")


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by an earlier run, kept in the installation's cache folder (see
    :func:`editions.cache.installation_cache_dir`), as Python keeps compiled modules: Jinja reuses
    one only when the template's source is the same (it checks a hash of it), so the output is the
    same as with a fresh compile. A file that cannot be read or written is skipped (the template is
    compiled again)."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # damaged (pickle and marshal raise many kinds): compile again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """The cache of compiled templates for this version of Jinja and of editions, these options and
    the filters and tests ``env`` has (the code Jinja generates depends on them), or ``None`` when
    its folder cannot be made (then every run compiles)."""
    names = (sorted(env.filters), sorted(env.tests), type(env).__name__)
    key = repr((jinja2.__version__, __version__, sorted(_OPTIONS.items()), _AUTOESCAPED, names)).encode()
    folder = installation_cache_dir() / "templates" / hashlib.sha256(key).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return _CompiledTemplates(str(folder))


@functools.cache
def _environment(loader_key: tuple[str, ...]) -> jinja2.Environment:
    # Sandboxed: a style (or an edition's templates/ folder) may come with an edition from anyone.
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(list(loader_key)),
        autoescape=jinja2.select_autoescape(_AUTOESCAPED, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        **_OPTIONS,
    )
    env.filters["date"] = lambda value, lang: i18n.format_date(value, lang)
    env.filters["names"] = lambda value, lang: i18n.join_names(value, lang)
    env.filters["isodate"] = lambda value: value.isoformat() if value else ""
    env.filters["stop"] = full_stop
    env.filters["url_breaks"] = url_breaks
    env.filters["direction"] = i18n.direction
    env.globals["label"] = i18n.label
    env.globals["issue_line"] = issue_line
    env.globals["issue_number"] = lambda edition, lang: i18n.issue_number(
        edition.volume, edition.number, lang
    )
    env.globals["name_separator"] = i18n.name_separator
    env.globals["comma"] = i18n.comma
    env.bytecode_cache = _compiled_templates(env)
    return env


def issue_line(edition: Edition, lang: str) -> str:
    """An issue as its masthead says it: "Vol. 8, No. 22 · June 15, 2024" ("" without a series)."""
    if not edition.series:
        return ""
    return i18n.issue_line(edition.volume, edition.number, edition.issue_day, lang)


def logo_file(edition: Edition, style: Style) -> Path | None:
    """The publisher's logo: the edition's ``logo``, else the style's (``None`` without either)."""
    return edition.logo or style.settings.logo


def logo_data_uri(edition: Edition, style: Style) -> str | None:
    """The logo (see :func:`logo_file`) as a checked ``data:`` URI, for the HTML and print documents."""
    from .resources import ImageRefused, check_image
    from .textio import read_bytes

    path = logo_file(edition, style)
    if path is None:
        return None
    try:
        return check_image(read_bytes(path)).data_uri
    except ImageRefused as exc:
        raise EditionsError(f"logo image cannot be used: {exc}", path) from None


def environment(style: Style) -> jinja2.Environment:
    """The Jinja2 environment for a style (cached per template search path)."""
    loader = style.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    return _environment(tuple(str(p) for p in loader.searchpath))


def build_date() -> dt.date:
    """The build date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError):
            raise EditionsError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'"
            ) from None
    return dt.date.today()


def render_html(
    edition: Edition,
    *,
    style: Style | str | None = None,
    medium: str = "screen",
    extra: Mapping[str, Any] | None = None,
    template: str = "edition.html",
    resources: ResourceLoader | None = None,
) -> str:
    """Render the whole edition as one HTML document for ``medium``.

    Article images are embedded as ``data:`` URIs, or left out, by ``resources`` (default: a
    :class:`~editions.resources.ResourceLoader` for the edition's folder, no remote images).
    ``style`` is a style name, folder or :class:`Style` (default: the edition's, else
    ``default``); ``medium`` is ``"screen"`` or ``"print"``; ``extra`` adds values to the
    template's context; ``template`` names the style's template to render. For ``print``, each
    script no bundled font of the style can set is warned about (:mod:`editions.scripts`).
    Returns the HTML.
    Raises :class:`EditionsError` for an unknown style, a missing template or a template error.
    """
    resolved = style if isinstance(style, Style) else load_style(style or edition.style, edition.root)
    if medium == "print":  # the PDF uses the style's bundled fonts: say which scripts they cannot set
        warn_unbundled_scripts(edition, resolved)
    loader = resources or ResourceLoader(edition.root)
    endnotes = resolved.settings.notes == "endnotes"
    articles = [prepare_article(loader.article(a), medium, endnotes=endnotes) for a in edition.articles]
    context: dict[str, Any] = {
        "edition": edition,
        "articles": articles,
        "medium": medium,
        "css": Markup(resolved.css(medium)),
        "lang": edition.lang,
        "generator": f"editions {__version__}",
        "build_date": build_date(),
        "style_name": resolved.name,
        "logo": logo_data_uri(edition, resolved),
    }
    context.update(extra or {})
    try:
        return environment(resolved).get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise EditionsError(f"template error: {exc.message}", exc.filename or exc.name, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise EditionsError(f"style '{resolved.name}' has no template '{exc.name}'") from None
    except (jinja2.sandbox.SecurityError, jinja2.UndefinedError) as exc:
        raise EditionsError(f"template error in style '{resolved.name}': {exc}") from None


def default_output(edition: Edition, suffix: str) -> Path:
    """``dist/<edition-slug><suffix>``; for an issue of a periodical with a ``number``,
    ``dist/<series-slug>-vol<volume>-no<number><suffix>`` (``-vol…`` only with a volume), so that
    each issue gets a file of its own, in order."""
    if edition.series and edition.number is not None:
        from slugify import slugify

        series = slugify(edition.series, max_length=60, word_boundary=True) or edition.slug
        volume = f"-vol{edition.volume}" if edition.volume is not None else ""
        return DEFAULT_OUT_DIR / f"{series}{volume}-no{edition.number}{suffix}"
    return DEFAULT_OUT_DIR / f"{edition.slug}{suffix}"


def make_html(
    edition: Edition,
    out: str | Path | None = None,
    *,
    style: Style | str | None = None,
    allow_remote_images: bool = False,
    require_sources: bool | None = None,
) -> Path:
    """Write the screen HTML edition to ``out`` (default ``dist/<slug>.html``) and return its path.

    The file is self-contained: images are embedded (see :mod:`editions.resources`);
    ``allow_remote_images`` lets articles' ``http(s)`` images be fetched and embedded too.
    Articles without a source, or with guessed ones, are warned about first; ``require_sources``
    (default: the edition's setting) makes a missing source an error instead (see
    :func:`~editions.attribution.check_attribution`). ``style`` is a style name, folder or
    :class:`Style` (default: the edition's, else ``default``). Returns the path of the HTML file
    written. Raises :class:`EditionsError` for an unknown style, a template error, a missing
    source when sources are required, or an output that cannot be written.
    """
    target = Path(out) if out else default_output(edition, ".html")
    resolved = style if isinstance(style, Style) else load_style(style or edition.style, edition.root)
    check_edition_outputs(edition, [target], resolved)
    check_attribution(edition, require_sources=require_sources)
    loader = ResourceLoader(edition.root, ResourcePolicy(allow_remote_images=allow_remote_images))
    return write_atomic(target, render_html(edition, style=resolved, medium="screen", resources=loader))
