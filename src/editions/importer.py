"""Importing articles: any input the readers accept, written out as Markdown with front matter.

In: article files (``.txt``, ``.md``, ``.html``, ``.docx``, ``.odt``), folders of them, and ``http(s)://``
URLs. Out: one ``.md`` file per article in an edition folder, whose YAML front matter holds every
field the reader detected (title, subtitle, author, date, publication, url, lang, rights, tags,
note, promos) and whose body is the article's sanitised HTML turned into Markdown (footnotes as
``[^N]``). A user reviews and corrects the fields there, keeps the folder in version control, and
builds from it: reading the file back gives the same article. The body is converted by
:func:`editions.tomarkdown.html_to_markdown`.

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
from .tomarkdown import html_to_markdown

log = logging.getLogger("editions")


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


__all__ = ["article_markdown", "front_matter_fields", "import_articles"]
