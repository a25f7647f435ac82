"""QR codes: a source's URL in, a vector QR code (inline SVG) out, for the Sources page of the print edition.

:func:`qr_svg` draws one; :func:`qr_codes` draws an edition's beforehand (by the worker pool when
there are many) and keeps them in the cache folder across builds; :func:`valid_qr_svg` lets only the
exact shape :func:`qr_svg` draws come back from the cache.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import segno
from markupsafe import Markup, escape

from ..cache import digest, read_text_entry, write_text_entry
from .pool import stop_pool, worker_pool

#: QR codes already drawn in this process, by URL (see :func:`qr_codes`, which fills it from the cache).
_QR_MEMO: dict[str, Markup] = {}

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
#: The only shape of SVG :func:`qr_svg` draws: a size, a scale and one path of moves and lines.
_QR_SHAPE = re.compile(
    rf'<svg role="img" aria-label="(?P<label>[^"<>]*)" width="(?P<w>{_NUMBER})mm" height="(?P=w)mm" '
    rf'viewBox="0 0 (?P=w) (?P=w)" class="qr-code"><path transform="scale\({_NUMBER}\)" stroke="#000" '
    r'd="[Mmhv0-9. -]*"/></svg>\n?'
)


def qr_svg(url: str) -> Markup:
    """A vector QR code for ``url`` as inline SVG, 24 to 32 mm wide with its quiet zone (denser: wider)."""
    if url in _QR_MEMO:
        return _QR_MEMO[url]
    code = segno.make(url, micro=False, error="m", boost_error=False)
    border = 2
    modules = code.symbol_size(border=border)[0]
    size_mm = min(32.0, max(24.0, modules * 0.6))
    scale = size_mm / modules
    svg = code.svg_inline(scale=round(scale, 4), unit="mm", border=border, svgclass="qr-code", lineclass=None)
    label = escape(url)
    drawn = _QR_MEMO[url] = Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))
    return drawn


def valid_qr_svg(text: str, url: str) -> Markup | None:
    """``text`` as markup if it has the shape :func:`qr_svg` draws for ``url`` (nothing else), else ``None``.

    What comes from the cache reaches the template only through this check: one ``<svg>`` labelled
    with ``url``, a size, and a path of numbers and line commands; no other element, attribute or text.
    """
    match = _QR_SHAPE.fullmatch(text)
    if match is None or match.group("label") != str(escape(url)):
        return None
    return Markup(text)


@contextlib.contextmanager
def qr_codes(folder: Path | None, urls: Iterable[str], jobs: int = 1) -> Iterator[None]:
    """Draw the QR codes of ``urls`` beforehand (they take about 10 ms each), by ``jobs`` processes when
    there are many, and keep them in ``folder/qr`` across builds (none kept without a folder).

    A cached code is used only when its entry is intact (:func:`editions.cache.read_text_entry`) and
    it has the shape of a code drawn for its URL (:func:`valid_qr_svg`); else it is drawn again and
    the entry replaced.
    """
    wanted = sorted(set(urls))
    keys = {url: digest("qr-2", segno.__version__, url) for url in wanted} if folder else {}
    stored: set[str] = set()
    for url, key in keys.items():
        assert folder is not None
        path = folder / "qr" / f"{key}.json"
        text = read_text_entry(path, key)
        drawn = valid_qr_svg(text, url) if text is not None else None
        if drawn is not None:
            stored.add(url)
            _QR_MEMO.setdefault(url, drawn)
    missing = [url for url in wanted if url not in _QR_MEMO]
    if jobs > 1 and len(missing) >= 32:
        pool = worker_pool(jobs)
        try:
            chunk = math.ceil(len(missing) / jobs)
            for url, svg in zip(missing, pool.map(qr_svg, missing, chunksize=chunk), strict=True):
                _QR_MEMO[url] = Markup(svg)
        except BaseException:
            stop_pool(pool, abort=True)
            raise
        stop_pool(pool)
    yield
    for url, key in keys.items():
        if url in _QR_MEMO and url not in stored:
            assert folder is not None
            write_text_entry(folder / "qr" / f"{key}.json", key, str(_QR_MEMO[url]))
