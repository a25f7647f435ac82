"""Shell completion scripts and manual pages, generated from the parsers: every command and option
is in them, the scripts parse in their shell, and the manual pages render."""

from __future__ import annotations

import argparse
import shutil
import subprocess

import pytest

from editions.cli import editions_main
from editions.cliargs import PARSERS
from editions.clidoc import COMMANDS, SHELLS, command_parser, completion_script, man_page


def options(parser: argparse.ArgumentParser) -> set[str]:
    """Every long option of ``parser`` and of its subcommands."""
    found = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= options(child)
    return found


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_script_names_every_command_and_option(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert editions_main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for command in COMMANDS:
        assert command in script
    for name in ("import", "serve", "html", "pdf", "epub", "completion", "man"):
        assert name in script
    for command in COMMANDS:
        # fish spells an option "-l name"; bash and zsh as typed
        missing = sorted(
            o for o in options(command_parser(command)) if o not in script and f"-l {o[2:]} " not in script
        )
        assert not missing, f"{shell}: {command}: {missing}"
    assert "booklet" in script and "zine" in script  # choices of --impose


def test_one_command_script_is_only_that_command() -> None:
    script = completion_script("fish", ["make-pdf"])
    assert "--paper" in script and "--embed-fonts" not in script


def test_bash_script_parses_and_completes(tmp_path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    script = tmp_path / "editions.bash"
    script.write_text(completion_script("bash"), encoding="utf-8")
    probe = (
        f"source {script}; "
        'COMP_WORDS=(editions pdf --impose ""); COMP_CWORD=3; COMP_LINE="editions pdf --impose "; '
        'COMP_POINT=${#COMP_LINE}; _shtab_editions; echo "${COMPREPLY[@]}"; '
        'COMP_WORDS=(make-pdf --pap); COMP_CWORD=1; _shtab_make_pdf; echo "${COMPREPLY[@]}"'
    )
    done = subprocess.run([bash, "-c", probe], capture_output=True, text=True, check=True, timeout=30)
    assert done.stdout.splitlines() == ["booklet zine 2up none", "--paper"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_script_parses_in_its_shell(shell: str, tmp_path) -> None:
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"no {shell}")
    script = tmp_path / f"editions.{shell}"
    script.write_text(completion_script(shell), encoding="utf-8")
    subprocess.run([program, "-n", str(script)], check=True, timeout=30)


def test_unknown_shell_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        editions_main(["completion", "tcsh"])
    assert info.value.code == 2
    assert "invalid choice: 'tcsh'" in capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_man_page_has_every_option_and_renders(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert editions_main(["man", command]) == 0
    roff = capsys.readouterr().out
    assert roff.startswith(f'.TH {command.upper().replace("-", chr(92) + "-")} "1"')
    rendered = roff
    if shutil.which("groff"):
        done = subprocess.run(
            ["groff", "-man", "-Tutf8", "-ww", "-P-c", "-P-b", "-P-u"],
            input=roff,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert done.stderr == "", done.stderr  # no roff warnings
        rendered = done.stdout
    flat = " ".join(rendered.replace("\u2010", "-").replace("\\-", "-").split())
    missing = sorted(o for o in options(command_parser(command)) - {"--help"} if o not in flat)
    assert not missing, f"{command}: {missing}"
    assert "NAME" in flat and "SYNOPSIS" in flat


def test_man_l_reads_the_page(tmp_path) -> None:
    man = shutil.which("man")
    if man is None:
        pytest.skip("no man")
    page = tmp_path / "make-pdf.1"
    page.write_text(man_page("make-pdf"), encoding="utf-8")
    done = subprocess.run(
        [man, "-l", str(page)],
        capture_output=True,
        text=True,
        env={"MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100", "PATH": "/usr/bin:/bin"},
        timeout=30,
        check=True,
    )
    assert "build a print-ready PDF pamphlet from articles" in done.stdout.replace("\u2010", "-")


def test_every_parser_is_in_the_editions_page() -> None:
    assert set(PARSERS) == {
        "make-html",
        "make-pdf",
        "make-epub",
        "editions import",
        "editions styles",
        "editions serve",
    }
    roff = man_page("editions")
    for name in ("import", "styles", "serve", "html", "pdf", "epub", "completion", "man"):
        assert f"editions {name}" in roff
