"""The style gallery: the sample edition in each built-in style (and the guide's own style), as pictures.

Builds ``articles/`` into a PDF in each built-in style, and in the example style of
``docs/own-style/union/`` (docs/own-style.md), and renders the cover, the contents and a text page
of each to a small PNG in ``docs/gallery/`` (poppler's pdftoppm, then a palette of 32 colours):
``<style>-cover.png``, ``<style>-contents.png`` (none where the contents are on the cover's page,
as in the newsletter) and ``<style>-text.png``. The same sources give the same pictures, byte for
byte (SOURCE_DATE_EPOCH is set). Run by ``make docs``; the pictures are checked in::

    python docs/gallery.py [--out docs/gallery]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

import editions
from editions.styles import describe_styles

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "articles"
OWN_STYLE = ROOT / "docs" / "own-style" / "union"
WIDTH = 330  # pixels: a page's width in the gallery


def pages_to_show(pdf: Path) -> dict[str, int]:
    """The 1-based pages of the cover, the contents and a full text page (the first article's second)."""
    reader = PdfReader(pdf)
    top = [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]
    contents = next((page for title, page in top if title == "Contents"), None)
    articles = [page for title, page in top if title not in {"Contents", "Sources", "Colophon"}]
    text = articles[0] + 1 if articles[0] + 1 < len(reader.pages) else articles[0]
    shown = {"cover": 1, "text": text}
    if contents is not None and contents != 1:
        shown["contents"] = contents
    return shown


def picture(pdf: Path, page: int, out: Path) -> None:
    """Page ``page`` of ``pdf`` as a PNG ``WIDTH`` pixels wide, in a palette of 32 colours."""
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-scale-to-x", str(WIDTH),
             "-scale-to-y", "-1", "-aa", "yes", "-aaVector", "yes", str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        image = Image.open(stem.with_suffix(".png")).convert("RGB")
        small = image.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(out, optimize=True)


def build(style: str | Path, name: str, out: Path, tmp: Path) -> list[Path]:
    pdf = tmp / f"{name}.pdf"
    editions.make_pdf(editions.load_edition([SAMPLE]), pdf, style=style, cache=False)  # type: ignore[arg-type]
    written = []
    for what, page in pages_to_show(pdf).items():
        target = out / f"{name}-{what}.png"
        picture(pdf, page, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    styles = [(name, name) for name, where, _ in describe_styles(None) if where == "built-in"]
    with tempfile.TemporaryDirectory() as tmp:
        for style, name in [*styles, (str(OWN_STYLE), "own-style")]:
            for path in build(style, name, args.out, Path(tmp)):
                print(
                    f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} kB"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
