"""Pattern bodies are Markdown rendered to safe HTML."""

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
