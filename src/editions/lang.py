"""Language detection for articles that do not say which language they are in.

In: plain text. Out: a BCP 47 primary language tag (``en``, ``fr``, ``ru`` …), or the fallback
when the text is too short or detection is unsure.

The identifier (py3langid) ships its model compressed with LZMA, and unpacking it takes most of a
second, every time a command starts. So the first process that needs it keeps an unpacked copy in
the user's cache (:func:`model_cache_dir`; one folder per py3langid model, about 70 MB), which later
processes map into memory in a few hundredths of a second (nothing is copied: the automaton's
tables are read from the mapped files as they are walked). The copy holds the very same arrays, so the
languages detected are the same either way; a copy that cannot be written or read is skipped.
"""

from __future__ import annotations

import functools
import io
import itertools
import lzma
import shutil
import tempfile
from pathlib import Path
from typing import Any

MIN_LETTERS = 20
#: Characters read from the start of a text: a few pages are as telling as the whole article.
SAMPLE_CHARS = 8000


def model_cache_dir() -> Path:
    """Where the unpacked language model is kept: ``$XDG_CACHE_HOME/editions/models``, else
    ``~/.cache/editions/models``. It belongs to the installation, like compiled Python files, not
    to a build: ``EDITIONS_CACHE_DIR`` (the cache of parts) does not move it."""
    from .cache import installation_cache_dir

    return installation_cache_dir() / "models"


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _unpacked_model(model: Path, folder: Path) -> Path | None:
    """The unpacked copy of ``model`` in ``folder`` (a folder of ``.npy`` files, one per array,
    which NumPy maps into memory), written if missing; ``None`` if it can be neither found nor
    written."""
    from importlib.metadata import version

    import numpy as np

    try:
        copy = folder / f"py3langid-{version('py3langid')}-{model.stat().st_size}-{model.stem}"
        if copy.is_dir():
            return copy
        folder.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder, prefix=".model-"))
        try:
            with lzma.open(model) as packed:
                unpacked = io.BytesIO(packed.read())
            with np.load(unpacked, allow_pickle=False) as data:
                for name in _ARRAYS:
                    np.save(temporary / f"{name}.npy", data[name], allow_pickle=False)
            try:
                temporary.rename(copy)
            except OSError:  # another process was quicker
                if not copy.is_dir():
                    raise
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        return copy
    except (OSError, lzma.LZMAError, ValueError, KeyError, EOFError):
        return None


def _int_view(values: Any) -> memoryview[int]:
    """A memory-mapped NumPy array of unsigned integers seen as the sequence of Python ints py3langid
    walks its automaton with (as the stdlib ``array`` it builds from the packed model, without
    copying tens of megabytes: indexing reads the mapped file)."""
    size = values.dtype.itemsize
    if (
        values.dtype.kind != "u"
        or size not in (2, 4, 8)
        or not values.dtype.isnative
        or not values.flags.c_contiguous
    ):
        raise ValueError(f"unexpected array type {values.dtype}")
    raw = memoryview(values).cast("B")
    return raw.cast("H") if size == 2 else raw.cast("I") if size == 4 else raw.cast("Q")


def _from_unpacked(folder: Path) -> Any:
    """py3langid's identifier built from an unpacked copy (as ``LanguageIdentifier.from_model_file``
    builds it from the packed model)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    data = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    return LanguageIdentifier(
        data["ptc"],
        np.array(data["pc"]),
        data["classes"].tolist(),
        _int_view(data["nextmove"]),
        data["out_feat"].tolist(),
        norm_probs=True,
        tk_row=_int_view(data["nextmove_row"]),
    )


@functools.cache
def _identifier() -> Any:  # py3langid has no types: a LanguageIdentifier
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    copy = _unpacked_model(Path(MODEL_DIR) / MODEL_FILE, model_cache_dir())
    if copy is not None:
        try:
            return _from_unpacked(copy)
        except (OSError, ValueError, KeyError, EOFError):  # damaged: unpack it again next time
            shutil.rmtree(copy, ignore_errors=True)
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, *, fallback: str = "en") -> str:
    """The most likely language of ``text``, or ``fallback`` when unsure."""
    sample = text[:SAMPLE_CHARS]
    letters = (ch for ch in sample if ch.isalpha())
    if next(itertools.islice(letters, MIN_LETTERS - 1, None), None) is None:  # fewer than MIN_LETTERS
        return fallback
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= 0.6 else fallback
