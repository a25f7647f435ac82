"""The style gallery: the sample edition in each built-in style (and the guide's own style), as pictures.

Builds ``articles/`` into a PDF in each built-in style, and in the example style of
``docs/own-style/union/`` (docs/own-style.md), and renders the cover, the contents and a text
page (the articles' page with the most text) of each to a small PNG in ``docs/gallery/``
(poppler's pdftoppm, then a palette of 32 colours): ``<style>-cover.png``,
``<style>-contents.png`` (none where the contents are on the cover's page, as in the newsletter)
and ``<style>-text.png``; and ``newsletter-issue.png``, page 1 of the sample as an issue of a
series (with the guide's logo), for the newsletter's masthead. The same sources give the same
pictures, byte for byte (SOURCE_DATE_EPOCH is set). Run by ``make docs``; the pictures are checked in::

    python docs/gallery.py [--out docs/gallery]
"""

from __future__ import annotations

import argparse
import os
import shutil
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
RESOLUTION = 56  # dots per inch: an A5 page 326 pixels wide, A4 463 (pages keep their relative size)


def pages_to_show(pdf: Path) -> dict[str, int]:
    """The 1-based pages of the cover, the contents and a text page (the articles' fullest)."""
    reader = PdfReader(pdf)
    top = [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]
    contents = next((page for title, page in top if title == "Contents"), None)
    articles = [page for title, page in top if title not in {"Contents", "Sources", "Colophon"}]
    back = min((page for title, page in top if title == "Sources"), default=len(reader.pages) + 1)
    candidates = range(articles[0], back) if back > articles[0] else range(articles[0], articles[0] + 1)

    def letters(page: int) -> int:
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return len("".join(text.split()))

    text = max(candidates, key=lambda page: (letters(page), -page))
    if text == 1 and len(candidates) > 1:  # the newsletter: page 1 is the cover's; show another
        text = max(candidates[1:], key=lambda page: (letters(page), -page))
    shown = {"cover": 1, "text": text}
    if contents is not None and contents != 1:
        shown["contents"] = contents
    return shown


def picture(pdf: Path, page: int, out: Path) -> None:
    """Page ``page`` of ``pdf`` as a PNG at ``RESOLUTION``, in a palette of 32 colours."""
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        pages = ["-f", str(page), "-l", str(page)]
        subprocess.run(
            ["pdftoppm", "-png", "-singlefile", *pages, "-r", str(RESOLUTION), str(pdf), str(stem)],
            check=True,
        )
        image = Image.open(stem.with_suffix(".png")).convert("RGB")
        small = image.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(out, optimize=True)


def build(style: str | Path, name: str, out: Path, tmp: Path, *, opening: bool = False) -> list[Path]:
    """The pictures of the sample in ``style``, named ``<name>-*.png``; ``opening``: the text page is
    the first article's first page (its title in the style's headings) rather than the fullest."""
    pdf = tmp / f"{name}.pdf"
    editions.make_pdf(editions.load_edition([SAMPLE]), pdf, style=style, cache=False)  # type: ignore[arg-type]
    written = []
    shown = pages_to_show(pdf)
    if opening:
        reader = PdfReader(pdf)
        shown["text"] = next(
            reader.get_destination_page_number(item) + 1
            for item in reader.outline
            if not isinstance(item, list) and item.title not in {"Contents", "Sources", "Colophon"}
        )
    for what, page in shown.items():
        target = out / f"{name}-{what}.png"
        picture(pdf, page, target)
        written.append(target)
    return written


#: The sample as an issue of a periodical, for the newsletter's masthead (``newsletter-issue.png``).
ISSUE = 'series = "Workers Weekly"\nvolume = 8\nnumber = 22\nissue_date = 2024-06-15\nlogo = "logo.png"\n'


def issue_picture(out: Path, tmp: Path) -> Path:
    """Page 1 of the sample in the newsletter style as an issue of a series, with the guide's logo."""
    folder = tmp / "issue"
    folder.mkdir()
    for article in SAMPLE.glob("*.txt"):
        shutil.copy(article, folder / article.name)
    shutil.copy(OWN_STYLE / "logo.png", folder / "logo.png")
    manifest = (SAMPLE / "edition.toml").read_text(encoding="utf-8")
    (folder / "edition.toml").write_text(ISSUE + manifest, encoding="utf-8")
    pdf = tmp / "issue.pdf"
    editions.make_pdf(editions.load_edition([folder]), pdf, style="newsletter", cache=False)
    target = out / "newsletter-issue.png"
    picture(pdf, 1, target)
    return target


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
            paths = build(style, name, args.out, Path(tmp), opening=name == "own-style")
            if name == "newsletter":
                paths.append(issue_picture(args.out, Path(tmp)))
            for path in paths:
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                print(f"{shown}: {path.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
