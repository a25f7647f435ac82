"""The package as users get it: the wheel carries the styles, installs and runs in a fresh virtualenv,
and the README documents the commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
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
    "editions styles": cli.styles_main,
    "editions serve": cli.serve_main,
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
    for name in ("templates/base.html", "templates/build.html", "static/htmx.min.js", "static/app.js"):
        assert f"editions/web/{name}" in names  # editions serve's pages and scripts
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


def test_import_editions_leaves_the_heavy_libraries_to_the_commands_that_need_them() -> None:
    """``import editions`` (and so ``make-html``, before it reads anything) loads neither WeasyPrint,
    pypdf, ebooklib, NumPy, fontTools nor the HTTP client: the stages that need them load them on
    first use, and the public API still answers every name of ``__all__``."""
    code = (
        "import sys, editions\n"
        "heavy = {'weasyprint', 'pypdf', 'ebooklib', 'numpy', 'fontTools', 'py3langid', 'PIL'}\n"
        "loaded = {name.split('.')[0] for name in sys.modules} | set(sys.modules)\n"
        "print(sorted((heavy | {'http.client', 'ssl'}) & loaded))\n"
        "print(all(hasattr(editions, name) for name in editions.__all__), callable(editions.impose))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.splitlines() == ["[]", "True True"]


SAVED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Nine Days at the Depot | The Organizer</title>
<meta property="og:site_name" content="The Organizer"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Nine Days at the Depot</h1><p class="byline">By Ana Ruiz</p>
<p>After nine days on the picket line, the warehouse workers at the depot won a raise of two euros an
hour and a guaranteed break in every shift, the union announced on Friday evening.</p>
<p>The strike began when the night shift walked out over the new quotas, and the day shift joined it
the following morning, closing the loading bays for the first time in the depot's history.</p>
</article><footer>Copyright The Organizer</footer></body></html>
"""

COPIED_TEXT = """The Night Shift Speaks

By John Smith

Workers on the night shift at the bakery have voted to join the union, after a campaign that lasted
through the whole winter and brought every crew of the plant together.

They meet every Tuesday in the canteen, and their first demand is a second paid break.
"""


@pytest.mark.slow
def test_wheel_in_a_fresh_virtualenv_reads_a_saved_page_and_text(wheel: Path, tmp_path: Path) -> None:
    """Installed as ``python -m venv`` then the venv's own pip (not upgraded) install it, the commands
    read a saved page and a copied text from an empty folder (old pip resolved no dependency extras
    such as ``lxml[html_clean]``, and reading web pages failed on a missing lxml.html.clean)."""
    started = time.monotonic()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    pip = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert pip.returncode == 0, f"pip install failed:\n{pip.stdout[-3000:]}\n{pip.stderr[-3000:]}"
    work = tmp_path / "empty"
    work.mkdir()
    (work / "depot.html").write_text(SAVED_PAGE, encoding="utf-8")
    (work / "night-shift.txt").write_text(COPIED_TEXT, encoding="utf-8")

    def run(*args: str) -> None:
        command = [str(bin_dir / args[0]), *args[1:]]
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"

    run("editions", "import", "depot.html", "night-shift.txt", "-o", "edition")
    page = (work / "edition" / "depot.md").read_text(encoding="utf-8")
    assert "title: Nine Days at the Depot" in page and "author: Ana Ruiz" in page
    assert "After nine days on the picket line" in page and "Home" not in page
    text = (work / "edition" / "night-shift.md").read_text(encoding="utf-8")
    assert "title: The Night Shift Speaks" in text and "author: John Smith" in text
    assert "second paid break" in text
    run("make-html", "depot.html", "night-shift.txt", "-o", "edition.html")
    html = (work / "edition.html").read_text(encoding="utf-8")
    assert "Nine Days at the Depot" in html and "The Night Shift Speaks" in html
    assert "loading bays" in html and "second paid break" in html
    print(f"fresh install and run: {time.monotonic() - started:.1f} s")
