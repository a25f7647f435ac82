"""Styles: the templates, CSS and fonts that give an edition its look.

In: a style name or folder, and the edition's folder. Out: a :class:`Style` that knows its
chain of folders (the chosen style, the styles it extends, and the built-in ``default`` base),
the Jinja2 loader over them (the edition's own ``templates/`` first, so a user can override one
template), and the CSS for a medium (``screen``, ``print`` or ``epub``).

A style is a folder with an optional ``style.toml`` (``name``, ``description``, ``extends``),
``templates/`` and ``css/`` (``common.css`` plus ``screen.css``, ``print.css``, ``epub.css``),
and any fonts or images its CSS uses. Styles are looked up as a folder path, then in the
edition's ``styles/`` folder, then among the built-in styles.

A style's look can also be changed without CSS, by *settings* in ``style.toml`` (see
:class:`StyleSettings`): ``logo``, ``[page]`` (paper, font size, margins), ``[colors]``,
``[fonts]`` (font files in the style's folder), ``[headings]`` and ``[text]``. They become a small
CSS of custom properties (:meth:`Style.settings_css`) placed after the styles' own CSS, which
reads them (``--text``, ``--accent``, ``--heading-weight`` … in the default style). A style that
extends another inherits its settings; its own win.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .errors import EditionsError

BASE_STYLE = "default"
MEDIA = ("screen", "print", "epub")


@functools.cache
def builtin_styles_dir() -> Path:
    """The folder of the built-in styles: inside the installed package, or the source tree's ``styles/``."""
    packaged = Path(__file__).parent / "styles"
    if (packaged / BASE_STYLE).is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "styles"
    if (source_tree / BASE_STYLE).is_dir():
        return source_tree
    raise EditionsError("the built-in styles are missing from this installation")


def available_styles(edition_root: Path | None = None) -> list[str]:
    """Names of the styles that :func:`load_style` can find by name, sorted.

    The built-in styles, and those in the ``styles/`` folder of ``edition_root`` (the edition's
    folder) when given. Raises nothing for a missing ``styles/`` folder: it adds no name.
    """
    names = {
        p.name for p in builtin_styles_dir().iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    }
    if edition_root and (edition_root / "styles").is_dir():
        names |= {p.name for p in (edition_root / "styles").iterdir() if p.is_dir()}
    return sorted(names)


FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
#: The ``[fonts]`` keys: the body text's four faces and the headings' face.
FONT_ROLES = {
    "body": ("editions-body", "normal", 400),
    "body_italic": ("editions-body", "italic", 400),
    "body_bold": ("editions-body", "normal", 700),
    "body_bold_italic": ("editions-body", "italic", 700),
    "heading": ("editions-heading", "normal", 400),
}
_COLOR = re.compile(
    r"#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20}"
    r"|(?:rgb|rgba|hsl|hsla)\(\s*[0-9.%, /deg]+\s*\)"
)
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)(mm|cm|in|pt)")
_UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
#: Each settings table, its keys, and how a value is checked and written as CSS (see ``_css_value``).
SETTINGS_TABLES: dict[str, dict[str, str]] = {
    "page": {"paper": "paper", "font_size": "font_size", "margins": "margins", "run_on": "run_on"},
    "colors": {"text": "color", "muted": "color", "rule": "color", "accent": "color"},
    "fonts": {role: "font" for role in FONT_ROLES},
    "headings": {
        "weight": "weight", "style": "font_style", "transform": "transform", "align": "align",
        "color": "color",
    },
    "text": {"line_height": "line_height", "align": "body_align", "hyphens": "bool", "notes": "notes"},
}  # fmt: skip
TOP_KEYS = {"name", "description", "extends", "logo", *SETTINGS_TABLES}
_CHOICES = {
    "font_style": ("normal", "italic"),
    "transform": ("none", "uppercase", "lowercase", "capitalize"),
    "align": ("start", "left", "center", "right"),
    "body_align": ("start", "left", "justify"),
}
#: The custom property each setting sets (the default style's CSS reads these).
_PROPERTIES = {
    ("colors", "text"): "--text",
    ("colors", "muted"): "--muted",
    ("colors", "rule"): "--rule",
    ("colors", "accent"): "--accent",
    ("headings", "weight"): "--heading-weight",
    ("headings", "style"): "--heading-style",
    ("headings", "transform"): "--heading-transform",
    ("headings", "align"): "--heading-align",
    ("headings", "color"): "--heading-color",
    ("text", "line_height"): "--line-height",
    ("text", "align"): "--body-align",
    ("text", "hyphens"): "--hyphens",
}


@dataclass(frozen=True)
class StyleSettings:
    """What ``style.toml`` says beyond CSS, merged along the style chain (the chosen style wins).

    ``description``: one line saying what the style is for. ``paper`` and ``font_size``: the
    style's default paper and body size for the PDF (the edition's ``[pdf]`` settings and the
    command line win). ``margins``: print margins in mm (top, outer, bottom, inner).
    ``logo``: an image in the style's folder (an edition's own ``logo`` wins). ``fonts``: font
    files by role (``body``, ``body_italic``, ``body_bold``, ``body_bold_italic``, ``heading``).
    ``properties``: CSS custom properties and their values. ``run_on``: articles run on, one after
    another, rather than each starting a new page (print; the PDF stage then renders the edition
    in one piece, as its build in parts starts each part on a new page). ``notes``:
    ``"footnotes"`` (at the foot of the page in print, the default) or ``"endnotes"`` (after
    each article).
    """

    description: str | None = None
    paper: str | None = None
    font_size: float | None = None
    margins: tuple[float, float, float, float] | None = None
    logo: Path | None = None
    fonts: Mapping[str, Path] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)
    run_on: bool | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Style:
    """A resolved style: ``folders`` runs from the chosen style to the built-in base."""

    name: str
    folders: tuple[Path, ...]
    overrides: Path | None = None
    settings: StyleSettings = StyleSettings()

    @property
    def description(self) -> str:
        """What the style is for, in one line (its ``style.toml``'s ``description``)."""
        return self.settings.description or ""

    def settings_css(self, medium: str) -> str:
        """The CSS of the style's settings for ``medium`` ("" when it has none): custom properties,
        and in print the fonts (``@font-face`` with the files' ``file:`` URLs) and margins.

        Placed after the styles' own CSS. On screen, colours apply to the light scheme only
        (the dark scheme keeps its own).
        """
        s = self.settings
        lines: list[str] = []
        properties = dict(s.properties)
        if medium == "print":
            for role, path in s.fonts.items():
                family, font_style, weight = FONT_ROLES[role]
                lines.append(
                    f'@font-face {{ font-family: "{family}"; font-style: {font_style}; '
                    f'font-weight: {weight}; src: url("{path.resolve().as_uri()}"); }}'
                )
            if "body" in s.fonts:
                properties["--serif"] = '"editions-body", "Gentium Book Plus", serif'
            if "heading" in s.fonts:
                properties["--heading-font"] = '"editions-heading", var(--serif)'
            if s.margins is not None:
                top, outer, bottom, inner = (f"{_num(v)}mm" for v in s.margins)
                lines.append(f"@page {{ margin: {top} {outer} {bottom} {inner}; }}")
                lines.append(f"@page :left {{ margin-left: {outer}; margin-right: {inner}; }}")
                lines.append(f"@page :right {{ margin-left: {inner}; margin-right: {outer}; }}")
                properties["--text-width"] = f"calc(var(--paper-width) - {inner} - {outer})"
                properties["--text-height"] = f"calc(var(--paper-height) - {top} - {bottom})"
            if s.run_on:
                lines.append("article.article { break-before: auto; }")
        else:
            properties.pop("--body-align", None)  # print only: screens and e-readers set ragged text
        if properties:
            block = ":root { " + " ".join(f"{k}: {v};" for k, v in properties.items()) + " }"
            if medium == "screen" and any(
                k in properties for k in ("--text", "--muted", "--rule", "--accent")
            ):
                lines.append(f"@media not all and (prefers-color-scheme: dark) {{ {block} }}")
            else:
                lines.append(block)
        if not lines:
            return ""
        return f"/* editions: the settings of style.toml ({self.name}) */\n" + "\n".join(lines) + "\n"

    @property
    def loader(self) -> jinja2.BaseLoader:
        """A Jinja2 loader for the style's templates: the edition's overrides, then each folder's."""
        searchpath = [str(f / "templates") for f in self.folders if (f / "templates").is_dir()]
        if self.overrides is not None:
            searchpath.insert(0, str(self.overrides))
        return jinja2.FileSystemLoader(searchpath)

    def css(self, medium: str) -> str:
        """The style's CSS for ``medium``: the base first, the chosen style last (so it wins)."""
        if medium not in MEDIA:
            raise ValueError(f"unknown medium {medium!r}")
        parts = []
        for folder in reversed(self.folders):
            for name in ("common.css", f"{medium}.css"):
                css = folder / "css" / name
                if css.is_file():
                    parts.append(f"/* {folder.name}/css/{name} */\n" + css.read_text(encoding="utf-8"))
        settings = self.settings_css(medium)
        if settings:
            parts.append(settings)
        return "\n".join(parts)

    def find(self, relative: str) -> Path | None:
        """The first file named ``relative`` in the style chain (for fonts and images)."""
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        return None

    @property
    def roots(self) -> tuple[Path, ...]:
        """Folders resources may be loaded from on this style's behalf."""
        return tuple(f.resolve() for f in self.folders)


def load_style(name: str | Path | None = None, edition_root: Path | None = None) -> Style:
    """Resolve a style by folder path or name (see the module docstring); ``None`` is the base style.

    ``name`` is a style's name or the path of its folder; ``edition_root`` (the edition's folder)
    is searched first, for its ``styles/`` and ``templates/`` folders. Returns the :class:`Style`,
    with the folders it extends. Raises :class:`EditionsError` for an unknown style, a style that
    extends itself in a loop, or a broken ``style.toml``.
    """
    chain: list[Path] = []
    metas: list[dict[str, Any]] = []
    folder = _find((name if isinstance(name, str) else str(name)) if name else BASE_STYLE, edition_root)
    seen: set[Path] = set()
    while folder is not None:
        if folder.resolve() in seen:
            raise EditionsError("style extends itself in a loop", folder / "style.toml")
        seen.add(folder.resolve())
        chain.append(folder)
        meta = _read_meta(folder)
        metas.append(meta)
        parent = meta.get("extends")
        if parent:
            folder = _find(str(parent), edition_root)
        elif folder.resolve() != (builtin_styles_dir() / BASE_STYLE).resolve():
            folder = builtin_styles_dir() / BASE_STYLE
        else:
            break
    overrides = edition_root / "templates" if edition_root and (edition_root / "templates").is_dir() else None
    settings = _merge_settings(
        [_settings(m, f) for m, f in zip(reversed(metas), reversed(chain), strict=True)]
    )
    return Style(name=chain[0].name, folders=tuple(chain), overrides=overrides, settings=settings)


def describe_styles(edition_root: Path | None = None) -> list[tuple[str, str, str]]:
    """Each style :func:`load_style` can find by name: ``(name, where, description)``.

    ``where`` is ``"built-in"`` or ``"edition"`` (the edition's ``styles/`` folder, which wins
    over a built-in style of the same name). Raises :class:`EditionsError` for a broken
    ``style.toml``.
    """
    rows = []
    for name in available_styles(edition_root):
        style = load_style(name, edition_root)
        where = "built-in" if style.folders[0].parent == builtin_styles_dir() else "edition"
        rows.append((name, where, style.description))
    return rows


class ManifestStyle(str):
    """A style name read from an ``edition.toml``: remembers the file and line, for error messages."""

    path: Path | None = None
    line: int | None = None

    @classmethod
    def at(cls, name: str, path: Path, line: int | None) -> ManifestStyle:
        value = cls(name)
        value.path, value.line = path, line
        return value


def _find(name: str, edition_root: Path | None) -> Path:
    as_path = Path(name).expanduser()
    if ("/" in name or name.startswith(".")) and as_path.is_dir():
        return as_path.resolve()
    if edition_root is not None:
        local = edition_root / "styles" / name
        if local.is_dir():
            return local.resolve()
    builtin = builtin_styles_dir() / name
    if builtin.is_dir():
        return builtin
    available = ", ".join(available_styles(edition_root))
    if isinstance(name, ManifestStyle):
        raise EditionsError(f"unknown style '{name}' (available: {available})", name.path, name.line)
    raise EditionsError(f"unknown style '{name}' (available: {available})")


def _read_meta(folder: Path) -> dict[str, Any]:
    """The ``style.toml`` of ``folder`` ({} without one), its keys checked (not yet its values)."""
    meta = folder / "style.toml"
    if not meta.is_file():
        return {}
    try:
        text = meta.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EditionsError(f"cannot read style.toml: {exc}", meta) from None
    data = loads_toml(text, meta, "style.toml")
    for key, value in data.items():
        if key not in TOP_KEYS:
            known = ", ".join(sorted(TOP_KEYS))
            raise EditionsError(f"unknown setting '{key}' (known: {known})", meta, _line(text, None, key))
        if key in SETTINGS_TABLES:
            if not isinstance(value, dict):
                raise EditionsError(f"'{key}' must be a table: [{key}]", meta, _line(text, None, key))
            for sub in value:
                if sub not in SETTINGS_TABLES[key]:
                    known = ", ".join(SETTINGS_TABLES[key])
                    raise EditionsError(
                        f"unknown setting '{sub}' in [{key}] (known: {known})", meta, _line(text, key, sub)
                    )
        elif not isinstance(value, str):
            raise EditionsError(f"'{key}' must be text", meta, _line(text, None, key))
    return {"__text__": text, "__path__": meta, **data}


def loads_toml(text: str, path: Path, what: str) -> dict[str, Any]:
    """Parse TOML ``text`` read from ``path``, or raise :class:`EditionsError` naming its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+)(?:, column \d+)?\)", message)
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in message:
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
        raise EditionsError(f"broken {what}: {message}", path, line) from None


def _line(text: str, table: str | None, key: str) -> int | None:
    """The line of ``key = …`` (in ``[table]`` when given, else before any table) in TOML ``text``."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([\w.-]+)\s*\]", line)
        if header:
            current = header.group(1)
            if table is None and current == key:
                return number
            continue
        if current == table and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _settings(meta: dict[str, Any], folder: Path) -> StyleSettings:
    """The settings of one ``style.toml`` (already read by :func:`_read_meta`), values checked."""
    if not meta:
        return StyleSettings()
    text: str = meta["__text__"]
    path: Path = meta["__path__"]
    paper = font_size = margins = logo = run_on = notes = None
    fonts: dict[str, Path] = {}
    properties: dict[str, str] = {}
    if "logo" in meta:
        logo = _style_file(folder, meta["logo"], "logo", path, _line(text, None, "logo"))
    for table, keys in SETTINGS_TABLES.items():
        for key, value in meta.get(table, {}).items():
            line = _line(text, table, key)

            def fail(
                message: str, table: str = table, key: str = key, line: int | None = line
            ) -> EditionsError:
                return EditionsError(f"[{table}] {key}: {message}", path, line)

            kind = keys[key]
            if kind == "paper":
                from .paper import parse_paper

                if not isinstance(value, str):
                    raise fail(f'must be a paper size such as "A4", not {value!r}')
                try:
                    parse_paper(value)
                except EditionsError as exc:
                    raise fail(exc.message) from None
                paper = value
            elif kind == "font_size":
                from .paper import check_font_size

                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise fail(f"must be a size in points such as 11, not {value!r}")
                try:
                    font_size = check_font_size(float(value))
                except EditionsError as exc:
                    raise fail(exc.message) from None
            elif kind == "margins":
                margins = _margins(value, fail)
            elif kind == "notes":
                if value not in ("footnotes", "endnotes"):
                    raise fail(f"must be footnotes or endnotes, not {value!r}")
                notes = value
            elif kind == "run_on":
                if not isinstance(value, bool):
                    raise fail(f"must be true or false, not {value!r}")
                run_on = value
            elif kind == "font":
                fonts[key] = _style_file(folder, value, "font", path, line, FONT_SUFFIXES)
            else:
                properties[_PROPERTIES[(table, key)]] = _css_value(kind, value, fail)
    return StyleSettings(
        description=meta.get("description"),
        paper=paper,
        font_size=font_size,
        margins=margins,
        logo=logo,
        fonts=fonts,
        properties=properties,
        run_on=run_on,
        notes=notes,
    )


def _css_value(kind: str, value: object, fail: Any) -> str:
    """A setting's value as CSS, checked so that nothing but that value can reach the CSS."""
    if kind == "color":
        if isinstance(value, str) and value in ("text", "muted", "accent", "rule"):
            return f"var(--{value})"
        if not isinstance(value, str) or not _COLOR.fullmatch(value.strip()) or not _is_colour(value):
            raise fail(f'must be a colour such as "#1a1a1a" or "navy", not {value!r}')
        return value.strip()
    if kind == "weight":
        if value in ("normal", "bold"):
            return {"normal": "400", "bold": "700"}[str(value)]
        if isinstance(value, int) and not isinstance(value, bool) and value in range(100, 1000, 100):
            return str(value)
        raise fail(f'must be "normal", "bold" or 100 … 900, not {value!r}')
    if kind in _CHOICES:
        if value not in _CHOICES[kind]:
            raise fail(f"must be one of {', '.join(_CHOICES[kind])}, not {value!r}")
        return str(value)
    if kind == "line_height":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 1.0 <= value <= 3.0:
            raise fail(f"must be a number from 1.0 to 3.0 (times the text size), not {value!r}")
        return _num(float(value))
    if kind == "bool":
        if not isinstance(value, bool):
            raise fail(f"must be true or false, not {value!r}")
        return "auto" if value else "manual"
    raise AssertionError(kind)


def _is_colour(value: str) -> bool:
    """Whether ``value`` is a CSS colour (tinycss2, the CSS parser WeasyPrint uses, decides)."""
    import tinycss2.color3

    return tinycss2.color3.parse_color(value.strip()) not in (None, "currentColor")


def _margins(value: object, fail: Any) -> tuple[float, float, float, float]:
    """``"20mm"``, ``"20mm 15mm"`` … ``"20mm 15mm 24mm 18mm"`` (top, outer, bottom, inner), in mm."""
    parts = value.split() if isinstance(value, str) else []
    matches = [_LENGTH.fullmatch(p) for p in parts]
    if not 1 <= len(parts) <= 4 or not all(matches):
        raise fail(
            f'must be 1 to 4 lengths such as "20mm 15mm 24mm 18mm" (top, outer, bottom, inner), not {value!r}'
        )
    mm = [float(m.group(1)) * _UNIT_MM[m.group(2)] for m in matches if m]
    if any(not 3 <= v <= 80 for v in mm):
        raise fail("each margin must be between 3 and 80 mm")
    top = mm[0]
    outer = mm[1] if len(mm) > 1 else top
    bottom = mm[2] if len(mm) > 2 else top
    inner = mm[3] if len(mm) > 3 else outer
    return (top, outer, bottom, inner)


def _style_file(
    folder: Path, name: object, what: str, path: Path, line: int | None, suffixes: tuple[str, ...] = ()
) -> Path:
    """A file named in ``style.toml``: inside the style's folder, and a usable image or font."""
    if not isinstance(name, str) or not name.strip():
        raise EditionsError(f"{what}: must be a file name in the style's folder, not {name!r}", path, line)
    candidate = folder / name
    if not candidate.is_file():
        raise EditionsError(f"{what} '{name}' not found in the style's folder", path, line)
    try:
        inside = candidate.resolve(strict=True).is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise EditionsError(f"{what} '{name}' is outside the style's folder", path, line)
    if suffixes and candidate.suffix.lower() not in suffixes:
        raise EditionsError(f"{what} '{name}' is not a font file ({', '.join(suffixes)})", path, line)
    if what == "logo":
        from .resources import ImageRefused, check_image

        try:
            check_image(candidate.read_bytes())
        except (ImageRefused, OSError) as exc:
            raise EditionsError(f"logo image '{name}' cannot be used: {exc}", path, line) from None
    return candidate.resolve()


def _merge_settings(layers: list[StyleSettings]) -> StyleSettings:
    """Settings along the chain, base first: a later (more specific) style's settings win."""
    merged = StyleSettings()
    for layer in layers:
        merged = StyleSettings(
            description=layer.description,  # not inherited: it says what this style is for
            paper=layer.paper or merged.paper,
            font_size=layer.font_size if layer.font_size is not None else merged.font_size,
            margins=layer.margins or merged.margins,
            logo=layer.logo or merged.logo,
            fonts={**merged.fonts, **layer.fonts},
            properties={**merged.properties, **layer.properties},
            run_on=layer.run_on if layer.run_on is not None else merged.run_on,
            notes=layer.notes or merged.notes,
        )
    return merged


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"
