"""Tests for editions.i18n: the words around the articles, directions and separators per language."""

from __future__ import annotations

import pytest

from editions import i18n


@pytest.mark.parametrize(
    ("lang", "direction"),
    [
        ("en", "ltr"),
        ("ar", "rtl"),
        ("ar-EG", "rtl"),
        ("fa", "rtl"),
        ("he", "rtl"),
        ("ur", "rtl"),
        ("ru", "ltr"),
    ],
)
def test_direction(lang: str, direction: str) -> None:
    assert i18n.direction(lang) == direction


def test_arabic_persian_and_hebrew_have_their_own_words() -> None:
    assert i18n.label("contents", "ar") == "المحتويات"
    assert i18n.label("sources", "fa") == "منابع"
    assert i18n.label("by", "he") == "מאת"
    for lang in ("ar", "fa", "he"):
        assert set(i18n.LABELS[lang]) == set(i18n.LABELS["en"])


@pytest.mark.parametrize(
    ("lang", "comma", "and_"),
    [("en", ", ", " and "), ("ar", "\u060c ", " و"), ("fa", "\u060c ", " و "), ("he", ", ", " ו")],
)
def test_name_separators(lang: str, comma: str, and_: str) -> None:
    # Arabic و and Hebrew ו join the name after them; Persian و stands alone
    assert i18n.name_separator(lang, last=False) == comma
    assert i18n.name_separator(lang, last=True) == and_
