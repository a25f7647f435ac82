"""The commands: ``make-html`` (and, as they arrive, ``make-pdf`` and ``make-epub``).

In: command-line arguments. Out: files written by the library functions, one line per output on
stdout, and exit status 0 (done), 2 (a problem with the input or options, explained in one line
on stderr) or 1 (an unexpected failure; ``--debug`` shows the traceback).

Every command is a thin layer: parse the arguments, call one library function, map errors.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import textio
from .cliargs import (
    import_parser,
    make_epub_parser,
    make_html_parser,
    make_pdf_parser,
    serve_parser,
    styles_parser,
)
from .edition import load_edition
from .errors import EditionsError
from .html import make_html
from .model import Article, Edition
from .stdio import STDIO, read_stdin_bytes, stdin_article, stdin_draft, stdout_target
from .version import __version__

log = logging.getLogger("editions")


def _check_stdin(parser: argparse.ArgumentParser, inputs: Sequence[str], from_format: str | None) -> None:
    """``-`` at most once, and ``--from`` only with it (both are mistakes the user can fix)."""
    count = list(inputs).count(STDIO)
    if count > 1:
        parser.error("standard input (-) can be read only once")
    if from_format and not count:
        parser.error("--from FORMAT is the format of standard input: give - as an input too")


def _inputs(inputs: Sequence[str], from_format: str | None, lang: str | None) -> list[str | Article]:
    """The inputs, with ``-`` read from standard input as one article."""
    return [stdin_article(read_stdin_bytes(), from_format, lang=lang) if p == STDIO else p for p in inputs]


def _edition(args: argparse.Namespace) -> Edition:
    """The edition the command's inputs make (``-`` read from standard input)."""
    return load_edition(
        _inputs(args.paths, args.from_format, args.lang), lang=args.lang, offline=args.offline
    )


@contextlib.contextmanager
def _output(output: str | None, suffix: str) -> Iterator[str | None]:
    """Where the library writes: ``output``, or for ``-`` a temporary file sent to standard output."""
    if output != STDIO:
        yield output
        return
    with stdout_target(suffix) as target:
        yield str(target)


def _written(output: str | None, *paths: Path) -> list[Path]:
    """The files to list once done: none when the output went to standard output."""
    return [] if output == STDIO else list(paths)


class _WarningHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(f"warning: {record.getMessage()}", file=sys.stderr)


class _Terminated(BaseException):
    """Raised by the SIGTERM handler so that cleanups (temporary files) run as for Ctrl-C."""


_STOP_SIGNAL: list[int] = []  # the signal that stopped the running command, if any


def _terminate(signum: int, frame: object) -> None:
    _STOP_SIGNAL.append(signum)
    textio.INTERRUPTED.set()  # remembered: a library may swallow the exception (see textio)
    raise _Terminated


def _interrupt(signum: int, frame: object) -> None:
    _STOP_SIGNAL.append(signum)
    textio.INTERRUPTED.set()
    raise KeyboardInterrupt


def _quiet_unraisable(unraisable: Any) -> None:
    """Python's hook for exceptions it cannot raise, minus the stop signals' own exceptions.

    A signal can land inside a callback whose exceptions Python only prints (a finalizer, logging's
    fork hooks): the stop is remembered in :data:`textio.INTERRUPTED` and honoured once the
    library returns, so its traceback would be noise."""
    if isinstance(unraisable.exc_value, (KeyboardInterrupt, _Terminated)):
        return
    sys.__unraisablehook__(unraisable)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _run(prog: str, args: argparse.Namespace, action: Callable[[], Sequence[Path] | Path]) -> int:
    handler = _WarningHandler(level=logging.WARNING)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    previous_sigterm = previous_sigint = None
    previous_hook = sys.unraisablehook
    textio.INTERRUPTED.clear()
    _STOP_SIGNAL.clear()
    if threading.current_thread() is threading.main_thread():
        previous_sigterm = signal.signal(signal.SIGTERM, _terminate)
        previous_sigint = signal.signal(signal.SIGINT, _interrupt)
        sys.unraisablehook = _quiet_unraisable
    try:
        outputs = action()
        if textio.INTERRUPTED.is_set():
            raise KeyboardInterrupt
    except EditionsError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"{prog}: error: {_one_line(str(exc), 1000)}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, _Terminated):
        if signal.SIGTERM in _STOP_SIGNAL:
            print(f"{prog}: terminated", file=sys.stderr)
            return 143
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        detail = f"{type(exc).__name__}: {_one_line(str(exc))}".rstrip(": ")
        print(f"{prog}: unexpected error: {detail} (run again with --debug for details)", file=sys.stderr)
        return 1
    finally:
        log.removeHandler(handler)
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
        if previous_sigint is not None:
            signal.signal(signal.SIGINT, previous_sigint)
        sys.unraisablehook = previous_hook
        textio.INTERRUPTED.clear()  # the library, called again in this process, starts afresh
        _STOP_SIGNAL.clear()
    if not args.quiet:
        for path in [outputs] if isinstance(outputs, Path) else outputs:
            print(path)
    return 0


def make_html_main(argv: Sequence[str] | None = None) -> int:
    """``make-html [PATH ...] [-o OUT] [--style NAME]``: write the HTML edition."""
    parser = make_html_parser()
    args = parser.parse_args(argv)
    _check_stdin(parser, args.paths, args.from_format)

    def action() -> list[Path]:
        with _output(args.output, ".html") as out:
            edition = _edition(args)
            path = make_html(
                edition,
                out,
                style=args.style,
                allow_remote_images=args.allow_remote_images,
                require_sources=args.require_sources,
            )
        return _written(args.output, path)

    return _run(parser.prog, args, action)


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    if args.quiet:
        return None

    def report(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return report


def _first(*values: Any) -> Any:
    """The first value that is not ``None`` (an option given, a setting, a default)."""
    return next((v for v in values if v is not None), None)


def make_pdf_main(argv: Sequence[str] | None = None) -> int:
    """``make-pdf [PATH ...] [-o OUT] [--paper SIZE] …``: write the PDF (and the imposed PDF)."""
    parser = make_pdf_parser()
    args = parser.parse_args(argv)
    _check_stdin(parser, args.paths, args.from_format)
    streaming = args.output == STDIO
    if streaming and args.impose not in (None, "none"):
        parser.error(
            "--impose cannot be used with -o - (standard output takes one PDF, the imposed one would "
            "be a second): give -o FILE, or pipe the PDF to another make-pdf run's input"
        )
    if streaming and args.keep_html:
        parser.error("--keep-html cannot be used with -o - (standard output takes one file): give -o FILE")

    def build(out: str | None) -> list[Path]:
        from .pdf import make_pdf

        edition = _edition(args)
        layout = args.impose or edition.pdf.impose
        if layout and layout != "none":  # the imposed PDF and its note must not replace an input either
            from .html import default_output
            from .inputs import check_edition_outputs

            planned = Path(args.output) if args.output else default_output(edition, ".pdf")
            imposed_path = planned.with_name(f"{planned.stem}-{layout}.pdf")
            check_edition_outputs(edition, [imposed_path, imposed_path.with_suffix(".txt")], args.style)
        result = make_pdf(
            edition,
            out,
            style=args.style,
            paper=args.paper,
            font_size=args.font_size,
            open_right=args.open_right,
            keep_html=args.keep_html,
            archive=args.archive,
            progress=_progress(args),
            allow_remote_images=args.allow_remote_images,
            jobs=args.jobs,
            cache=not args.no_cache,
            cache_dir=args.cache_dir,
            require_sources=args.require_sources,
        )
        outputs = [result.path]
        if result.html_path:
            outputs.append(result.html_path)
        # Each option: the command line's, else edition.toml's [pdf] table's, else the default. A
        # layout given here other than the manifest's does not take the manifest's booklet settings.
        settings = edition.pdf
        inherit = args.impose is None or settings.impose in (None, args.impose)
        if layout and layout != "none" and streaming:
            log.warning("the imposed PDF edition.toml asks for is not written with -o - (give -o FILE)")
        elif layout and layout != "none":
            from .impose import impose, write_note

            target = result.path.with_name(f"{result.path.stem}-{layout}.pdf")
            imposed = impose(
                result.path,
                target,
                layout=layout,
                signature=_first(args.signature, settings.signature if inherit else None),
                duplex=_first(args.duplex, settings.duplex, "short"),
                creep_mm=_first(args.creep, settings.creep if inherit else None, 0.0),
                marks=_first(args.marks, settings.marks, False),
                job_name=edition.title,
            )
            outputs += [imposed.path, write_note(imposed)]
            if not args.quiet:
                print(imposed.note, file=sys.stderr)
        return outputs

    def action() -> list[Path]:
        with _output(args.output, ".pdf") as out:
            return _written(args.output, *build(out))

    return _run(parser.prog, args, action)


def make_epub_main(argv: Sequence[str] | None = None) -> int:
    """``make-epub [PATH ...] [-o OUT] [--style NAME] [--embed-fonts]``: write the EPUB 3 edition."""
    parser = make_epub_parser()
    args = parser.parse_args(argv)
    _check_stdin(parser, args.paths, args.from_format)

    def action() -> list[Path]:
        from .epub import make_epub

        with _output(args.output, ".epub") as out:
            edition = _edition(args)
            path = make_epub(
                edition,
                out,
                style=args.style,
                embed_fonts=args.embed_fonts,
                allow_remote_images=args.allow_remote_images,
                require_sources=args.require_sources,
            )
        return _written(args.output, path)

    return _run(parser.prog, args, action)


def import_main(argv: Sequence[str] | None = None) -> int:
    """``editions import SOURCE ... [-o DIR] [--overwrite]``: write articles as Markdown for review."""
    parser = import_parser()
    args = parser.parse_args(argv)
    _check_stdin(parser, args.sources, args.from_format)

    def action() -> list[Path]:
        from .importer import import_articles

        sources = [
            stdin_draft(read_stdin_bytes(), args.from_format) if s == STDIO else s for s in args.sources
        ]
        return import_articles(
            sources, Path(args.output), offline=args.offline, overwrite=args.overwrite, lang=args.lang
        )

    return _run(parser.prog, args, action)


def styles_main(argv: Sequence[str] | None = None) -> int:
    """``editions styles [PATH]``: list the styles, one line each: name, where it is, what it is for."""
    parser = styles_parser()
    args = parser.parse_args(argv)

    def action() -> list[Path]:
        from .styles import describe_styles

        given = Path(args.paths) if args.paths else None
        folder = given or Path("articles")
        if folder.is_file():
            folder = folder.parent
        if not folder.is_dir() and given is not None:
            raise EditionsError("no such folder", given)
        rows = describe_styles(folder.resolve() if folder.is_dir() else None)
        width = max(len(name) for name, _, _ in rows)
        for name, where, description in rows:
            print(name if args.quiet else f"{name:<{width}}  {where:<8}  {description or '(no description)'}")
        return []

    return _run(parser.prog, args, action)


def serve_main(argv: Sequence[str] | None = None) -> int:
    """``editions serve [FOLDER] [--port N] [--host H] [--no-browser]``: the web app (:mod:`editions.web`)."""
    parser = serve_parser()
    args = parser.parse_args(argv)
    args.quiet = True

    def action() -> list[Path]:
        from .web import serve

        serve(args.folder, host=args.host, port=args.port, open_browser=not args.no_browser)
        return []

    return _run(parser.prog, args, action)


def completion_main(argv: Sequence[str] | None = None) -> int:
    """``editions completion SHELL``: print the shell completion script (see :mod:`editions.clidoc`)."""
    from .clidoc import completion_main

    return completion_main(argv)


def man_main(argv: Sequence[str] | None = None) -> int:
    """``editions man [COMMAND]``: print a command's manual page (see :mod:`editions.clidoc`)."""
    from .clidoc import man_main

    return man_main(argv)


SUBCOMMANDS: dict[str, Callable[[Sequence[str] | None], int]] = {
    "import": import_main,
    "styles": styles_main,
    "serve": serve_main,
    "html": make_html_main,
    "pdf": make_pdf_main,
    "epub": make_epub_main,
    "completion": completion_main,
    "man": man_main,
}


def editions_main(argv: Sequence[str] | None = None) -> int:
    """``editions COMMAND ...``: ``import``; ``html``, ``pdf`` and ``epub`` are the make-* commands."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print("usage: editions {import,styles,serve,html,pdf,epub,completion,man} ...\n")
        print("  import   write articles (files, folders, URLs) as Markdown with front matter for review")
        print("  styles   list the styles (built-in and the edition's own) and what each is for")
        print("  serve    open an edition folder in the browser (add, review, arrange, build)")
        print("  html     the same as make-html")
        print("  pdf      the same as make-pdf")
        print("  epub     the same as make-epub")
        print("  completion SHELL  print the completion script for bash, zsh or fish")
        print("  man [COMMAND]     print the manual page of editions, make-html, make-pdf or make-epub")
        return 0 if args else 2
    if args[0] == "--version":
        print(f"editions {__version__}")
        return 0
    command = SUBCOMMANDS.get(args[0])
    if command is None:
        print(
            f"editions: error: unknown command '{args[0]}' (expected one of: {', '.join(SUBCOMMANDS)})",
            file=sys.stderr,
        )
        return 2
    return command(args[1:])


#: The exit statuses of a command stopped by Ctrl-C (SIGINT) or SIGTERM.
_STOPPED = (130, 143)


def _entry(main: Callable[[Sequence[str] | None], int]) -> Callable[[], None]:
    def run() -> None:
        status = main(None)
        if status in _STOPPED:
            # Stopped by a signal, with its temporary files removed and its workers killed: end at
            # once. The interpreter's shutdown would run exit hooks (concurrent.futures' among them)
            # that race with the threads the stop interrupted, and print their tracebacks.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
        sys.exit(status)

    return run


make_html_command = _entry(make_html_main)
make_pdf_command = _entry(make_pdf_main)
make_epub_command = _entry(make_epub_main)
editions_command = _entry(editions_main)
