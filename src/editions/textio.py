"""Reading users' text files and writing outputs safely.

In: paths. Out: decoded text (UTF-8, or a legacy encoding with a warning), and outputs written
atomically: a temporary file in the destination folder, renamed over the target only once it is
complete, so a failed or killed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import signal
import tempfile
import threading
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


def decode_text(data: bytes, path: str | Path) -> str:
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


def _decode(data: bytes, encoding: str, path: str | Path) -> str:
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


#: Errors that mean "the output cannot be written here" whatever file they name …
_STORAGE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})
#: … and errors that do when they name the output or its temporary file.
_PATH_ERRORS = frozenset({errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENOENT, errno.EXDEV})


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``: on success it replaces ``target``, on failure it goes.

    The temporary file is ``.<name>.<pid>.<random>.tmp`` in the target's folder. A build that is
    killed outright (``SIGKILL``, a power cut) cannot remove its own: the next build writing the
    same target removes those left by processes that no longer run. The previous ``target`` is
    never touched until the new one is complete (``os.replace`` is atomic).
    """
    target = Path(target)
    folder = target.parent
    if target.is_dir():
        raise EditionsError("is a folder; give a file name for the output", target)
    held = hold_signals()  # a SIGTERM between creating the file and the try below would leave it
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(target)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        release_signals(held)
        raise EditionsError(f"cannot write here: {exc.strerror or exc}", target) from None
    except BaseException:
        release_signals(held)
        raise
    tmp = Path(tmp_name)
    try:
        release_signals(held)  # a signal held until now is raised here, inside the cleanup's try
        os.close(fd)
        try:
            yield tmp
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            if INTERRUPTED.is_set():
                raise KeyboardInterrupt
            os.replace(tmp, target)
        except OSError as exc:
            named = {str(p) for p in (exc.filename, exc.filename2) if p is not None}
            ours = bool(named & {str(tmp), str(target)})
            if exc.errno not in _STORAGE_ERRORS and not (ours and exc.errno in _PATH_ERRORS):
                raise
            raise EditionsError(f"cannot write the output: {exc.strerror or exc}", target) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


_STOPPING_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def hold_signals() -> set[int | signal.Signals] | None:
    """Hold SIGINT and SIGTERM (in the main thread) until :func:`release_signals`: used around the
    creation of a temporary file, so that a signal cannot land before its cleanup is in place."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING_SIGNALS)


def release_signals(previous: set[int | signal.Signals] | None) -> None:
    """Deliver the signals :func:`hold_signals` held (their handlers run now)."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


INTERRUPTED = threading.Event()
"""Set by the commands' Ctrl-C and SIGTERM handlers. A library (WeasyPrint drawing an SVG) may swallow the
``KeyboardInterrupt`` a Ctrl-C raises; :func:`write_atomic` checks this before it replaces the
target, so an interrupted build never writes its output."""


def _remove_stale_temporaries(target: Path) -> None:
    """Remove the temporary files of ``target`` left by builds whose process is gone."""
    prefix = f".{target.name}."
    for leftover in target.parent.glob(glob.escape(prefix) + "*.tmp"):
        parts = leftover.name[len(prefix) : -len(".tmp")].split(".")
        if len(parts) != 2 or not parts[0].isdigit():  # not ours: <pid>.<random>
            continue
        pid = int(parts[0])
        if pid == os.getpid() or process_exists(pid):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


def process_exists(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply: keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def write_atomic(target: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as tmp:
        tmp.write_bytes(payload)
    return Path(target)
