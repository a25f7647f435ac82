"""Editing an edition folder in place: order and data in edition.toml (comments kept), articles' front
matter (the importer's notes kept where a field is unchanged), articles added from bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from editions import editing, load_edition
from editions.errors import EditionsError

FIRST, SECOND = "us-weapons-threaten-a-wider-war.txt", "nato-escalation-in-ukraine.txt"

PASTED = b"""Labour
Depot Strike Ends With a Raise
By Ana Ruiz
After nine days on the picket line, the workers at the bus depot won a raise of two dollars an hour, \
and the union says it will not stop there.

The strike began when the company refused to open its books, and the picket held through the rain.
"""


@pytest.fixture
def folder(tmp_path: Path, articles_dir: Path) -> Path:
    target = tmp_path / "edition"
    shutil.copytree(articles_dir, target)
    return target


def test_order_is_written_with_comments_kept(folder: Path) -> None:
    assert editing.article_order(folder) == [FIRST, SECOND]
    editing.move_article(folder, FIRST, 1)
    text = (folder / "edition.toml").read_text(encoding="utf-8")
    assert text.startswith("# The sample edition: `make demo` builds it into dist/.\n")
    assert editing.article_order(folder) == [SECOND, FIRST]
    assert [a.path.name for a in load_edition([folder]).articles if a.path] == [SECOND, FIRST]
    editing.move_article(folder, FIRST, -5)
    assert editing.article_order(folder) == [FIRST, SECOND]


def test_remove_and_put_back(folder: Path) -> None:
    editing.remove_article(folder, SECOND)
    assert editing.article_order(folder) == [FIRST]
    assert editing.unlisted_articles(folder) == [SECOND]
    assert (folder / SECOND).is_file()
    with pytest.raises(EditionsError, match="at least one article"):
        editing.remove_article(folder, FIRST)
    editing.append_articles(folder, [SECOND])
    assert editing.article_order(folder) == [FIRST, SECOND]


@pytest.mark.parametrize(
    "name", ["../x.txt", "sub/x.txt", ".hidden.txt", "_draft.txt", "x.exe", "gone.txt", ""]
)
def test_article_names_are_checked(folder: Path, name: str) -> None:
    with pytest.raises(EditionsError):
        editing.article_file(folder, name)
    with pytest.raises(EditionsError):
        editing.set_order(folder, [FIRST, name])
    assert editing.article_order(folder) == [FIRST, SECOND]


def test_a_link_out_of_the_folder_is_no_article(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text("Outside\n\nText outside the edition folder, long enough.\n")
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(EditionsError, match="no such article"):
        editing.article_file(folder, "link.txt")


def test_order_of_a_folder_without_manifest(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("---\ntitle: B\n---\n\nBody b.\n")
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n\nBody a.\n")
    assert editing.article_order(tmp_path) == ["a.md", "b.md"]
    editing.set_order(tmp_path, ["b.md", "a.md"])
    assert 'articles = [\n    "b.md",\n    "a.md",\n]' in (tmp_path / "edition.toml").read_text()


def test_manifest_fields_and_print_settings(folder: Path) -> None:
    before = (folder / "edition.toml").read_text(encoding="utf-8")
    editing.update_manifest(
        folder,
        {"title": "Bulletin 7", "subtitle": "", "date": "2024-07-01", "colophon": "Printed by us.\nFree."},
        {"paper": "A4", "impose": "booklet", "creep": 0.3},
    )
    edition = load_edition([folder])
    assert edition.title == "Bulletin 7" and edition.subtitle is None
    assert str(edition.date) == "2024-07-01" and edition.colophon == "Printed by us.\nFree."
    assert edition.pdf.paper == "A4" and edition.pdf.impose == "booklet" and edition.pdf.creep == 0.3
    values = editing.manifest_fields(folder)
    assert values["title"] == "Bulletin 7" and values["pdf"]["paper"] == "A4"
    changed = (folder / "edition.toml").read_text(encoding="utf-8")
    assert changed.startswith("# The sample edition") and changed != before
    for fields, pdf, message in [
        ({"date": "1 July"}, None, "YYYY-MM-DD"),
        ({}, {"paper": "Z9"}, "unknown paper size"),
        ({}, {"signature": 6}, "multiple of 4"),
        ({"nonsense": "x"}, None, "unknown edition field"),
    ]:
        with pytest.raises(EditionsError, match=message):
            editing.update_manifest(folder, fields, pdf)
        assert (folder / "edition.toml").read_text(encoding="utf-8") == changed
    editing.update_manifest(folder, {}, {"paper": None, "impose": None, "creep": None})
    assert "[pdf]" not in (folder / "edition.toml").read_text(encoding="utf-8")
    editing.set_style(folder, "default")
    with pytest.raises(EditionsError, match="unknown style"):
        editing.set_style(folder, "nope")


def test_periodical_fields_address_and_back_cover(folder: Path) -> None:
    editing.update_manifest(
        folder,
        {"series": "Workers Weekly", "volume": "8", "number": "22", "issue_date": "2024-06-15",
         "url": "https://example.org/weekly"},
        {"back_cover": "blank"},
    )  # fmt: skip
    edition = load_edition([folder])
    assert (edition.series, edition.volume, edition.number) == ("Workers Weekly", 8, 22)
    assert str(edition.issue_date) == "2024-06-15" and edition.url == "https://example.org/weekly"
    assert edition.pdf.back_cover == "blank"
    values = editing.manifest_fields(folder)
    assert values["volume"] == "8" and values["issue_date"] == "2024-06-15"
    saved = (folder / "edition.toml").read_text(encoding="utf-8")
    for fields, message in [
        ({"number": "twenty"}, "whole number"),
        ({"volume": "0"}, "whole number"),
        ({"issue_date": "June"}, "YYYY-MM-DD"),
        ({"url": "example.org"}, "web address"),
        ({"series": ""}, "give its name as 'series'"),  # a volume and number need their series
    ]:
        with pytest.raises(EditionsError, match=message):
            editing.update_manifest(folder, fields)
        assert (folder / "edition.toml").read_text(encoding="utf-8") == saved


def test_translators_and_promos_of_an_article(folder: Path) -> None:
    path = editing.add_article(folder, PASTED, ".txt", name="pasted text")[0]
    editing.update_front_matter(
        path, {"translator": "Mia Chen", "promos": "Join the union; it pays\n\nSubscribe to the bulletin\n"}
    )
    view = editing.read_front_matter(path)
    assert view.fields["translator"] == "Mia Chen"
    assert view.fields["promos"] == ["Join the union; it pays", "Subscribe to the bulletin"]
    article = load_edition([folder]).articles[-1]
    assert article.source.translators == ("Mia Chen",)
    assert article.promos == ("Join the union; it pays", "Subscribe to the bulletin")


def test_add_pasted_text_keeps_the_evidence(folder: Path) -> None:
    written = editing.add_article(folder, PASTED, ".txt", name="pasted text", url="https://example.org/depot")
    assert [p.name for p in written] == ["depot-strike-ends-with-a-raise.md"]
    assert editing.article_order(folder)[-1] == "depot-strike-ends-with-a-raise.md"
    view = editing.read_front_matter(written[0])
    assert view.fields["title"] == "Depot Strike Ends With a Raise"
    assert view.fields["url"] == "https://example.org/depot"
    title = view.evidence["title"]
    assert title.line == 2 and title.sure and title.rule
    assert view.evidence["author"].line == 3
    assert any("Labour" in line for line in view.dropped)


def test_update_front_matter(folder: Path) -> None:
    path = editing.add_article(folder, PASTED, ".txt", name="pasted text")[0]
    text = path.read_text(encoding="utf-8")
    assert "title: Depot Strike Ends With a Raise  # found (line 2:" in text
    editing.update_front_matter(path, {"title": "Depot workers win", "author": "Ana Ruiz; Bo Li", "tags": ""})
    view = editing.read_front_matter(path)
    assert view.fields["title"] == "Depot workers win"
    assert view.fields["author"] == ["Ana Ruiz", "Bo Li"]
    assert "title" not in view.evidence  # corrected by a person: no longer the reader's finding
    assert view.dropped  # the list of lines left out stays
    article = load_edition([folder]).articles[-1]
    assert article.title == "Depot workers win" and article.authors == ("Ana Ruiz", "Bo Li")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(EditionsError, match="YYYY-MM-DD"):
        editing.update_front_matter(path, {"date": "yesterday"})
    with pytest.raises(EditionsError, match="unknown article field"):
        editing.update_front_matter(path, {"body": "x"})
    assert path.read_text(encoding="utf-8") == before


def test_update_front_matter_of_plain_text(folder: Path) -> None:
    path = folder / SECOND
    editing.update_front_matter(path, {"title": "NATO and the war"})
    assert path.read_text(encoding="utf-8").startswith("---\ntitle: NATO and the war\n")
    assert load_edition([folder]).articles[1].title == "NATO and the war"


def test_added_bytes_are_checked(folder: Path) -> None:
    for data, suffix, message in [
        (b"\x89PNG\r\n\x1a\nxxxx", ".txt", "binary content"),
        (b"plain words", ".docx", "not a zip archive"),
        (b"   ", ".md", "empty"),
        (b"text", ".exe", "unknown article format"),
    ]:
        with pytest.raises(EditionsError, match=message):
            editing.add_article(folder, data, suffix, name="upload" + suffix)
    assert editing.article_order(folder) == [FIRST, SECOND]
    with pytest.raises(EditionsError, match="not a web address"):
        editing.add_article(folder, PASTED, ".txt", name="pasted", url="file:///etc/passwd")
