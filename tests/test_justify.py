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
