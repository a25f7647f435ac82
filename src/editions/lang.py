"""Language detection for articles that do not say which language they are in.

In: plain text. Out: a BCP 47 primary language tag (``en``, ``fr``, ``ru`` …), or the fallback
when the text is too short or detection is unsure.

The identifier (py3langid) ships its model compressed with LZMA, and unpacking it takes most of a
second, every time a command starts. So the first process that needs it keeps an unpacked copy in
the user's cache (:func:`model_cache_dir`; one folder per py3langid model, about 70 MB), which later
processes map into memory in a few hundredths of a second (nothing is copied: the automaton's
tables are read from the mapped files as they are walked). The copy holds the very same arrays, so the
languages detected are the same either way; a copy that cannot be written or read is skipped.
Its answers are kept in the build cache (:func:`_classify`): a text read again (every rebuild of an
edition) is not classified again, and needs neither the model nor NumPy.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import lzma
import os
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


@functools.cache
def _model_key() -> str | None:
    """py3langid's model and classifier code, told apart by their files' sizes and times (so an
    upgrade starts afresh); ``None`` when py3langid cannot be found."""
    import importlib.util

    spec = importlib.util.find_spec("py3langid")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    try:
        files = [package / "langid.py", *sorted((package / "data").iterdir())]
        stats = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    except OSError:
        return None
    return hashlib.sha256(repr((str(package), stats)).encode()).hexdigest()[:16]


def _answers_folder() -> Path | None:
    """Where the identifier's answers are kept: in the build cache (``languages/``, beside the parts,
    so ``EDITIONS_CACHE_DIR`` moves it: they come from the articles, not the installation), one folder
    per model (see :func:`_model_key`)."""
    from .cache import default_cache_dir

    key = _model_key()
    return None if key is None else default_cache_dir() / "languages" / key


def _classify(sample: str) -> tuple[str, float]:
    """The identifier's answer for ``sample`` (its language and probability), kept in the
    build cache so that a text read again (a rebuild, another output of the same
    edition) is not classified again: the answer is the one the model gave, so the same, and the
    model (and NumPy) need not even be loaded. An answer that cannot be read or kept is ignored."""
    folder = _answers_folder()
    digest = hashlib.sha256(sample.encode("utf-8", "surrogatepass")).hexdigest()
    path = folder / digest[:2] / digest if folder is not None else None
    if path is not None:
        try:
            lang, prob = path.read_text(encoding="ascii").split()
            return lang, float(prob)
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    lang, prob = _identifier().classify(sample)
    answer = (str(lang), float(prob))
    if path is not None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".answer-")
            try:
                with os.fdopen(handle, "w", encoding="ascii") as out:
                    out.write(f"{answer[0]} {answer[1]!r}\n")
                os.replace(temporary, path)  # whole, or not at all
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
    return answer


def detect_language(text: str, *, fallback: str = "en") -> str:
    """The most likely language of ``text``, or ``fallback`` when unsure."""
    sample = text[:SAMPLE_CHARS]
    letters = (ch for ch in sample if ch.isalpha())
    if next(itertools.islice(letters, MIN_LETTERS - 1, None), None) is None:  # fewer than MIN_LETTERS
        return fallback
    lang, prob = _classify(sample)
    return lang if prob >= 0.6 else fallback
