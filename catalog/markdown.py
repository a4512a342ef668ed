"""Markdown to safe HTML: markdown-it-py renders, nh3 strips anything unsafe."""

from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"pre", "code", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4"}


@cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text, never executed.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render(source: str) -> str:
    """Render Markdown to HTML that is safe to mark as such in a template."""
    html = _parser().render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "code": {"class"}, "th": {"align"}, "td": {"align"}},
    )
