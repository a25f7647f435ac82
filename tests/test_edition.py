"""Loading editions from folders, manifests and file lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from editions import EditionsError, load_edition

DATA = Path(__file__).parent / "data" / "small"


def test_manifest_fields_and_order() -> None:
    edition = load_edition([DATA / "edition.toml"])
    assert edition.title == "Small Test Edition"
    assert edition.subtitle == "Golden-file fixture"
    assert edition.editor == "Test Editors"
    assert edition.publisher == "Test Press"
    assert edition.date == dt.date(2024, 3, 1)
    assert edition.lang == "en"
    assert edition.rights == "CC BY-SA 4.0"
    assert edition.articles[0].title == "Strike Wins a Raise"
    assert edition.articles[1].lang == "fr"
    assert edition.slug == "small-test-edition"
    assert edition.root == DATA.resolve()


def test_folder_with_manifest_is_the_manifest() -> None:
    assert load_edition([DATA]).title == "Small Test Edition"


def test_single_file_is_an_edition_of_one() -> None:
    edition = load_edition([DATA / "first.md"])
    assert len(edition.articles) == 1
    assert edition.title == "Strike Wins a Raise"


def test_several_paths_keep_their_order(tmp_path: Path) -> None:
    edition = load_edition([DATA / "second.md", DATA / "first.md"])
    assert [a.lang for a in edition.articles] == ["fr", "en"]


def test_folder_without_manifest_sorts_by_name(tmp_path: Path) -> None:
    for name, title in [("b.md", "Bee"), ("a.md", "Ay"), ("notes.pages", "x")]:
        (tmp_path / name).write_text(
            f"---\ntitle: {title}\n---\nSome text for the article.\n", encoding="utf-8"
        )
    edition = load_edition([tmp_path])
    assert [a.title for a in edition.articles] == ["Ay", "Bee"]


def test_duplicate_titles_get_unique_slugs(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\ntitle: Same\n---\nText.\n", encoding="utf-8")
    assert [a.slug for a in load_edition([tmp_path]).articles] == ["same", "same-2"]


def test_default_path_is_articles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "x.md").write_text("# Hello\n\nWorld.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_edition([]).title == "Hello"


@pytest.mark.parametrize(
    ("manifest", "message", "line"),
    [
        ('title = "x\n', "broken edition.toml", 1),
        ('title = "T"\narticles = ["missing.md"]\n', "'missing.md' listed in the manifest not found", 2),
        ('title = "T"\narticles = "first.md"\n', "'articles' must be a list", None),
        ('title = "T"\ndate = "2024-13-01"\n', "impossible date", None),
        ("title = 3\n", "'title' must be text", None),
    ],
)
def test_bad_manifest(tmp_path: Path, manifest: str, message: str, line: int | None) -> None:
    (tmp_path / "first.md").write_text("# A\n\ntext\n", encoding="utf-8")
    path = tmp_path / "edition.toml"
    path.write_text(manifest, encoding="utf-8")
    with pytest.raises(EditionsError) as info:
        load_edition([path])
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.line == line


def test_pdf_settings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from editions.model import PdfSettings

    (tmp_path / "first.md").write_text("# A\n\ntext\n", encoding="utf-8")
    (tmp_path / "edition.toml").write_text(
        'title = "T"\n\n[pdf]\npaper = "half-letter"\nfont_size = 10.5\nopen_right = true\n'
        'impose = "booklet"\nsignature = 16\nduplex = "long"\ncreep = 0.4\nmarks = true\ncolour = "red"\n',
        encoding="utf-8",
    )
    edition = load_edition([tmp_path])
    assert edition.pdf == PdfSettings("half-letter", 10.5, True, "booklet", 16, "long", 0.4, True)
    assert "unknown [pdf] setting(s) ignored: colour" in caplog.text
    (tmp_path / "edition.toml").write_text('title = "T"\n', encoding="utf-8")
    assert load_edition([tmp_path]).pdf == PdfSettings()


@pytest.mark.parametrize(
    ("table", "message", "line"),
    [
        ('paper = "B5"', "[pdf] paper: unknown paper size 'B5'", 3),
        ("paper = 5", "[pdf] paper: must be a paper size", 3),
        ("font_size = 40", "[pdf] font_size: font size 40 pt out of range", 3),
        ('font_size = "big"', "[pdf] font_size: must be a number", 3),
        ('open_right = "yes"', "[pdf] open_right: must be true or false", 3),
        ('impose = "poster"', "[pdf] impose: must be one of booklet, zine, 2up", 3),
        ('duplex = "sideways"', "[pdf] duplex: must be one of short, long", 3),
        ('impose = "booklet"\nsignature = 6', "[pdf] a signature must be a positive multiple of 4", 3),
        ('impose = "zine"\ncreep = 1', "[pdf] creep only applies to the booklet layout", 3),
        ("signature = 10", "[pdf] a signature must be a positive multiple of 4", 3),
        ("creep = -1", "[pdf] creep must be 0 mm or more", 3),
    ],
)
def test_bad_pdf_settings(tmp_path: Path, table: str, message: str, line: int) -> None:
    (tmp_path / "first.md").write_text("# A\n\ntext\n", encoding="utf-8")
    path = tmp_path / "edition.toml"
    path.write_text(f'title = "T"\n[pdf]\n{table}\n', encoding="utf-8")
    with pytest.raises(EditionsError) as info:
        load_edition([path])
    assert message in str(info.value)
    assert (Path(info.value.path), info.value.line) == (path, line)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(EditionsError, match="no such file or folder"):
        load_edition([tmp_path / "nope"])
    with pytest.raises(EditionsError, match="no articles"):
        load_edition([tmp_path])


def test_require_sources(tmp_path: Path) -> None:
    (tmp_path / "first.md").write_text("# A\n\ntext\n", encoding="utf-8")
    path = tmp_path / "edition.toml"
    path.write_text('title = "T"\nrequire_sources = true\n', encoding="utf-8")
    assert load_edition([path]).require_sources is True
    path.write_text('title = "T"\n', encoding="utf-8")
    assert load_edition([path]).require_sources is False
    path.write_text('title = "T"\n\nrequire_sources = 1\n', encoding="utf-8")
    with pytest.raises(EditionsError) as info:
        load_edition([path])
    assert info.value.message == "'require_sources' must be true or false, not 1"
    assert (Path(info.value.path), info.value.line) == (path, 3)


def _png(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (60, 20), (0, 0, 0)).save(path)


def test_an_issue_of_a_periodical(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "first.md").write_text("# A\n\ntext\n", encoding="utf-8")
    _png(tmp_path / "logo.png")
    (tmp_path / "edition.toml").write_text(
        'title = "Stop the War"\ndate = 2024-06-01\nseries = "Workers Weekly"\nvolume = 8\nnumber = 22\n'
        'issue_date = 2024-06-15\nlogo = "logo.png"\n',
        encoding="utf-8",
    )
    edition = load_edition([tmp_path])
    assert (edition.series, edition.volume, edition.number) == ("Workers Weekly", 8, 22)
    assert edition.issue_date == edition.issue_day == dt.date(2024, 6, 15)
    assert edition.logo == (tmp_path / "logo.png").resolve()
    assert "ignored" not in caplog.text  # these fields were once ignored with a warning
    (tmp_path / "edition.toml").write_text(
        'title = "T"\ndate = 2024-06-01\nseries = "Workers Weekly"\n', encoding="utf-8"
    )
    edition = load_edition([tmp_path])
    assert edition.issue_date is None and edition.issue_day == dt.date(2024, 6, 1)  # the edition's date
    assert (edition.volume, edition.number) == (None, None)


@pytest.mark.parametrize(
    ("fields", "message", "line"),
    [
        ('series = "W"\nnumber = "22"', "'number' must be a whole number such as 8, not '22'", 3),
        ('series = "W"\nvolume = 8.5', "'volume' must be a whole number", 3),
        ('series = "W"\nnumber = -1', "'number' must be a whole number", 3),
        ("number = 22", "'volume' and 'number' belong to a periodical: give its name as 'series' too", 2),
        ("series = 5", "'series' must be text", None),
        ('series = "W"\nissue_date = "June"', "date 'June' is not in the form YYYY-MM-DD", None),
        ('logo = "missing.png"', "logo image 'missing.png' not found", 2),
        ('logo = "notes.txt"', "logo image 'notes.txt' cannot be used", 2),
        ('logo = "../outside.png"', "logo image '../outside.png' is outside the manifest's folder", 2),
        ("logo = 3", "'logo' must be a file name", 2),
    ],
)
def test_bad_issue_fields(tmp_path: Path, fields: str, message: str, line: int | None) -> None:
    folder = tmp_path / "ed"
    folder.mkdir()
    (folder / "first.md").write_text("# A\n\ntext\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    _png(tmp_path / "outside.png")
    path = folder / "edition.toml"
    path.write_text(f'title = "T"\n{fields}\n', encoding="utf-8")
    with pytest.raises(EditionsError) as info:
        load_edition([path])
    assert message in str(info.value)
    assert (Path(info.value.path), info.value.line) == (path, line)


def test_edition_promos_are_the_calls_to_action_each_once() -> None:
    from editions.model import Article, Edition

    first = Article(title="A", body_html="<p>a</p>", promos=("Join our Telegram channel", "12 comments"))
    second = Article(title="B", body_html="<p>b</p>", promos=("Join our Telegram channel",))
    assert Edition(title="E", articles=(first, second)).promos == ("Join our Telegram channel",)
    assert Edition(title="E", articles=(Article(title="C", body_html="<p>c</p>"),)).promos == ()
