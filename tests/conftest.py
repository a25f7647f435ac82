"""Shared fixtures: paths to the sample edition and seeds, and golden-file comparison.

Golden files live in ``tests/golden/``. When an intended change alters an output, regenerate
them with ``make golden`` (``pytest --regen-golden``) and review the diff before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def articles_dir() -> Path:
    """The sample edition shipped in ``articles/``."""
    return ROOT / "articles"


def pytest_configure(config: pytest.Config) -> None:
    # Every build in the suite is reproducible, module-scoped fixtures included.
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    # Rendered PDF parts and the unpacked language model are kept in folders of the test session,
    # never in the user's cache.
    import tempfile

    os.environ["EDITIONS_CACHE_DIR"] = tempfile.mkdtemp(prefix="editions-test-cache-")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="editions-test-xdg-")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, text)``: ``text`` must equal ``tests/golden/<name>`` (``--regen-golden`` rewrites)."""
    regen = request.config.getoption("--regen-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if regen or not path.exists():
            if not regen:
                pytest.fail(f"golden file {path} missing; run `make golden` to create it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True), text.splitlines(keepends=True), str(path), "actual"
                )
            )
            pytest.fail(f"output differs from {path} (run `make golden` if intended):\n{diff[:6000]}")

    return check
