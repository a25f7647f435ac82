"""A content-addressed cache of rendered PDF parts, for fast rebuilds of large editions.

In: a key (a hex digest of everything that decides a part's bytes: its complete HTML, the build
options, the versions of editions and WeasyPrint, the code that renders it) and, for each entry, the
files the render read through the resource fetcher (fonts, images) with their SHA-256. Out: the
part's PDF bytes and its layout facts (a JSON document), or nothing when the entry is missing or
one of its files has changed since.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    @property
    def folder(self) -> Path:
        return self.root / "parts"

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """The cached PDF bytes and facts for ``key``, if present and its files are unchanged."""
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = pdf_path.read_bytes()
        except (OSError, ValueError):
            self.misses += 1
            return None
        if meta.get("key") != key or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            self.misses += 1
            return None
        for path, sha in meta.get("deps", []):
            if self.hashes(path) != sha:
                self.misses += 1
                return None
        self.hits += 1
        for path in (pdf_path, meta_path):
            with contextlib.suppress(OSError):
                os.utime(path)
        return data, meta

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


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
