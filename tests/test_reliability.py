"""Every failure is clean: one line naming the culprit, exit 2 (or 1 for a bug), no torn output.

- every user error of issue 7, through the commands run in-process;
- text in legacy encodings read with a warning;
- every writer writes atomically: a failed write leaves the previous output and no temporary file;
- a build killed midway (``SIGKILL``, ``SIGTERM``, ``SIGINT``) leaves the previous output intact;
- pathological inputs (20 MB, 300 levels of nesting, 10,000 footnotes, a 50,000-character line, an
  image bomb) build or stop with a clear error within a minute, in a subprocess with a time limit.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from editions.cli import editions_main, make_epub_main, make_html_main, make_pdf_main

COMMANDS: dict[str, Callable[[list[str] | None], int]] = {
    "make-html": make_html_main,
    "make-pdf": make_pdf_main,
    "make-epub": make_epub_main,
}
SUFFIX = {"make-html": ".html", "make-pdf": ".pdf", "make-epub": ".epub"}
WORDS = [
    *("the", "strike", "committee", "met", "again", "on", "tuesday", "and", "voted", "to", "continue"),
    *("the", "action", "until", "the", "demands", "were", "met", "in", "full", "by", "management"),
    *("while", "drivers", "from", "other", "depots", "joined", "the", "picket", "line"),
]


#: The smallest article that builds without a warning (an article without a source gets one).
ARTICLE = "---\npublication: The Bulletin\n---\n# A\n\nText.\n"


def _para(rng: random.Random, words: int = 90) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _png(path: Path, size: tuple[int, int] = (20, 10)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (10, 120, 10)).save(path)
    return path


def _bomb(path: Path) -> Path:
    from test_security import bomb_png  # the tests folder is on sys.path, as for test_parallel

    return _write(path, bomb_png())


# ---------------------------------------------------------------------------------------------
# User errors: one line, exit 2, the culprit named


def _unreadable(d: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    path = _write(d / "locked.md", "# Locked\n\nText.\n")
    if os.geteuid() == 0:  # root reads everything: make the read fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == "locked.md":
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    else:
        path.chmod(0)
    return [str(path)]


def _manifest(d: Path, text: str, *files: str) -> list[str]:
    for name in files:
        _write(d / name, f"---\npublication: The Bulletin\n---\n# {name}\n\nText.\n")
    _write(d / "edition.toml", text)
    return [str(d)]


ERRORS: dict[str, tuple[Callable[[Path, pytest.MonkeyPatch], list[str]], str]] = {
    "missing file": (lambda d, m: [str(d / "missing.md")], "missing.md: no such file or folder"),
    "missing folder": (lambda d, m: [str(d / "nowhere")], "nowhere: no such file or folder"),
    "empty folder": (lambda d, m: [str((d / "e").mkdir() or d / "e")], "e: no articles in this folder"),
    "unreadable file": (_unreadable, "locked.md: permission denied"),
    "empty markdown": (lambda d, m: [str(_write(d / "a.md", "  \n\n"))], "a.md: the article is empty"),
    "empty text": (lambda d, m: [str(_write(d / "a.txt", b""))], "a.txt: the article is empty"),
    "empty page": (lambda d, m: [str(_write(d / "a.html", b"\n"))], "a.html: the article is empty"),
    "empty word file": (lambda d, m: [str(_write(d / "a.docx", b""))], "a.docx: the article is empty"),
    "binary markdown": (
        lambda d, m: [str(_write(d / "a.md", bytes(range(256)) * 8))],
        "a.md: binary file, not text",
    ),
    "binary text": (
        lambda d, m: [str(_write(d / "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50))],
        "a.txt: binary file, not text",
    ),
    "binary page": (
        lambda d, m: [str(_write(d / "a.html", b"<html>\x00\x01\x02" * 100))],
        "a.html: binary data, not an HTML page",
    ),
    "not a word file": (
        lambda d, m: [str(_write(d / "a.docx", b"PK\x03\x04 not really a zip"))],
        "a.docx: not a Word .docx file",
    ),
    "old word file": (
        lambda d, m: [str(_write(d / "a.docx", b"\xd0\xcf\x11\xe0" + bytes(600)))],
        "a.docx: not a Word .docx file (an old .doc file? save it as .docx)",
    ),
    "undecodable utf-8": (
        lambda d, m: [str(_write(d / "a.md", b"\xef\xbb\xbf# Title\n\nbad \xff\xfe bytes\n"))],
        "a.md: cannot decode the text as UTF-8 (byte",
    ),
    "undecodable utf-16": (
        lambda d, m: [str(_write(d / "a.txt", b"\xff\xfeA\x00B\x00\x00\xd8"))],
        "a.txt: cannot decode the text as UTF-16",
    ),
    "broken front matter": (
        lambda d, m: [str(_write(d / "a.md", "---\ntitle: ok\nauthor: [unclosed\n---\nText.\n"))],
        "a.md:3: broken front matter",
    ),
    "front matter not a mapping": (
        lambda d, m: [str(_write(d / "a.md", "---\n- one\n- two\n---\nText.\n"))],
        "a.md:2: front matter must be a mapping",
    ),
    "front matter field not text": (
        lambda d, m: [str(_write(d / "a.md", "---\ntitle: {a: 1}\n---\nText.\n"))],
        "a.md: front matter field 'title' must be text",
    ),
    "impossible date": (
        lambda d, m: [str(_write(d / "a.md", "---\ntitle: T\ndate: 2023-02-30\n---\nText.\n"))],
        "a.md: impossible date in the front matter",
    ),
    "impossible date as text": (
        lambda d, m: [str(_write(d / "a.md", "---\ntitle: T\ndate: '2023-13-01'\n---\nText.\n"))],
        "a.md: impossible date '2023-13-01'",
    ),
    "date not a date": (
        lambda d, m: [str(_write(d / "a.md", "---\ntitle: T\ndate: next tuesday\n---\nText.\n"))],
        "a.md: date 'next tuesday' is not in the form YYYY-MM-DD",
    ),
    "bad language": (
        lambda d, m: [str(_write(d / "a.md", "---\ntitle: T\nlang: '../../etc'\n---\nText.\n"))],
        "a.md: '../../etc' is not a language tag",
    ),
    "broken manifest": (
        lambda d, m: _manifest(d, 'title = "T"\narticles = ["a.md"\n', "a.md"),
        "edition.toml:2: broken edition.toml",
    ),
    "impossible date in manifest": (
        lambda d, m: _manifest(d, 'title = "T"\ndate = 2023-02-30\n', "a.md"),
        "edition.toml:2: broken edition.toml",
    ),
    "impossible date text in manifest": (
        lambda d, m: _manifest(d, 'title = "T"\ndate = "2023-02-30"\n', "a.md"),
        "edition.toml: impossible date '2023-02-30'",
    ),
    "manifest field not text": (
        lambda d, m: _manifest(d, "title = 3\n", "a.md"),
        "edition.toml: 'title' must be text",
    ),
    "manifest names a missing file": (
        lambda d, m: _manifest(d, 'title = "T"\narticles = ["a.md", "gone.md"]\n', "a.md"),
        "edition.toml:2: article 'gone.md' listed in the manifest not found",
    ),
    "manifest names a file outside": (
        lambda d, m: _manifest(d / "e", 'title = "T"\narticles = ["../a.md"]\n', "../a.md"),
        "edition.toml:2: article '../a.md' listed in the manifest is outside the manifest's folder",
    ),
    "manifest cover missing": (
        lambda d, m: _manifest(d, 'title = "T"\ncover = "cover.jpg"\n', "a.md"),
        "edition.toml:2: cover image 'cover.jpg' not found",
    ),
    "manifest cover not an image": (
        lambda d, m: _manifest(d, 'title = "T"\ncover = "a.md"\n', "a.md"),
        "edition.toml:2: cover image 'a.md' cannot be used: not a PNG, JPEG, GIF or WebP image",
    ),
    "manifest cover bomb": (
        lambda d, m: _bomb(d / "bomb.png") and _manifest(d, 'title = "T"\ncover = "bomb.png"\n', "a.md"),
        "edition.toml:2: cover image 'bomb.png' cannot be used: too many pixels",
    ),
    "manifest style path": (
        lambda d, m: _manifest(d, 'title = "T"\nstyle = "/etc"\n', "a.md"),
        "edition.toml:2: 'style' must be a style name, not a path ('/etc')",
    ),
    "manifest unknown style": (
        lambda d, m: _manifest(d, 'title = "T"\nstyle = "nope"\n', "a.md"),
        "unknown style 'nope' (available: default",
    ),
    "unknown format": (
        lambda d, m: [str(_write(d / "a.docs", "x"))],
        "a.docs: unknown article format '.docs'",
    ),
    "unknown style": (
        lambda d, m: [str(_write(d / "a.md", ARTICLE)), "--style", "nope"],
        "unknown style 'nope'",
    ),
    "output is a folder": (
        lambda d, m: [str(_write(d / "a.md", ARTICLE)), "-o", str((d / "o").mkdir() or d / "o")],
        "o: is a folder",
    ),
    "output under a file": (
        lambda d, m: [str(_write(d / "a.md", ARTICLE)), "-o", str(_write(d / "f", "x") / "o.out")],
        "o.out: cannot write here",
    ),
    "bad SOURCE_DATE_EPOCH": (
        lambda d, m: m.setenv("SOURCE_DATE_EPOCH", "yesterday") or [str(_write(d / "a.md", ARTICLE))],
        "SOURCE_DATE_EPOCH must be a whole number of seconds, not 'yesterday'",
    ),
}

# Each error through make-html; a selection through the other two commands as well.
CASES = [
    *((name, "make-html") for name in ERRORS),
    *(
        (name, command)
        for name in (
            *(
                "missing file",
                "binary markdown",
                "broken front matter",
                "broken manifest",
                "output is a folder",
            ),
            *("manifest cover bomb", "unknown style", "bad SOURCE_DATE_EPOCH", "undecodable utf-8"),
        )
        for command in ("make-pdf", "make-epub")
    ),
]


def _run(command: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = COMMANDS[command](args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(("name", "command"), CASES)
def test_user_error_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    command: str,
) -> None:
    setup, expected = ERRORS[name]
    args = setup(tmp_path, monkeypatch)
    out = tmp_path / "out" / f"edition{SUFFIX[command]}"
    if "-o" not in args:
        args += ["-o", str(out)]
    status, stdout, err = _run(command, args, capsys)
    assert status == 2, err
    assert stdout == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"{command}: error: "), err
    assert expected in err, err
    assert "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("name", ["broken front matter", "missing file", "manifest cover bomb"])
def test_debug_shows_the_traceback_of_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    setup, expected = ERRORS[name]
    args = [*setup(tmp_path, monkeypatch), "-o", str(tmp_path / "o.html"), "--debug"]
    status, _, err = _run("make-html", args, capsys)
    assert status == 2
    assert "Traceback (most recent call last)" in err
    assert err.splitlines()[-1].startswith("make-html: error: ") and expected in err.splitlines()[-1]


def test_paper_size_and_imposition_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = _write(tmp_path / "a.md", ARTICLE)
    for extra, expected in (
        (["--paper", "B9"], "unknown paper size 'B9'"),
        (["--paper", "5x5mm"], "paper size '5x5mm' out of range"),
        (["--font-size", "90"], "font size 90 pt out of range"),
        (["--impose", "booklet", "--signature", "6"], "signature"),
    ):
        status, _, err = _run("make-pdf", [str(article), "-o", str(tmp_path / "o.pdf"), *extra], capsys)
        assert status == 2, err
        assert err.count("\n") == 1 and err.startswith("make-pdf: error: ") and expected in err, err


def test_unknown_option_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        make_pdf_main(["--paper"])
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert editions_main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown command 'frobnicate'" in err


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("boom\n  on two lines"), RecursionError("maximum recursion depth exceeded"), MemoryError()],
)
def test_unexpected_failure_exits_1_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exc: BaseException
) -> None:
    from editions import cli

    def broken(*args: object, **kwargs: object) -> Path:
        raise exc

    monkeypatch.setattr(cli, "make_html", broken)
    article = str(_write(tmp_path / "a.md", "# A\n\nText.\n"))
    status, _, err = _run("make-html", [article, "-o", str(tmp_path / "o.html")], capsys)
    assert status == 1
    assert err.count("\n") == 1, err
    assert err.startswith(f"make-html: unexpected error: {type(exc).__name__}")
    assert "--debug" in err and "Traceback" not in err
    status, _, err = _run("make-html", [article, "-o", str(tmp_path / "o.html"), "--debug"], capsys)
    assert status == 1 and "Traceback (most recent call last)" in err


# ---------------------------------------------------------------------------------------------
# Legacy encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Café – naïve “quotes”\n\nA second paragraph.\n".encode("cp1252"), "Windows-1252"),
        ("Caf\xe9 \x81 na\xefve\n\nA second paragraph.\n".encode("latin-1"), "Latin-1"),
        ("\ufeffCafé – naïve\n\nA second paragraph.\n".encode("utf-16-le"), "UTF-16"),
        ("\ufeffCafé – naïve\n\nA second paragraph.\n".encode("utf-16-be"), "UTF-16"),
    ],
)
@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_legacy_encodings_are_read_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, encoding: str, suffix: str
) -> None:
    article = _write(tmp_path / f"old{suffix}", data)
    out = tmp_path / "o.html"
    status, _, err = _run("make-html", [str(article), "-o", str(out), "-q"], capsys)
    assert status == 0, err
    assert f"warning: {article}:" in err and encoding in err
    assert "Caf\xe9" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Atomic writes


def _no_space(*args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("command", "extra"),
    [("make-html", []), ("make-pdf", []), ("make-pdf", ["--keep-html"]), ("make-epub", [])],
)
def test_a_failed_write_keeps_the_previous_output(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    extra: list[str],
) -> None:
    article = _write(tmp_path / "in" / "a.md", ARTICLE)
    out = _write(tmp_path / "out" / f"a{SUFFIX[command]}", b"the previous output")
    monkeypatch.setattr(os, "fsync", _no_space)
    status, _, err = _run(command, [str(article), "-o", str(out), *extra], capsys)
    assert status == 2, err
    assert err.count("\n") == 1 and "cannot write the output: No space left on device" in err
    assert str(out.with_name("a.print.html") if extra else out) in err
    assert out.read_bytes() == b"the previous output"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_imposition_and_its_note_are_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from editions import EditionsError, load_edition, make_pdf
    from editions.impose import impose, write_note

    article = _write(tmp_path / "a.md", "# A\n\n" + "\n\n".join(_para(random.Random(1)) for _ in range(20)))
    reading = make_pdf(load_edition([article]), tmp_path / "out" / "a.pdf").path
    target = _write(tmp_path / "out" / "a-booklet.pdf", b"old booklet")
    note = _write(tmp_path / "out" / "a-booklet.txt", b"old note")
    result = impose(reading, tmp_path / "out" / "other.pdf")
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(EditionsError, match="No space left"):
        impose(reading, target)
    with pytest.raises(EditionsError, match="No space left"):
        write_note(dataclasses.replace(result, path=target))
    assert target.read_bytes() == b"old booklet" and note.read_bytes() == b"old note"
    assert not list((tmp_path / "out").glob(".*"))


def test_import_writes_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "in" / "a.txt", "A title\n\nSome text of the article.\n")
    existing = _write(tmp_path / "articles" / "a.md", "old article")
    monkeypatch.setattr(os, "fsync", _no_space)
    status = editions_main(["import", str(source), "-o", str(tmp_path / "articles"), "--overwrite"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "No space left on device" in err
    assert existing.read_text(encoding="utf-8") == "old article"
    assert sorted(p.name for p in existing.parent.iterdir()) == ["a.md"]


def test_temporary_files_of_dead_builds_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = _write(tmp_path / "a.md", "# A\n\nText.\n")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out" / "a.html"
    stale = _write(out.parent / f".a.html.{dead.pid}.x1y2.tmp", b"torn")
    alive = _write(out.parent / f".a.html.{os.getppid()}.x3y4.tmp", b"another build at work")
    other = _write(out.parent / f".b.html.{dead.pid}.x5y6.tmp", b"another target")
    assert make_html_main([str(article), "-o", str(out), "-q"]) == 0
    assert out.is_file() and not stale.exists()
    assert alive.exists() and other.exists()


# ---------------------------------------------------------------------------------------------
# Killed builds


@pytest.fixture(scope="module")
def long_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Too few articles for a build in parts (one WeasyPrint render, which reports "laying out"),
    about 125 A5 pages: some 5 s of layout, then 1 s of writing."""
    from editions.pdf import PARALLEL_MIN_ARTICLES

    folder = tmp_path_factory.mktemp("long")
    rng = random.Random(7)
    articles = PARALLEL_MIN_ARTICLES - 1
    for number in range(articles):
        paragraphs = "\n\n".join(_para(rng) for _ in range(480 // articles))
        _write(folder / f"{number:02d}.md", f"# Article {number}\n\n{paragraphs}\n")
    return folder


def _start_build(edition: Path, out: Path) -> subprocess.Popen[str]:
    code = "from editions.cli import make_pdf_command; make_pdf_command()"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", code, str(edition), "-o", str(out), "--paper", "A5"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def _wait_for(process: subprocess.Popen[str], out: Path, phase: str, timeout: float = 120) -> None:
    """Wait until the build lays out pages (``layout``) or has opened its temporary file (``write``)."""
    deadline = time.monotonic() + timeout
    if phase == "layout":
        assert process.stderr is not None
        seen = []
        for line in process.stderr:
            if "laying out" in line:
                return
            seen.append(line)
            assert time.monotonic() < deadline
        pytest.fail("the build ended before laying out pages: " + "".join(seen)[-2000:])
    while time.monotonic() < deadline:
        if list(out.parent.glob(f".{out.name}.*.tmp")):
            return
        if process.poll() is not None:
            pytest.fail("the build ended before writing")
        time.sleep(0.005)
    pytest.fail("no temporary file appeared")


@pytest.mark.parametrize(
    ("sig", "phase", "status", "message"),
    [
        (signal.SIGKILL, "layout", -signal.SIGKILL, None),
        (signal.SIGINT, "layout", 130, "make-pdf: interrupted"),
        (signal.SIGTERM, "write", 143, "make-pdf: terminated"),
    ],
    ids=["SIGKILL-while-laying-out", "SIGINT-while-laying-out", "SIGTERM-while-writing"],
)
def test_a_killed_build_leaves_the_previous_output(
    long_edition: Path, tmp_path: Path, sig: int, phase: str, status: int, message: str | None
) -> None:
    out = _write(tmp_path / "out" / "book.pdf", b"%PDF-1.7 the previous, complete output")
    before = out.read_bytes()
    process = _start_build(long_edition, out)
    try:
        _wait_for(process, out, phase)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == status, err
    if message:
        assert err.strip().splitlines()[-1] == message
        assert "Traceback" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["book.pdf"]


def test_a_build_killed_while_writing_is_cleaned_up_by_the_next(long_edition: Path, tmp_path: Path) -> None:
    out = _write(tmp_path / "out" / "book.pdf", b"%PDF-1.7 the previous, complete output")
    process = _start_build(long_edition, out)
    try:
        _wait_for(process, out, "write")
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    finally:
        process.kill()
    assert out.read_bytes() == b"%PDF-1.7 the previous, complete output"  # never torn
    small = _write(tmp_path / "small.md", "# Small\n\nText.\n")
    assert make_pdf_main([str(small), "-o", str(out), "-q"]) == 0
    assert out.read_bytes().startswith(b"%PDF-") and out.stat().st_size > 1000
    assert sorted(p.name for p in out.parent.iterdir()) == ["book.pdf"]


# ---------------------------------------------------------------------------------------------
# Pathological inputs

DRIVER = """
import contextlib, io, json, sys, time
from editions.cli import make_epub_main, make_html_main, make_pdf_main
results = {}
for name, main in (("html", make_html_main), ("pdf", make_pdf_main), ("epub", make_epub_main)):
    err = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stderr(err):
        status = main([sys.argv[1], "-o", sys.argv[2] + "." + name, "-q"])
    results[name] = {"status": status, "stderr": err.getvalue(), "seconds": time.monotonic() - started}
print(json.dumps(results))
"""


def _pathological_inputs(folder: Path) -> dict[str, Path]:
    rng = random.Random(11)
    inputs: dict[str, Path] = {}
    paragraphs: list[str] = []
    size = 0
    while size < 20 * 1024 * 1024:
        paragraph = _para(rng, 120)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    inputs["20 MB of Markdown"] = _write(
        folder / "big.md", "---\ntitle: Big\n---\n" + "\n\n".join(paragraphs)
    )
    quotes = "".join("> " * i + f"level {i}\n" + "> " * i + "\n" for i in range(1, 301))
    inputs["300 nested quotes (md)"] = _write(folder / "quotes.md", "---\ntitle: Quotes\n---\n" + quotes)
    lists = "".join("  " * i + f"- item {i}\n" for i in range(300))
    inputs["300 nested lists (md)"] = _write(folder / "lists.md", "---\ntitle: Lists\n---\n" + lists)
    nested = (
        "<html><head><title>Nested</title></head><body><article><h1>Nested</h1>"
        + "".join(f"<p>{_para(rng, 60)}</p>" for _ in range(3))
        + "<blockquote><p>deeper</p>" * 300
        + "</blockquote>" * 300
        + "<ul><li>item" * 300
        + "</li></ul>" * 300
        + "<div><table><tr><td>cell" * 300
        + "</article></body></html>"
    )
    inputs["300 nested quotes, lists, tables (html)"] = _write(folder / "nested.html", nested)
    text_quotes = "\n\n".join(">" * i + f" level {i}" for i in range(1, 301))
    inputs["300 nested quotes (txt)"] = _write(folder / "quotes.txt", "Quotes\n\n" + text_quotes + "\n")
    notes = "\n\n".join(f"Sentence {i}.[^{i}]" for i in range(1, 10_001))
    definitions = "\n".join(f"[^{i}]: Note {i}: {_para(rng, 8)}" for i in range(1, 10_001))
    inputs["10,000 footnotes"] = _write(
        folder / "notes.md", f"---\ntitle: Notes\n---\n{notes}\n\n{definitions}\n"
    )
    line = " ".join(rng.choice(WORDS) for _ in range(9000))[:50_000]
    inputs["50,000-character line (md)"] = _write(folder / "line.md", f"---\ntitle: Line\n---\n{line}\n")
    inputs["50,000-character line (txt)"] = _write(folder / "line.txt", f"Line\n\n{line}\n")
    inputs["50,000-character word (md)"] = _write(
        folder / "word.md", "---\ntitle: Word\n---\n" + "x" * 50_000
    )
    inputs["50,000-character word (txt)"] = _write(folder / "word.txt", "Word\n\n" + "ab" * 25_000 + "\n")
    fields = f"title: {'x' * 20_000}\nsubtitle: {'y' * 20_000}\nauthor: {'z' * 20_000}\n"
    inputs["20,000-character front matter fields"] = _write(
        folder / "fields.md", f"---\n{fields}---\nText.\n"
    )
    _bomb(folder / "bomb.png")
    inputs["image bomb"] = _write(
        folder / "bomb.md", "---\ntitle: Bomb\n---\nBefore ![a bomb](bomb.png) after.\n"
    )
    return inputs


@pytest.fixture(scope="module")
def pathological(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each input built to HTML, PDF and EPUB in a subprocess (two at a time), with a time limit."""
    folder = tmp_path_factory.mktemp("pathological")
    inputs = _pathological_inputs(folder / "in")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}

    def run(item: tuple[str, Path]) -> tuple[str, dict]:
        name, path = item
        out = folder / "out" / path.name
        out.parent.mkdir(exist_ok=True)
        try:
            done = subprocess.run(
                [sys.executable, "-c", DRIVER, str(path), str(out)],
                capture_output=True,
                text=True,
                timeout=200,
                env=env,
            )
        except subprocess.TimeoutExpired:
            return name, {"timeout": True}
        if done.returncode != 0:
            return name, {"crash": done.returncode, "stderr": done.stderr[-3000:]}
        return name, json.loads(done.stdout)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, sorted(inputs.items(), key=lambda i: -i[1].stat().st_size)))


PATHOLOGICAL = [
    "20 MB of Markdown",
    "300 nested quotes (md)",
    "300 nested lists (md)",
    "300 nested quotes, lists, tables (html)",
    "300 nested quotes (txt)",
    "10,000 footnotes",
    "50,000-character line (md)",
    "50,000-character line (txt)",
    "50,000-character word (md)",
    "50,000-character word (txt)",
    "20,000-character front matter fields",
    "image bomb",
]
#: Refused for every output when read: more paragraphs (about 28,000) and footnotes than one
#: article may hold (editions.limits).
EXPECTED_ERRORS = {
    (name, kind) for name in ("20 MB of Markdown", "10,000 footnotes") for kind in ("html", "pdf", "epub")
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_builds_or_stops_cleanly_within_a_minute(pathological: dict, name: str) -> None:
    result = pathological[name]
    assert "timeout" not in result and "crash" not in result, result
    for kind, outcome in result.items():
        err = outcome["stderr"]
        assert "Traceback" not in err and "RecursionError" not in err, err[-2000:]
        assert outcome["seconds"] < 60, (kind, outcome["seconds"])
        if (name, kind) in EXPECTED_ERRORS:
            assert outcome["status"] == 2, err
            assert err.count("\n") == 1 and "too much for one article" in err, err
        else:
            assert outcome["status"] == 0, (kind, err[-2000:])
    if name == "image bomb":
        assert all("decompression bomb" in outcome["stderr"] for outcome in result.values())
    if name.startswith("20,000"):
        assert all("too long, cut short: title, subtitle, author" in o["stderr"] for o in result.values())


def test_a_ctrl_c_swallowed_by_a_library_still_stops_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint catches every exception while it draws an SVG, KeyboardInterrupt included: a
    Ctrl-C arriving then must still stop the build, with the previous output left as it was."""
    import editions.cli
    from editions.textio import atomic_path

    article = tmp_path / "a.md"
    article.write_text("---\ntitle: A\npublication: P\n---\nText.\n", encoding="utf-8")
    out = _write(tmp_path / "a.html", b"the previous output")

    def swallowing_build(edition: object, path: Path, **options: object) -> Path:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
        except BaseException:  # what a library drawing an image does
            pass
        with atomic_path(path) as tmp:
            tmp.write_bytes(b"the new output")
        return path

    monkeypatch.setattr(editions.cli, "make_html", swallowing_build)
    assert make_html_main([str(article), "-o", str(out)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "make-html: interrupted"
    assert out.read_bytes() == b"the previous output"
    assert not list(tmp_path.glob(".a.html.*.tmp"))
