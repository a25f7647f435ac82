"""Building an edition folder's outputs in one go: files in dist/, progress, thumbnails, the part cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from editions import editing
from editions.builds import build_folder
from editions.errors import EditionsError


@pytest.fixture
def folder(tmp_path: Path, articles_dir: Path) -> Path:
    target = tmp_path / "edition"
    shutil.copytree(articles_dir, target)
    return target


def test_build_everything_with_progress_and_thumbnails(folder: Path, tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    cache = tmp_path / "cache"
    result = build_folder(
        folder, ["imposed", "epub", "html"], progress=lambda f, m: seen.append((f, m)), cache_dir=cache
    )
    names = [p.name for p in result.files]
    assert names == [
        "no-to-the-wider-war.pdf",
        "no-to-the-wider-war-booklet.pdf",
        "no-to-the-wider-war-booklet.txt",
        "no-to-the-wider-war.epub",
        "no-to-the-wider-war.html",
    ]
    assert all((folder / "dist" / name).is_file() for name in names)
    pages = len(PdfReader(folder / "dist" / "no-to-the-wider-war.pdf").pages)
    assert len(result.pages) == result.pdf_pages == pages
    assert result.imposed_pages == len(result.sheets)
    assert len(result.sheets) == len(PdfReader(folder / "dist" / "no-to-the-wider-war-booklet.pdf").pages)
    assert all(image.startswith(b"\x89PNG") for image in result.pages + result.sheets)
    assert result.note and "Booklet" in result.note
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert {"making the PDF…", "imposing for the printer…", "making the EPUB…"} <= {m for _, m in seen}
    assert result.rendered >= 2

    # One article edited: only its part is rendered again.
    editing.update_front_matter(folder / "nato-escalation-in-ukraine.txt", {"title": "NATO and the war"})
    again = build_folder(folder, ["pdf"], cache_dir=cache, thumbnails=False)
    assert again.cached >= 1  # the other article came from the cache
    assert not again.pages


def test_unknown_output(folder: Path) -> None:
    with pytest.raises(EditionsError, match="unknown output"):
        build_folder(folder, ["docx"])


def test_one_build_of_a_folder_at_a_time(folder: Path) -> None:
    """A build already running (here: its lock held by another open file) stops a second one."""
    import fcntl

    dist = folder / "dist"
    dist.mkdir()
    with open(dist / ".build.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(EditionsError, match="another build of this edition is running"):
            build_folder(folder, ["html"])
    assert build_folder(folder, ["html"], thumbnails=False).files[0].name == "no-to-the-wider-war.html"
