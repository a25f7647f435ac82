"""Tests for editions.scripts: which writing systems a text uses, and which the bundled fonts lack."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.model import Article, Edition
from editions.scripts import (
    bundled_codepoints,
    script_of,
    system_font_for,
    uncovered_scripts,
    warn_unbundled_scripts,
)
from editions.styles import load_style


@pytest.mark.parametrize(
    ("char", "script"),
    [
        ("a", "Latin"),
        ("ж", "Cyrillic"),
        ("ع", "Arabic"),
        ("ש", "Hebrew"),
        ("港", "Han"),
        ("の", "Hiragana"),
        ("한", "Hangul"),
        ("क", "Devanagari"),
        ("ি", "Bengali"),
        ("ท", "Thai"),
        ("😀", "symbols"),
        (" ", None),
        (",", None),
        ("\u200f", None),
    ],
)
def test_script_of_a_character(char: str, script: str | None) -> None:
    assert script_of(char) == script


def test_the_default_style_bundles_latin_cyrillic_greek_arabic_and_hebrew() -> None:
    covered = bundled_codepoints(load_style())
    text = "Strike! Забастовка! Απεργία! إضراب! פרסית: اعتصاب‌ها! שביתה! יו״ר, «»„”"
    assert uncovered_scripts([text], covered) == {}
    assert uncovered_scripts(["罢工 हड़ताल 파업"], covered) == {
        "Han": "罢工",
        "Devanagari": "हड़ता",
        "Hangul": "파업",
    }


def test_one_warning_per_article_and_script_naming_the_file(tmp_path: Path) -> None:
    article = Article(
        title="Mumbai", body_html="<p>The banner said हड़ताल and 罢工.</p>", path=tmp_path / "m.md"
    )
    edition = Edition(title="Ports", articles=(article,))
    messages = warn_unbundled_scripts(edition, load_style())
    assert [m.split("; ")[0] for m in messages] == [
        f"{tmp_path / 'm.md'}: no bundled font for Devanagari script (हड़ता…)",
        f"{tmp_path / 'm.md'}: no bundled font for Han script (罢工…)",
    ]
    assert all(m.split("; ")[1].startswith("using the system's fonts") for m in messages)


def test_fontconfig_is_asked_whether_the_machine_has_the_letters() -> None:
    assert system_font_for("abc") is True  # every machine that renders PDFs has a Latin font
    assert system_font_for("\U000f0000") is False  # a private-use plane character: no font


def test_fonts_are_read_only_until_every_character_is_found(tmp_path: Path) -> None:
    style = load_style()
    everything = bundled_codepoints(style)
    latin = bundled_codepoints(style, {ord("a"), ord("é")})
    assert {ord("a"), ord("é")} <= latin < everything  # one font had them: the others were not read
    hebrew_too = bundled_codepoints(style, {ord("a"), ord("ש"), ord("ع")})
    assert {ord("a"), ord("ש"), ord("ع")} <= hebrew_too
    article = Article(title="Haifa", body_html="<p>שביתה and إضراب, then 罢工.</p>", path=tmp_path / "h.md")
    messages = warn_unbundled_scripts(Edition(title="Ports", articles=(article,)), style)
    assert [m.split(" (")[0] for m in messages] == [f"{tmp_path / 'h.md'}: no bundled font for Han script"]


def test_a_latin_edition_reads_one_font(tmp_path: Path) -> None:
    from editions import scripts

    article = Article(
        title="Depot", body_html="<p>Nine days —\n«on strike»\t(2024).</p>", path=tmp_path / "d.md"
    )
    scripts._cmap.cache_clear()
    assert warn_unbundled_scripts(Edition(title="Ports", articles=(article,)), load_style()) == []
    assert scripts._cmap.cache_info().currsize == 1  # spaces, breaks and punctuation are not looked for
