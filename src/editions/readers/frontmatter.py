"""YAML front matter shared by every text-based reader.

In: the decoded text of an article file. Out: a :class:`FrontMatter` with the validated fields
(plain text values, a :class:`datetime.date`, tuples of authors and tags) and the body that
follows the closing ``---``, plus the line number the body starts on (for error messages).

Recognised fields: ``title, subtitle, author`` (a string or a list; ``authors`` is accepted
too), ``date, lang, publication, url, rights, note, tags``, and ``promos`` (closing calls to action,
kept out of the body; written by ``editions import``). Unknown fields are ignored.

Parsing is bounded before any value is built or normalised: a front matter longer than
:data:`MAX_FRONT_MATTER_CHARS`, with more than :data:`MAX_ALIASES` aliases (``*name``), or whose
aliases would expand to more than :data:`MAX_EXPANDED_CHARS` characters of text (the "billion
laughs" shape: one long anchored value repeated thousands of times) is refused with an error
naming the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import EditionsError

_FENCE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)

#: The longest front matter read (characters between the fences).
MAX_FRONT_MATTER_CHARS = 256 * 1024
#: The most aliases (``*name``) one front matter may use.
MAX_ALIASES = 100
#: The most text (characters of keys and values) all the aliases together may stand for.
MAX_EXPANDED_CHARS = 512 * 1024

TEXT_FIELDS = ("title", "subtitle", "lang", "publication", "url", "rights", "note")


@dataclass
class FrontMatter:
    """Validated front matter fields; ``None`` (or empty) where the file does not give them."""

    fields: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


def split_front_matter(text: str, path: Path) -> FrontMatter:
    """Split ``text`` into validated front matter and body.

    Raises :class:`EditionsError` naming ``path`` and the line for malformed YAML or a front
    matter that is not a mapping.
    """
    match = _FENCE.match(text)
    if not match:
        return FrontMatter(body=text.lstrip("\ufeff"), body_line=1)
    raw = match.group(1)
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise EditionsError(
            f"front matter too long: {len(raw):,} characters; the limit is {MAX_FRONT_MATTER_CHARS:,}",
            path,
            1,
        )
    try:
        data = _bounded_load(raw)
    except _Unbounded as exc:
        raise EditionsError(f"front matter refused: {exc.problem}", path, exc.line + 2) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the fence
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise EditionsError(f"broken front matter: {problem}", path, line) from None
    except ValueError as exc:  # PyYAML's timestamp constructor: 2023-02-30
        raise EditionsError(f"impossible date in the front matter ({exc})", path) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EditionsError("front matter must be a mapping of field: value", path, 2)
    body_line = text[: match.end()].count("\n") + 1
    return FrontMatter(fields=normalise_fields(data, path), body=text[match.end() :], body_line=body_line)


class _Unbounded(Exception):
    """YAML whose aliases would expand beyond the caps (``line``: 0-based, in the front matter)."""

    def __init__(self, problem: str, line: int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting aliases and what they stand for while the document is composed.

    Composition shares the node an alias refers to (nothing is copied yet); the size of every node
    (characters of its scalars, aliases included) is recorded as it is completed, so each alias adds
    the size of its node to the running total, and a nested "billion laughs" is caught at the first
    alias that pushes the total over :data:`MAX_EXPANDED_CHARS`, before any Python value is built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if not self.check_event(yaml.AliasEvent):
            composed = super().compose_node(parent, index)
            assert composed is not None  # PyYAML's Composer returns None only at the end of a stream
            node: yaml.Node = composed
            self._sizes[id(node)] = self._size(node)
            return node
        line = self.peek_event().start_mark.line
        self._aliases += 1
        if self._aliases > MAX_ALIASES:
            raise _Unbounded(f"more than {MAX_ALIASES} aliases (*name)", line)
        alias = super().compose_node(parent, index)
        assert alias is not None  # an alias event always composes to the node it names
        node = alias
        size = self._sizes.get(id(node))
        if size is None:
            raise _Unbounded("an alias (*name) inside the value it names", line)
        self._expanded += size
        if self._expanded > MAX_EXPANDED_CHARS:
            raise _Unbounded(
                f"its aliases (*name) would expand to more than {MAX_EXPANDED_CHARS:,} characters", line
            )
        return node

    def _size(self, node: yaml.Node) -> int:
        if isinstance(node, yaml.ScalarNode):
            return len(node.value) + 1
        if isinstance(node, yaml.MappingNode):
            return 1 + sum(self._sizes.get(id(k), 0) + self._sizes.get(id(v), 0) for k, v in node.value)
        return 1 + sum(self._sizes.get(id(item), 0) for item in node.value)


def _bounded_load(raw: str) -> Any:
    """``yaml.safe_load(raw)`` under the caps of :class:`_BoundedLoader`."""
    loader = _BoundedLoader(raw)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def normalise_fields(data: dict[Any, Any], path: Path) -> dict[str, Any]:
    """Validate and normalise raw front matter values (shared with ``edition.toml``)."""
    out: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = data.get(key)
        if value is not None:
            out[key] = _text(value, key, path)
    if "lang" in out:
        out["lang"] = normalise_lang(out["lang"], path)
    authors = data.get("author", data.get("authors"))
    if authors is not None:
        out["authors"] = _text_list(authors, "author", path)
    translators = data.get("translator", data.get("translators"))
    if translators is not None:
        out["translators"] = _text_list(translators, "translator", path)
    for key in ("tags", "promos"):
        if data.get(key) is not None:
            out[key] = _text_list(data[key], key, path)
    if data.get("date") is not None:
        out["date"] = parse_date_value(data["date"], path)
    return out


def _text(value: Any, key: str, path: Path) -> str:
    if isinstance(value, (dict, list)):
        raise EditionsError(f"front matter field '{key}' must be text, not a {type(value).__name__}", path)
    text = str(value).strip()
    return " ".join(text.split()) if key != "note" else text


def _text_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list):
        items = value
    else:
        raise EditionsError(f"front matter field '{key}' must be text or a list of text", path)
    out = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise EditionsError(f"front matter field '{key}' must be text or a list of text", path)
        if item is not None and str(item).strip():
            out.append(" ".join(str(item).split()))
    return tuple(out)


def parse_date_value(value: Any, path: Path) -> dt.date:
    """A date from YAML/TOML (already a date) or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise EditionsError(f"impossible date '{text}'", path) from None
    raise EditionsError(f"date '{text}' is not in the form YYYY-MM-DD", path)


_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def normalise_lang(value: str, path: Path | None = None) -> str:
    """A BCP 47 language tag in its usual case (``en``, ``pt-BR``), or an error."""
    value = value.strip()
    if not _LANG.fullmatch(value):
        raise EditionsError(f"'{value}' is not a language tag such as 'en' or 'pt-BR'", path)
    parts = value.replace("_", "-").split("-")
    head = parts[0].lower()
    rest = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p.lower() for p in parts[1:]]
    return "-".join([head, *rest])
