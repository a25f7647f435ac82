"""Styles: the templates, CSS and fonts that give an edition its look.

In: a style name or folder, and the edition's folder. Out: a :class:`Style` that knows its
chain of folders (the chosen style, the styles it extends, and the built-in ``default`` base),
the Jinja2 loader over them (the edition's own ``templates/`` first, so a user can override one
template), and the CSS for a medium (``screen``, ``print`` or ``epub``).

A style is a folder with an optional ``style.toml`` (``name``, ``description``, ``extends``),
``templates/`` and ``css/`` (``common.css`` plus ``screen.css``, ``print.css``, ``epub.css``),
and any fonts or images its CSS uses. Styles are looked up as a folder path, then in the
edition's ``styles/`` folder, then among the built-in styles.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Style:
    """A resolved style: ``folders`` runs from the chosen style to the built-in base."""

    name: str
    folders: tuple[Path, ...]
    overrides: Path | None = None

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
    folder = _find((name if isinstance(name, str) else str(name)) if name else BASE_STYLE, edition_root)
    seen: set[Path] = set()
    while folder is not None:
        if folder.resolve() in seen:
            raise EditionsError("style extends itself in a loop", folder / "style.toml")
        seen.add(folder.resolve())
        chain.append(folder)
        parent = _read_meta(folder).get("extends")
        if parent:
            folder = _find(str(parent), edition_root)
        elif folder.resolve() != (builtin_styles_dir() / BASE_STYLE).resolve():
            folder = builtin_styles_dir() / BASE_STYLE
        else:
            break
    overrides = edition_root / "templates" if edition_root and (edition_root / "templates").is_dir() else None
    return Style(name=chain[0].name, folders=tuple(chain), overrides=overrides)


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


def _read_meta(folder: Path) -> dict[str, object]:
    meta = folder / "style.toml"
    if not meta.is_file():
        return {}
    try:
        return tomllib.loads(meta.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EditionsError(f"broken style.toml: {exc}", meta) from None
