"""The commands' arguments: one argparse parser per command, the options in, ``argparse`` parsers out.

:mod:`editions.cli` parses the command line with them; :mod:`editions.clidoc` makes the shell
completion scripts and manual pages from them (so neither imports the other's commands).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from .stdio import FORMATS
from .version import __version__


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors end with exit status 2 and one line naming the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def base_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The options every build command shares (paths, output, style, language …)."""
    parser = Parser(prog=prog, description=description)
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files, folders or edition.toml files, in order (default: ./articles); "
        "- reads one article from standard input",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file, or - for standard output (default: dist/<edition-slug>.<ext>)",
    )
    add_from(parser)
    parser.add_argument(
        "--style", metavar="NAME", help="style name or folder (default: the edition's, else 'default')"
    )
    parser.add_argument(
        "--lang", metavar="LANG", help="language for articles that neither say nor reveal theirs"
    )
    parser.add_argument("--offline", action="store_true", help="refuse to fetch URLs")
    parser.add_argument(
        "--allow-remote-images",
        action="store_true",
        help="fetch http(s) images that articles reference (public addresses only; off by default)",
    )
    parser.add_argument(
        "--require-sources",
        action=argparse.BooleanOptionalAction,
        help="stop with an error when an article has no source (no publication or URL) instead of "
        "warning (default: edition.toml's require_sources, else warn)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only warnings and errors (not the files written)"
    )
    add_debug_and_version(parser)
    return parser


def add_debug_and_version(parser: argparse.ArgumentParser) -> None:
    """``--debug`` (tracebacks for unexpected errors) and ``--version``, which every command has."""
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s (editions) {__version__}")


def add_from(parser: argparse.ArgumentParser) -> None:
    """``--from FORMAT``: the format of the article read from standard input."""
    parser.add_argument(
        "--from",
        dest="from_format",
        choices=tuple(FORMATS),
        metavar="FORMAT",
        help="the format of the article read from standard input (-): "
        + ", ".join(FORMATS)
        + " (default: detected)",
    )


def make_html_parser() -> argparse.ArgumentParser:
    """The arguments of ``make-html``."""
    return base_parser("make-html", "Build one self-contained HTML file from articles.")


def make_pdf_parser() -> argparse.ArgumentParser:
    """The arguments of ``make-pdf``."""
    from .impose import LAYOUTS

    parser = base_parser("make-pdf", "Build a print-ready PDF pamphlet from articles.")
    parser.add_argument(
        "--paper",
        metavar="SIZE",
        help="A4, A5, A6, letter, half-letter, or WxH in mm or in (e.g. 140x216mm); "
        "default: edition.toml's [pdf] paper, else A5",
    )
    parser.add_argument(
        "--font-size", type=float, metavar="PT", help="body text size in points (default: the style's)"
    )
    parser.add_argument(
        "--open-right",
        action=argparse.BooleanOptionalAction,
        help="start every article on a right-hand page (or not)",
    )
    parser.add_argument(
        "--pdf-a",
        action=argparse.BooleanOptionalAction,
        dest="archive",
        help="write a PDF/A-2b for archives (tagged either way)",
    )
    parser.add_argument(
        "--keep-html", action="store_true", help="also write the print HTML as <stem>.print.html"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for large editions (default: one per CPU)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="render every part again; neither read nor write the cache"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where rendered parts are kept (default: $EDITIONS_CACHE_DIR, else ~/.cache/editions)",
    )
    imposition = parser.add_argument_group("imposition (for printing and folding)")
    imposition.add_argument(
        "--impose",
        choices=(*LAYOUTS, "none"),
        help="also write an imposed PDF: booklet, zine or 2up (none: not even if edition.toml says so)",
    )
    imposition.add_argument(
        "--signature", type=int, metavar="N", help="booklet: pages per folded signature (a multiple of 4)"
    )
    imposition.add_argument(
        "--duplex",
        choices=("short", "long"),
        help="the edge your printer flips on (default: short)",
    )
    imposition.add_argument(
        "--creep",
        type=float,
        metavar="MM",
        help="booklet: shift inner pages by up to MM for paper thickness",
    )
    imposition.add_argument(
        "--marks",
        action=argparse.BooleanOptionalAction,
        help="add crop and fold marks, job name and sheet numbers (or not)",
    )
    return parser


def make_epub_parser() -> argparse.ArgumentParser:
    """The arguments of ``make-epub``."""
    parser = base_parser("make-epub", "Build an EPUB 3 collection from articles.")
    parser.add_argument("--embed-fonts", action="store_true", help="embed the style's fonts in the EPUB")
    return parser


def import_parser() -> argparse.ArgumentParser:
    """The arguments of ``editions import``."""
    parser = Parser(
        prog="editions import",
        description="Write articles (files, folders, URLs) as Markdown files with front matter, for review.",
    )
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="article files, folders or http(s):// URLs; - reads one article from standard input",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default="articles",
        help="edition folder to write into (default: ./articles)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace Markdown files that already exist")
    parser.add_argument(
        "--lang", metavar="LANG", help="language for articles that neither say nor reveal theirs"
    )
    parser.add_argument("--offline", action="store_true", help="refuse to fetch URLs")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    add_debug_and_version(parser)
    add_from(parser)
    return parser


def styles_parser() -> argparse.ArgumentParser:
    """The arguments of ``editions styles``."""
    parser = Parser(
        prog="editions styles",
        description="List the styles an edition can use (built-in, and its own), each with what it is for.",
    )
    parser.add_argument(
        "paths",
        nargs="?",
        metavar="PATH",
        help="the edition's folder or edition.toml, whose styles/ folder is listed too (default: ./articles)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the names")
    add_debug_and_version(parser)
    return parser


def serve_parser() -> argparse.ArgumentParser:
    """The arguments of ``editions serve``."""
    parser = Parser(
        prog="editions serve",
        description="Open an edition folder in the browser: add, review and arrange articles, "
        "build and download.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        default="articles",
        metavar="FOLDER",
        help="the edition folder (default: ./articles)",
    )
    parser.add_argument("--port", type=int, default=8765, metavar="N", help="the port (default: 8765)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="the address to listen on (default: 127.0.0.1, this computer only; another address is served "
        "with a warning)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open the browser")
    add_debug_and_version(parser)
    return parser


#: Each command's argument parser, by the name the user types (for completion and manual pages).
PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "make-html": make_html_parser,
    "make-pdf": make_pdf_parser,
    "make-epub": make_epub_parser,
    "editions import": import_parser,
    "editions styles": styles_parser,
    "editions serve": serve_parser,
}
