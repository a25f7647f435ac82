"""The worker pool: tasks in, their results out, from the cache or from processes that die with the build.

In: the number of processes, a :class:`~editions.cache.PartCache` (or none) and tasks, each a kind
(``"part"``: :func:`editions.pdf.render.render_part`; ``"font"``:
:func:`editions.pdf.weasyfix.subset_font`) and a dictionary. Out: each task's ``(bytes, facts)``,
as they finish (:class:`Runner`). The processes start on demand, stop at once when the build is
cancelled or fails (:func:`stop_pool` with ``abort``), and end with the build however it ends
(:func:`worker_pool`: ``PR_SET_PDEATHSIG`` on Linux, a watchdog thread everywhere). The QR codes
use the same pool (:mod:`editions.pdf.qr`). While a PDF is built, the build's process and its
workers collect garbage less often (:func:`fewer_collections`).
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..cache import PartCache, digest
from .render import render_part, valid_part
from .weasyfix import keep_stylesheets, subset_font, valid_font

Progress = Callable[[str], None]


def run_task(kind: str, task: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Run one task (in a worker, or in this process when there is one job): ``"font"`` or ``"part"``."""
    return subset_font(task) if kind == "font" else render_part(task)


def pool_context() -> Any:
    """``fork`` where it is safe and cheap (Linux, no other thread running), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


#: How often a worker checks that the process that started it still runs (seconds).
WATCHDOG_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1


#: The garbage collector's youngest-generation threshold while editions builds a PDF (Python's own
#: is 700 allocations): see :func:`fewer_collections`.
COLLECTOR_THRESHOLD = 10_000

_COLLECTOR_LOCK = threading.Lock()
_COLLECTOR_BUILDS = 0  # builds running in this process
_COLLECTOR_SAVED: tuple[tuple[int, ...], bool] | None = None  # the thresholds, and whether we froze


def _collect_less() -> tuple[tuple[int, ...], bool]:
    """Freeze what is alive and raise the threshold; what it was, and whether this froze."""
    saved = gc.get_threshold()
    froze = gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    if saved[0] != 0:  # 0: collection turned off by the program, left so
        gc.set_threshold(max(saved[0], COLLECTOR_THRESHOLD), *saved[1:])
    return saved, froze


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a PDF is built in this process and its workers (forked in
    it, or set so when they start): the objects alive when the build starts (modules, the edition)
    are left out of the collections (``gc.freeze``) and the youngest generation is collected every
    :data:`COLLECTOR_THRESHOLD` allocations, not 700. WeasyPrint's layout and the reading of the
    parts make millions of objects that reference counting frees, and each collection walked the
    young ones and, now and then, everything: about 4 % of a build's CPU. The outputs are the same.
    The collector's settings come back when the last build running in the process (builds may run
    in threads, as in the web app) ends; a collector the program froze or turned off is left so."""
    global _COLLECTOR_BUILDS, _COLLECTOR_SAVED
    with _COLLECTOR_LOCK:
        if _COLLECTOR_BUILDS == 0:
            _COLLECTOR_SAVED = _collect_less()
        _COLLECTOR_BUILDS += 1
    try:
        yield
    finally:
        with _COLLECTOR_LOCK:
            _COLLECTOR_BUILDS -= 1
            if _COLLECTOR_BUILDS == 0 and _COLLECTOR_SAVED is not None:
                (thresholds, froze), _COLLECTOR_SAVED = _COLLECTOR_SAVED, None
                gc.set_threshold(*thresholds)
                if froze:
                    gc.unfreeze()


def _worker_init(owner: int) -> None:
    """Make a worker end with the build that started it, however the build ends.

    On Linux the kernel kills the worker when its parent dies (``prctl(PR_SET_PDEATHSIG)``); on every
    system a watchdog thread ends it within :data:`WATCHDOG_INTERVAL` once its parent (or ``owner``,
    the build's process, when a fork server stands between) is gone. ``SIGTERM`` ends it (the
    handler inherited from the command would be caught as a task's error), and ``SIGINT`` is left to
    the build, which stops its workers itself (a Ctrl-C reaches the whole process group).
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _collect_less()  # inherited from a forked build already; not from a spawned one
    keep_stylesheets()  # the parts of one build share their style (weasyfix, assumption 12)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    if not _alive(owner) or parent == 1:
        os._exit(1)  # the build died before the line above could take effect

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_INTERVAL)
            if os.getppid() != parent or not _alive(owner):
                os._exit(1)

    threading.Thread(target=watch, name="editions-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def worker_pool(jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end with this process (see :func:`_worker_init`);
    stop it with :func:`stop_pool`."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=pool_context(), initializer=_worker_init, initargs=(os.getpid(),)
    )


def stop_pool(pool: concurrent.futures.ProcessPoolExecutor, *, abort: bool = False) -> None:
    """Shut ``pool`` down: after its running tasks, or with ``abort`` at once (its workers killed)."""
    if not abort:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + 5
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
    # The pool's manager thread closes its wake-up pipe as it ends; were it still ending when the
    # interpreter exits, concurrent.futures' exit hook could write to that pipe as it closes (EBADF,
    # printed as a traceback after "terminated"). Wait for it, within the same deadline.
    manager = getattr(pool, "_executor_manager_thread", None)
    if isinstance(manager, threading.Thread) and manager is not threading.current_thread():
        manager.join(max(0.0, deadline - time.monotonic()))


class Runner:
    """Runs render and subset tasks: from the cache, else in a pool of worker processes (made on demand).

    Tasks are added with a label; :meth:`results` yields ``(label, (pdf, facts))`` as they finish
    and may be given more tasks meanwhile (urgent ones go first). A few more tasks than workers are
    in flight at a time, so that urgent tasks added later start soon.
    """

    def __init__(self, jobs: int, cache: PartCache | None, salt: str, report: Progress) -> None:
        self.jobs = max(1, jobs)
        self.cache = cache
        self.salt = salt
        self.report = report
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.rendered = 0
        self.cached = 0
        self.urgent: collections.deque[tuple[Any, str, dict[str, Any], str]] = collections.deque()
        self.normal: collections.deque[tuple[Any, str, dict[str, Any], str]] = collections.deque()
        # (label, result, (kind, task, key, urgent) of a cache entry not yet checked, else None)
        self.ready: collections.deque[tuple[Any, tuple[bytes, dict[str, Any]], Any]] = collections.deque()
        self.running: dict[concurrent.futures.Future[Any], tuple[Any, str, str]] = {}
        self.stale: set[concurrent.futures.Future[Any]] = set()
        #: Work for this process while it waits for the workers, a piece at a time (False: none left).
        self.idle: Callable[[], bool] | None = None

    def key(self, kind: str, task: dict[str, Any]) -> str:
        payload = {k: v for k, v in task.items() if k not in ("roots", "files")}
        return digest(self.salt, kind, repr(sorted(payload.items())))

    def add(self, label: Any, kind: str, task: dict[str, Any], *, urgent: bool = False) -> None:
        key = self.key(kind, task)
        # An entry found intact on disk is checked further (a PDF that opens with its pages) when its
        # turn comes in results(), once the tasks to render are handed out: the workers render
        # while this process checks (and parses) what the cache gave.
        found = self.cache.get(key) if self.cache is not None else None
        if found is not None:
            self.cached += kind == "part"
            self.ready.append((label, found, (kind, task, key, urgent)))
        else:
            (self.urgent if urgent else self.normal).append((label, kind, task, key))

    def has(self, label: Any) -> bool:
        return any(item[0] == label for item in (*self.urgent, *self.normal, *self.ready)) or any(
            item[0] == label for future, item in self.running.items() if future not in self.stale
        )

    def forget(self, unwanted: Callable[[Any], bool]) -> None:
        """Drop the tasks whose label is ``unwanted`` (their results are no longer wanted)."""

        def keep(label: Any) -> bool:
            return not unwanted(label)

        self.urgent = collections.deque(i for i in self.urgent if keep(i[0]))
        self.normal = collections.deque(i for i in self.normal if keep(i[0]))
        self.ready = collections.deque(i for i in self.ready if keep(i[0]))
        self.stale |= {future for future, (label, _, _) in self.running.items() if not keep(label)}

    def _next(self) -> tuple[Any, str, dict[str, Any], str] | None:
        if self.urgent:
            return self.urgent.popleft()
        if self.normal:
            return self.normal.popleft()
        return None

    def _finished(self, label: Any, key: str, result: tuple[bytes, dict[str, Any]], kind: str) -> None:
        data, meta = result
        self.rendered += kind == "part"
        if self.cache is not None:
            deps = [[path, self.cache.hashes(path)] for path in meta.get("used", [])]
            self.cache.put(key, data, dict(meta, deps=[d for d in deps if d[1]]))
        self.ready.append((label, result, None))

    def results(self) -> Iterator[tuple[Any, tuple[bytes, dict[str, Any]]]]:
        while True:
            if self.ready:
                label, result, unchecked = self.ready.popleft()
                if unchecked is not None:
                    self._hand_out()
                    kind, task, key, urgent = unchecked
                    try:
                        good = (valid_font if kind == "font" else valid_part)(*result)
                    except Exception:  # a check that trips over a damaged entry has found one
                        good = False
                    if not good:
                        assert self.cache is not None
                        self.cache.discard(key)
                        self.cached -= kind == "part"
                        (self.urgent if urgent else self.normal).append((label, kind, task, key))
                        continue
                yield label, result
                continue
            if self.jobs == 1 or (not self.running and len(self.urgent) + len(self.normal) == 1):
                task = self._next()
                if task is None and not self.running:
                    return
                if task is not None:
                    label, kind, payload, key = task
                    self._finished(label, key, run_task(kind, payload), kind)
                    continue
            self._hand_out()
            if not self.running:
                return
            while self.idle is not None and not any(f.done() for f in self.running) and self.idle():
                pass
            done, _ = concurrent.futures.wait(self.running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                label, key, kind = self.running.pop(future)
                result = future.result()
                if future in self.stale:
                    self.stale.discard(future)
                    continue
                self._finished(label, key, result, kind)

    def _hand_out(self) -> None:
        """Give the workers tasks (a few more than workers), starting the pool if need be."""
        if self.jobs == 1:
            return
        while len(self.running) < self.jobs + 1 and (task := self._next()) is not None:
            if self.pool is None:
                self.pool = worker_pool(self.jobs)
            label, kind, payload, key = task
            self.running[self.pool.submit(run_task, kind, payload)] = (label, key, kind)

    def run(self, jobs: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[bytes, dict[str, Any]]]:
        """Run tasks to completion; their results in order."""
        for number, (kind, task) in enumerate(jobs):
            self.add(("batch", number), kind, task)
        found = dict(self.results())
        return [found[("batch", number)] for number in range(len(jobs))]

    def close(self, *, abort: bool = False) -> None:
        """Stop the pool: once its tasks are done, or with ``abort`` at once (a failed or stopped build)."""
        if self.pool is not None:
            pool, self.pool = self.pool, None
            stop_pool(pool, abort=abort)


def environment_jobs(value: int | None) -> int:
    """The number of worker processes: ``value``, else the CPUs this process may use."""
    if value is not None and value > 0:
        return value
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
