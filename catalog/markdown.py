"""Markdown to safe HTML for pattern pages.

markdown-it-py renders (raw HTML in the source is shown as text), Pygments
highlights code on the server, Mermaid blocks become pre-rendered SVG diagrams
(see `manage.py render_diagrams`), and nh3 strips anything unsafe that is left.
"""

from __future__ import annotations

import hashlib
import html
from functools import cache
from pathlib import Path

import nh3
from django.templatetags.static import static
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

DIAGRAM_DIR = Path(__file__).resolve().parent / "static" / "catalog" / "diagrams"
DIAGRAM_STATIC_PREFIX = "catalog/diagrams/"

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"figure", "details", "summary"}
ALLOWED_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "a": {"href", "title"},
    "img": {"src", "alt", "loading", "width", "height"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "div": {"class"},
    "figure": {"class"},
    "details": {"class"},
    "th": {"align", "scope"},
    "td": {"align"},
}
_FORMATTER = HtmlFormatter(nowrap=True)


def diagram_filename(source: str) -> str:
    """The SVG file a Mermaid source is rendered to: named by its content, so an edit gets a new file."""
    return hashlib.sha256(source.strip().encode()).hexdigest()[:20] + ".svg"


def _diagram(source: str) -> str:
    name = diagram_filename(source)
    code = f'<pre class="mermaid-source"><code>{html.escape(source)}</code></pre>'
    if not (DIAGRAM_DIR / name).exists():
        return code  # not rendered yet: show the source rather than nothing
    src = static(DIAGRAM_STATIC_PREFIX + name)
    alt = html.escape(_("Diagram"))
    summary = html.escape(_("Diagram source (Mermaid)"))
    return (
        f'<figure class="diagram"><img src="{src}" alt="{alt}" loading="lazy"></figure>'
        f'<details class="diagram-source"><summary>{summary}</summary>{code}</details>'
    )


def _highlight(code: str, language: str, _attrs: str) -> str:
    if language == "mermaid":
        return _diagram(code)
    try:
        lexer = get_lexer_by_name(language) if language else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes and wraps it as plain code
    highlighted = highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code class="language-{html.escape(language)}">{highlighted}</code></pre>'


@cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text, never executed.
    options = {"html": False, "linkify": False, "typographer": False, "highlight": _highlight}
    return MarkdownIt("commonmark", options).enable("table")


def render(source: str) -> str:
    """Render Markdown to HTML that is safe to mark as such in a template."""
    return nh3.clean(_parser().render(source or ""), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def pygments_css() -> str:
    """The stylesheet for highlighted code (static/css/pygments.css is generated from it)."""
    return HtmlFormatter(style="friendly").get_style_defs(".highlight")
