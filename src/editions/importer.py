"""Importing articles: any input the readers accept, written out as Markdown with front matter.

In: article files (``.txt``, ``.md``, ``.html``, ``.docx``, ``.odt``), folders of them, and ``http(s)://``
URLs. Out: one ``.md`` file per article in an edition folder, whose YAML front matter holds every
field the reader detected (title, subtitle, author, date, publication, url, lang, rights, tags,
note, promos) and whose body is the article's sanitised HTML turned into Markdown (footnotes as
``[^N]``). A user reviews and corrects the fields there, keeps the folder in version control, and
builds from it: reading the file back gives the same article.

The Markdown is written *before* typography (straight quotes stay straight, no invisible
no-break spaces): typography is applied when the edition is built. What Markdown cannot express
(tables with merged or block cells, figures with captions, definition lists) is kept as HTML
blocks, which the Markdown reader accepts and sanitises like everything else.

Existing files are never replaced unless ``overwrite=True``; every input is read (and every URL
fetched) before anything is written, so a failure leaves the folder as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import yaml
from slugify import slugify

from .errors import EditionsError
from .fetch import is_url
from .inputs import check_outputs
from .lang import detect_language
from .readers import Draft, read_draft, supported_suffixes
from .resources import ImageRefused, ResourceLoader
from .sanitize import clean_html, html_to_text
from .textio import write_atomic

log = logging.getLogger("editions")

MAX_DEPTH = 40
"""Nesting deeper than this (lists in quotes in lists …) is written as HTML, not Markdown."""


@dataclass
class _Imported:
    source: str
    draft: Draft
    front: dict[str, Any]
    markdown: str
    stem: str
    images: dict[str, bytes]  # path under the edition folder → the image's bytes


def import_articles(
    sources: Sequence[str | Path | Draft],
    out_dir: str | Path,
    *,
    offline: bool = False,
    overwrite: bool = False,
    lang: str | None = None,
    evidence: bool = False,
) -> list[Path]:
    """Write each source as ``<out_dir>/<name>.md`` and return the files written, in order.

    A file keeps its name (``02-strike.txt`` becomes ``02-strike.md``, so the order of a folder
    is kept); a URL, or a :class:`Draft` already read (from standard input), is named after the
    article's title. ``evidence=True`` also notes beside each field found by a strong rule where it
    came from (``# found (line 3: …)``), as guessed fields always are, for a review that shows
    both (the web app's). ``lang`` is the fallback language when
    an article neither says nor reveals its own. Returns the paths of the Markdown files written.
    Raises :class:`EditionsError` when a source
    cannot be read or fetched, when ``offline`` and a source is a URL, or when a file to write
    exists already and ``overwrite`` is false.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise EditionsError("not a folder", out_dir)
    expanded = _expand(sources)
    items = [_import_one(source, out_dir, offline=offline, lang=lang) for source in expanded]
    if not items:
        raise EditionsError("nothing to import")
    targets: list[Path] = []
    taken: set[str] = set()
    for item in items:
        stem, n = item.stem, 2
        while stem.casefold() in taken:
            stem, n = f"{item.stem}-{n}", n + 1
        taken.add(stem.casefold())
        targets.append(out_dir / f"{stem}.md")
    check_outputs(targets, [(source, "the source") for source in expanded if isinstance(source, Path)])
    if not overwrite:
        for target in targets:
            if target.exists():
                raise EditionsError("already exists (import with --overwrite to replace it)", target)
    images = {name: data for item in items for name, data in item.images.items()}
    for name, data in images.items():  # named after their content: one that exists is the same image
        if not (out_dir / name).is_file():
            write_atomic(out_dir / name, data)
    for item, target in zip(items, targets, strict=True):
        write_atomic(
            target,
            article_markdown(item.front, item.markdown, review=review_comments(item.draft, sure=evidence)),
        )
    return targets


def _expand(sources: Sequence[str | Path | Draft]) -> list[str | Path | Draft]:
    expanded: list[str | Path | Draft] = []
    for source in sources:
        if isinstance(source, Draft):
            expanded.append(source)
            continue
        if is_url(source):
            expanded.append(str(source).strip())
            continue
        path = Path(source)
        if path.is_dir():
            suffixes = set(supported_suffixes())
            found = sorted(
                (
                    p
                    for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in suffixes and p.name[0] not in "._"
                ),
                key=lambda p: p.name,
            )
            if not found:
                raise EditionsError("no articles in this folder", path)
            expanded.extend(found)
        elif path.suffix.lower() == ".toml":
            raise EditionsError("import takes article files, folders and URLs, not a manifest", path)
        else:
            expanded.append(path)
    return expanded


def _import_one(source: str | Path | Draft, out_dir: Path, *, offline: bool, lang: str | None) -> _Imported:
    if isinstance(source, Draft):
        draft = source
        fallback_title = "Untitled"
        stem = ""
        images = _take_images(draft, None, out_dir)
    elif isinstance(source, Path):
        draft = read_draft(source)
        fallback_title = source.stem.replace("_", " ").replace("-", " ").strip() or "Untitled"
        stem = source.stem
        images = _take_images(draft, source, out_dir)
    else:
        from .readers.url import fetch_draft

        draft = fetch_draft(source, offline=offline)
        fallback_title = source
        stem = ""
        images = _take_images(draft, None, out_dir)
    title = (draft.title or "").strip() or fallback_title
    body_html = clean_html(draft.body_html)
    # The language the article gives, else a confident guess, else the caller's: never a default.
    detected = draft.lang or detect_language(html_to_text(body_html), fallback=lang or "") or None
    front = front_matter_fields(draft, title=title, lang=detected)
    stem = stem or slugify(title, max_length=60, word_boundary=True) or "article"
    body = html_to_markdown(body_html)
    notes = [html_to_markdown(clean_html(note)) for note in draft.footnotes]
    if notes:
        definitions = "\n\n".join(_note_definition(i, n) for i, n in enumerate(notes, 1))
        body = body.rstrip("\n") + "\n\n" + definitions
    name = "-" if isinstance(source, Draft) else str(source)
    return _Imported(name, draft, front, body, stem, images)


def front_matter_fields(draft: Draft, *, title: str, lang: str | None) -> dict[str, Any]:
    """The front matter for ``draft``: only the fields it has, in the order a reader expects them."""
    front: dict[str, Any] = {"title": title}
    if draft.subtitle:
        front["subtitle"] = draft.subtitle
    if draft.authors:
        front["author"] = draft.authors[0] if len(draft.authors) == 1 else list(draft.authors)
    if draft.translators:
        names = list(draft.translators)
        front["translator"] = names[0] if len(names) == 1 else names
    if draft.date:
        front["date"] = draft.date
    for key in ("publication", "url"):
        value = getattr(draft, key)
        if value:
            front[key] = value
    if draft.lang or lang:
        front["lang"] = draft.lang or lang
    if draft.rights:
        front["rights"] = draft.rights
    if draft.tags:
        front["tags"] = list(draft.tags)
    if draft.note:
        front["note"] = draft.note
    if draft.promos:
        front["promos"] = list(draft.promos)
    return front


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _date(dumper: yaml.SafeDumper, value: dt.date) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dt.date, _date)


_FRONT_KEY = {"authors": "author", "translators": "translator"}


@dataclass
class Review:
    """What a person should check in an imported article: guessed fields and what was left out."""

    guesses: dict[str, str]  # front matter key -> "line 3: the first title-shaped line"
    dropped: list[str]  # "lines 1-5: • $20 …"


def review_comments(draft: Draft, *, sure: bool = False) -> Review:
    """The guesses and the page furniture of ``draft``, as the import shows them (YAML comments).

    With ``sure``, fields found by a strong rule get a note too: ``found (line 3: …)``.
    """
    guesses: dict[str, str] = {}
    for name, evidence in draft.evidence.items():
        if evidence.sure and not sure:
            continue
        where = f"line {evidence.line}: " if evidence.line else ""
        if evidence.sure:
            guesses[_FRONT_KEY.get(name, name)] = f"found ({where}{evidence.rule})"
        else:
            guesses[_FRONT_KEY.get(name, name)] = f"guessed ({where}{evidence.rule}); check it"
    dropped: list[str] = []
    runs: list[list[tuple[int, str]]] = []
    for no, text in sorted(set(draft.dropped)):
        if runs and no - runs[-1][-1][0] <= 1:
            runs[-1].append((no, text))
        else:
            runs.append([(no, text)])
    for run in runs:
        first, last = run[0][0], run[-1][0]
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        shown = " / ".join(text for _, text in run)
        shown = re.sub(r"[\x00-\x1f\x7f]", " ", shown)
        dropped.append(f"{where}: {shown[:100] + '…' if len(shown) > 100 else shown}")
    return Review(guesses, dropped)


def article_markdown(front: dict[str, Any], body: str, *, review: Review | None = None) -> str:
    """A Markdown file: ``---``, the front matter as YAML, ``---``, the body.

    With ``review``, fields the reader guessed carry a YAML comment saying from which line and why,
    and the lines left out as page furniture are listed as comments at the end of the front matter.
    """
    fields = yaml.dump(front, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    if review is not None:
        lines = fields.splitlines()
        for index, line in enumerate(lines):
            key = line.split(":", 1)[0]
            if not line.startswith((" ", "-")) and key in review.guesses:
                lines[index] = f"{line}  # {review.guesses[key]}"
        if review.dropped:
            lines.append(
                "# Lines of the page left out of the text (read as the fields above, or page furniture):"
            )
            lines.extend(f"#   {entry}" for entry in review.dropped)
        fields = "\n".join(lines) + "\n"
    return f"---\n{fields}---\n\n{body.strip()}\n"


def _take_images(draft: Draft, source: Path | None, out_dir: Path) -> dict[str, bytes]:
    """Copy the article's images into the edition: ``images/<name>-<hash>.<ext>``, its ``src`` rewritten.

    Images that are files beside the article (under its folder, as a saved page's ``_files``
    folder is) and ``data:`` images (Word files' pictures) are checked by the rules every build
    applies (:mod:`editions.resources`), then planned as files of the edition, named after their
    content. Remote images keep their URL (a build uses them with ``--allow-remote-images``).
    An image that breaks the rules is left out of the copy with a warning, its ``src`` made relative
    to the edition folder so the build names it too.
    """
    if "<img" not in draft.body_html:
        return {}
    folder = source.parent if source is not None else None
    loader = ResourceLoader(folder)
    root = lxml.html.fragment_fromstring(draft.body_html, create_parent="div")
    planned: dict[str, bytes] = {}
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        local = not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|/|\\", src)
        if not src or not (local or src[:5].lower() == "data:"):
            continue
        try:
            image = loader.load(src, folder)
        except ImageRefused as exc:
            where = source if source is not None else "the page"
            shown = src if len(src) < 80 else src[:77] + "..."
            log.warning("%s: image %s not copied into the edition (%s)", where, shown, exc)
            if local and folder is not None:
                rebased = os.path.relpath(os.path.abspath(folder / src), os.path.abspath(out_dir))
                img.set("src", Path(rebased).as_posix())
            continue
        stem = slugify(image.stem, max_length=40) or "image"
        digest = hashlib.sha256(image.data).hexdigest()[:10]
        name = f"images/{stem}-{digest}.{_SUFFIXES[image.media_type]}"
        planned[name] = image.data
        img.set("src", name)
    text = html.escape(root.text or "", quote=False)
    draft.body_html = text + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return planned


_SUFFIXES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def _note_definition(number: int, text: str) -> str:
    lines = text.strip("\n").split("\n")
    out = [f"[^{number}]: {lines[0]}"]
    out.extend(f"    {line}" if line else "" for line in lines[1:])
    return "\n".join(out)


# --- HTML to Markdown ---------------------------------------------------------------------------

INLINE = {
    "a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_RAW_INLINE = {"abbr", "ins", "kbd", "mark", "q", "samp", "small", "sub", "sup", "u", "var", "dfn"}
_TRANSPARENT = {"span", "time", "cite"}
_PUNCT = re.compile(r"[^\w\s]")
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def html_to_markdown(fragment: str) -> str:
    """CommonMark (with tables, strikethrough and footnote references) for a sanitised HTML fragment."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=_PARSER)
    blocks = _Converter().blocks(root, 0)
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


# A run of inline content: strings and elements, in document order (a name the class body cannot
# shadow: _Converter has a method called ``list``).
_Run = list[Any]


class _Converter:
    def blocks(self, element: lxml.html.HtmlElement, depth: int) -> list[str]:
        """The Markdown blocks of ``element``'s content (inline runs become paragraphs)."""
        out: list[str] = []
        run: list[Any] = []  # text and inline elements waiting to become a paragraph

        def flush() -> None:
            if run:
                text = self.paragraph(run)
                if text:
                    out.append(text)
                run.clear()

        if element.text:
            run.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                if child.tail:
                    run.append(child.tail)
                continue
            if child.tag in INLINE:
                run.append(child)
            else:
                flush()
                out.extend(self.block(child, depth + 1))
            if child.tail:
                run.append(child.tail)
        flush()
        return out

    def block(self, element: lxml.html.HtmlElement, depth: int) -> list[str]:
        tag = element.tag
        if depth > MAX_DEPTH:
            return [_raw_html(element)]
        if tag == "p":
            text = self.paragraph([element.text or "", *self._children_with_tails(element)])
            return [text] if text else []
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            text = self.inline_run([element.text or "", *self._children_with_tails(element)]).replace(
                "\n", " "
            )
            return [f"{'#' * int(tag[1])} {text.strip()}"] if text.strip() else []
        if tag in {"ul", "ol"}:
            return [self.list(element, depth)]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(element, depth))
            return (
                ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
                if inner.strip()
                else []
            )
        if tag == "pre":
            code = element.text_content().strip("\n")
            fence = "`" * max(3, _longest_run(code, "`") + 1)
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "hr":
            return ["* * *"]
        if tag == "table":
            return [self.table(element)]
        if tag in {"figure", "dl"}:
            return [_raw_html(element)]
        return self.blocks(element, depth)  # div, section, li-like wrappers: their content

    def list(self, element: lxml.html.HtmlElement, depth: int) -> str:
        ordered = element.tag == "ol"
        start = int(element.get("start", "1")) if (element.get("start") or "").isdigit() else 1
        items = [li for li in element if li.tag == "li"]
        loose = any(any(c.tag == "p" for c in li) for li in items)
        rendered = []
        for index, li in enumerate(items):
            marker = f"{start + index}. " if ordered else "- "
            blocks = self.blocks(li, depth) or [""]
            body = ("\n\n" if loose else "\n").join(blocks)
            pad = " " * len(marker)
            lines = body.split("\n")
            text = marker + lines[0] + "".join(f"\n{pad}{line}" if line else "\n" for line in lines[1:])
            rendered.append(text)
        return ("\n\n" if loose else "\n").join(rendered)

    def table(self, table: lxml.html.HtmlElement) -> str:
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        simple = bool(rows) and not table.xpath(".//*[@colspan or @rowspan]|.//caption")
        simple = simple and not table.xpath(".//td/*[not(self::a or self::em or self::strong or self::code)]")
        header = rows[0] if rows and all(c.tag == "th" for c in rows[0]) else None
        widths = {len(r.xpath("./td|./th")) for r in rows}
        if not simple or header is None or len(widths) != 1:
            return _raw_html(table)
        lines = []
        for index, row in enumerate(rows):
            cells = [
                self.inline_run([c.text or "", *self._children_with_tails(c)]) for c in row.xpath("./td|./th")
            ]
            cells = [c.replace("\n", " ").replace("|", "\\|").strip() for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + "|".join(" --- " for _ in cells) + "|")
        return "\n".join(lines)

    @staticmethod
    def _children_with_tails(element: lxml.html.HtmlElement) -> _Run:
        out: list[Any] = []
        for child in element:
            if isinstance(child.tag, str):
                out.append(child)
            if child.tail:
                out.append(child.tail)
        return out

    def paragraph(self, run: _Run) -> str:
        text = self.inline_run(run)
        text = re.sub(r"\A(?:\s*\\\n)+|(?:\s*\\\n)+\s*\Z", "", text).strip()
        return "\n".join(_escape_line_start(line.strip()) for line in text.split("\n"))

    def inline_run(self, run: _Run, active: frozenset[str] = frozenset(), depth: int = 0) -> str:
        out: list[str] = []
        if depth > MAX_DEPTH:  # pathological nesting: keep the words, drop the formatting
            text = "".join(x if isinstance(x, str) else x.text_content() + (x.tail or "") for x in run)
            return _escape_text(_collapse(text))
        for index, item in enumerate(run):
            if isinstance(item, str):
                out.append(_escape_text(_collapse(item)))
                continue
            following = run[index + 1] if index + 1 < len(run) else ""
            after = following[:1] if isinstance(following, str) else following.text_content()[:1]
            out.append(self.inline(item, "".join(out)[-1:], after, active, depth + 1))
        return re.sub(r" {2,}", " ", "".join(out))

    def inline(
        self, element: lxml.html.HtmlElement, before: str, after: str, active: frozenset[str], depth: int
    ) -> str:
        tag = element.tag
        content = [element.text or "", *self._children_with_tails(element)]
        if tag == "br":
            return "\\\n"
        if tag == "img":
            return _image(element)
        if tag == "sup" and element.get("class") == "fn" and (element.get("data-fn") or "").isdigit():
            return f"[^{element.get('data-fn')}]"
        if tag == "code":
            code = _collapse(element.text_content())
            ticks = "`" * (_longest_run(code, "`") + 1)
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            return f"{ticks}{pad}{code}{pad}{ticks}" if code else ""
        if tag in {"em", "i", "strong", "b", "del", "s"}:
            kind = {"i": "em", "b": "strong", "s": "del"}.get(tag, tag)
            inner = self.inline_run(content, active | {kind}, depth)
            if kind in active or not inner.strip():
                return inner
            mark = {"em": "*", "strong": "**", "del": "~~"}[kind]
            stripped = inner.strip()
            lead = " " if inner[:1].isspace() else ""
            trail = " " if inner[-1:].isspace() else ""
            # CommonMark flanking rules: a delimiter next to punctuation must not touch a letter outside.
            first_ok = not (_PUNCT.match(stripped[0]) and not lead and before.isalnum())
            last_ok = not (_PUNCT.match(stripped[-1]) and not trail and after.isalnum())
            clash = bool(before) and not lead and before == mark[0]
            if first_ok and last_ok and not clash and "\n" not in stripped:
                return f"{lead}{mark}{stripped}{mark}{trail}"
            html_tag = {"em": "em", "strong": "strong", "del": "del"}[kind]
            return f"{lead}<{html_tag}>{stripped}</{html_tag}>{trail}"
        if tag == "a":
            href = (element.get("href") or "").strip()
            inner = self.inline_run(content, active, depth).strip()
            if not href:
                return inner
            if not inner:
                return ""
            title = element.get("title")
            title_part = f' "{_escape_title(title)}"' if title else ""
            return f"[{inner}]({_escape_url(href)}{title_part})"
        if tag in _RAW_INLINE:
            inner = self.inline_run(content, active, depth)
            attrs = "".join(
                f' {name}="{_escape_attr(element.get(name, ""))}"'
                for name in ("title", "cite", "lang")
                if element.get(name)
            )
            return f"<{tag}{attrs}>{inner}</{tag}>" if inner.strip() else inner
        return self.inline_run(content, active, depth)  # span, time, cite: their content


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", text)


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)


def _escape_text(text: str) -> str:
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*\[\]])", r"\\\1", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    return text.replace("~~", "\\~\\~")


_LINE_START = re.compile(
    r"\A(#{1,6}(?=\s|\Z)|>|[-+](?=\s|\Z)|=+\s*\Z|(?:-[ \t]*)+\Z|\d{1,9}(?=[.)](?:\s|\Z)))"
)


def _escape_line_start(line: str) -> str:
    match = _LINE_START.match(line)
    if not match:
        return line
    token = match.group(1)
    if token[0].isdigit():
        return f"{token}\\{line[len(token) :]}"
    return "\\" + line


def _escape_url(url: str) -> str:
    url = url.replace("<", "%3C").replace(">", "%3E").replace("\n", "")
    return f"<{url}>" if any(ch in url for ch in " ()\\") else url


def _escape_title(title: str) -> str:
    return " ".join(title.split()).replace("\\", "\\\\").replace('"', '\\"')


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _image(img: lxml.html.HtmlElement) -> str:
    src = (img.get("src") or "").strip()
    if not src:
        return ""
    alt = re.sub(r"([\[\]\\])", r"\\\1", " ".join((img.get("alt") or "").split()))
    title = img.get("title")
    title_part = f' "{_escape_title(title)}"' if title else ""
    return f"![{alt}]({_escape_url(src)}{title_part})"


def _raw_html(element: lxml.html.HtmlElement) -> str:
    """``element`` as one HTML block: no blank line inside (that would end the block in Markdown)."""
    copy = lxml.html.fragment_fromstring(lxml.html.tostring(element, encoding="unicode"), parser=_PARSER)
    copy.tail = None
    html = lxml.html.tostring(copy, encoding="unicode").strip()
    return re.sub(r"\n\s*\n", "\n", html)


__all__ = ["article_markdown", "front_matter_fields", "html_to_markdown", "import_articles"]
