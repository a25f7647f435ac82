"""Language detection for articles that do not say which language they are in.

In: plain text. Out: a BCP 47 primary language tag (``en``, ``fr``, ``ru`` …), or the fallback
when the text is too short or detection is unsure.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

MIN_LETTERS = 20
#: Characters read from the start of a text: a few pages are as telling as the whole article.
SAMPLE_CHARS = 8000


@functools.cache
def _identifier() -> Any:  # py3langid has no types: a LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, *, fallback: str = "en") -> str:
    """The most likely language of ``text``, or ``fallback`` when unsure."""
    sample = text[:SAMPLE_CHARS]
    letters = (ch for ch in sample if ch.isalpha())
    if next(itertools.islice(letters, MIN_LETTERS - 1, None), None) is None:  # fewer than MIN_LETTERS
        return fallback
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= 0.6 else fallback
