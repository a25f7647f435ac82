"""No process outlives its command (:func:`editions.pdf.pool.worker_pool`).

make-pdf is started on an edition built in parts by two worker processes, and stopped once its
workers run: ``kill -9`` (the workers end by themselves within a few seconds), ``SIGTERM`` and a
Ctrl-C to the process group (the command stops them and exits 143 or 130, the previous output
intact, no temporary file left). Then the chaos test: builds killed at random moments with
``SIGKILL`` or ``SIGTERM``, after each of which no process is left, the output is the previous one
or a complete new one, and no temporary file remains once the next build has run.

Processes are found through ``/proc`` (Linux only).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from test_pdf import EPOCH, write_long_edition

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

PREVIOUS = b"%PDF-1.7 the previous, complete output\n%%EOF\n"


def _parents() -> dict[int, int]:
    """Every live process's parent (zombies left out: they have ended)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            found[int(entry)] = int(fields[1])
    return found


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def _start(edition: Path, out: Path, *options: str) -> subprocess.Popen[bytes]:
    code = "from editions.cli import make_pdf_command; make_pdf_command()"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen(
        [sys.executable, "-c", code, str(edition), "-o", str(out), "-q", "-j", "2", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a command in a terminal
    )


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _workers(pid: int) -> set[int]:
    """The descendants of ``pid`` that are its forks (pool workers), not short-lived helper programs."""
    own = _cmdline(pid)
    return {child for child in _descendants(pid) if _cmdline(child) == own}


def _wait_for_workers(process: subprocess.Popen[bytes], timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = _workers(process.pid)
        if len(workers) >= 2:
            return workers
        if process.poll() is not None:
            pytest.fail(
                "the build ended before its workers started: " + process.stderr.read().decode()[-2000:]
            )
        time.sleep(0.02)
    pytest.fail("no worker process started")


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _alive(pids)


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*") if p.is_file()]


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_long_edition(tmp_path_factory.mktemp("processes") / "edition", 12, seed=4)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "Ctrl-C"])
def test_no_worker_outlives_the_command(tmp_path: Path, edition: Path, how: str) -> None:
    out = tmp_path / "out" / "book.pdf"
    out.parent.mkdir()
    out.write_bytes(PREVIOUS)
    process = _start(edition, out, "--no-cache")
    try:
        workers = _wait_for_workers(process)
        time.sleep(0.3)  # the workers are laying out parts
        if how == "Ctrl-C":
            os.killpg(process.pid, signal.SIGINT)  # a terminal sends it to the whole group
        else:
            process.send_signal(getattr(signal, how))
        _, err = process.communicate(timeout=30)
        left = _gone_within(workers, 5)
    finally:
        process.kill()
        process.wait()
    assert not left, f"workers still running after {how}: {sorted(left)}"
    expected = {"SIGKILL": -signal.SIGKILL, "SIGTERM": 143, "Ctrl-C": 130}[how]
    assert process.returncode == expected, err.decode()
    assert b"Traceback" not in err
    assert out.read_bytes() == PREVIOUS
    if how != "SIGKILL":
        assert sorted(p.name for p in out.parent.iterdir()) == ["book.pdf"]


def test_workers_end_with_their_parent_even_without_the_command(tmp_path: Path) -> None:
    """A pool made by the library (no signal handlers of the command) ends with a killed parent."""
    code = (
        "import time\n"
        "from editions.pdf.pool import worker_pool\n"
        "pool = worker_pool(2)\n"
        "futures = [pool.submit(time.sleep, 60) for _ in range(2)]\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    try:
        workers = _wait_for_workers(process)  # type: ignore[arg-type]
        process.kill()
        process.wait()
        assert not _gone_within(workers, 5)
    finally:
        process.kill()
        process.wait()


@pytest.mark.slow
def test_chaos_builds_killed_at_random_moments(tmp_path: Path, edition: Path) -> None:
    """A few dozen builds killed at random moments: no process left, no torn output, no temporary file."""
    rng = random.Random(12)
    out = tmp_path / "out" / "book.pdf"
    cache = tmp_path / "cache"
    out.parent.mkdir()
    # One complete build of each kind says how long one takes (the kills fall within that time).
    durations = {}
    for mode in ("--no-cache", "cached"):
        options = ["--cache-dir", str(cache)] + (["--no-cache"] if mode == "--no-cache" else [])
        started = time.monotonic()
        process = _start(edition, out, *options)
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        durations[mode] = time.monotonic() - started
    good = out.read_bytes()
    pages = len(PdfReader(out).pages)

    runs = 0
    budget = time.monotonic() + 55
    while runs < 30 and (runs < 24 or time.monotonic() < budget):
        runs += 1
        mode = rng.choice([*durations, "cached"])  # cached builds are shorter: more of them
        how = rng.choice([signal.SIGKILL, signal.SIGTERM])
        options = ["--cache-dir", str(cache)] + (["--no-cache"] if mode == "--no-cache" else [])
        if rng.random() < 0.3:  # sometimes the cache is emptied: workers write entries when killed
            for path in cache.rglob("*.pdf"):
                path.unlink()
        previous = out.read_bytes() if out.exists() else None
        process = _start(edition, out, *options)
        seen: set[int] = set()
        delay = rng.uniform(0.05, durations[mode])
        moment = time.monotonic() + delay
        while time.monotonic() < moment and process.poll() is None:
            seen |= _descendants(process.pid)
            time.sleep(0.01)
        seen |= _descendants(process.pid)
        process.send_signal(how)
        try:
            _, err = process.communicate(timeout=30)
        finally:
            process.kill()
            process.wait()
        left = _gone_within(seen, 5)
        context = f"run {runs}: {mode}, {signal.Signals(how).name} after {delay:.2f}s"
        assert not left, f"{context}: processes left {sorted(left)}"
        # -SIGTERM: stopped while Python was still starting, before the command took the signal
        assert process.returncode in (0, 143, -signal.SIGTERM, -signal.SIGKILL), (
            f"{context}: {err.decode()[-2000:]}"
        )
        assert b"Traceback" not in err, context
        now = out.read_bytes()
        if now != previous:  # a complete new book, never a torn one
            assert now == good or len(PdfReader(out).pages) == pages, context
        # A stopped build removes its own temporary file. One left by an earlier build killed
        # outright (SIGKILL) may remain until a build reaches its output (checked at the end): this
        # one may have been stopped before it got there.
        own = [p for p in _temporaries(out.parent) if p.name.startswith(f".{out.name}.{process.pid}.")]
        if how == signal.SIGTERM:
            assert not own, f"{context}: {own}"
    # A build after all that removes what builds killed outright while writing left behind.
    process = _start(edition, out, "--cache-dir", str(cache))
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert out.read_bytes() == good
    assert not _temporaries(out.parent) and not _temporaries(cache)
    assert runs >= 24
