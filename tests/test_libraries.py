"""WeasyPrint's import without a library search (:mod:`editions.pdf.libraries`): the same libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOADED = """
import sys
{imports}
from weasyprint.text import ffi
names = ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig", "pangoft2")
print(sorted(name for name in names if getattr(ffi, name) is not None))
maps = open("/proc/self/maps").read().split()
files = {{p.rsplit("/", 1)[-1] for p in maps if ".so" in p}}
print(sorted(f for f in files if any(k in f for k in ("gobject", "pango", "harfbuzz", "fontconfig"))))
"""


def loaded(imports: str) -> list[str]:
    code = LOADED.format(imports=imports)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux only")
def test_weasyprint_opens_the_same_libraries_without_the_search() -> None:
    ordinary = loaded("import weasyprint")
    fast = loaded("import editions.pdf")
    assert fast == ordinary
    assert "'harfbuzz_subset'" in fast.splitlines()[0]  # HarfBuzz's subsetter found either way


def test_the_search_is_put_back_after_the_import() -> None:
    import ctypes.util

    import editions.pdf  # noqa: F401

    assert ctypes.util.find_library.__module__ == "ctypes.util"
