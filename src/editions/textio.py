"""Reading users' text files and writing outputs safely.

In: paths. Out: decoded text (UTF-8, or a legacy encoding with a warning), and outputs written
atomically: a temporary file in the destination folder, renamed over the target only once it is
complete, so a failed or killed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import EditionsError

log = logging.getLogger("editions")

MAX_INPUT_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The bytes of a user's file, with one clear error for every way that can fail."""
    try:
        if path.is_dir():
            raise EditionsError("is a folder, not a file", path)
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise EditionsError(f"file is too large ({size // (1024 * 1024)} MB; the limit is 50 MB)", path)
        return path.read_bytes()
    except FileNotFoundError:
        raise EditionsError("no such file", path) from None
    except PermissionError:
        raise EditionsError("permission denied: cannot read the file", path) from None
    except OSError as exc:
        raise EditionsError(f"cannot read the file: {exc.strerror or exc}", path) from None


def decode_text(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(data, "utf-16", path)
        log.warning("%s: read as UTF-16; consider saving it as UTF-8", path)
        return text
    if b"\x00" in data:
        raise EditionsError("binary file, not text", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "Latin-1"
    if sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f") > max(8, len(text) // 100):
        raise EditionsError("binary file, not text", path)
    log.warning("%s: not UTF-8; read as %s", path, encoding)
    return text


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EditionsError(
            f"cannot decode the text as {encoding.upper()} (byte {exc.start})", path
        ) from None


def read_text(path: Path) -> str:
    """Read and decode a user's text file, normalising line endings to ``\\n``."""
    text = decode_text(read_bytes(path), path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``: on success it replaces ``target``, on failure it goes."""
    target = Path(target)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise EditionsError(f"cannot write here: {exc.strerror or exc}", target) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(target: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as tmp:
        tmp.write_bytes(payload)
    return Path(target)
