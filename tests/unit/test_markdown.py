"""Pattern bodies are Markdown rendered to safe HTML."""

import pytest

from catalog.markdown import render


def test_markdown_renders_headings_code_and_tables():
    html = render("## Problem\n\n```yaml\nkind: Pod\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Problem</h2>" in html
    assert '<code class="language-yaml">' in html
    assert "<table>" in html


def test_raw_html_and_script_urls_never_reach_the_page():
    html = render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<img" not in html  # shown as text, never as a tag


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("間に**サーキットブレーカー（Circuit Breaker）**を置きます。",
         "間に<strong>サーキットブレーカー（Circuit Breaker）</strong>を置きます。"),
        ("**（注）**は", "<strong>（注）</strong>は"),
        ("す**補償（Compensating Transaction）**Ci を", "す<strong>補償（Compensating Transaction）</strong>Ci を"),
        ("これは**重要**です", "これは<strong>重要</strong>です"),
        ("英語の *強調（emphasis）*です", "英語の <em>強調（emphasis）</em>です"),
        ("a **b** c", "a <strong>b</strong> c"),  # plain CommonMark is unchanged
        ("2 * 3 * 4 は 24 です", "2 * 3 * 4 は 24 です"),
        ("a**(b)**c", "a**(b)**c"),
    ],
)  # fmt: skip
def test_emphasis_closes_beside_japanese_punctuation(source, html):
    assert render(source).strip() == f"<p>{html}</p>"
