"""WeasyPrint's import, made cheap: its system libraries opened by their file names, no search.

In: nothing (imported first by :mod:`editions.pdf`, before any module that imports WeasyPrint).
Out: WeasyPrint imported in this process (:func:`import_weasyprint`).

WeasyPrint opens Pango, HarfBuzz, Fontconfig and GObject through cffi, trying for each library a
list of names, the bare ones (``libgobject-2.0-0``, ``harfbuzz`` …) before the Linux file name
(``libgobject-2.0.so.0``). cffi looks a name that does not open up with
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and a C compiler in
subprocesses: about 0.35 s of each command's start (measured: ``import weasyprint`` 0.75 s, 0.35 s
with no search), for names that then fail anyway. On Linux, the search is skipped while WeasyPrint
is imported, so the file names open the libraries directly; if that leaves a library it must
have unopened (or HarfBuzz's subsetter, which it may do without), WeasyPrint is imported again
the ordinary way. ``tests/test_libraries.py`` checks
that the same libraries are loaded either way (HarfBuzz's subsetter included).
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from types import ModuleType


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _forget_weasyprint() -> None:
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]


def import_weasyprint() -> ModuleType:
    """WeasyPrint, imported (see the module docstring): with no library search on Linux."""
    if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
        try:
            with _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
                from weasyprint.text import ffi  # opens the libraries
            complete = ffi.harfbuzz_subset is not None  # the one WeasyPrint may do without
        except (OSError, ImportError):
            complete = False
        if not complete:
            _forget_weasyprint()  # then the ordinary way, below
    import weasyprint

    return weasyprint


import_weasyprint()
