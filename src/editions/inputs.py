"""Outputs never replace inputs: the one check every build makes before it writes.

In: the files a build is about to write, and the files it reads: the articles, the manifests
(``edition.toml``), the cover image, and the style's files (templates, CSS, fonts and images of the
chosen style, of the styles it extends, and of the edition's own ``templates/`` folder), or, for
``editions import``, its sources. Out: nothing, or an :class:`~editions.errors.EditionsError` naming
the output that is one of the inputs: the same path (however spelled), a symbolic link to it, or a
hard link of it (the same device and inode), before anything is rendered or written.

An output that does not exist yet cannot be an input, so the check costs nothing then; only when an
output exists are the inputs looked at (the style's folders are walked, up to
:data:`MAX_STYLE_FILES` files).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .errors import EditionsError
from .model import Edition
from .styles import Style

#: At most this many files of a style's folders are compared with an existing output.
MAX_STYLE_FILES = 10_000

#: An input: its path and what it is to the build ("the article", "the manifest", …).
Input = tuple[Path, str]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)  # follows symbolic links: a link to an input is that input
    except (OSError, ValueError):
        return None
    return stat.st_dev, stat.st_ino


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def same_file(first: str | Path, second: str | Path) -> bool:
    """Whether two paths name one existing file (the same path, a symbolic link, a hard link)."""
    identity = _identity(Path(first))
    return identity is not None and identity == _identity(Path(second))


def check_outputs(outputs: Iterable[str | Path | None], inputs: Iterable[Input]) -> None:
    """Raise :class:`EditionsError` if one of ``outputs`` is one of ``inputs`` (see the module docstring)."""
    existing: dict[tuple[int, int], Path] = {}
    by_path: dict[Path, Path] = {}
    for output in outputs:
        if output is None:
            continue
        path = Path(output)
        identity = _identity(path)
        if identity is not None:
            existing.setdefault(identity, path)
        by_path.setdefault(_resolved(path), path)
    if not existing:
        return  # nothing there yet, so nothing read can be overwritten (inputs exist)
    for source, what in inputs:
        identity = _identity(source)
        output = existing.get(identity) if identity is not None else None
        if output is None:
            output = by_path.get(_resolved(source))
        if output is not None:
            named = "" if output == source else f" '{source}'"
            raise EditionsError(
                f"the output would replace {what}{named}, an input of this build: choose another output file",
                output,
            )


def style_inputs(style: Style) -> Iterator[Input]:
    """The files of ``style``'s folders and the edition's ``templates/`` (see :data:`MAX_STYLE_FILES`)."""
    count = 0
    folders = [(folder, f"a file of the style '{folder.name}'") for folder in style.folders]
    if style.overrides is not None:
        folders.insert(0, (style.overrides, "a template of the edition"))
    for folder, what in folders:
        for top, dirs, names in os.walk(folder, followlinks=False):
            dirs.sort()
            for name in sorted(names):
                count += 1
                if count > MAX_STYLE_FILES:
                    return
                yield Path(top) / name, what


def edition_inputs(edition: Edition, style: Style | None = None) -> Iterator[Input]:
    """Every file ``edition`` (and ``style``) was or will be read from."""
    for article in edition.articles:
        if article.path is not None:
            yield article.path, "the article"
    for manifest in edition.manifests:
        yield manifest, "the manifest"
    if edition.cover is not None:
        yield Path(edition.cover), "the cover image"
    if style is not None:
        yield from style_inputs(style)


def check_edition_outputs(
    edition: Edition, outputs: Sequence[str | Path | None], style: Style | str | None = None
) -> None:
    """Refuse to write ``outputs`` when one of them is an input of ``edition`` or of its style.

    ``style`` is a :class:`Style`, a style name or folder, or ``None`` (the edition's style).
    """
    from .styles import load_style

    resolved = style if isinstance(style, Style) else load_style(style or edition.style, edition.root)
    check_outputs(outputs, edition_inputs(edition, resolved))
