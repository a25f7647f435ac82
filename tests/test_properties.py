"""Property-based tests: whatever the readers are given, they return an article or raise ``EditionsError``.

Hypothesis throws random text and bytes in every format, random front matter (valid YAML of any
shape and broken YAML), random manifests (valid TOML of any shape and broken TOML) and random
HTML at the readers, the edition loader and the sanitiser. Nothing else may come out: no other
exception, no hang, and sanitised HTML that keeps its promises.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import editions
from editions import EditionsError
from editions.model import Article, Edition
from editions.sanitize import MAX_NESTING, _max_depth, clean_html

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SUFFIXES = [".md", ".txt", ".html", ".docx", ".odt"]
FIELDS = ["title", "subtitle", "author", "authors", "date", "lang", "publication", "url", "rights", "note"]
FIELDS += ["tags", "promos"]
_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="editions-prop-") as name:
        yield Path(name)


def _check_article(article: Article) -> None:
    assert isinstance(article, Article)
    assert isinstance(article.title, str) and article.title.strip()
    assert isinstance(article.body_html, str)
    assert _LANG.match(article.lang), article.lang
    assert article.source.url is None or re.match(r"https?://", article.source.url)
    assert "<script" not in article.body_html.lower()


def read_or_error(path: Path) -> Article | None:
    try:
        article = editions.read_article(path)
    except EditionsError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip().split("\n")[0]
        return None
    _check_article(article)
    return article


# ---------------------------------------------------------------------------------------------
# Random files


@SETTINGS
@given(text=st.text(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_random_text_in_every_format(text: str, suffix: str) -> None:
    with _folder() as folder:
        path = folder / f"article{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        read_or_error(path)


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_in_every_format(data: bytes, suffix: str) -> None:
    with _folder() as folder:
        path = folder / f"article{suffix}"
        path.write_bytes(data)
        read_or_error(path)


_MARKUP = st.sampled_from(
    [
        "<p>", "</p>", "<blockquote>", "</blockquote>", "<ul><li>", "</li></ul>", "<table><tr><td>",
        "<img src=x>", "<script>alert(1)</script>", "<a href='javascript:x'>", "</a>", "[^1]",
        "[^1]: note\n", "> ", "- ", "1. ", "# ", "\n\n", "```\n", "{{ 7 * 7 }}", "{% raw %}",
        "![i](../x.png)", "<svg>", "<!--", "-->", "&#0;", "\u202e", "\x00", "\r", "\t", "---\n",
        "title: x\n", ":", "|a|b|\n|-|-|\n",
    ]
)  # fmt: skip


@SETTINGS
@given(
    parts=st.lists(st.one_of(_MARKUP, st.text(max_size=30)), max_size=80),
    suffix=st.sampled_from(SUFFIXES[:3]),
)
def test_random_markup_soup(parts: list[str], suffix: str) -> None:
    with _folder() as folder:
        path = folder / f"soup{suffix}"
        path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
        read_or_error(path)


# ---------------------------------------------------------------------------------------------
# Random front matter

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    fields=st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), _VALUES, max_size=8),
    body=st.text(max_size=300),
    suffix=st.sampled_from([".md", ".txt"]),
)
def test_random_front_matter(fields: dict, body: str, suffix: str) -> None:
    front = yaml.safe_dump(fields, allow_unicode=True)
    with _folder() as folder:
        path = folder / f"front{suffix}"
        path.write_text(f"---\n{front}---\n{body}", encoding="utf-8", errors="surrogatepass")
        article = read_or_error(path)
    if article is not None and isinstance(fields.get("title"), str) and fields["title"].strip():
        assert "{{" not in fields["title"] or "{{" in article.title  # template text stays text


@SETTINGS
@given(raw=st.text(max_size=400), body=st.text(max_size=100))
def test_random_text_between_front_matter_fences(raw: str, body: str) -> None:
    with _folder() as folder:
        path = folder / "fenced.md"
        path.write_text(f"---\n{raw}\n---\n{body}", encoding="utf-8", errors="surrogatepass")
        read_or_error(path)


@SETTINGS
@given(
    string_chars=st.integers(min_value=0, max_value=20_000),
    fan_out=st.lists(st.integers(min_value=1, max_value=12), max_size=4),
    uses=st.integers(min_value=0, max_value=150),
    where=st.sampled_from(["tags", "author", "promos", "title", "unknown"]),
)
def test_front_matter_aliases_are_bounded(
    string_chars: int, fan_out: list[int], uses: int, where: str
) -> None:
    """Anchors nested ``len(fan_out)`` deep, each level repeating the one below; ``uses`` aliases to the top.

    The loader refuses (one line naming the file and line) exactly when the aliases exceed the caps,
    and answers quickly either way.
    """
    from editions.readers.frontmatter import MAX_ALIASES, MAX_EXPANDED_CHARS

    lines = ["---", "lang: en", f'a0: &a0 "{"x" * string_chars}"']
    for level, count in enumerate(fan_out, start=1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * count) + "]")
    top = f"*a{len(fan_out)}"
    lines.append(f"{where}: [" + ", ".join([top] * uses) + "]")
    lines += ["---", "The body of the article."]
    aliases = sum(fan_out) + uses
    # What the aliases stand for: characters, and one more for every value (a string, a list).
    size, expanded = string_chars + 1, 0
    for count in fan_out:
        expanded += count * size
        size = 1 + count * size
    expanded += uses * size
    with _folder() as folder:
        path = folder / "aliases.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        start = time.perf_counter()
        try:
            editions.read_article(path)
            message = ""
        except EditionsError as exc:
            message = str(exc)
        assert time.perf_counter() - start < 5
    refused = "front matter refused" in message
    if aliases > MAX_ALIASES or expanded > 2 * MAX_EXPANDED_CHARS:
        assert refused, message
        assert message.startswith(f"{path}:") and message.split(":")[1].isdigit()
    elif expanded < MAX_EXPANDED_CHARS // 2:
        assert not refused, message


_DENSE_UNITS = {
    "paragraph": "w\n\n",
    "item": "- i\n",
    "row": "| a | b |\n",
    "note": "n[^{n}]\n\n[^{n}]: x\n\n",
    "image": "![i](i.png)\n\n",
    "emphasis": "*e* ",
    "quote": "> q\n\n",
}
_SMALL_LIMITS = {"blocks": 120, "elements": 300, "list_items": 40, "table_cells": 50, "footnotes": 15}


@SETTINGS
@given(units=st.lists(st.tuples(st.sampled_from(sorted(_DENSE_UNITS)), st.integers(1, 60)), max_size=8))
def test_markup_dense_bodies_are_refused_exactly_when_over_a_limit(units: list[tuple[str, int]]) -> None:
    """With small limits: an article is read when its counts are within them, refused (one line naming
    the file and the count over) when one is over, and the counts agree with the sanitised HTML."""
    from unittest import mock

    from editions import limits

    small = limits.Counts(**_SMALL_LIMITS, images=8)
    body, n = "", 0
    for unit, repeat in units:
        for _ in range(repeat):
            n += 1
            text = _DENSE_UNITS[unit].replace("{n}", str(n))
            body += ("| a | b |\n|---|---|\n" if unit == "row" and not body.endswith("|\n") else "") + text
        body += "\n"
    with _folder() as folder:
        path = folder / "dense.md"
        path.write_text(f"---\ntitle: Dense\nlang: en\n---\n{body}", encoding="utf-8")
        unlimited = editions.read_article(path)
        counts = limits.count_html(unlimited.body_html, unlimited.footnotes)
        over = [name for name in _SMALL_LIMITS if getattr(counts, name) > getattr(small, name)]
        over += ["images"] if counts.images > small.images else []
        with mock.patch.object(limits, "ARTICLE_LIMITS", small):
            try:
                editions.read_article(path)
                message = ""
            except EditionsError as exc:
                message = str(exc)
    if over:
        assert message.startswith(str(path)) and "too much for one article" in message, (counts, message)
        assert "\n" not in message and "the limit is" in message
    else:
        assert message == "", (counts, message)


# ---------------------------------------------------------------------------------------------
# Random manifests


def _toml(value: object) -> str:
    """A TOML value (strings escaped as JSON strings, which TOML accepts)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "nan"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


_TOML_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.dates(min_value=dt.date(1, 1, 1)),
)
_TOML_VALUES = st.recursive(
    _TOML_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
MANIFEST_KEYS = ["title", "subtitle", "editor", "publisher", "date", "lang", "articles", "rights", "colophon"]
MANIFEST_KEYS += ["contact", "style", "cover", "identifier", "description"]
_ENTRIES = st.sampled_from(
    [
        "a.md", "b.txt", "c.html", "missing.md", "../outside.md", "/etc/passwd", "sub", "sub/d.md", "a.md/",
        "link.md", ".hidden.md", "https://example.org/x", "http://127.0.0.1:9/x", "file:///etc/passwd", "",
    ]
)  # fmt: skip


def _edition_folder(root: Path) -> Path:
    folder = root / "edition"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text("---\ntitle: A\n---\nText of A.\n", encoding="utf-8")
    (folder / "b.txt").write_text("B\n\nText of B.\n", encoding="utf-8")
    (folder / "c.html").write_text(
        "<html><body><article><h1>C</h1><p>" + "Text of C. " * 30 + "</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "sub" / "d.md").write_text("# D\n\nText of D.\n", encoding="utf-8")
    (folder / ".hidden.md").write_text("# Hidden\n\nText.\n", encoding="utf-8")
    (root / "outside.md").write_text("# Outside\n\nSecret.\n", encoding="utf-8")
    (folder / "link.md").symlink_to(root / "outside.md")
    return folder


def load_or_error(paths: list[Path]) -> Edition | None:
    try:
        edition = editions.load_edition(paths, offline=True)
    except EditionsError as exc:
        assert str(exc).strip()
        return None
    assert isinstance(edition, Edition) and edition.articles
    for article in edition.articles:
        _check_article(article)
        assert article.path is None or "outside" not in article.path.read_text(encoding="utf-8")
    return edition


@SETTINGS
@given(
    fields=st.dictionaries(
        st.one_of(st.sampled_from(MANIFEST_KEYS), st.text(max_size=10)), _TOML_VALUES, max_size=8
    ),
    entries=st.one_of(st.none(), st.lists(st.one_of(_ENTRIES, st.text(max_size=12)), max_size=5)),
)
def test_random_manifests(fields: dict, entries: list[str] | None) -> None:
    if entries is not None:
        fields = {**fields, "articles": entries}
    lines = [f"{json.dumps(str(key), ensure_ascii=False)} = {_toml(value)}" for key, value in fields.items()]
    with _folder() as root:
        folder = _edition_folder(root)
        (folder / "edition.toml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass"
        )
        edition = load_or_error([folder])
        if edition is not None:
            inside = [a.path.resolve().is_relative_to(folder.resolve()) for a in edition.articles if a.path]
            assert all(inside)


@SETTINGS
@given(text=st.text(max_size=500))
def test_random_text_as_a_manifest(text: str) -> None:
    with _folder() as root:
        folder = _edition_folder(root)
        (folder / "edition.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        load_or_error([folder])


# ---------------------------------------------------------------------------------------------
# The sanitiser

_TAGS = [
    "p",
    "a",
    "img",
    "script",
    "style",
    "iframe",
    "object",
    "svg",
    "blockquote",
    "ul",
    "li",
    "table",
    "td",
]
_TAGS += ["div", "span", "q", "sup", "form", "math", "link", "base", "em", "ol", "time"]
_ATTRS = ["href", "src", "cite", "style", "onerror", "onload", "lang", "dir", "class", "data-fn", "start"]
_ATTRS += ["value", "colspan", "srcset", "xlink:href", "action", "background", "datetime", "type"]
_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    " java\tscript:x",
    "file:///etc/passwd",
    "FILE:x",
    "data:text/html,x",
]
_URLS += [
    "data:image/png;base64,iVBORw0KGgo=",
    "vbscript:x",
    "http://127.0.0.1/x",
    "https://ok.example/",
    "../x",
]
_URLS += ["/etc/passwd", "#a", "mailto:a@b.c", "&#106;avascript:x", "fn", "en-GB", "../../etc", "1e9", "-1"]


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 3))
        if kind == 0 or depth > 6:
            parts.append(draw(st.text(max_size=15)))
        else:
            tag = draw(st.sampled_from(_TAGS))
            attrs = draw(st.lists(st.tuples(st.sampled_from(_ATTRS), st.sampled_from(_URLS)), max_size=3))
            rendered = "".join(f' {name}="{value}"' for name, value in attrs)
            inner = draw(_html(depth + 1))
            closing = draw(st.booleans())
            parts.append(f"<{tag}{rendered}>{inner}" + (f"</{tag}>" if closing else ""))
    return "".join(parts)


@SETTINGS
@given(html=_html(), nesting=st.integers(0, 120))
def test_sanitised_html_keeps_its_promises(html: str, nesting: int) -> None:
    out = clean_html("<div>" * nesting + html + "</div>" * nesting)
    lowered = out.lower()
    for forbidden in ("<script", "<style", "<iframe", "<object", "<svg", "<form", "<link", "<base", "<math"):
        assert forbidden not in lowered
    tags = " ".join(re.findall(r"<[a-z][^>]*>", lowered))
    assert not re.search(r"\son[a-z]+\s*=", tags) and not re.search(r"\sstyle\s*=", tags)
    for value in re.findall(r'(?:href|src|cite)="([^"]*)"', out):
        compact = re.sub(r"[\x00-\x20]+", "", value).lower()
        assert not compact.startswith(("javascript:", "file:", "vbscript:", "data:text")), value
    assert _max_depth(out) <= MAX_NESTING
