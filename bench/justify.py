#!/usr/bin/env python3
"""How well the PDF's lines are justified and hyphenated: the justification benchmark.

Reads the word positions of each PDF (poppler's ``pdftotext -bbox-layout``) and prints, per PDF:

- **loose lines**: the share of full-width lines (justified lines, not the last of a paragraph:
  lines ending where at least two other lines of the page end) whose mean word space exceeds 1.8×
  the median word space of the PDF (word spaces measured in units of the line's height, so notes
  and body text compare);
- **hyphen-ending lines**: the share of lines of two words or more that end in a hyphen;
- **longest ladder**: the most consecutive lines (of one text size) ending in a hyphen;
- **bad breaks**: words broken by hyphenation (WeasyPrint's hyphen, U+2010) with fewer than 3
  letters on either side, or where the language's hyphenation dictionary (pyphen, which WeasyPrint
  uses) has no break point. The language is the PDF's (``/Lang``) or ``--lang``; plain ``en`` is
  checked with the ``en_US`` patterns, as the print style hyphenates it.

Targets (issue 14): loose ≤ 1 %, hyphen-ending ≤ 10 %, never 3 in a row, no bad breaks.

Arguments are PDFs, or editions (folders, ``edition.toml`` files), which are built with
``make-pdf`` first; ``--anthology N`` adds the benchmark anthology of N articles (bench/anthology.py)::

    make bench-justify SEEDS=path/to/edition
    .venv/bin/python bench/justify.py articles path/to/edition --anthology 100
    .venv/bin/python bench/justify.py dist/sample-edition.pdf --no-results

The figures go into ``bench/RESULTS.md`` between ``<!-- justify -->`` markers (``--section
before`` writes a second section, between ``<!-- justify-before -->`` markers, for comparisons).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyphen
from pypdf import PdfReader

HERE = Path(__file__).parent
LOOSE_FACTOR = 1.8
MIN_LETTERS = 3
HYPHENS = ("\u2010", "-", "\u00ad")
NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    page: int
    words: list[tuple[float, float, str]]  # (xMin, xMax, text)
    x_max: float
    height: float

    @property
    def text(self) -> str:
        return " ".join(w[2] for w in self.words)

    @property
    def gaps(self) -> list[float]:
        return [(b[0] - a[1]) / self.height for a, b in itertools.pairwise(self.words)]

    @property
    def hyphenated(self) -> bool:
        last = self.words[-1][2]
        return len(last) > 1 and last.endswith(HYPHENS)


@dataclass
class Figures:
    name: str
    pages: int = 0
    lines: int = 0
    full_width: int = 0
    loose: list[Line] = field(default_factory=list)
    hyphen_lines: int = 0
    longest_run: int = 0
    runs_of_3: int = 0
    breaks: int = 0
    short: list[str] = field(default_factory=list)
    undictionary: list[str] = field(default_factory=list)
    dictionary: str = ""


def read_lines(pdf: Path) -> tuple[int, list[Line]]:
    """Every line of text of ``pdf`` with its words' horizontal positions, in reading order."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(out)
    lines = []
    pages = root.iter(f"{NS}page")
    count = 0
    for number, page in enumerate(pages, 1):
        count = number
        for line in page.iter(f"{NS}line"):
            words = [
                (float(w.get("xMin", 0)), float(w.get("xMax", 0)), w.text or "")
                for w in line.iter(f"{NS}word")
            ]
            if not words:
                continue
            height = float(line.get("yMax", 0)) - float(line.get("yMin", 0))
            if height <= 0:
                continue
            lines.append(Line(number, words, float(line.get("xMax", 0)), height))
    return count, lines


def full_width_lines(lines: list[Line]) -> list[Line]:
    """Lines of 3 words or more ending where at least two other such lines of their page end."""
    result = []
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        if len(line.words) >= 3:
            by_page.setdefault(line.page, []).append(line)
    for page_lines in by_page.values():
        for line in page_lines:
            same = sum(1 for other in page_lines if abs(other.x_max - line.x_max) <= 0.5)
            if same >= 3:
                result.append(line)
    return result


def dictionary_name(lang: str) -> str | None:
    """The pyphen dictionary the print style hyphenates ``lang`` with (plain ``en``: en_US)."""
    lang = lang.replace("-", "_")
    if lang.lower() == "en":
        lang = "en_US"
    found: str | None = pyphen.language_fallback(lang)
    return found


def _strip(fragment: str, *, leading: bool) -> str:
    """A word fragment without the punctuation before (``leading``) or after it."""
    if leading:
        while fragment and not fragment[0].isalpha():
            fragment = fragment[1:]
    else:
        while fragment and not fragment[-1].isalpha():
            fragment = fragment[:-1]
    return fragment


def measure(pdf: Path, name: str, lang: str | None = None) -> Figures:
    pages, lines = read_lines(pdf)
    figures = Figures(name, pages=pages)
    if lang is None:
        lang = str(PdfReader(pdf).trailer["/Root"].get("/Lang", "en"))
    found = dictionary_name(lang)
    dictionary = pyphen.Pyphen(lang=found, left=1, right=1) if found else None
    figures.dictionary = found or f"none for {lang}"

    text_lines = [line for line in lines if len(line.words) >= 2]
    figures.lines = len(text_lines)
    gaps = [gap for line in text_lines for gap in line.gaps]
    median = statistics.median(gaps) if gaps else 0.0
    wide = full_width_lines(lines)
    figures.full_width = len(wide)
    figures.loose = [line for line in wide if statistics.fmean(line.gaps) > LOOSE_FACTOR * median]
    figures.hyphen_lines = sum(1 for line in text_lines if line.hyphenated)

    # Ladders and broken words follow the lines of one text size (body, notes …) in reading order,
    # so a running head or a folio between two pages does not interrupt them.
    by_size: dict[float, list[Line]] = {}
    for line in lines:
        if not line.text.strip().isdigit():
            by_size.setdefault(round(line.height, 1), []).append(line)
    for sequence in by_size.values():
        run = 0
        for index, line in enumerate(sequence):
            run = run + 1 if line.hyphenated else 0
            figures.longest_run = max(figures.longest_run, run)
            if run == 3:
                figures.runs_of_3 += 1
            last = line.words[-1][2]
            if not last.endswith("\u2010") or index + 1 >= len(sequence):
                continue  # only the hyphenator's breaks (a word's own hyphen may end a line)
            figures.breaks += 1
            left = _strip(last[:-1].split("\u2010")[-1].split("-")[-1], leading=True)
            right_word = sequence[index + 1].words[0][2]
            right = _strip(right_word.split("-")[0], leading=False)
            shown = f"{left}-{right} (p. {line.page})"
            if sum(c.isalpha() for c in left) < MIN_LETTERS or sum(c.isalpha() for c in right) < MIN_LETTERS:
                figures.short.append(shown)
            word = left + right
            if dictionary and word.isalpha() and len(left) not in dictionary.positions(word):
                figures.undictionary.append(shown)
    return figures


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def table(results: list[Figures]) -> str:
    rows = [
        "| edition | pages | loose lines (≤ 1 %) | hyphen-ending lines (≤ 10 %) | longest ladder (≤ 2) "
        "| breaks < 3 letters a side | breaks not in the dictionary |",
        "| --- | --: | --: | --: | --: | --: | --: |",
    ]
    for f in results:
        rows.append(
            f"| {f.name} | {f.pages} "
            f"| {percent(len(f.loose), f.full_width)} ({len(f.loose)} of {f.full_width}) "
            f"| {percent(f.hyphen_lines, f.lines)} ({f.hyphen_lines} of {f.lines}) | {f.longest_run} "
            f"| {len(f.short)} of {f.breaks} | {len(f.undictionary)} of {f.breaks} ({f.dictionary}) |"
        )
    return "\n".join(rows)


def details(results: list[Figures]) -> str:
    out = []
    for f in results:
        out.append(f"{f.name}:")
        for line in f.loose[:5]:
            out.append(f"  loose, p. {line.page}: {line.text}")
        if f.short:
            out.append("  short: " + ", ".join(f.short[:8]))
        if f.undictionary:
            out.append("  not in the dictionary: " + ", ".join(f.undictionary[:8]))
    return "\n".join(out)


def build(edition: str, work: Path, make_pdf: str) -> Path:
    """The PDF of an edition (a folder or an edition.toml), built with make-pdf into ``work``."""
    stem = Path(edition).resolve()
    name = (stem.parent.name if stem.name == "edition.toml" else stem.name) or "edition"
    pdf = work / f"{name}.pdf"
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000")}
    subprocess.run([make_pdf, edition, "-o", str(pdf), "-q"], check=True, env=env)
    return pdf


def write_results(path: Path, section: str, text: str) -> None:
    start, end = f"<!-- {section} -->", f"<!-- /{section} -->"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{text}\n{end}\n"
    if start in old:
        old = old[: old.index(start)] + block + old[old.index(end) + len(end) :].lstrip("\n")
        path.write_text(old, encoding="utf-8")
    else:
        path.write_text(old.rstrip("\n") + "\n\n" + block, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", help="PDFs, or editions (folders, edition.toml) to build")
    parser.add_argument(
        "--anthology", type=int, default=0, metavar="N", help="also the anthology of N articles"
    )
    parser.add_argument("--words", type=int, default=2500, help="words per anthology article")
    parser.add_argument("--lang", help="the language whose dictionary checks the breaks (default: the PDF's)")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "editions-bench" / "justify"
    )
    parser.add_argument("--make-pdf", default=str(Path(sys.executable).parent / "make-pdf"))
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--section", default="justify", help="the RESULTS.md section (markers) to write")
    parser.add_argument("--no-results", action="store_true", help="print only, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    named: list[tuple[str, Path]] = []
    for item in args.inputs:
        path = Path(item)
        if not path.exists():
            print(f"{item}: no such file or folder", file=sys.stderr)
            return 2
        if path.suffix.lower() == ".pdf":
            named.append((path.name, path))
        else:
            pdf = build(item, args.work, args.make_pdf)
            named.append((pdf.stem, pdf))
    if args.anthology:
        sys.path.insert(0, str(HERE))
        from anthology import write_anthology

        folder = write_anthology(args.work / f"anthology-{args.anthology}", args.anthology, args.words)
        named.append(
            (
                f"anthology ({args.anthology} × {args.words} words)",
                build(str(folder), args.work, args.make_pdf),
            )
        )
    if not named:
        parser.error("give PDFs or editions, or --anthology N")
    results = [measure(pdf, name, args.lang) for name, pdf in named]
    text = table(results)
    print(text)
    print(details(results))
    if not args.no_results:
        heading = "## Justification and hyphenation" + (
            f" ({args.section})" if args.section != "justify" else ""
        )
        note = (
            f"`bench/justify.py` ({dt.date.today().isoformat()}), from the word positions of each PDF "
            "(`pdftotext -bbox-layout`): loose = full-width lines whose mean word space exceeds "
            f"{LOOSE_FACTOR}× the median; ladder = consecutive lines ending in a hyphen; breaks are "
            "the hyphenator's, checked against the pyphen dictionary named."
        )
        write_results(args.results, args.section, f"{heading}\n\n{note}\n\n{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
