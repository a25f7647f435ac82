"""Language-aware typography (placeholder until the full module lands)."""

from __future__ import annotations


def smarten_text(text: str, lang: str) -> str:
    return text


def smarten_html(fragment: str, lang: str) -> str:
    return fragment
