"""Every cache read is verified (:mod:`editions.cache`): a damaged entry is a miss, rebuilt and replaced,
never output. An edition is built in parts with a cache; then each kind of entry is damaged (a QR code
overwritten with markup or text, a PDF part truncated or replaced by another valid-looking file, a
part's facts, a font subset) and the edition built again: the PDF is byte for byte the clean build's,
and every damaged entry has been replaced by a good one."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from test_pdf import EPOCH, write_long_edition


def _build(source: Path, out: Path, cache_dir: Path) -> tuple[Path, int]:
    from editions import pdf
    from editions.edition import load_edition
    from editions.pdf import qr

    qr._QR_MEMO.clear()  # a fresh process: QR codes come from the cache or are drawn again
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = pdf.make_pdf(load_edition([source]), out, parallel=True, jobs=1, cache_dir=cache_dir)
    return result.path, result.rendered


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, bytes]]:
    """The edition, a cache folder filled by a clean build, and that build's bytes."""
    folder = tmp_path_factory.mktemp("cache")
    edition = write_long_edition(folder / "edition", 5, seed=11)
    path, rendered = _build(edition, folder / "clean.pdf", folder / "cache")
    assert rendered > 0
    yield edition, folder / "cache", path.read_bytes()


def _parts(cache: Path) -> list[tuple[Path, Path]]:
    """The (pdf, json) files of the cached PDF parts (not the font subsets)."""
    found = []
    for meta in sorted((cache / "parts").glob("*/*.json")):
        data = meta.with_suffix(".pdf").read_bytes()
        if data.startswith(b"%PDF-"):
            found.append((meta.with_suffix(".pdf"), meta))
    return found


def _fonts(cache: Path) -> list[Path]:
    return [p for p in sorted((cache / "parts").glob("*/*.pdf")) if not p.read_bytes().startswith(b"%PDF-")]


def _qr(cache: Path) -> list[Path]:
    return sorted((cache / "qr").glob("*.json"))


def _rewrite_qr(path: Path, svg: str) -> None:
    """Replace a QR entry's code and its recorded hash (a consistent entry that is not a QR code)."""
    import hashlib

    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(text=svg, sha256=hashlib.sha256(svg.encode()).hexdigest())
    path.write_text(json.dumps(record), encoding="utf-8")


def _damage(kind: str, cache: Path) -> list[Path]:
    """Damage the entries of one kind; the files damaged."""
    if kind == "qr-text":
        for path in _qr(cache):
            path.write_text("this is not a QR code", encoding="utf-8")
        return _qr(cache)
    if kind == "qr-markup":  # hash consistent, but markup a template must never receive
        for path in _qr(cache):
            _rewrite_qr(
                path, '<svg class="qr-code"><text>Scan me</text><image href="file:///etc/passwd"/></svg>'
            )
        return _qr(cache)
    if kind == "qr-other-url":  # a real code, but for another address
        from editions.pdf import qr_svg

        for path in _qr(cache):
            _rewrite_qr(path, str(qr_svg("https://attacker.example/")))
        return _qr(cache)
    if kind == "part-truncated":
        for pdf, _ in _parts(cache):
            pdf.write_bytes(pdf.read_bytes()[: len(pdf.read_bytes()) // 2])
        return [pdf for pdf, _ in _parts(cache)] or [p for p in (cache / "parts").glob("*/*.pdf")]
    if kind == "part-swapped":  # a complete PDF with its hash recorded, but of other pages
        import hashlib

        parts = _parts(cache)
        other = parts[0][0].read_bytes()
        others = len(PdfReader(io.BytesIO(other)).pages)
        for pdf, meta in parts[1:]:
            pdf.write_bytes(other)
            record = json.loads(meta.read_text(encoding="utf-8"))
            record["sha256"] = hashlib.sha256(other).hexdigest()
            # facts of one page more than the PDF it now holds
            record["pages"] = (record["pages"] * (1 + others))[: others + 1]
            meta.write_text(json.dumps(record), encoding="utf-8")
        return [pdf for pdf, _ in parts[1:]]
    if kind == "facts":
        for _, meta in _parts(cache):
            record = json.loads(meta.read_text(encoding="utf-8"))
            record["pages"] = [{"size": "big"}]
            meta.write_text(json.dumps(record), encoding="utf-8")
        return [meta for _, meta in _parts(cache)]
    if kind == "font":
        for path in _fonts(cache):
            path.write_bytes(path.read_bytes()[:100])
        return _fonts(cache)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["qr-text", "qr-markup", "qr-other-url", "part-truncated", "part-swapped", "facts", "font"]
)
def test_a_damaged_entry_is_rebuilt_and_replaced(
    tmp_path: Path, clean: tuple[Path, Path, bytes], kind: str
) -> None:
    edition, filled, expected = clean
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache)
    damaged = _damage(kind, cache)
    assert damaged
    before = {p: p.read_bytes() for p in damaged}
    path, rendered = _build(edition, tmp_path / "again.pdf", cache)
    assert path.read_bytes() == expected
    # the damaged parts were rendered again; QR codes and font subsets are not parts
    assert (rendered > 0) == kind.startswith(("part", "facts"))
    # each damaged entry is a good one again: the next build renders nothing and gives the same book
    for damaged_path in damaged:
        assert damaged_path.exists() and damaged_path.read_bytes() != before[damaged_path]
    again, rendered = _build(edition, tmp_path / "third.pdf", cache)
    assert rendered == 0 and again.read_bytes() == expected
    assert len(PdfReader(again).pages) > 5


def test_the_clean_build_has_entries_of_every_kind(clean: tuple[Path, Path, bytes]) -> None:
    _, cache, _ = clean
    assert _qr(cache) and _parts(cache) and _fonts(cache)


def test_a_qr_code_from_the_cache_is_checked_before_it_is_markup() -> None:
    from editions.pdf import qr_svg, valid_qr_svg

    url = 'https://example.org/a?b=1&c="x"'
    good = str(qr_svg(url))
    assert valid_qr_svg(good, url) == good
    assert valid_qr_svg(good, "https://example.org/other") is None
    assert valid_qr_svg(good.replace('stroke="#000"', 'stroke="#000" onload="x()"'), url) is None
    assert valid_qr_svg(good.replace("</svg>", "<script>x()</script></svg>"), url) is None
    assert valid_qr_svg(good.replace(' d="M', ' d="<b>M'), url) is None


def test_a_text_entry_is_checked_against_its_key_and_hash(tmp_path: Path) -> None:
    from editions.cache import read_text_entry, write_text_entry

    path = tmp_path / "qr" / "k.json"
    write_text_entry(path, "k", "<svg/>")
    assert read_text_entry(path, "k") == "<svg/>"
    assert read_text_entry(path, "other") is None and not path.exists()  # removed
    write_text_entry(path, "k", "<svg/>")
    path.write_text(path.read_text().replace("<svg/>", "<svg />"), encoding="utf-8")
    assert read_text_entry(path, "k") is None and not path.exists()
