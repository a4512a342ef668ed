"""The editors' admin: roles, live preview, publishing rules, drafts, history and restore, renames, lockout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from catalog.models import Pattern, SlugRedirect
from catalog.sections import split_sections

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-editor-passphrase"  # noqa: S105


@pytest.fixture
def catalog(db):
    call_command("load_content", verbosity=0)


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("hanako", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def change_form_data(pattern: Pattern, **changes) -> dict:
    """What the admin change form posts for `pattern`, with `changes` applied."""
    data = {
        "slug": pattern.slug, "status": pattern.status, "category": pattern.category_id, "order": pattern.order,
        "related": [p.pk for p in pattern.related.all()], "tags": [t.pk for t in pattern.tags.all()],
        "scenario": pattern.scenario,
    }  # fmt: skip
    for name in ("title", "summary", "body"):
        for code in ("en", "ja"):
            data[f"{name}_{code}"] = getattr(pattern, f"{name}_{code}")
    data.update(changes)
    return data


def change_url(pattern: Pattern, language: str = "en") -> str:
    return f"/{language}/admin/catalog/pattern/{pattern.pk}/change/"


def test_the_editor_group_edits_pages_but_not_accounts(editor_client, catalog):
    assert editor_client.get("/en/admin/catalog/pattern/").status_code == 200
    saga = Pattern.objects.get(slug="saga")
    assert editor_client.get(change_url(saga)).status_code == 200
    assert editor_client.get("/en/admin/auth/user/").status_code == 403
    assert editor_client.get("/en/admin/auth/group/").status_code == 403
    assert editor_client.get(f"/en/admin/catalog/pattern/{saga.pk}/delete/").status_code == 403


def test_the_japanese_and_english_fields_are_edited_side_by_side_with_a_live_preview(editor_client, catalog):
    page = editor_client.get(change_url(Pattern.objects.get(slug="saga"), "ja")).content.decode()
    assert re.search(r'name="body_en".*name="body_ja"', page, re.S)
    assert page.count('class="markdown-preview prose"') == 2
    assert 'hx-post="/ja/admin/catalog/pattern/preview/"' in page


def test_preview_renders_markdown_safely_and_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = "/en/admin/catalog/pattern/preview/"
    body = "## 課題\n\n**太字**です。<script>alert(1)</script>\n\n```python\nprint('hi')\n```"
    assert client.post(url, {"body_ja": body}).status_code == 403  # no token
    client.get("/en/admin/catalog/pattern/")
    token = client.cookies["csrftoken"].value
    html = client.post(url, {"body_ja": body}, HTTP_X_CSRFTOKEN=token).content.decode()
    assert "<h2>課題</h2>" in html and "<strong>太字</strong>" in html
    assert "<script" not in html and 'class="highlight"' in html


def test_readers_cannot_reach_the_preview(client, catalog):
    response = client.post("/en/admin/catalog/pattern/preview/", {"body_en": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_page_cannot_be_published_with_a_language_or_a_section_missing(editor_client, catalog):
    saga = Pattern.objects.get(slug="saga")
    body_without_example = re.sub(r"## 例\n.*?(?=\n## )", "## 例\n\n", saga.body_ja, flags=re.S)
    response = editor_client.post(
        change_url(saga, "ja"), change_form_data(saga, summary_ja="", body_ja=body_without_example)
    )
    assert response.status_code == 200  # the form again, with errors
    errors = response.context["adminform"].form.errors
    assert errors["summary_ja"] == ["公開する前に入力してください。"]
    assert "例" in errors["body_ja"][0]
    saga.refresh_from_db()
    assert saga.summary_ja  # nothing was saved

    draft = editor_client.post(change_url(saga), change_form_data(saga, summary_ja="", status="draft"))
    assert draft.status_code == 302  # a draft may be incomplete


def test_drafts_are_hidden_from_readers_and_previewed_by_staff(client, editor_client, catalog):
    saga = Pattern.objects.get(slug="saga")
    saga.status = Pattern.Status.DRAFT
    saga.save()
    assert client.get("/en/patterns/saga/").status_code == 404
    assert "/en/patterns/saga/" not in client.get("/en/").content.decode()
    assert "/en/patterns/saga/" not in client.get("/en/map/").content.decode()
    assert "/en/patterns/saga/" not in client.get("/en/patterns/transactional-outbox/").content.decode()
    assert [p for p in client.get("/en/search/", {"q": "saga"}).context["results"] if p.slug == "saga"] == []
    assert "saga" not in {p["slug"] for p in client.get("/api/patterns").json()["patterns"]}

    staff_view = editor_client.get("/en/patterns/saga/")
    assert staff_view.status_code == 200
    assert "Draft: readers cannot see this page yet" in staff_view.content.decode()


def test_every_save_is_a_revision_and_one_action_restores_an_earlier_one(client, editor_client, editor, catalog):
    jitter = Pattern.objects.get(slug="jitter")
    shipped = jitter.summary_ja
    response = editor_client.post(change_url(jitter, "ja"), change_form_data(jitter, summary_ja="新しい要約です。"))
    assert response.status_code == 302
    assert "新しい要約です。" in client.get("/ja/patterns/jitter/").content.decode()

    versions = Version.objects.get_for_object(jitter)
    assert versions.count() == 2
    assert versions[0].revision.user == editor
    history = editor_client.get(f"/ja/admin/catalog/pattern/{jitter.pk}/history/").content.decode()
    assert "この版に戻す" in history

    older, newer = versions[1], versions[0]
    diff = editor_client.get(
        f"/ja/admin/catalog/pattern/{jitter.pk}/history/compare/",
        {"version_id1": older.pk, "version_id2": newer.pk},
    ).content.decode()
    assert "<ins>新しい要約で</ins>" in diff and "<del>リトライの" in diff  # a character-level diff
    assert "概要 [ja]" in diff and "history/compare/?version_id1" not in diff

    restore = f"/ja/admin/catalog/pattern/{jitter.pk}/history/{older.pk}/restore/"
    assert editor_client.get(restore).status_code == 405  # a change needs a POST (and so the CSRF token)
    assert editor_client.post(restore).status_code == 302
    jitter.refresh_from_db()
    assert jitter.summary_ja == shipped
    assert shipped in client.get("/ja/patterns/jitter/").content.decode()
    assert Version.objects.get_for_object(jitter).count() == 3  # the restore is a revision too
    assert set(jitter.related.values_list("pk", flat=True)) == set(older.field_dict["related"])


def test_a_renamed_page_keeps_its_old_address_and_the_loader_leaves_it_alone(client, catalog):
    page = Pattern.objects.get(slug="jitter")
    page.slug = "retry-jitter"
    page.save()
    response = client.get("/ja/patterns/jitter/")
    assert response.status_code == 301 and response["Location"] == "/ja/patterns/retry-jitter/"
    assert SlugRedirect.objects.get(old_slug="jitter").pattern == page

    call_command("load_content", verbosity=0)
    assert not Pattern.objects.filter(slug="jitter").exists()
    assert Pattern.objects.get(slug="retry-backoff").related.filter(slug="retry-jitter").exists()


def test_the_list_shows_and_filters_translation_status(editor_client, catalog):
    behind = Pattern.objects.get(slug="saga")
    Pattern.objects.filter(pk=behind.pk).update(ja_edited_at=behind.en_edited_at - timedelta(days=30))
    Pattern.objects.filter(slug="fan-out").update(body_ja="")

    listing = editor_client.get("/en/admin/catalog/pattern/", {"translation": "behind-ja"})
    assert [p.slug for p in listing.context["cl"].result_list] == ["saga"]
    listing = editor_client.get("/en/admin/catalog/pattern/", {"translation": "missing-ja"})
    assert [p.slug for p in listing.context["cl"].result_list] == ["fan-out"]
    page = editor_client.get("/ja/admin/catalog/pattern/").content.decode()
    assert "日本語が未翻訳" in page and "日本語が古い" in page


def test_line_ends_from_the_browser_are_stored_as_in_the_repository(editor_client, catalog):
    saga = Pattern.objects.get(slug="saga")
    shipped = saga.body_en
    editor_client.post(change_url(saga), change_form_data(saga, body_en=shipped.replace("\n", "\r\n")))
    saga.refresh_from_db()
    assert saga.body_en.strip() == shipped.strip() and "\r" not in saga.body_en


def test_editing_one_language_dates_only_that_language(editor_client, catalog):
    saga = Pattern.objects.get(slug="saga")
    before_en, before_ja = saga.en_edited_at, saga.ja_edited_at
    editor_client.post(change_url(saga), change_form_data(saga, summary_en=saga.summary_en + " Edited."))
    saga.refresh_from_db()
    assert saga.en_edited_at > before_en and saga.ja_edited_at == before_ja


def test_repeated_wrong_passwords_lock_the_account_out_in_the_readers_language(editor, settings):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/ja/admin/login/", {"username": "hanako", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    assert client.post("/ja/admin/login/", {"username": "hanako", "password": "wrong"}).status_code == 429
    locked = client.post("/ja/admin/login/", {"username": "hanako", "password": PASSWORD})
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "サインインの試行が多すぎます" in text and "15 分" in text
    other = Client().post("/en/admin/login/", {"username": "hanako", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # only that username from that address is locked


def test_admin_posts_need_the_csrf_token(editor, catalog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    saga = Pattern.objects.get(slug="saga")
    assert client.post(change_url(saga), change_form_data(saga, summary_en="x")).status_code == 403


def test_shipped_pages_start_with_a_revision_to_return_to(catalog):
    assert all(Version.objects.get_for_object(p).exists() for p in Pattern.objects.all())


def test_the_sections_helper_matches_the_shipped_pages(catalog):
    assert "Problem" in split_sections(Pattern.objects.get(slug="saga").body_en)
