"""Building an edition folder's outputs in one go: files in dist/, progress, thumbnails, the part cache."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from editions import editing
from editions.builds import Thumbnails, build_folder
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


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_after_an_edit_only_the_changed_pages_are_drawn_again_and_the_pdf_is_a_cold_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web app's loop: build, look at every page, correct one article's subtitle, build again.
    Only that article's pages are drawn again (the first one now shows the new subtitle; every
    page whose text changed is among them; the others are as before), and the PDF is byte for
    byte what a cold build in a new process makes."""
    from test_parallel import page_texts
    from test_pdf import EPOCH, write_long_edition

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = write_long_edition(tmp_path / "edition", 6, seed=5)
    cache = tmp_path / "cache"
    thumbs = Thumbnails()
    first = build_folder(folder, ["pdf"], cache_dir=cache, thumbnails=False)
    assert first.pdf is not None and len(first.page_keys) == first.pdf_pages
    before = [thumbs.get(first, "page", n) for n in range(1, first.pdf_pages + 1)]
    texts_before = page_texts(first.pdf)
    assert thumbs.drawn == first.pdf_pages

    subtitle = "Corrected in the review"
    editing.update_front_matter(folder / "03-article.md", {"subtitle": subtitle})
    second = build_folder(folder, ["pdf"], cache_dir=cache, thumbnails=False)
    assert second.pdf is not None and second.pdf_pages == first.pdf_pages
    assert second.rendered == 1  # the article's part (its skeleton keeps no subtitle: the same)
    redrawn = []
    after = []
    for number in range(1, second.pdf_pages + 1):
        drawn = thumbs.drawn
        after.append(thumbs.get(second, "page", number))
        if thumbs.drawn > drawn:
            redrawn.append(number)
    texts_after = page_texts(second.pdf)
    changed = [n for n in range(1, second.pdf_pages + 1) if texts_after[n - 1] != texts_before[n - 1]]
    opening = next(n for n, text in enumerate(texts_after, 1) if "".join(subtitle.split()) in text)
    assert opening in changed and set(changed) <= set(redrawn)
    assert len(redrawn) <= 6 < second.pdf_pages  # the article's pages, not the book's
    assert after[opening - 1] != before[opening - 1]
    assert all(after[n - 1] == before[n - 1] for n in range(1, second.pdf_pages + 1) if n not in redrawn)

    served = second.pdf.read_bytes()
    cold = tmp_path / "cold"
    shutil.copytree(folder, cold, ignore=shutil.ignore_patterns("dist"))
    code = (
        "import sys; from pathlib import Path; from editions.builds import Thumbnails, build_folder; "
        "build_folder(Path(sys.argv[1]), ['pdf'], cache_dir=Path(sys.argv[2]), thumbnails=False)"
    )
    subprocess.run([sys.executable, "-c", code, str(cold), str(tmp_path / "empty-cache")], check=True)
    assert (cold / "dist" / second.pdf.name).read_bytes() == served
