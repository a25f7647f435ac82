"""Editing an edition folder in place: the articles' front matter and ``edition.toml``.

In: an edition folder (its article files and its ``edition.toml``) and the changes a person asks
for (a corrected title, a new order, an article left out, the edition's own data, print settings).
Out: the same files, rewritten atomically (:func:`editions.textio.write_atomic`), each checked by
the reader that will read it before it replaces the old one, so a bad value is an
:class:`EditionsError` and the folder stays as it was.

``edition.toml`` is edited with tomlkit, so its comments and layout are kept. An article's front
matter is rewritten with the importer's layout (:func:`editions.importer.article_markdown`): the
comments ``editions import`` puts beside guessed fields stay on the fields not changed, and go
from those a person corrected. The command line and the web app (:mod:`editions.web`) use the
same functions.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
import yaml

from .edition import MANIFEST, PDF_FIELDS, folder_articles, read_manifest
from .errors import EditionsError
from .fetch import is_url
from .importer import Review, article_markdown, import_articles
from .model import Evidence
from .readers import draft_from_bytes, supported_suffixes
from .readers.frontmatter import split_front_matter
from .textio import read_text, write_atomic

#: Front matter fields a person can edit, in the order they are written.
ARTICLE_FIELDS = (
    "title",
    "subtitle",
    "author",
    "date",
    "publication",
    "url",
    "lang",
    "rights",
    "translator",
    "note",
    "tags",
    "promos",
)
#: Fields that hold a list (given as text, one item per ``;`` or line; promos one per line).
LIST_FIELDS = ("author", "translator", "tags", "promos")
#: The manifest's own fields a person can edit (besides ``articles``, ``[pdf]``, style and cover).
EDITION_FIELDS = (
    "title", "subtitle", "editor", "publisher", "date", "lang", "rights", "colophon", "contact", "url",
    "series", "volume", "number", "issue_date",
)  # fmt: skip
#: Edition fields that are dates (``YYYY-MM-DD``) and whole numbers.
_DATE_FIELDS = ("date", "issue_date")
_NUMBER_FIELDS = ("volume", "number")
#: Article formats whose front matter can be edited (the others are imported first).
EDITABLE_SUFFIXES = (".md", ".markdown", ".txt", ".text")

_NOTE = re.compile(r"^([A-Za-z_]+):.*?  # ((guessed|found) \((?:line (\d+): )?(.*)\)(?:; check it)?)$")
_DROPPED_HEAD = "# Lines of the page left out of the text"


def manifest_path(folder: Path) -> Path:
    """The edition's ``edition.toml`` (which may not exist yet)."""
    return folder / MANIFEST


def article_file(folder: Path, name: str) -> Path:
    """The article file ``name`` of ``folder``, checked: a plain file name (no folder, not hidden),
    of a format the readers know, that exists in ``folder`` itself (a link may not lead out).

    Raises :class:`EditionsError` otherwise.
    """
    if (
        not name
        or name != Path(name).name
        or "/" in name
        or "\\" in name
        or name.startswith((".", "_"))
        or "\x00" in name
    ):
        raise EditionsError(f"not an article file name: {name!r}", folder)
    if Path(name).suffix.lower() not in supported_suffixes():
        raise EditionsError(f"not an article file name: {name!r}", folder)
    path = folder / name
    try:
        inside = path.resolve(strict=True).is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        raise EditionsError("no such article", path) from None
    if not inside or not path.is_file():
        raise EditionsError("no such article", path)
    return path


def article_order(folder: Path) -> list[str]:
    """The edition's articles in order: the manifest's ``articles`` list, else the folder's files by name."""
    path = manifest_path(folder)
    if path.is_file():
        fields = read_manifest(path)
        if "articles" in fields:
            return [str(name) for name in fields["articles"]]
    return [p.name for p in folder_articles(folder)]


def unlisted_articles(folder: Path) -> list[str]:
    """Article files in ``folder`` that the edition leaves out (not in its ``articles`` list)."""
    listed = set(article_order(folder))
    return [p.name for p in folder_articles(folder) if p.name not in listed]


def _load_toml(folder: Path) -> tomlkit.TOMLDocument:
    path = manifest_path(folder)
    return tomlkit.parse(read_text(path)) if path.is_file() else tomlkit.document()


def _write_toml(folder: Path, document: tomlkit.TOMLDocument) -> None:
    path = manifest_path(folder)
    text = tomlkit.dumps(document)
    read_manifest(path, text)  # checked as every build will read it, before it replaces the old one
    write_atomic(path, text)


def set_order(folder: Path, names: Sequence[str]) -> list[str]:
    """Write ``names`` as the edition's ``articles`` list (kept: the manifest's other fields and
    comments). Each name is an article file of ``folder`` or a URL the list already holds.

    Returns the new order. Raises :class:`EditionsError` for an unknown name, a name given twice
    or an empty list.
    """
    current = article_order(folder)
    names = list(names)
    if not names:
        raise EditionsError("an edition needs at least one article", manifest_path(folder))
    if len(set(names)) != len(names):
        raise EditionsError("an article is listed twice", manifest_path(folder))
    for name in names:
        if not (is_url(name) and name in current):
            article_file(folder, name)
    document = _load_toml(folder)
    listing = tomlkit.array()
    listing.multiline(True)
    listing.extend(names)
    document["articles"] = listing
    _write_toml(folder, document)
    return names


def move_article(folder: Path, name: str, offset: int) -> list[str]:
    """Move ``name`` ``offset`` places later (negative: earlier) in the edition's order."""
    order = article_order(folder)
    if name not in order:
        raise EditionsError(f"'{name}' is not in the edition", manifest_path(folder))
    index = order.index(name)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return set_order(folder, order)


def remove_article(folder: Path, name: str) -> list[str]:
    """Leave ``name`` out of the edition (its file stays in the folder, and can be put back)."""
    order = article_order(folder)
    if name not in order:
        raise EditionsError(f"'{name}' is not in the edition", manifest_path(folder))
    return set_order(folder, [n for n in order if n != name])


def append_articles(folder: Path, names: Sequence[str]) -> list[str]:
    """Add ``names`` (article files of ``folder``) at the end of the edition's order."""
    order = article_order(folder)
    return set_order(folder, [*order, *(n for n in names if n not in order)])


def update_manifest(
    folder: Path, fields: Mapping[str, str | None], pdf: Mapping[str, Any] | None = None
) -> None:
    """Set the edition's own fields (:data:`EDITION_FIELDS`) and ``[pdf]`` settings in ``edition.toml``.

    An empty value (``None`` or blank text) removes the field. ``date`` is ``YYYY-MM-DD``. Raises
    :class:`EditionsError` for a value the manifest's reader refuses (the file is then unchanged).
    """
    document = _load_toml(folder)
    for key, value in fields.items():
        if key not in EDITION_FIELDS:
            raise EditionsError(f"unknown edition field '{key}'", manifest_path(folder))
        text = (value or "").strip() if key != "colophon" else (value or "").strip("\n")
        if not text.strip():
            document.pop(key, None)
        elif key in _DATE_FIELDS:
            document[key] = _parse_date(text, manifest_path(folder))
        elif key in _NUMBER_FIELDS:
            if not text.strip().isdigit() or int(text) < 1:
                raise EditionsError(f"'{key}' is a whole number, not {text.strip()!r}", manifest_path(folder))
            document[key] = int(text)
        elif "\n" in text:
            document[key] = tomlkit.string(text.replace("\r\n", "\n"), multiline=True)
        else:
            document[key] = text
    if pdf is not None:
        table = document.get("pdf")
        if table is None:
            table = tomlkit.table()
        for key, value in pdf.items():
            if key not in PDF_FIELDS:
                raise EditionsError(f"unknown [pdf] setting '{key}'", manifest_path(folder))
            if value is None or value == "":
                table.pop(key, None)
            else:
                table[key] = value
        if len(table):
            document["pdf"] = table
        else:
            document.pop("pdf", None)
    _write_toml(folder, document)


def set_style(folder: Path, style: str | None) -> None:
    """Set the edition's style (a built-in style or one in the folder's ``styles/``); ``None``,
    empty or ``default`` removes the setting."""
    from .styles import available_styles

    document = _load_toml(folder)
    if style and style != "default":
        if style not in available_styles(folder):
            raise EditionsError(f"unknown style '{style}'", manifest_path(folder))
        document["style"] = style
    else:
        document.pop("style", None)
    _write_toml(folder, document)


_IMAGE_SUFFIXES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def set_cover(folder: Path, data: bytes | None, name: str = "cover") -> str | None:
    """Make ``data`` (an image, checked as every build checks images) the edition's cover:
    written as ``cover.<ext>`` in ``folder`` and named in ``edition.toml``. ``None`` removes the
    setting (the image file stays). Returns the cover's file name. Raises :class:`EditionsError`
    naming ``name`` for data that is not a usable image."""
    from .resources import ImageRefused, check_image

    document = _load_toml(folder)
    if data is None:
        document.pop("cover", None)
        _write_toml(folder, document)
        return None
    try:
        image = check_image(data)
    except ImageRefused as exc:
        raise EditionsError(f"cannot be used as a cover: {exc}", name) from None
    target = f"cover.{_IMAGE_SUFFIXES.get(image.media_type, 'png')}"
    previous = (folder / target).read_bytes() if (folder / target).is_file() else None
    write_atomic(folder / target, image.data)
    document["cover"] = target
    try:
        _write_toml(folder, document)
    except EditionsError:
        if previous is None:
            (folder / target).unlink(missing_ok=True)
        else:
            write_atomic(folder / target, previous)
        raise
    return target


def _parse_date(text: str, path: Path) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise EditionsError(f"a date is written YYYY-MM-DD, not {text!r}", path) from None


def manifest_fields(folder: Path) -> dict[str, Any]:
    """The manifest's raw values (for a form): text fields as text, ``pdf`` as a dict."""
    document = _load_toml(folder)
    values: dict[str, Any] = {}
    for key in EDITION_FIELDS:
        if key in document:
            values[key] = str(document[key])
    values["style"] = str(document.get("style") or "")
    values["cover"] = str(document.get("cover") or "")
    table = document.get("pdf")
    values["pdf"] = {k: table[k] for k in PDF_FIELDS if table is not None and k in table}
    return values


# --- adding articles ----------------------------------------------------------------------------

#: The most bytes one added article may have (a pasted text or an uploaded file).
MAX_ARTICLE_BYTES = 16 * 1024 * 1024

_ZIP_MEMBERS = {".docx": "word/document.xml", ".odt": "content.xml"}


def check_article_bytes(data: bytes, suffix: str, name: str) -> None:
    """Refuse an added article whose content does not match its format: Word and OpenDocument files
    must be zip archives holding their document, the text formats text (not a zip, an image, a
    program). Raises :class:`EditionsError` naming ``name``."""
    suffix = suffix.lower()
    if suffix not in supported_suffixes():
        known = ", ".join(sorted(supported_suffixes()))
        raise EditionsError(f"unknown article format '{suffix or name}' (expected one of {known})", name)
    if len(data) > MAX_ARTICLE_BYTES:
        raise EditionsError(f"too large (the limit is {MAX_ARTICLE_BYTES // (1024 * 1024)} MB)", name)
    if not data.strip():
        raise EditionsError("the article is empty", name)
    member = _ZIP_MEMBERS.get(suffix)
    if member is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            raise EditionsError(f"not a {suffix[1:]} file (its content is not a zip archive)", name) from None
        if member not in names:
            raise EditionsError(f"not a {suffix[1:]} file ({member} is missing)", name)
        return
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"MZ")):
        raise EditionsError(f"not a {suffix[1:]} file (binary content)", name)


def add_article(folder: Path, data: bytes, suffix: str, *, name: str, url: str | None = None) -> list[Path]:
    """Read ``data`` (an article in the format of ``suffix``: pasted text, an uploaded file) as
    ``editions import`` reads a file, write it into ``folder`` as Markdown named after its title,
    and add it at the end of the edition's order. ``url`` (the page's address, given by a person)
    becomes the article's ``url`` when the text does not say it. Returns the files written.
    """
    check_article_bytes(data, suffix, name)
    folder.mkdir(parents=True, exist_ok=True)
    draft = draft_from_bytes(data, suffix.lower(), Path(name))
    if url:
        if not is_url(url):
            raise EditionsError(f"not a web address (http:// or https://): {url!r}", name)
        draft.url = url.strip()
        draft.evidence.pop("url", None)
    if not (draft.title or "").strip():
        draft.title = Path(name).stem.replace("-", " ").replace("_", " ").strip() or "Untitled"
    written = import_articles([draft], folder, evidence=True)
    append_articles(folder, [p.name for p in written])
    return written


def add_url(folder: Path, url: str) -> list[Path]:
    """Fetch the web page at ``url``, write it into ``folder`` as Markdown (as ``editions import``
    does) and add it at the end of the edition's order. Returns the files written."""
    if not is_url(url):
        raise EditionsError(f"not a web address (http:// or https://): {url!r}")
    folder.mkdir(parents=True, exist_ok=True)
    written = import_articles([url.strip()], folder, evidence=True)
    append_articles(folder, [p.name for p in written])
    return written


# --- articles' front matter ---------------------------------------------------------------------


@dataclass
class FrontMatterView:
    """An article file's front matter as a person edits it."""

    fields: dict[str, Any] = field(default_factory=dict)
    """The fields the file gives (YAML values: text, dates, lists)."""
    guesses: dict[str, str] = field(default_factory=dict)
    """Field → the importer's note on where it came from ("guessed (line 3: …); check it", or
    "found (line 3: …)" for a field found by a strong rule)."""
    evidence: dict[str, Evidence] = field(default_factory=dict)
    """The same notes read back as :class:`Evidence` (field, line, sure, rule)."""
    dropped: list[str] = field(default_factory=list)
    """The importer's list of page furniture left out ("lines 1-5: …")."""
    body: str = ""
    """The text after the front matter (the whole file when it has none)."""


def read_front_matter(path: Path) -> FrontMatterView:
    """The front matter of an article file (``.md`` or ``.txt``), with the importer's review comments."""
    text = read_text(path)
    front = split_front_matter(text, path)
    match = re.match(r"\A(?:\ufeff)?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", text, re.S)
    if match is None:
        return FrontMatterView(body=text)
    raw = yaml.safe_load(match.group(1)) or {}
    view = FrontMatterView(fields=dict(raw) if isinstance(raw, dict) else {}, body=front.body)
    in_dropped = False
    for line in match.group(1).splitlines():
        if line.startswith(_DROPPED_HEAD):
            in_dropped = True
            continue
        if in_dropped and line.startswith("#   "):
            view.dropped.append(line[4:])
            continue
        note = _NOTE.match(line)
        if note:
            key, text, kind, number, rule = note.groups()
            view.guesses[key] = text
            view.evidence[key] = Evidence(key, int(number) if number else None, kind == "found", rule)
    return view


def update_front_matter(path: Path, changes: Mapping[str, Any]) -> Path:
    """Set front matter fields of the article file ``path`` and write it back (atomically).

    ``changes`` maps names of :data:`ARTICLE_FIELDS` to their new values (text; for ``author`` and
    ``tags`` a list, or text with one item per ``;`` or line; ``date`` as ``YYYY-MM-DD``). An empty
    value removes the field. A field whose value changes loses the importer's "guessed" comment;
    the others keep theirs. A file without front matter (plain text as pasted) gets one above its
    text. Raises :class:`EditionsError` for a format whose front matter cannot be edited, an
    unknown field, or a value the reader refuses; the file is then unchanged.
    """
    if path.suffix.lower() not in EDITABLE_SUFFIXES:
        raise EditionsError(
            "only Markdown and text articles can be edited here (import the file first)", path
        )
    view = read_front_matter(path)
    front = dict(view.fields)
    guesses = dict(view.guesses)
    for key, value in changes.items():
        if key not in ARTICLE_FIELDS:
            raise EditionsError(f"unknown article field '{key}'", path)
        new = _field_value(key, value, path)
        if _same(front.get(key), new):
            continue
        guesses.pop(key, None)
        if new is None:
            front.pop(key, None)
        else:
            front[key] = new
    ordered = {k: front[k] for k in ARTICLE_FIELDS if k in front}
    ordered.update({k: v for k, v in front.items() if k not in ordered})
    if not ordered:
        text = view.body.strip() + "\n"
    else:
        text = article_markdown(ordered, view.body, review=Review(guesses, view.dropped))
    draft_from_bytes(text.encode("utf-8"), path.suffix.lower(), path)  # the reader accepts it
    return write_atomic(path, text)


def _field_value(key: str, value: Any, path: Path) -> Any:
    if value is None:
        return None
    if key in LIST_FIELDS:
        separators = r"\n" if key == "promos" else r"[;\n]"  # a promo may hold a semicolon
        items = value if isinstance(value, list) else re.split(separators, str(value))
        cleaned = [" ".join(str(item).split()) for item in items]
        cleaned = [item for item in cleaned if item]
        if not cleaned:
            return None
        return cleaned[0] if key in ("author", "translator") and len(cleaned) == 1 else cleaned
    if isinstance(value, dt.date):
        return value
    text = str(value).replace("\r\n", "\n").strip()
    if not text:
        return None
    if key == "date":
        return _parse_date(text, path)
    if key != "note":
        text = " ".join(text.split())
    return text


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, list) and len(old) == 1 and not isinstance(new, list):
        old = old[0]
    if isinstance(old, dt.datetime):
        old = old.date()
    return bool(old == new)


def list_text(value: Any, separator: str = "; ") -> str:
    """A front matter list (or single value) as the text a form shows: items joined by ``separator``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return separator.join(str(v) for v in value)
    return str(value)


__all__ = [
    "ARTICLE_FIELDS",
    "EDITION_FIELDS",
    "MAX_ARTICLE_BYTES",
    "FrontMatterView",
    "add_article",
    "add_url",
    "append_articles",
    "article_file",
    "article_order",
    "check_article_bytes",
    "list_text",
    "manifest_fields",
    "move_article",
    "read_front_matter",
    "remove_article",
    "set_cover",
    "set_order",
    "set_style",
    "unlisted_articles",
    "update_front_matter",
    "update_manifest",
]
