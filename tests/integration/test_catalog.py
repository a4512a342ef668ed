"""The shipped pattern pages: loading them, keeping editors' changes, showing them."""

from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.content_loader import ContentError, load
from catalog.models import Pattern

pytestmark = pytest.mark.django_db


def write_pattern(root: Path, slug: str, title_en: str = "Sidecar", related=()) -> None:
    (root / "patterns" / slug).mkdir(parents=True, exist_ok=True)
    (root / "patterns" / slug / "meta.yaml").write_text(f"category: single-node\norder: 1\nrelated: {list(related)}\n")
    for code, title in (("en", title_en), ("ja", "サイドカー")):
        (root / "patterns" / slug / f"{code}.md").write_text(
            f"---\ntitle: {title}\nsummary: {code} summary\n---\n## Problem\n\n{code} body\n", encoding="utf-8"
        )


@pytest.fixture
def content(tmp_path) -> Path:
    (tmp_path / "tags.yaml").write_text("kubernetes: {en: Kubernetes, ja: Kubernetes}\n", encoding="utf-8")
    (tmp_path / "categories.yaml").write_text(
        "- slug: single-node\n  order: 1\n  name: {en: Single-node, ja: 単一ノード}\n", encoding="utf-8"
    )
    write_pattern(tmp_path, "sidecar", related=["adapter"])
    write_pattern(tmp_path, "adapter", title_en="Adapter")
    return tmp_path


def test_loading_twice_changes_nothing_the_second_time(content):
    first = load(content)
    assert sorted(first.created) == ["adapter", "sidecar"]
    second = load(content)
    assert second.created == [] and second.updated == []
    assert sorted(second.unchanged) == ["adapter", "sidecar"]
    sidecar = Pattern.objects.get(slug="sidecar")
    assert sidecar.title_ja == "サイドカー"
    assert list(sidecar.related.values_list("slug", flat=True)) == ["adapter"]


def test_a_page_edited_in_the_admin_is_kept_unless_forced(content):
    load(content)
    Pattern.objects.filter(slug="sidecar").update(summary_ja="編集者が直した概要")
    write_pattern(content, "sidecar", title_en="Sidecar (new)", related=["adapter"])
    report = load(content)
    assert report.kept == ["sidecar"]
    assert Pattern.objects.get(slug="sidecar").summary_ja == "編集者が直した概要"
    forced = load(content, force=True)
    assert "sidecar" in forced.updated
    sidecar = Pattern.objects.get(slug="sidecar")
    assert sidecar.summary_ja == "ja summary" and sidecar.title_en == "Sidecar (new)"


def test_a_changed_file_updates_an_unedited_page(content):
    load(content)
    write_pattern(content, "adapter", title_en="Adapter pattern")
    assert load(content).updated == ["adapter"]
    assert Pattern.objects.get(slug="adapter").title_en == "Adapter pattern"


def test_a_missing_language_file_names_the_file(content):
    (content / "patterns" / "adapter" / "ja.md").unlink()
    with pytest.raises(ContentError, match="adapter/ja.md is missing"):
        load(content)


def test_the_shipped_content_loads_and_every_page_renders_in_both_languages(client):
    call_command("load_content", verbosity=0)
    patterns = list(Pattern.objects.all())
    assert patterns, "no pattern pages are shipped"
    for pattern in patterns:
        for code in ("en", "ja"):
            response = client.get(f"/{code}/patterns/{pattern.slug}/")
            assert response.status_code == 200
            assert getattr(pattern, f"title_{code}") in response.content.decode()


def test_an_untranslated_page_falls_back_with_a_visible_marker(client, content):
    load(content)
    Pattern.objects.filter(slug="adapter").update(title_ja="", summary_ja="")
    body = client.get("/ja/patterns/adapter/").content.decode()
    assert "Adapter" in body
    assert 'class="untranslated"' in body
