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


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(EditionsError, match="no such file or folder"):
        load_edition([tmp_path / "nope"])
    with pytest.raises(EditionsError, match="no articles"):
        load_edition([tmp_path])
