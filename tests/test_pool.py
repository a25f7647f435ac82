"""The worker pool's processes collect garbage less often while a PDF is built
(:func:`editions.pdf.pool.fewer_collections`), and give the collector back as they found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from editions.pdf import pool
from test_pdf import EPOCH, write_long_edition


@pytest.fixture
def collector() -> Iterator[tuple[int, ...]]:
    """The test process's collector, as it was, restored whatever a test does."""
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()
    gc.enable()


def test_a_build_collects_less_and_gives_the_collector_back(collector: tuple[int, ...]) -> None:
    with pool.fewer_collections():
        assert gc.get_threshold() == (pool.COLLECTOR_THRESHOLD, *collector[1:])
        assert gc.get_freeze_count() > 0  # what was alive is left out of the collections
        garbage: list[object] = []
        garbage.append(garbage)  # a cycle made during the build is still collected
        del garbage
        assert gc.collect() >= 1
    assert gc.get_threshold() == collector
    assert gc.get_freeze_count() == 0


def test_builds_in_threads_give_it_back_when_the_last_ends(collector: tuple[int, ...]) -> None:
    first_in, second_out = threading.Event(), threading.Event()
    seen: list[tuple[int, ...]] = []

    def first() -> None:
        with pool.fewer_collections():
            first_in.set()
            second_out.wait(10)
            seen.append(gc.get_threshold())  # the second build ended: still this build's settings

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with pool.fewer_collections():
        pass
    second_out.set()
    thread.join(10)
    assert seen == [(pool.COLLECTOR_THRESHOLD, *collector[1:])]
    assert gc.get_threshold() == collector and gc.get_freeze_count() == 0


def test_a_collector_the_program_froze_or_turned_off_is_left_so(collector: tuple[int, ...]) -> None:
    gc.set_threshold(0)
    gc.freeze()
    frozen = gc.get_freeze_count()
    with pool.fewer_collections():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0 and gc.get_freeze_count() == frozen


def test_workers_collect_less(collector: tuple[int, ...]) -> None:
    """A worker started outside a build (spawned, or forked before it) sets the threshold itself."""
    workers = pool.worker_pool(1)
    try:
        threshold = workers.submit(gc.get_threshold).result(timeout=60)
        frozen = workers.submit(gc.get_freeze_count).result(timeout=60)
    finally:
        pool.stop_pool(workers)
    assert threshold[0] == pool.COLLECTOR_THRESHOLD and frozen > 0


def test_make_pdf_builds_with_fewer_collections_and_gives_the_collector_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector: tuple[int, ...]
) -> None:
    import editions.pdf
    from editions import load_edition, make_pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = write_long_edition(tmp_path / "edition", 3)  # in one piece, in this process
    during: list[tuple[int, ...]] = []
    render = editions.pdf.render_document

    def recorded(*args: Any, **kwargs: Any) -> Any:
        during.append(gc.get_threshold())
        return render(*args, **kwargs)

    monkeypatch.setattr(editions.pdf, "render_document", recorded)
    result = make_pdf(load_edition(folder), tmp_path / "out.pdf", cache=False)
    assert result.pages > 1
    assert during and all(t[0] == pool.COLLECTOR_THRESHOLD for t in during)
    assert gc.get_threshold() == collector and gc.get_freeze_count() == 0
