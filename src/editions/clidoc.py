"""Shell completion scripts and manual pages, generated from the commands' own argument parsers,
so that they can never disagree with ``--help``.

In: the parsers of :data:`editions.cliargs.PARSERS`. Out: a completion script for bash, zsh or fish
(through shtab, which writes all three from an ``ArgumentParser``, static: no Python runs when
the user presses Tab) and a roff manual page (through argparse-manpage).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .cliargs import PARSERS, Parser
from .version import __version__

#: The shells ``editions completion`` writes for.
SHELLS = ("bash", "zsh", "fish")
#: The commands, as typed: each has a completion script and a manual page.
COMMANDS = ("editions", "make-html", "make-pdf", "make-epub")
#: Options whose value is a file or a folder (completed as such).
_FILE_VALUES = {"paths", "sources", "output"}
_FOLDER_VALUES = {"cache_dir", "folder"}

_SUBCOMMAND_HELP = {
    "import": "write articles (files, folders, URLs) as Markdown with front matter for review",
    "styles": "list the styles (built-in and the edition's own) and what each is for",
    "serve": "open an edition folder in the browser: add, review, arrange, build and download",
    "html": "the same as make-html",
    "pdf": "the same as make-pdf",
    "epub": "the same as make-epub",
    "completion": "print the shell completion script for bash, zsh or fish",
    "man": "print the manual page of a command",
}


def completion_parser() -> argparse.ArgumentParser:
    """The arguments of ``editions completion``."""
    parser = Parser(
        prog="editions completion",
        description="Print the shell completion script of the commands (all of them, or one).",
    )
    parser.add_argument("shell", choices=SHELLS, help="bash, zsh or fish")
    parser.add_argument(
        "command",
        nargs="?",
        choices=COMMANDS,
        help="only this command's script, e.g. for a completions folder (default: all four commands)",
    )
    return parser


def man_parser() -> argparse.ArgumentParser:
    """The arguments of ``editions man``."""
    parser = Parser(prog="editions man", description="Print a command's manual page (roff, for man -l -).")
    parser.add_argument(
        "command", nargs="?", default="editions", choices=COMMANDS, help="the command (default: editions)"
    )
    return parser


def command_parser(command: str) -> argparse.ArgumentParser:
    """The complete parser of ``command`` (``editions`` with its subcommands), marked for completion."""
    if command == "editions":
        parser = argparse.ArgumentParser(
            prog="editions",
            description="Turn articles into HTML, PDF and EPUB editions: import articles for review, "
            "build editions, print completion scripts and manual pages.",
        )
        parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
        commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
        builders = {
            "import": PARSERS["editions import"],
            "styles": PARSERS["editions styles"],
            "serve": PARSERS["editions serve"],
            "html": PARSERS["make-html"],
            "pdf": PARSERS["make-pdf"],
            "epub": PARSERS["make-epub"],
            "completion": completion_parser,
            "man": man_parser,
        }
        for name, build in builders.items():
            child = build()
            commands.add_parser(
                name,
                parents=[child],
                add_help=False,
                help=_SUBCOMMAND_HELP[name],
                description=child.description,
            )
    else:
        parser = PARSERS[command]()
    _mark_paths(parser)
    return parser


def _mark_paths(parser: argparse.ArgumentParser) -> None:
    """Tell shtab which arguments take files or folders (it completes the others from their choices)."""
    import shtab

    for action in parser._actions:
        if action.dest in _FILE_VALUES:
            action.complete = shtab.FILE  # type: ignore[attr-defined]
        elif action.dest in _FOLDER_VALUES:
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _mark_paths(child)


def completion_script(shell: str, commands: Sequence[str] = COMMANDS) -> str:
    """The completion script of ``commands`` for ``shell`` (bash, zsh or fish), one after the other."""
    import shtab

    if shell not in SHELLS:
        raise ValueError(f"unknown shell '{shell}' (expected one of {', '.join(SHELLS)})")
    return "\n".join(shtab.complete(command_parser(command), shell=shell) for command in commands)


def man_page(command: str = "editions") -> str:
    """The manual page (roff, section 1) of ``command``."""
    from argparse_manpage.manpage import Manpage

    parser = command_parser(command)
    description = (parser.description or "").rstrip(".")
    page = Manpage(
        parser,
        _data={
            "description": description[:1].lower() + description[1:],
            "project_name": "editions",
            "version": __version__,
            "manual_title": "editions manual",
            "manual_section": 1,
        },
    )
    return str(page)


def completion_main(argv: Sequence[str] | None = None) -> int:
    """``editions completion SHELL [COMMAND]``: print the completion script."""
    args = completion_parser().parse_args(argv)
    sys.stdout.write(completion_script(args.shell, [args.command] if args.command else COMMANDS))
    return 0


def man_main(argv: Sequence[str] | None = None) -> int:
    """``editions man [COMMAND]``: print the manual page."""
    args = man_parser().parse_args(argv)
    sys.stdout.write(man_page(args.command))
    return 0
