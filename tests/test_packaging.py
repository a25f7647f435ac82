"""The package as users get it: the wheel carries the styles, and the README documents the commands."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import editions
from editions import cli

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "make-html": cli.make_html_main,
    "make-pdf": cli.make_pdf_main,
    "make-epub": cli.make_epub_main,
    "editions import": cli.import_main,
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("editions-*.whl"))


def test_wheel_ships_styles_fonts_and_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "editions/py.typed" in names
    assert "editions/styles/default/templates/edition.html" in names
    assert "editions/styles/default/css/print.css" in names
    assert any(n.startswith("editions/styles/default/fonts/") and n.endswith((".ttf", ".otf")) for n in names)
    assert any(n.startswith("editions/styles/default/fonts/") and "OFL" in n for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    for command in ("make-html", "make-pdf", "make-epub", "editions"):
        assert f"{command} = editions.cli:" in text


def test_public_api_is_explicit() -> None:
    for name in editions.__all__:
        assert hasattr(editions, name), name


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_and_option_is_documented(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{command}" in readme
    with pytest.raises(SystemExit):
        COMMANDS[command](["--help"])
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", capsys.readouterr().out)) - {
        "--help",
        "--version",
    }
    missing = sorted(o for o in options if f"`{o}" not in readme)
    assert not missing, f"{command}: options missing from README.md: {missing}"


def test_impose_is_the_function_even_after_its_module_is_imported() -> None:
    import importlib

    module = importlib.import_module("editions.impose")
    assert callable(editions.impose)
    assert editions.impose is module.impose
