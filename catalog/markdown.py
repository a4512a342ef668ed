"""Markdown to safe HTML for pattern pages.

markdown-it-py renders (raw HTML in the source is shown as text), Pygments
highlights code on the server, Mermaid blocks become pre-rendered SVG diagrams
(see `manage.py render_diagrams`), and nh3 strips anything unsafe that is left.

Emphasis follows CommonMark except beside Japanese (CJK) text: CommonMark will
not close `**サーキットブレーカー（Circuit Breaker）**を` because the run sits
between full-width punctuation and a letter with no space, which Japanese never
has. There a CJK neighbour counts as a word boundary, as the "CJK-friendly"
emphasis proposal for CommonMark does.
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
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

RENDERER_VERSION = 3  # part of the cache key of rendered bodies: bump when the output changes
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


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK symbols and punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width and half-width forms
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
    )


class _CjkFriendlyState(StateInline):
    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:  # noqa: N802, N803 (markdown-it's names)
        scanned = super().scanDelims(start, canSplitWord)
        last = self.src[start - 1] if start > 0 else " "
        following = self.src[start + scanned.length] if start + scanned.length < self.posMax else " "
        cjk = is_cjk(last) or is_cjk(following)  # e.g. "）**を", "す**補", "）**Ci"
        if not cjk:
            return scanned
        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(following)) or isPunctChar(following)
        last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
        left_flanking = not next_space and (not next_punct or last_space or last_punct or cjk)
        right_flanking = not last_space and (not last_punct or next_space or next_punct or cjk)
        can_open = left_flanking and (canSplitWord or not right_flanking or last_punct or cjk)
        can_close = right_flanking and (canSplitWord or not left_flanking or next_punct or cjk)
        return Scanned(can_open, can_close, scanned.length)


class _CjkFriendlyInline(ParserInline):
    def parse(self, src, md, env, tokens):
        state = _CjkFriendlyState(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


@cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text, never executed.
    options = {"html": False, "linkify": False, "typographer": False, "highlight": _highlight}
    md = MarkdownIt("commonmark", options).enable("table")
    inline = _CjkFriendlyInline()
    for chain in ("ruler", "ruler2"):  # keep the rules as configured above
        setattr(inline, chain, getattr(md.inline, chain))
    md.inline = inline
    return md


def render(source: str) -> str:
    """Render Markdown to HTML that is safe to mark as such in a template."""
    return nh3.clean(_parser().render(source or ""), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def pygments_css() -> str:
    """The stylesheet for highlighted code (static/css/pygments.css is generated from it)."""
    return HtmlFormatter(style="friendly").get_style_defs(".highlight")
