"""Justification and hyphenation of the print style (print.css and weasyfix), read back from the PDF.

A narrow page of long words makes WeasyPrint hyphenate often; poppler's word positions
(``pdftotext -bbox-layout``) say which lines end with the hyphenator's hyphen (U+2010) and how each
broken word continues on the next line. Checked: at least 3 letters on each side of every break,
breaks only where pyphen's dictionary of the language (``en_US`` for plain ``en``) has one, and
never 3 hyphenated lines in a row (with the limit lifted, the same text makes ladders of 3).
"""

from __future__ import annotations

import itertools
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyphen
import pytest

from test_pdf import EPOCH

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

NS = "{http://www.w3.org/1999/xhtml}"
HYPHEN = "\u2010"
LONG_WORDS = (
    "Interdepartmental communication remained notoriously unsatisfactory, notwithstanding "
    "reorganisation. Technology territorial estimates representatives internationalisation "
    "administration characteristically establishment responsibilities, incomprehensibility "
    "and counterrevolutionary misunderstandings multiplied. "
)


def write_edition(folder: Path, lang: str = "en") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = "\n\n".join(LONG_WORDS * 3 for _ in range(6))
    (folder / "long-words.md").write_text(
        f"---\ntitle: Long Words\nauthor: Ann Author\nlang: {lang}\nurl: https://example.org/long\n---\n\n"
        + paragraphs
        + "\n",
        encoding="utf-8",
    )
    return folder


def build(folder: Path, out: Path) -> Path:
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return make_pdf(load_edition([folder]), out, paper="90x150mm").path


def lines(pdf: Path) -> list[list[str]]:
    """The words of every line of the PDF, in reading order (folios and running heads too)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(out)
    return [
        [word.text or "" for word in line.iter(f"{NS}word")]
        for line in root.iter(f"{NS}line")
        if any(True for _ in line.iter(f"{NS}word"))
    ]


def breaks(pdf: Path) -> tuple[list[tuple[str, str]], int]:
    """The hyphenated words as (before, after) the break, and the longest run of hyphenated lines."""
    found, run, longest = [], 0, 0
    text = [words for words in lines(pdf) if not (len(words) == 1 and words[0].isdigit())]  # no folios
    for words, following in itertools.pairwise(text):
        if words[-1].endswith(HYPHEN):
            run += 1
            found.append((words[-1][:-1].strip("“‘(\u2019"), following[0].rstrip(".,;:!?”’)")))
        elif not (len(words) == 1 and words[0] == "Long"):  # not interrupted by the running head
            run = 0
        longest = max(longest, run)
    return found, longest


@pytest.fixture(scope="module")
def narrow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("justify")
    return build(write_edition(folder / "edition"), folder / "narrow.pdf")


def test_breaks_leave_three_letters_each_side_where_the_us_dictionary_allows(narrow: Path) -> None:
    found, _ = breaks(narrow)
    assert len(found) >= 20  # the narrow page hyphenates a lot: the checks below are not vacuous
    dictionary = pyphen.Pyphen(lang="en_US", left=1, right=1)
    for before, after in found:
        assert len(before) >= 3 and len(after) >= 3, (before, after)
        assert len(before) in dictionary.positions(before + after), f"{before}-{after} not in en_US"
    # British patterns (pyphen's plain "en") break these differently: the US ones are used.
    assert ("techno", "logy") not in found and ("estim", "ates") not in found


def test_never_three_hyphenated_lines_in_a_row(
    narrow: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from editions.pdf import weasyfix

    _, longest = breaks(narrow)
    assert longest <= weasyfix.HYPHENATED_LINES == 2
    # The same text without the limit: WeasyPrint alone ends 3 lines or more in a row with a hyphen.
    monkeypatch.setattr(weasyfix, "HYPHENATED_LINES", 99)
    _, unlimited = breaks(build(write_edition(tmp_path / "edition"), tmp_path / "unlimited.pdf"))
    assert unlimited >= 3


# --- loose lines: letters take part of the slack (weasyfix) ------------------------------------------

LOOSE_FACTOR = 1.8  # bench/justify.py's loose line: mean word space above 1.8× the median
#: Sentences whose names and figures neither fit at the end of a line nor hyphenate, so that
#: first-fit breaking leaves loose lines; "first", "office", "flows" have ligatures in Gentium.
LOOSE_TEXT = (
    "Ukraine’s Commander in Chief Oleksandr Syrskyi, Defense Minister Rustem Umerov and the first "
    "office of the ministry met on 2024-05-28 in Kyiv. The letter, authored by House Intelligence "
    "Committee Chairman Mike Turner, says that 1,250,000,000 dollars flows through the fund. "
    "Earlier this year, French President Emmanuel Macron stated that nothing should be ruled out. "
)
ARABIC_TEXT = (
    "اجتمعت اللجنة كل يوم ثلاثاء في الغرفة الخلفية للمكتبة، وعلقت المحاضر على اللوحة. "
    "لم تواكب الأجور الإيجارات منذ عقد، ويستطيع كل من على الخط أن يخبرك بمقدار الفرق. "
)


def write_loose_edition(folder: Path) -> Path:
    """An English article (6 paragraphs of :data:`LOOSE_TEXT`, each 5 words further on, so that
    lines break at many places) and an Arabic one."""
    folder.mkdir(parents=True, exist_ok=True)
    words = (LOOSE_TEXT * 3).split()
    paragraphs = "\n\n".join(" ".join(words[k * 5 : k * 5 + 80]) for k in range(6))
    (folder / "loose.md").write_text(
        "---\ntitle: Loose Lines\nauthor: Ann Author\nlang: en\nurl: https://example.org/loose\n---\n\n"
        + paragraphs
        + "\n",
        encoding="utf-8",
    )
    (folder / "arabic.md").write_text(
        "---\ntitle: لجنة\nauthor: كاتب\nlang: ar\nurl: https://example.org/ar\n---\n\n"
        + "\n\n".join(ARABIC_TEXT * 4 for _ in range(3))
        + "\n",
        encoding="utf-8",
    )
    (folder / "edition.toml").write_text(
        'title = "Loose"\narticles = ["loose.md", "arabic.md"]\n', encoding="utf-8"
    )
    return folder


def build_uncached(folder: Path, out: Path) -> Path:
    """The edition's PDF rendered in this process (so that a patched weasyfix applies), uncached."""
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return make_pdf(load_edition([folder]), out, cache=False, parallel=False).path


Word = tuple[float, float, float, str]  # xMin, xMax, yMin, text


def page_lines(pdf: Path) -> list[tuple[int, list[Word]]]:
    """(page, words) for every line of the PDF, the words with their positions (points)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for number, page in enumerate(ET.fromstring(out).iter(f"{NS}page"), 1):
        for line in page.iter(f"{NS}line"):
            words = [
                (float(w.get("xMin", 0)), float(w.get("xMax", 0)), float(w.get("yMin", 0)), w.text or "")
                for w in line.iter(f"{NS}word")
            ]
            if words:
                found.append((number, words))
    return found


def full_width(lines: list[tuple[int, list[Word]]]) -> list[bool]:
    """Which lines are full-width (as bench/justify.py counts them): 3 words or more, ending where
    at least two other such lines of their page end."""
    ends = [(page, words[-1][1]) for page, words in lines if len(words) >= 3]
    return [
        len(words) >= 3 and sum(p == page and abs(x - words[-1][1]) <= 0.5 for p, x in ends) >= 3
        for page, words in lines
    ]


def loose_lines(pdf: Path) -> tuple[list[str], int]:
    """The loose lines of the PDF (full-width lines whose mean word space is above 1.8× the median
    word space of those lines, as bench/justify.py counts them), and how many full-width lines."""
    lines = page_lines(pdf)
    full = [words for (_, words), wide in zip(lines, full_width(lines), strict=True) if wide]
    gaps = [[b[0] - a[1] for a, b in itertools.pairwise(words)] for words in full]
    median = statistics.median(g for line in gaps for g in line)
    loose = [
        " ".join(w[3] for w in words)
        for words, line in zip(full, gaps, strict=True)
        if statistics.mean(line) > LOOSE_FACTOR * median
    ]
    return loose, len(full)


@pytest.fixture(scope="module")
def loose_pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The loose edition with the letter spacing, without it, and with it on every justified line."""
    from editions.pdf import weasyfix

    folder = tmp_path_factory.mktemp("loose")
    edition = write_loose_edition(folder / "edition")
    spaced = build_uncached(edition, folder / "spaced.pdf")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(weasyfix, "MAX_LETTER_SPACING", 0)
        plain = build_uncached(edition, folder / "plain.pdf")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(weasyfix, "COMFORTABLE_STRETCH", 0)
        everywhere = build_uncached(edition, folder / "everywhere.pdf")
    return spaced, plain, everywhere


def test_letters_take_the_slack_of_loose_lines(loose_pdfs: tuple[Path, Path, Path]) -> None:
    spaced, plain, _ = loose_pdfs
    loose, full = loose_lines(spaced)
    plain_loose, plain_full = loose_lines(plain)
    # Word spaces alone leave loose lines in this text; with the letters taking part, none is left.
    assert len(plain_loose) >= 2, plain_loose
    assert loose == [], loose
    assert full == plain_full >= 30
    # Each letter-spaced line still ends at the measure, where it ends without letter spacing
    # (within 0.25 pt: WeasyPrint writes glyph positions in thousandths of the font size).
    lines = page_lines(plain)
    pairs = list(zip(lines, page_lines(spaced), full_width(lines), strict=True))
    ends = [(a[-1][1], b[-1][1]) for (_, a), (_, b), wide in pairs if wide]
    assert len(ends) == full and max(abs(a - b) for a, b in ends) <= 0.25


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_letter_spacing_changes_positions_not_text(loose_pdfs: tuple[Path, Path, Path]) -> None:
    spaced, plain, _ = loose_pdfs
    text = text_of(spaced)
    # The same text, line for line: hyphenated words, figures and ligatures (fi, ffi, fl) too.
    assert text == text_of(plain)
    assert "first" in text and "office" in text and "flows" in text and HYPHEN in text
    # ... but not the same positions: some words were letter-spaced (they are wider).
    widths = {}
    for _, words in page_lines(plain):
        for x0, x1, _, word in words:
            widths.setdefault(word, x1 - x0)
    wider = [w[3] for _, words in page_lines(spaced) for w in words if w[1] - w[0] > widths[w[3]] + 0.1]
    assert len(wider) >= 10


def test_last_lines_and_arabic_are_not_letter_spaced(loose_pdfs: tuple[Path, Path, Path]) -> None:
    _, plain, everywhere = loose_pdfs
    # Letters take slack on every justified line here (no comfortable stretch first) ...
    plain_lines, all_lines = page_lines(plain), page_lines(everywhere)
    assert len(plain_lines) == len(all_lines)
    changed = [a for a, b in zip(plain_lines, all_lines, strict=True) if a != b]
    assert len(changed) >= 30
    # ... but the last line of each paragraph, and the Arabic article's lines, are as without it.
    arabic_lines = 0
    wide_lines = full_width(plain_lines)
    for (_, words), (_, spaced_words), wide in zip(plain_lines, all_lines, wide_lines, strict=True):
        arabic = any("\u0600" <= ch <= "\u06ff" for w in words for ch in w[3])
        arabic_lines += arabic and wide
        if arabic or not wide:
            assert [w[:2] for w in spaced_words] == [w[:2] for w in words]
    assert arabic_lines >= 5  # justified Arabic lines, the same with and without
