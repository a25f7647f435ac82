"""Articles named by URL: fetched over HTTP(S), then read as a saved web page.

In: an ``http://`` or ``https://`` URL the user gave (on the command line, in ``edition.toml``,
to ``editions import``). Out: an :class:`~editions.model.Article` read by
:mod:`editions.readers.webpage`, whose source URL is the page's own canonical URL when it gives
one, else the URL the page was finally fetched from (after redirects).

The fetch goes through :func:`editions.fetch.fetch` with its limits (time, size, redirects,
content type). Addresses on the user's own network are allowed for a URL the user typed; URLs
listed in an ``edition.toml`` (which may come from anyone) must be public; a public page never
redirects into a private network. ``offline=True`` refuses to fetch.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import EditionsError
from ..model import Article
from .draft import Draft, finish


def fetch_draft(
    url: str, *, offline: bool = False, timeout: float | None = None, allow_private: bool = True
) -> Draft:
    """Fetch ``url`` and extract its article, before the shared finishing steps."""
    from ..fetch import DEFAULT_TIMEOUT, fetch
    from .webpage import read_page

    url = url.strip()
    if offline:
        raise EditionsError("not fetched: working offline (--offline)", url)
    response = fetch(url, timeout=timeout or DEFAULT_TIMEOUT, allow_private=allow_private)
    if not response.body.strip():
        raise EditionsError("the page is empty", url)
    draft = read_page(response.body, source=url, charset=response.charset, page_url=response.url)
    if not draft.title:
        draft.title = title_from_url(response.url)
    return draft


def read_url(
    url: str,
    *,
    offline: bool = False,
    lang: str | None = None,
    timeout: float | None = None,
    allow_private: bool = True,
) -> Article:
    """Fetch and read the article at ``url`` (see the module docstring).

    ``allow_private=False`` refuses loopback, private and link-local addresses: for URLs that
    come from a file (an ``edition.toml``) rather than from the user's own command line.

    ``lang`` is the fallback language when the page gives none and detection is unsure.
    Raises :class:`EditionsError` naming the URL when the fetch or the extraction fails.
    """
    draft = fetch_draft(url, offline=offline, timeout=timeout, allow_private=allow_private)
    return finish(draft, None, fallback_lang=lang)


def title_from_url(url: str) -> str:
    """A stand-in title from a URL's last path segment: ``/2024/why-we-struck/`` gives "why we struck"."""
    parts = urlsplit(url)
    segments = [s for s in PurePosixPath(unquote(parts.path)).parts if s not in {"/", ""}]
    if segments:
        stem = segments[-1].rsplit(".", 1)[0] if "." in segments[-1] else segments[-1]
        words = stem.replace("-", " ").replace("_", " ").strip()
        if words and not words.isdigit():
            return words
    return parts.hostname or url


__all__ = ["fetch_draft", "read_url", "title_from_url"]
