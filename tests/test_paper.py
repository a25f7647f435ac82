"""Paper sizes and page geometry (:mod:`editions.paper`): names and sizes in, margins and measure out."""

from __future__ import annotations

import pytest

from editions.errors import EditionsError
from editions.paper import MAX_MEASURE_EM, check_font_size, page_geometry, parse_paper


@pytest.mark.parametrize(
    ("value", "name", "size"),
    [
        ("A5", "A5", (148, 210)),
        ("a4", "A4", (210, 297)),
        ("A6", "A6", (105, 148)),
        ("Letter", "letter", (215.9, 279.4)),
        ("half-letter", "half-letter", (139.7, 215.9)),
        ("140x216mm", "140x216mm", (140, 216)),
        ("5.5x8.5in", "139.7x215.9mm", (139.7, 215.9)),
        ("14 x 20 cm", "140x200mm", (140, 200)),
    ],
)
def test_parse_paper(value: str, name: str, size: tuple[float, float]) -> None:
    paper = parse_paper(value)
    assert paper.name == name
    assert (paper.width_mm, paper.height_mm) == pytest.approx(size)


@pytest.mark.parametrize(
    "value", ["", "A3", "B5", "legal", "140x216", "140mm", "10x10mm", "1x2m", "axbmm", "0x0in"]
)
def test_bad_paper_sizes_are_editions_errors(value: str) -> None:
    with pytest.raises(EditionsError, match="paper size"):
        parse_paper(value)
    with pytest.raises(EditionsError, match="paper size"):
        page_geometry(value)


@pytest.mark.parametrize("size", [1, 5.9, 24.5, 100])
def test_bad_font_sizes_are_editions_errors(size: float) -> None:
    with pytest.raises(EditionsError, match="font size"):
        page_geometry("A5", font_size=size)


@pytest.mark.parametrize("paper", ["A4", "A5", "A6", "letter", "half-letter", "140x216mm"])
def test_margins_are_wider_on_the_binding_side_and_the_measure_is_bounded(paper: str) -> None:
    geometry = page_geometry(paper)
    assert geometry.inner > geometry.outer > 0
    assert geometry.bottom > geometry.top > 0
    assert 20 <= geometry.measure_em <= MAX_MEASURE_EM + 0.01


def test_font_sizes_within_the_range_pass() -> None:
    assert check_font_size(6.0) == 6.0 and check_font_size(24.0) == 24.0
    with pytest.raises(EditionsError, match=r"font size 0\.5 pt out of range"):
        check_font_size(0.5)
