"""Bounded builds: front matter whose aliases would explode, and bodies dense with markup.

Each case is what a hostile or careless author could hand in; each must stop quickly with one
line naming the file (and line) and the limit, exit status 2, never a long build.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import editions
from editions import EditionsError
from editions.cli import make_html_main, make_pdf_main
from editions.limits import EDITION_LIMITS, Counts, check_edition, count_html
from editions.model import Article, Source
from editions.readers.frontmatter import MAX_ALIASES, MAX_FRONT_MATTER_CHARS


def _bomb(path: Path, *, string_chars: int, aliases: int, body_lines: int = 60_000) -> Path:
    """The shape of the report: one long anchored string, a list of thousands of aliases to it."""
    words = "word " * (string_chars // 5)
    front = ["---", "title: Bomb", f'x: &s "{words}"', "tags: [" + ", ".join(["*s"] * aliases) + "]", "---"]
    path.write_text("\n".join(front) + "\n" + "Body text.\n" * body_lines, encoding="utf-8")
    return path


def test_alias_bomb_of_one_megabyte_stops_in_well_under_a_second(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bomb(tmp_path / "bomb.md", string_chars=200_000, aliases=3_000, body_lines=80_000)
    assert path.stat().st_size > 1_000_000
    start = time.perf_counter()
    with pytest.raises(EditionsError) as caught:
        editions.read_article(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, elapsed  # measured: about 0.12 s
    assert str(caught.value).startswith(f"{path}:4: front matter refused: its aliases")
    assert "would expand to more than" in str(caught.value)
    # The command: one line, exit status 2.
    assert make_html_main([str(path), "-o", str(tmp_path / "out.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"make-html: error: {path}:4: front matter refused") and "\n" not in err
    assert not (tmp_path / "out.html").exists()


def test_front_matter_longer_than_the_cap_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "big.md", string_chars=MAX_FRONT_MATTER_CHARS + 10_000, aliases=3_000)
    start = time.perf_counter()
    with pytest.raises(EditionsError, match=r"big\.md:1: front matter too long: .* the limit is 262,144"):
        editions.read_article(path)
    assert time.perf_counter() - start < 1.0


def test_nested_aliases_are_caught_at_the_first_alias_over_the_cap(tmp_path: Path) -> None:
    """The "billion laughs": ten aliases per level, six levels, each a few characters."""
    lines = ["---", "title: Laughs", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 7):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    lines += ["tags: *a6", "---", "Body."]
    path = tmp_path / "laughs.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(EditionsError, match=r"laughs\.md:\d+: front matter refused: its aliases"):
        editions.read_article(path)
    assert time.perf_counter() - start < 1.0


def test_too_many_aliases_even_short_ones(tmp_path: Path) -> None:
    path = tmp_path / "many.md"
    aliases = ", ".join(["*t"] * (MAX_ALIASES + 1))
    path.write_text(f"---\ntitle: Many\nt: &t x\ntags: [{aliases}]\n---\nBody.\n", encoding="utf-8")
    expected = rf"many\.md:4: front matter refused: more than {MAX_ALIASES} aliases"
    with pytest.raises(EditionsError, match=expected):
        editions.read_article(path)


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.md"
    path.write_text("---\ntitle: Loop\ntags: &a [x, *a]\n---\nBody.\n", encoding="utf-8")
    expected = r"loop\.md:3: front matter refused: an alias .* inside the value"
    with pytest.raises(EditionsError, match=expected):
        editions.read_article(path)


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "fine.md"
    path.write_text(
        "---\ntitle: Fine\nwho: &who Ana Ruiz\nauthor: [*who]\ntags: &t [labour]\npromos: *t\n---\nBody.\n",
        encoding="utf-8",
    )
    article = editions.read_article(path)
    assert article.source.authors == ("Ana Ruiz",)
    assert article.tags == ("labour",)


# ---------------------------------------------------------------------------------------------
# Markup-dense bodies


def test_one_hundred_thousand_one_letter_paragraphs_fail_in_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dense.md"
    path.write_text("---\ntitle: Dense\npublication: P\n---\n" + "\n\n".join("a" * 100_000) + "\n")
    assert path.stat().st_size < 310_000  # 300 KB: well under the text length limit
    start = time.perf_counter()
    assert make_pdf_main([str(path), "-o", str(tmp_path / "dense.pdf")]) == 2
    elapsed = time.perf_counter() - start
    assert elapsed < 5, elapsed  # measured: about 0.3 s
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith(f"make-pdf: error: {path}:5: too much for one article: at least 100,000 paragraphs")
    assert "the limit is 20,000: split it into several articles" in err
    assert not (tmp_path / "dense.pdf").exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("\n".join(f"- {i}" for i in range(10_001)), "10,001 list items; the limit is 10,000"),
        (
            "| a | b | c | d |\n|---|---|---|---|\n" + "\n".join("| 1 | 2 | 3 | 4 |" for _ in range(2_600)),
            "10,404 table cells; the limit is 10,000",
        ),
        (
            "Text"
            + "".join(f"[^{i}]" for i in range(2_001))
            + "\n\n"
            + "\n".join(f"[^{i}]: note" for i in range(2_001)),
            "2,001 footnotes; the limit is 2,000",
        ),
        (" ".join("![x](x.png)" for _ in range(301)), "301 images; the limit is 300"),
        (" ".join("*a*" for _ in range(60_001)), "60,002 HTML elements"),
    ],
    ids=["list-items", "table-cells", "footnotes", "images", "inline-elements"],
)
def test_dense_markup_of_every_kind_is_refused_when_read(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "dense.md"
    path.write_text(f"---\ntitle: Dense\npublication: P\n---\n{body}\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(EditionsError) as caught:
        editions.read_article(path)
    assert time.perf_counter() - start < 20
    message = str(caught.value)
    assert message.startswith(f"{path}: too much for one article: ") and expected in message
    assert message.endswith("split it into several articles")


def _article(index: int, paragraphs: int) -> Article:
    body = "".join(f"<p>w{i}</p>" for i in range(paragraphs))
    return Article(
        title=f"Article {index}",
        body_html=body,
        source=Source(publication="P"),
        lang="en",
        path=Path(f"articles/a{index}.md"),
    )


def test_an_edition_over_the_limits_stops_before_layout(tmp_path: Path) -> None:
    """Each article within its limits, all of them together over the edition's."""
    articles = [_article(i, 19_000 if i == 3 else 15_000) for i in range(12)]
    edition = editions.build_edition(articles, {"title": "Too much"})
    start = time.perf_counter()
    with pytest.raises(EditionsError) as caught:
        editions.make_pdf(edition, tmp_path / "big.pdf", cache=False)
    assert time.perf_counter() - start < 10
    message = str(caught.value)
    assert message.startswith("articles/a3.md: too much for one PDF: the edition has 184,000 paragraphs")
    assert "the limit is 160,000: split it into several editions" in message
    assert not (tmp_path / "big.pdf").exists()


def test_a_small_edition_rendered_in_one_piece_is_held_to_one_render(tmp_path: Path) -> None:
    edition = editions.build_edition([_article(1, 12_000), _article(2, 9_000)], {"title": "Two"})
    with pytest.raises(EditionsError, match=r"the edition has 21,000 paragraphs .* the limit is 20,000"):
        editions.make_pdf(edition, tmp_path / "two.pdf", cache=False)


def test_the_benchmark_anthology_is_far_from_the_limits(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    try:
        from anthology import write_anthology  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    folder = tmp_path / "anthology"
    write_anthology(folder, 400, 2500)
    edition = editions.load_edition([folder])
    total = sum((count_html(a.body_html, a.footnotes) for a in edition.articles), Counts())
    for name in ("blocks", "elements", "list_items", "table_cells", "footnotes", "images"):
        assert getattr(total, name) <= getattr(EDITION_LIMITS, name) // 4, (name, total)
    check_edition(edition, in_parts=True)


# ---------------------------------------------------------------------------------------------
# Smaller: duplicates in a manifest, an unknown style's line, an unusable cache folder


def _edition_folder(folder: Path, manifest: str, names: tuple[str, ...] = ("a.md", "b.md")) -> Path:
    folder.mkdir()
    for name in names:
        stem = name.removesuffix(".md")
        (folder / name).write_text(
            f"---\ntitle: Article {stem}\npublication: P\nlang: en\n---\nText {stem}.\n"
        )
    (folder / "edition.toml").write_text(manifest, encoding="utf-8")
    return folder


def test_an_article_listed_twice_is_warned_about_with_its_line_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _edition_folder(
        tmp_path / "ed", 'title = "Twice"\narticles = [\n  "a.md",\n  "b.md",\n  "a.md",\n]\n'
    )
    out = tmp_path / "twice.html"
    assert make_html_main([str(folder), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    manifest = folder / "edition.toml"
    assert (
        f"warning: {manifest}:5: article 'a.md' is listed again (first on line 3); it is printed twice" in err
    )
    assert out.read_text(encoding="utf-8").count("Text a.") == 2


def test_an_unknown_style_in_the_manifest_names_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _edition_folder(tmp_path / "ed", 'title = "Styled"\n\nstyle = "nonesuch"\n')
    assert make_html_main([str(folder), "-o", str(tmp_path / "s.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        f"make-html: error: {folder / 'edition.toml'}:3: unknown style 'nonesuch' (available: "
    )
    # The command line's --style still wins over the manifest's.
    assert make_html_main([str(folder), "-o", str(tmp_path / "s.html"), "--style", "default"]) == 0


@pytest.mark.parametrize(("kind", "reason"), [("file", "not a folder"), ("under-a-file", "Not a directory")])
def test_an_unusable_cache_folder_is_warned_about_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, reason: str
) -> None:
    names = tuple(f"a{i}.md" for i in range(12))
    folder = _edition_folder(tmp_path / "ed", 'title = "Cached"\n', names)
    (tmp_path / "file").write_text("not a folder")
    cache = tmp_path / "file" if kind == "file" else tmp_path / "file" / "cache"
    out = tmp_path / "c.pdf"
    assert make_pdf_main([str(folder), "-o", str(out), "-q", "-j", "1", "--cache-dir", str(cache)]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "cache folder" in line]
    assert warnings == [
        f"warning: {cache}: cannot use this cache folder ({reason}); building without a cache"
    ]
    assert out.is_file()
    assert (tmp_path / "file").read_text() == "not a folder"
