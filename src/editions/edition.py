"""Editions: which articles, in which order, under which title.

In: the PATHs a user names (article files, folders, ``edition.toml`` manifests; none means
``./articles``). Out: an :class:`~editions.model.Edition` with every article read, in order,
each with a slug that is unique within the edition.

``edition.toml`` fields: ``title, subtitle, editor, publisher, date, lang, articles`` (an ordered
list of files relative to the manifest; default: every article in the folder sorted by name),
``rights, colophon, contact, url, style, cover, logo, identifier, description``, a periodical's
``series, volume, number, issue_date``, ``require_sources`` (true:
stop with an error, rather than warn, when an article has no source recorded) and the ``[pdf]``
table. The title and the text fields printed as prose (:data:`TYPESET_FIELDS`) get the
typography of the edition's language.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from slugify import slugify

from .errors import EditionsError
from .fetch import is_url
from .model import Article, Edition, PdfSettings
from .readers import read_article, supported_suffixes
from .readers.frontmatter import normalise_lang, parse_date_value
from .sanitize import clean_text, clip
from .styles import ManifestStyle
from .typography import smarten_text

log = logging.getLogger("editions")

MANIFEST = "edition.toml"
DEFAULT_FOLDER = Path("articles")

MANIFEST_TEXT_FIELDS = (
    "title", "subtitle", "editor", "publisher", "rights", "colophon", "contact", "style", "identifier",
    "description", "series", "url",
)  # fmt: skip
MANIFEST_FIELDS = {
    *MANIFEST_TEXT_FIELDS, "date", "lang", "articles", "cover", "logo", "pdf", "require_sources",
    "volume", "number", "issue_date",
}  # fmt: skip
#: The fields printed as text, set with the edition language's typography (curly quotes, dashes …).
TYPESET_FIELDS = ("subtitle", "editor", "publisher", "rights", "colophon", "description", "series")
#: The keys of the ``[pdf]`` table (see :class:`~editions.model.PdfSettings`).
PDF_FIELDS = (
    "paper", "font_size", "open_right", "impose", "signature", "duplex", "creep", "marks", "back_cover",
    "archive",
)  # fmt: skip
#: The values of ``[pdf] back_cover`` (see :func:`editions.pdf.printhtml.back_cover`).
BACK_COVERS = ("designed", "blank", "none")


def load_edition(
    paths: Sequence[str | Path | Article] | str | Path = (), *, lang: str | None = None, offline: bool = False
) -> Edition:
    """Read an edition from article files, URLs, folders and manifests (see the module docstring).

    An :class:`Article` among ``paths`` (one already read, e.g. from standard input) is taken as is.

    A PATH (or a manifest's ``articles`` entry) that is an ``http://``/``https://`` URL is fetched
    and read as a web page; ``offline=True`` refuses that with an error naming the URL. ``lang``
    is the fallback language for an article that neither says nor reveals its own. Returns the
    edition (by default, of the ``articles`` folder). Raises :class:`EditionsError` when a path is
    missing or unreadable, a manifest is not valid, an article cannot be read or fetched, or
    there is no article.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        paths = [DEFAULT_FOLDER]
    manifest: dict[str, Any] | None = None
    manifest_path: Path | None = None
    manifests: list[Path] = []
    files: list[Path | str | Article] = []
    for raw in paths:
        if isinstance(raw, Article):
            files.append(raw)
            continue
        if is_url(raw):
            files.append(str(raw).strip())
            continue
        path = Path(raw)
        if path.is_dir() and (path / MANIFEST).is_file():
            path = path / MANIFEST
        if path.name == MANIFEST or path.suffix.lower() == ".toml":
            data = read_manifest(path)
            manifests.append(path)
            if manifest is None:
                manifest, manifest_path = data, path
            files.extend(_manifest_articles(data, path))
        elif path.is_dir():
            found = folder_articles(path)
            if not found:
                raise EditionsError(
                    "no articles in this folder (expected " + ", ".join(supported_suffixes()) + ")", path
                )
            files.extend(found)
        elif not path.exists():
            raise EditionsError("no such file or folder", path)
        else:
            files.append(path)
    fields = manifest or {}
    edition_lang = fields.get("lang") or lang
    articles = [_read_source(f, edition_lang, offline) for f in files]
    local = [f for f in files if isinstance(f, Path)]
    edition = build_edition(articles, fields, root=_root(manifest_path, local))
    return edition.replace(manifests=tuple(manifests))


class _ManifestURL(str):
    """A URL listed in an ``edition.toml``: untrusted, so never fetched from a private address."""


def _read_source(source: Path | str | Article, lang: str | None, offline: bool) -> Article:
    """Read one article: a file, or a URL fetched unless ``offline`` (an Article is already read)."""
    if isinstance(source, Article):
        return source
    if isinstance(source, str):
        from .readers.url import read_url

        return read_url(
            source, offline=offline, lang=lang, allow_private=not isinstance(source, _ManifestURL)
        )
    return read_article(source, lang=lang)


def build_edition(
    articles: Iterable[Article], fields: dict[str, Any] | None = None, *, root: Path | None = None
) -> Edition:
    """An :class:`Edition` from articles already read and manifest-style ``fields``.

    ``articles`` are kept in order; ``fields`` are what a manifest's table would hold (``title``,
    ``lang``, ``style``…; the title defaults to the only article's, else the name of ``root``,
    the edition's folder, which also anchors its styles and images). Returns the edition, each
    article given a slug of its own. Raises :class:`EditionsError` when there is no article.
    """
    fields = dict(fields or {})
    articles = list(articles)
    if not articles:
        raise EditionsError("the edition has no articles")
    title = fields.get("title")
    if not title:
        title = articles[0].title if len(articles) == 1 else _folder_title(root)
    lang = fields.get("lang") or _majority_lang(articles)
    title = smarten_text(title, lang)
    fields.update({key: smarten_text(fields[key], lang) for key in TYPESET_FIELDS if fields.get(key)})
    slugs: set[str] = set()
    numbered = []
    for index, article in enumerate(articles, start=1):
        base = slugify(article.title, max_length=60, word_boundary=True) or f"article-{index}"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        numbered.append(article.replace(slug=slug))
    return Edition(
        title=title,
        articles=tuple(numbered),
        subtitle=fields.get("subtitle"),
        editor=fields.get("editor"),
        publisher=fields.get("publisher"),
        date=fields.get("date"),
        lang=lang,
        rights=fields.get("rights"),
        colophon=fields.get("colophon"),
        contact=fields.get("contact"),
        style=fields.get("style"),
        cover=fields.get("cover"),
        identifier=fields.get("identifier"),
        description=fields.get("description"),
        root=root,
        slug=slugify(title, max_length=60, word_boundary=True) or "edition",
        pdf=fields.get("pdf") or PdfSettings(),
        require_sources=bool(fields.get("require_sources", False)),
        series=fields.get("series"),
        volume=fields.get("volume"),
        number=fields.get("number"),
        issue_date=fields.get("issue_date"),
        logo=fields.get("logo"),
        url=fields.get("url"),
    )


def read_manifest(path: Path, text: str | None = None) -> dict[str, Any]:
    """Read and validate an ``edition.toml``; paths in it become absolute.

    ``text``, when given, is checked as the manifest's new content (before it is written to ``path``).
    """
    from .textio import read_text

    if text is None:
        text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+)(?:, column \d+)?\)", message)
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in message:
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
        raise EditionsError(f"broken edition.toml: {message}", path, line) from None
    unknown = sorted(set(data) - MANIFEST_FIELDS)
    if unknown:
        log.warning("%s: unknown field(s) ignored: %s", path, ", ".join(unknown))
    fields: dict[str, Any] = {}
    for key in MANIFEST_TEXT_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise EditionsError(f"'{key}' must be text", path)
        value, clipped = clip(clean_text(value), key)
        if clipped:
            log.warning("%s: '%s' is too long; cut short", path, key)
        fields[key] = value.strip() if key != "colophon" else value.strip("\n")
    if "style" in fields and not re.fullmatch(r"[\w][\w.-]*", fields["style"]):
        raise EditionsError(
            f"'style' must be a style name, not a path ('{fields['style']}'): a built-in style or a "
            "folder in styles/ beside the manifest",
            path,
            _line_of_key(path, "style"),
        )
    if "url" in fields and not re.fullmatch(r"https?://[^\s/]+\.[^\s]*", fields["url"]):
        raise EditionsError(
            f"'url' must be a web address starting with https:// or http://, not '{fields['url']}'",
            path,
            _line_of_key(path, "url"),
        )
    if "style" in fields:
        fields["style"] = ManifestStyle.at(fields["style"], path, _line_of_key(path, "style"))
    if "lang" in data:
        if not isinstance(data["lang"], str):
            raise EditionsError("'lang' must be a language tag such as \"en\"", path)
        fields["lang"] = normalise_lang(data["lang"], path)
    if "date" in data:
        fields["date"] = parse_date_value(data["date"], path)
    if "issue_date" in data:
        fields["issue_date"] = parse_date_value(data["issue_date"], path)
    for key in ("volume", "number"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
                raise EditionsError(
                    f"'{key}' must be a whole number such as 8, not {value!r}", path, _line_of_key(path, key)
                )
            fields[key] = value
    if ("volume" in fields or "number" in fields) and not fields.get("series"):
        raise EditionsError(
            "'volume' and 'number' belong to a periodical: give its name as 'series' too",
            path,
            _line_of_key(path, "volume") or _line_of_key(path, "number"),
        )
    for key in ("cover", "logo"):
        if key in data:
            if not isinstance(data[key], str):
                raise EditionsError(f"'{key}' must be a file name", path, _line_of_key(path, key))
            fields[key] = _image(path, data[key], key)
    if "pdf" in data:
        fields["pdf"] = _pdf_settings(data["pdf"], path)
    if "require_sources" in data:
        value = data["require_sources"]
        if not isinstance(value, bool):
            raise EditionsError(
                f"'require_sources' must be true or false, not {value!r}",
                path,
                _line_of_key(path, "require_sources"),
            )
        fields["require_sources"] = value
    if "articles" in data:
        items = data["articles"]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise EditionsError("'articles' must be a list of file names", path)
        fields["articles"] = items
    return fields


def _pdf_settings(table: object, path: Path) -> PdfSettings:
    """The ``[pdf]`` table, checked as the command line checks the same options."""
    from .impose import DUPLEX_MODES, LAYOUTS, check_options
    from .paper import check_font_size, parse_paper

    if not isinstance(table, dict):
        raise EditionsError("'pdf' must be a table: a [pdf] section with paper, font_size …", path)
    unknown = sorted(set(table) - set(PDF_FIELDS))
    if unknown:
        log.warning("%s: unknown [pdf] setting(s) ignored: %s", path, ", ".join(unknown))

    def fail(key: str, message: str) -> EditionsError:
        return EditionsError(f"[pdf] {key}: {message}", path, _line_of_key(path, key))

    def number(key: str) -> float | None:
        value = table.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise fail(key, f"must be a number, not {value!r}")
        return None if value is None else float(value)

    def flag(key: str) -> bool | None:
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            raise fail(key, f"must be true or false, not {value!r}")
        return value

    def choice(key: str, choices: Sequence[str]) -> str | None:
        value = table.get(key)
        if value is not None and value not in choices:
            raise fail(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    paper = table.get("paper")
    if paper is not None:
        if not isinstance(paper, str):
            raise fail("paper", f'must be a paper size such as "A5", not {paper!r}')
        try:
            parse_paper(paper)
        except EditionsError as exc:
            raise fail("paper", exc.message) from None
    font_size = number("font_size")
    if font_size is not None:
        try:
            check_font_size(font_size)
        except EditionsError as exc:
            raise fail("font_size", exc.message) from None
    signature = table.get("signature")
    if signature is not None and (isinstance(signature, bool) or not isinstance(signature, int)):
        raise fail("signature", f"must be a whole number of pages, not {signature!r}")
    settings = PdfSettings(
        paper=paper,
        font_size=font_size,
        open_right=flag("open_right"),
        impose=choice("impose", LAYOUTS),
        signature=signature,
        duplex=choice("duplex", DUPLEX_MODES),
        creep=number("creep"),
        marks=flag("marks"),
        back_cover=choice("back_cover", BACK_COVERS),
        archive=flag("archive"),
    )
    try:  # without a layout, signature and creep are for a booklet made with --impose booklet
        layout, duplex, creep = settings.impose or "booklet", settings.duplex or "short", settings.creep or 0
        check_options(layout, signature, duplex, creep)
    except EditionsError as exc:
        line = _line_of_key(path, "impose") or _line_of_key(path, "signature") or _line_of_key(path, "creep")
        raise EditionsError(f"[pdf] {exc.message}", path, line) from None
    return settings


def _line_of_key(path: Path, key: str) -> int | None:
    """The line of ``key = …`` in a TOML file (None when not found)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _manifest_articles(fields: dict[str, Any], path: Path) -> list[Path | str]:
    folder = path.parent
    if "articles" not in fields:
        found: list[Path | str] = [*folder_articles(folder)]
        if not found:
            raise EditionsError("no articles beside this manifest", path)
        return found
    files: list[Path | str] = []
    seen: dict[str, int] = {}  # each entry (resolved) -> how many times listed so far
    for name in fields["articles"]:
        key = name.strip() if is_url(name) else str((folder / name).resolve())
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            lines = _lines_of(path, name)
            line = lines[seen[key] - 1] if len(lines) >= seen[key] else None
            where = f"{path}:{line}" if line else str(path)
            first = f" (first on line {lines[0]})" if lines else ""
            log.warning("%s: article '%s' is listed again%s; it is printed twice", where, name, first)
        if is_url(name):
            files.append(_ManifestURL(name.strip()))
            continue
        candidate = folder / name
        if not candidate.is_file():
            raise EditionsError(
                f"article '{name}' listed in the manifest not found", path, _line_of(path, name)
            )
        if not _inside(candidate, folder):
            raise EditionsError(
                f"article '{name}' listed in the manifest is outside the manifest's folder",
                path,
                _line_of(path, name),
            )
        files.append(candidate)
    if not files:
        raise EditionsError("'articles' is empty", path)
    return files


def _inside(candidate: Path, folder: Path) -> bool:
    """Whether ``candidate`` is in ``folder`` (or below it) once ``..`` and symbolic links are resolved."""
    try:
        return candidate.resolve(strict=True).is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _image(path: Path, name: str, key: str = "cover") -> Path:
    """The manifest's cover or logo image: a file in the manifest's folder, checked to be a usable image."""
    from .resources import ImageRefused, check_image
    from .textio import read_bytes

    what = f"{key} image"
    line = _line_of_key(path, key) or _line_of(path, name)
    image = path.parent / name
    if not image.is_file():
        raise EditionsError(f"{what} '{name}' not found", path, line)
    if not _inside(image, path.parent):
        raise EditionsError(f"{what} '{name}' is outside the manifest's folder", path, line)
    try:
        check_image(read_bytes(image))
    except ImageRefused as exc:
        raise EditionsError(f"{what} '{name}' cannot be used: {exc}", path, line) from None
    return image.resolve()


def _lines_of(path: Path, needle: str) -> list[int]:
    """The lines of ``path`` that hold ``needle`` quoted as a TOML string."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    quoted = (f'"{needle}"', f"'{needle}'")
    return [
        n for n, line in enumerate(text.splitlines(), start=1) for q in quoted for _ in range(line.count(q))
    ]


def _line_of(path: Path, needle: str) -> int | None:
    try:
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1
        ):
            if needle in line:
                return number
    except OSError:
        return None
    return None


def folder_articles(folder: Path) -> list[Path]:
    """The article files of ``folder``, by name; symbolic links that lead out of it are skipped."""
    suffixes = set(supported_suffixes())
    found = []
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        if not (p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "_"))):
            continue
        if p.is_symlink() and not _inside(p, folder):
            log.warning("%s: a link to a file outside the folder; left out", p)
            continue
        found.append(p)
    return found


def _root(manifest_path: Path | None, files: list[Path]) -> Path | None:
    if manifest_path is not None:
        return manifest_path.parent.resolve()
    if files:
        return files[0].parent.resolve()
    return None


def _folder_title(root: Path | None) -> str:
    name = root.name if root else ""
    return name.replace("_", " ").replace("-", " ").strip().capitalize() or "Edition"


def _majority_lang(articles: list[Article]) -> str:
    counts: dict[str, int] = {}
    for article in articles:
        counts[article.lang] = counts.get(article.lang, 0) + 1
    return max(counts, key=lambda k: (counts[k], -list(counts).index(k)))
