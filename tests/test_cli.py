"""The commands, run in-process: outputs, exit statuses and one-line errors."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from editions import cli
from editions.cli import make_html_main

DATA = Path(__file__).parent / "data" / "small"


def test_make_html_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.html"
    assert make_html_main([str(DATA), "-o", str(out)]) == 0
    assert out.is_file()
    assert capsys.readouterr().out.strip() == str(out)


def test_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert make_html_main([str(DATA), "-o", str(tmp_path / "o.html"), "-q"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda d: d / "missing.md", "missing.md: no such file or folder"),
        (lambda d: _write(d / "a.docs", "x"), "a.docs: unknown article format"),
        (lambda d: _write(d / "a.md", "---\ntitle: [x\n---\nbody\n"), "a.md:2: broken front matter"),
        (lambda d: _write(d / "edition.toml", 'title = "x'), "edition.toml:1: broken edition.toml"),
        (
            lambda d: _write(d / "edition.toml", 'title = "x"\narticles = ["gone.md"]\n'),
            "edition.toml:2: article 'gone.md' listed in the manifest not found",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup, expected: str
) -> None:
    path = setup(tmp_path)
    assert make_html_main([str(path), "-o", str(tmp_path / "o.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("make-html: error: ")
    assert expected in err
    assert "Traceback" not in err
    assert not (tmp_path / "o.html").exists()


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        make_html_main(["--nope"])
    assert info.value.code == 2


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert make_html_main([str(DATA), "-o", str(blocker / "out.html")]) == 2
    assert "cannot write here" in capsys.readouterr().err


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class _SignalledOnCollection:
    """Sends SIGTERM to this process from a finalizer, where Python swallows what the handler raises."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs here, between bytecodes, inside the finalizer
            pass


def test_a_swallowed_sigterm_still_stops_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cli.load_edition

    def load(*args: object, **kwargs: object) -> object:
        _SignalledOnCollection()  # collected at once: the signal lands in its finalizer
        return real(*args, **kwargs)

    monkeypatch.setattr(cli, "load_edition", load)
    out = tmp_path / "o.html"
    assert make_html_main([str(DATA), "-o", str(out)]) == 143
    err = capsys.readouterr().err
    assert err == "make-html: terminated\n"
    assert not out.exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the command's handler is gone
