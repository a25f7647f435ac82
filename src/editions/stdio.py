"""Standard input and output, as pandoc and calibre users expect: ``-`` is an article read from
standard input, ``-o -`` sends the output to standard output.

In: the bytes of one article and, optionally, its format (``txt``, ``md``, ``html``, ``docx``,
``odt``). Out: the reader's :class:`~editions.readers.Draft` or the finished
:class:`~editions.model.Article`, named ``<stdin>`` in messages. For output: a temporary file for
the build to write, copied to standard output once it is complete (so a failed build writes
nothing there), with anything printed meanwhile sent to standard error.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import EditionsError
from .model import Article
from .readers import Draft, draft_from_bytes, finish
from .textio import MAX_INPUT_BYTES

#: The name that stands for standard input, as an input and as ``-o``.
STDIO = "-"
#: How standard input is named in messages (and in ``Article.path``).
STDIN_NAME = Path("<stdin>")
#: ``--from`` values and the file ending whose reader they choose.
FORMATS: dict[str, str] = {"txt": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "odt": ".odt"}


def detect_format(data: bytes) -> str:
    """The format of an article given as bytes: ``docx`` or ``odt`` for their zip archives, ``html``
    when the text starts with ``<``, ``md`` when it starts with front matter (``---``), else ``txt``."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise EditionsError(f"a damaged zip archive, not an article ({exc})", STDIN_NAME) from None
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "odt"
        raise EditionsError(
            "a zip archive that is neither a Word (.docx) nor an OpenDocument (.odt) file", STDIN_NAME
        )
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "html"
    if text.startswith("---") and text[3:].lstrip(" \t").startswith(("\n", "\r")):
        return "md"
    return "txt"


def read_stdin_bytes(stream: BinaryIO | None = None) -> bytes:
    """All of standard input (or ``stream``), refused past the size limit of an article file."""
    if stream is None:
        if sys.stdin is None:
            raise EditionsError("no standard input to read", STDIN_NAME)
        stream = sys.stdin.buffer
    try:
        data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise EditionsError(f"cannot read standard input: {exc.strerror or exc}", STDIN_NAME) from None
    if len(data) > MAX_INPUT_BYTES:
        raise EditionsError(
            f"standard input is too large (the limit is {MAX_INPUT_BYTES // (1024 * 1024)} MB)", STDIN_NAME
        )
    if not data.strip():
        raise EditionsError("standard input is empty (expected one article)", STDIN_NAME)
    return data


def stdin_draft(data: bytes, fmt: str | None = None) -> Draft:
    """What the reader for ``fmt`` (detected when ``None``, see :func:`detect_format`) finds in ``data``."""
    fmt = fmt or detect_format(data)
    if fmt not in FORMATS:
        raise EditionsError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})", STDIN_NAME)
    draft = draft_from_bytes(data, FORMATS[fmt], STDIN_NAME)
    if not (draft.title or "").strip():
        draft.title = "Untitled"
    return draft


def stdin_article(data: bytes, fmt: str | None = None, *, lang: str | None = None) -> Article:
    """The finished article in ``data`` (see :func:`stdin_draft`); ``lang`` as in ``read_article``."""
    return finish(stdin_draft(data, fmt), STDIN_NAME, fallback_lang=lang)


@contextlib.contextmanager
def stdout_target(suffix: str, stdout: BinaryIO | None = None) -> Iterator[Path]:
    """A temporary path for the build to write to; once the block ends without an error, the file
    is copied to ``stdout`` (standard output's bytes). Inside the block, ``print`` goes to standard
    error, so that nothing but the output reaches standard output."""
    with tempfile.TemporaryDirectory(prefix="editions-stdout-") as folder:
        target = Path(folder) / f"stdout{suffix}"
        with contextlib.redirect_stdout(sys.stderr):
            yield target
        if not target.is_file():
            raise EditionsError("the build wrote no output", STDIO)
        _copy(target, stdout)


def _copy(path: Path, stdout: BinaryIO | None) -> None:
    stream = stdout if stdout is not None else sys.stdout.buffer
    try:
        with path.open("rb") as source:
            shutil.copyfileobj(source, stream)
        stream.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): say so once, and keep Python from complaining at exit.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
        raise EditionsError("standard output was closed before all of the output was written") from None
