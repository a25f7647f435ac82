"""What the builds say about attribution: articles whose source is missing or only guessed.

In: an :class:`~editions.model.Edition`. Out: one warning line per problem, naming the article's
file (logged on the ``editions`` logger, which the commands print as ``warning: …``), or an
:class:`~editions.errors.EditionsError` when the edition requires sources and one is missing.

Two problems are reported, at every build (``make_html``, ``make_pdf`` and ``make_epub`` call
:func:`check_attribution` before writing anything):

- an article with neither a publication nor a URL (:attr:`Source.is_recorded
  <editions.model.Source.is_recorded>` is false). It is still printed, and listed on the Sources
  page as "source not recorded"; with ``require_sources`` the build stops instead;
- an article whose title or source fields (publication, URL, authors, date) a reader found with
  low confidence (:class:`~editions.model.Evidence` with ``sure=False``): one line naming the
  fields and the lines of the input they came from, so that a person checks them.
"""

from __future__ import annotations

import logging

from .errors import EditionsError
from .model import Article, Edition

log = logging.getLogger("editions")

#: The fields whose guesses the builds warn about, in the order the warning names them: the title
#: and the source, which the attribution prints. Other fields (subtitle, language) are not worth
#: a warning at every build.
GUESS_FIELDS = ("title", "publication", "url", "authors", "date")

#: How many other articles without a source the ``require_sources`` error names after the first.
_MORE_NAMED = 3


def article_name(article: Article) -> str:
    """How messages name an article: its file (as given), else its title."""
    return str(article.path) if article.path is not None else f"article '{article.title}'"


def unrecorded_warning(article: Article) -> str | None:
    """The warning for an article with no source recorded (no publication or URL), else ``None``."""
    if article.source.is_recorded:
        return None
    return (
        f"{article_name(article)}: no source recorded (no publication or URL); "
        'listed as "source not recorded"'
    )


def guessed_warning(article: Article) -> str | None:
    """The warning for an article whose title or source fields are guesses, else ``None``.

    ``articles/x.txt: guessed title (line 3), publication (line 1); check them or set them in front
    matter (see "editions import")``: the fields in :data:`GUESS_FIELDS` order, each with the lines
    of the input it came from when known.
    """
    lines: dict[str, set[int]] = {}
    for evidence in article.evidence:
        if evidence.sure or evidence.field not in GUESS_FIELDS:
            continue
        found = lines.setdefault(evidence.field, set())
        if evidence.line is not None:
            found.add(evidence.line)
    if not lines:
        return None
    named = []
    for name in GUESS_FIELDS:
        if name not in lines:
            continue
        numbers = sorted(lines[name])
        if not numbers:
            named.append(name)
        elif len(numbers) == 1:
            named.append(f"{name} (line {numbers[0]})")
        else:
            named.append(f"{name} (lines {', '.join(map(str, numbers))})")
    them = "them" if len(named) > 1 else "it"
    return (
        f"{article_name(article)}: guessed {', '.join(named)}; "
        f'check {them} or set {them} in front matter (see "editions import")'
    )


def attribution_warnings(edition: Edition, *, unrecorded: bool = True) -> list[str]:
    """Every attribution warning of ``edition``, in article order (see the module docstring).

    ``unrecorded=False`` leaves out the warnings about articles without a source.
    """
    warnings = []
    for article in edition.articles:
        for warning in (guessed_warning(article), unrecorded_warning(article) if unrecorded else None):
            if warning:
                warnings.append(warning)
    return warnings


def check_attribution(edition: Edition, *, require_sources: bool | None = None) -> None:
    """Log the attribution warnings of ``edition``; stop if sources are required and one is missing.

    ``require_sources`` (``None``: the edition's own :attr:`~editions.model.Edition.require_sources`,
    from ``require_sources`` in ``edition.toml``) turns the warning about an article without a
    source into an :class:`EditionsError` naming its file (and the next few such files).
    Guesses are only ever warned about.
    """
    required = edition.require_sources if require_sources is None else require_sources
    for warning in attribution_warnings(edition, unrecorded=not required):
        log.warning("%s", warning)
    missing = [a for a in edition.articles if not a.source.is_recorded]
    if not (required and missing):
        return
    first, others = missing[0], missing[1:]
    why = "--require-sources" if require_sources else "require_sources = true in edition.toml"
    message = (
        f"no source recorded (no publication or URL), and {why} asks for one: "
        "set 'publication' or 'url' in its front matter (see \"editions import\")"
    )
    if others:
        names = [article_name(a) for a in others[:_MORE_NAMED]]
        if len(others) > _MORE_NAMED:
            names.append(f"{len(others) - _MORE_NAMED} more")
        message += f" (also without a source: {', '.join(names)})"
    raise EditionsError(message, first.path if first.path is not None else article_name(first))
