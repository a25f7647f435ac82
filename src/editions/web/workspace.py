"""What the web app keeps in memory about the edition folder it serves.

In: the edition folder. Out: the articles as read (each with its warnings, kept until its file
changes, so a page answers without reading every article again), the one build that may run at
a time, its progress events, its result (files, printing note, thumbnails) and its error.

Nothing here writes a file except a build (through :func:`editions.builds.build_folder`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..attribution import guessed_warning, unrecorded_warning
from ..builds import BuildResult, Thumbnails, build_folder
from ..editing import article_file, article_order
from ..errors import EditionsError
from ..model import Article
from ..readers import read_article

log = logging.getLogger("editions")
T = TypeVar("T")


class _Collect(logging.Handler):
    """Collects the ``editions`` warnings logged by one thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def collect_warnings() -> _Collect:
    """A handler (add it to the ``editions`` logger, remove it after) collecting this thread's warnings."""
    return _Collect()


@dataclass
class Entry:
    """One article of the edition, as the pages show it."""

    name: str
    article: Article | None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.article.title if self.article is not None else self.name


@dataclass
class BuildState:
    """The last (or running) build."""

    running: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)
    result: BuildResult | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    number: int = 0


class Workspace:
    """The served edition folder (see the module docstring)."""

    def __init__(self, folder: Path, *, cache_dir: Path | None = None) -> None:
        self.folder = folder.resolve()
        self.cache_dir = cache_dir
        self._articles: dict[str, tuple[tuple[int, int], Entry]] = {}
        self._lock = threading.Lock()
        self.build = BuildState()
        self._build_lock = threading.Lock()
        self.notices: list[tuple[str, str]] = []
        self.thumbnails = Thumbnails()

    # --- articles

    def entries(self) -> list[Entry]:
        """The edition's articles in order, each read (or taken from memory when its file is unchanged)."""
        try:
            names = article_order(self.folder)
        except EditionsError as exc:
            self.notice("error", str(exc))
            return []
        return [self.entry(name) for name in names]

    def entry(self, name: str) -> Entry:
        try:
            path = article_file(self.folder, name)
            stat = path.stat()
        except (EditionsError, OSError) as exc:
            return Entry(name, None, str(exc))
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._articles.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        handler = collect_warnings()
        log.addHandler(handler)
        try:
            article = read_article(path)
            entry = Entry(name, article, None, [self.shown(m) for m in handler.messages])
        except EditionsError as exc:
            entry = Entry(name, None, self.shown(str(exc)), [self.shown(m) for m in handler.messages])
        finally:
            log.removeHandler(handler)
        if entry.article is not None:
            for warning in (unrecorded_warning(entry.article), guessed_warning(entry.article)):
                if warning:
                    entry.warnings.append(self.shown(warning))
        with self._lock:
            self._articles[name] = (key, entry)
        return entry

    def shown(self, message: str) -> str:
        """A message as the pages show it: files named relative to the edition folder, on one line."""
        return " ".join(message.replace(f"{self.folder}/", "").split())

    def with_warnings(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``function``, and show the warnings it logs (an image not copied …) on the next page."""
        handler = collect_warnings()
        log.addHandler(handler)
        try:
            return function(*args, **kwargs)
        finally:
            log.removeHandler(handler)
            for message in dict.fromkeys(handler.messages):
                self.notice("warning", self.shown(message))

    # --- messages shown once on the next page

    def notice(self, kind: str, text: str) -> None:
        with self._lock:
            self.notices.append((kind, text))

    def take_notices(self) -> list[tuple[str, str]]:
        with self._lock:
            taken, self.notices = self.notices, []
        return taken

    # --- builds

    def start_build(self, outputs: Sequence[str]) -> bool:
        """Start building ``outputs`` in a thread; ``False`` when a build is running already."""
        if not self._build_lock.acquire(blocking=False):
            return False
        state = self.build
        state.running = True
        state.number += 1
        state.events = [{"fraction": 0.0, "message": "", "done": False}]
        state.error = None
        state.warnings = []
        thread = threading.Thread(target=self._run_build, args=(list(outputs),), daemon=True)
        try:
            thread.start()
        except BaseException:
            state.running = False
            self._build_lock.release()
            raise
        return True

    def _run_build(self, outputs: list[str]) -> None:
        state = self.build
        handler = collect_warnings()
        log.addHandler(handler)

        def progress(fraction: float, message: str) -> None:
            state.events.append({"fraction": round(fraction, 3), "message": message, "done": False})

        try:
            result = build_folder(
                self.folder, outputs, progress=progress, cache_dir=self.cache_dir, thumbnails=False
            )
            state.result = result
        except EditionsError as exc:
            state.error = self.shown(str(exc))
        except Exception as exc:  # an unexpected failure is reported on the page, not lost in a thread
            state.error = self.shown(f"unexpected error: {type(exc).__name__}: {exc}")
        finally:
            log.removeHandler(handler)
            state.warnings = list(dict.fromkeys(self.shown(m) for m in handler.messages))
            state.running = False
            state.events.append(
                {"fraction": 1.0, "message": state.error or "done", "done": True, "error": bool(state.error)}
            )
            self._build_lock.release()

    def thumbnail(self, kind: str, number: int) -> bytes | None:
        """The PNG of page ``number`` (1-based) of the last build's PDF (``page``) or imposed PDF
        (``sheet``): see :class:`editions.builds.Thumbnails` (only changed pages are drawn again)."""
        return self.thumbnails.get(self.build.result, kind, number)

    def wait_for_build(self, timeout: float = 120.0) -> None:
        """Block until no build runs (for tests and the bench)."""
        end = time.monotonic() + timeout
        while self.build.running and time.monotonic() < end:
            time.sleep(0.02)


__all__ = ["BuildState", "Entry", "Workspace", "collect_warnings"]
