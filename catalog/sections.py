"""The sections every pattern page has, in each language (see CONTENT.md)."""

from __future__ import annotations

import re

REQUIRED_SECTIONS = {
    "en": ["Problem", "Solution", "When to use", "When not to use", "Trade-offs and pitfalls", "Example",
           "Related patterns", "Sources"],
    "ja": ["課題", "解決策", "使うとき", "使わないとき", "トレードオフと落とし穴", "例", "関連パターン", "出典"],
}  # fmt: skip
_HEADING = re.compile(r"^## (.+)$", re.M)


def split_sections(body: str) -> dict[str, str]:
    """Level-2 heading → the text under it."""
    parts = _HEADING.split(body or "")
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def missing_sections(body: str, language: str) -> list[str]:
    """Required sections of `language` that are absent or empty in `body`, in page order."""
    found = split_sections(body)
    return [name for name in REQUIRED_SECTIONS[language] if not found.get(name)]
