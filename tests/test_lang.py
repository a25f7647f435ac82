"""Language detection: the unpacked copy of the model kept in the user's cache detects the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from editions import lang

TEXTS = [
    "The branch committee met on Tuesday and voted to hold a ballot on strike action next month.",
    "Le syndicat a décidé de faire grève mardi prochain, après trois mois de négociations.",
    "Die Gewerkschaft hat beschlossen, am Dienstag zu streiken, weil die Löhne nicht steigen.",
    "Профсоюз решил объявить забастовку во вторник после трёх месяцев переговоров.",
]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("EDITIONS_CACHE_DIR", str(tmp_path / "editions"))
    lang._identifier.cache_clear()
    yield tmp_path
    lang._identifier.cache_clear()


def test_unpacked_model_detects_as_the_packaged_one(cache_home: Path) -> None:
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    first = lang._identifier()  # unpacks into the cache
    (copy,) = lang.model_cache_dir().iterdir()
    assert copy.name.startswith("py3langid-")
    lang._identifier.cache_clear()
    second = lang._identifier()  # reads the copy
    for identifier in (first, second):
        assert [identifier.classify(t) for t in TEXTS] == [packaged.classify(t) for t in TEXTS]
        assert list(identifier.tk_nextmove) == list(packaged.tk_nextmove)
        assert list(identifier.tk_row) == list(packaged.tk_row)
        assert identifier.tk_output == packaged.tk_output
        assert np.array_equal(identifier.nb_ptc, packaged.nb_ptc)
    assert [lang.detect_language(t) for t in TEXTS] == ["en", "fr", "de", "ru"]


def test_damaged_or_unwritable_copy_falls_back(cache_home: Path) -> None:
    lang._identifier()
    (copy,) = lang.model_cache_dir().iterdir()
    (copy / "ptc.npy").write_bytes(b"not an array")
    lang._identifier.cache_clear()
    assert lang.detect_language(TEXTS[1]) == "fr"  # from the packaged model
    assert not copy.exists()  # removed, to be unpacked again next time
    lang._identifier.cache_clear()
    assert lang._unpacked_model(Path(MODEL_DIR) / MODEL_FILE, cache_home / "missing" / "x") is not None
    blocked = cache_home / "file"
    blocked.write_text("a file where the folder should be")
    assert lang._unpacked_model(Path(MODEL_DIR) / MODEL_FILE, blocked / "models") is None


def test_answers_are_kept_and_read_back_without_the_model(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text classified once is answered from the build cache next time (the model is not
    loaded); a damaged answer is classified again."""
    assert [lang.detect_language(t) for t in TEXTS] == ["en", "fr", "de", "ru"]
    answers = sorted((cache_home / "editions" / "languages").glob("*/*/*"))
    assert len(answers) == len(TEXTS)
    expected = {a.read_text() for a in answers}

    def no_model() -> None:
        raise AssertionError("the model was loaded")

    with monkeypatch.context() as patch:
        patch.setattr(lang, "_identifier", no_model)
        assert [lang.detect_language(t) for t in TEXTS] == ["en", "fr", "de", "ru"]
    for answer in answers:
        answer.write_text("damaged")
    assert [lang.detect_language(t) for t in TEXTS] == ["en", "fr", "de", "ru"]
    assert {a.read_text() for a in answers} == expected  # written again, the same
    assert lang.detect_language("Too short.") == "en"  # fewer than MIN_LETTERS: no answer kept
    assert len(sorted((cache_home / "editions" / "languages").glob("*/*/*"))) == len(TEXTS)
