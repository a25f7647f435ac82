#!/usr/bin/env python3
"""How faithfully the readers read copied pages: the fidelity benchmark.

Runs a labelled corpus's own scorer (``CORPUS/score.py``, which imports every ``NAME.txt`` with
``editions import`` and compares the fields with ``NAME.json``) twice: on the texts as given, and
with their paragraphs joined by single line breaks (``--single-newlines``, as several browsers and
chat apps copy). Prints the per-field figures and writes them into ``bench/RESULTS.md`` between
the ``<!-- fidelity -->`` markers (``bench/run.py`` keeps that section)::

    make bench-fidelity CORPUS=path/to/corpus
    .venv/bin/python bench/fidelity.py path/to/corpus --editions .venv/bin/editions

A benchmark, not a test: the figures are what they are on that corpus; the reading rules are
pinned by tests with small cases (tests/test_reader_text*.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
START, END = "<!-- fidelity -->", "<!-- /fidelity -->"
FIELDS = ["title", "date", "authors", "publication", "deck", "body_start", "headings", "promos"]


def score(corpus: Path, editions: str, single: bool) -> dict[str, tuple[int, int]]:
    command = [sys.executable, str(corpus / "score.py"), str(corpus), "--editions", editions]
    if single:
        command.append("--single-newlines")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {}
    for field in FIELDS:
        match = re.search(rf"^{field}\s+(\d+)\s*/\s*(\d+)", out, re.M)
        if match:
            figures[field] = (int(match.group(1)), int(match.group(2)))
    return figures


def section(corpus: Path, given: dict[str, tuple[int, int]], single: dict[str, tuple[int, int]]) -> str:
    def cell(value: tuple[int, int] | None) -> str:
        if not value or not value[1]:
            return "–"
        right, total = value
        return f"{right}/{total} ({100 * right / total:.0f} %)"

    rows = "\n".join(f"| {f} | {cell(given.get(f))} | {cell(single.get(f))} |" for f in FIELDS)
    return (
        f"{START}\n## Reading fidelity\n\n"
        f"`bench/fidelity.py` on the corpus `{corpus.name}` ({dt.date.today().isoformat()}): each field "
        "right / applicable, on the texts as given and with paragraphs joined by single line breaks.\n\n"
        f"| field | as given | single line breaks |\n| --- | --- | --- |\n{rows}\n{END}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of NAME.txt + NAME.json with its score.py")
    parser.add_argument("--editions", default=str(Path(sys.executable).parent / "editions"))
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    if not (args.corpus / "score.py").is_file():
        print(f"{args.corpus}: no score.py in this folder", file=sys.stderr)
        return 2
    given = score(args.corpus, args.editions, single=False)
    single = score(args.corpus, args.editions, single=True)
    text = section(args.corpus, given, single)
    print(text)
    old = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
    if START in old:
        old = old[: old.index(START)] + old[old.index(END) + len(END) :].lstrip("\n")
    args.results.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
