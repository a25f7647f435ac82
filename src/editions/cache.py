"""A content-addressed cache of rendered PDF parts, for fast rebuilds of large editions.

In: a key (a hex digest of everything that decides a part's bytes: its complete HTML, the build
options, the versions of editions and WeasyPrint, the code that renders it) and, for each entry, the
files the render read through the resource fetcher (fonts, images) with their SHA-256. Out: the
part's PDF bytes and its layout facts (a JSON document), or nothing when the entry is missing, is
damaged (it does not name its key, its bytes do not have the SHA-256 it records, or the caller's
check of it fails: then it is removed, and rebuilt by the caller), or one of its files has changed
since.

Where: ``$EDITIONS_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/editions``, else
``~/.cache/editions`` (:func:`default_cache_dir`); entries live in ``parts/<2 hex>/<key>.pdf`` and
``.json`` beside it. Writes are atomic (a temporary file renamed into place), so concurrent builds
may share a folder. :meth:`PartCache.prune` keeps the folder under a size limit by removing the
entries least recently used (a hit touches the entry).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .textio import hold_signals, release_signals

#: Checks a cached entry's bytes and facts beyond their hash (see :meth:`PartCache.get`).
Verifier = Callable[[bytes, dict[str, Any]], bool]
#: Default limit on the size of the cache folder, in bytes.
DEFAULT_MAX_BYTES = 1 << 30


def default_cache_dir() -> Path:
    """``$EDITIONS_CACHE_DIR``, else ``$XDG_CACHE_HOME/editions``, else ``~/.cache/editions``."""
    explicit = os.environ.get("EDITIONS_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "editions"


def installation_cache_dir() -> Path:
    """Where what belongs to the installation rather than to a build is kept (the unpacked language
    model, compiled templates), like compiled Python files: ``$XDG_CACHE_HOME/editions``, else
    ``~/.cache/editions``; ``EDITIONS_CACHE_DIR`` (the cache of parts) does not move it."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "editions"


def digest(*parts: str | bytes) -> str:
    """A SHA-256 hex digest of ``parts`` (each length-prefixed, so the parts cannot run together)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class FileHashes:
    """SHA-256 of files, computed once per (path, size, modification time) for the life of the object."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}

    def __call__(self, path: str | Path) -> str | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        found = self._known.get(key)
        if found is None:
            h = hashlib.sha256()
            try:
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        h.update(block)
            except OSError:
                return None
            found = self._known[key] = h.hexdigest()
        return found


@dataclass
class PartCache:
    """The parts folder of a cache directory (see the module docstring)."""

    root: Path
    hashes: FileHashes = field(default_factory=FileHashes)
    hits: int = 0
    misses: int = 0
    writes: int = 0
    rejected: int = 0

    @property
    def folder(self) -> Path:
        return self.root / "parts"

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, key: str, verify: Verifier | None = None) -> tuple[bytes, dict[str, Any]] | None:
        """The cached PDF bytes and facts for ``key``, if present, intact and its files are unchanged.

        Intact: the facts are a JSON object naming ``key``, the bytes have the SHA-256 they record,
        and ``verify(bytes, facts)`` (what the caller knows of a good entry: a PDF that opens, with
        the pages its facts describe) is true. An entry that is not intact is removed (a miss: the
        caller renders the part again and :meth:`put` stores it anew).
        """
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = pdf_path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError):
            self._reject(key)
            return None
        if not isinstance(meta, dict) or meta.get("key") != key:
            self._reject(key)
            return None
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            self._reject(key)
            return None
        deps = meta.get("deps", [])
        if not isinstance(deps, list) or not all(
            isinstance(d, list) and len(d) == 2 and all(isinstance(x, str) for x in d) for d in deps
        ):
            self._reject(key)
            return None
        try:
            intact = verify is None or verify(data, meta)
        except Exception:  # a verifier that trips over a damaged entry has found one
            intact = False
        if not intact:
            self._reject(key)
            return None
        for path, sha in deps:
            if self.hashes(path) != sha:
                self.misses += 1
                return None
        self.hits += 1
        for path in (pdf_path, meta_path):
            with contextlib.suppress(OSError):
                os.utime(path)
        return data, meta

    def discard(self, key: str) -> None:
        """Remove the entry for ``key``: the caller found it damaged (a miss, as :meth:`get` counts one)."""
        self.hits -= 1
        self._reject(key)

    def _reject(self, key: str) -> None:
        """Count a damaged entry as a miss and remove it."""
        self.misses += 1
        self.rejected += 1
        for path in self._paths(key):
            with contextlib.suppress(OSError):
                path.unlink()

    def put(self, key: str, data: bytes, meta: dict[str, Any]) -> None:
        """Store an entry (best effort: a cache that cannot be written is no reason to fail a build)."""
        pdf_path, meta_path = self._paths(key)
        record = dict(meta, key=key, sha256=hashlib.sha256(data).hexdigest())
        try:
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(pdf_path, data)
            _write_atomic(meta_path, json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            return
        self.writes += 1

    def remove_stale_temporaries(self) -> None:
        """Remove the temporary files of entries whose writer was killed (its process is gone)."""
        from .textio import process_exists

        for folder in (self.folder, self.root / "qr"):
            with contextlib.suppress(OSError):
                for leftover in folder.glob("**/.*.tmp"):
                    pid = leftover.name[: -len(".tmp")].split(".")[-2]
                    if pid.isdigit() and int(pid) != os.getpid() and not process_exists(int(pid)):
                        with contextlib.suppress(OSError):
                            leftover.unlink()

    def prune(self, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
        """Remove the least recently used entries until the parts folder holds at most ``max_bytes``."""
        entries: list[tuple[float, int, Path]] = []
        total = 0
        try:
            for meta_path in self.folder.glob("*/*.json"):
                pdf_path = meta_path.with_suffix(".pdf")
                try:
                    size = meta_path.stat().st_size + pdf_path.stat().st_size
                    used = meta_path.stat().st_mtime
                except OSError:
                    continue
                entries.append((used, size, meta_path))
                total += size
        except OSError:
            return 0
        removed = 0
        for _, size, meta_path in sorted(entries):
            if total <= max_bytes:
                break
            for path in (meta_path, meta_path.with_suffix(".pdf")):
                with contextlib.suppress(OSError):
                    path.unlink()
            total -= size
            removed += 1
        return removed


def read_text_entry(path: Path, key: str) -> str | None:
    """The text of an entry :func:`write_text_entry` wrote for ``key``; ``None`` if it is missing or
    damaged (not JSON, another key, or text without the SHA-256 recorded), and a damaged one is removed.
    The caller still checks that the text is what it should be before trusting it."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        record = None
    text = record.get("text") if isinstance(record, dict) and record.get("key") == key else None
    if isinstance(text, str) and hashlib.sha256(text.encode("utf-8")).hexdigest() == record.get("sha256"):
        return text
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def write_text_entry(path: Path, key: str, text: str) -> None:
    """Store ``text`` for ``key`` at ``path`` with its SHA-256 (best effort, atomic)."""
    record = {"key": key, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "text": text}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    # Named as textio names them (.<name>.<pid>.<random>.tmp), so that those of a killed build are
    # recognised and removed by the next (PartCache.remove_stale_temporaries).
    held = hold_signals()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except BaseException:
        release_signals(held)
        raise
    try:
        release_signals(held)  # a signal held until now is raised inside the cleanup's try
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
