"""An editor fixes a Japanese page in the admin: edit, preview, publish, see it live, then undo it."""

import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.stack]
PASSWORD = "hanako-edits-pages-1"  # noqa: S105
NEW_SUMMARY = "ジッターの要約を書き直しました。"


@pytest.fixture
def editor(stack):
    env = stack.env
    stack.env = {**env, "EDITOR_PASSWORD": PASSWORD}
    try:
        stack.manage("create_editor", "hanako")
    finally:
        stack.env = env
    return "hanako"


def test_an_editor_edits_previews_publishes_and_restores_a_japanese_summary(stack, browser, editor):
    editor_page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    reader = browser.new_context().new_page()
    pattern_url = f"{stack.base_url}/ja/patterns/jitter/"
    reader.goto(pattern_url)
    shipped = reader.locator("p.summary").inner_text()

    # Sign in and find the page.
    editor_page.goto(f"{stack.base_url}/ja/admin/")
    editor_page.get_by_label("ユーザー名").fill(editor)
    editor_page.get_by_label("パスワード").fill(PASSWORD)
    editor_page.get_by_role("button", name="ログイン").click()
    editor_page.goto(f"{stack.base_url}/ja/admin/catalog/pattern/?q=jitter")
    editor_page.get_by_role("link", name="ジッター").first.click()

    # Edit the Japanese summary, watch the live preview of the body, and save it as a draft.
    editor_page.locator("#id_summary_ja").fill(NEW_SUMMARY)
    body = editor_page.locator("#id_body_ja")
    body.press("Control+End")
    body.press_sequentially("\n\n**プレビュー確認**", delay=10)
    expect(editor_page.locator("#id_body_ja-preview")).to_contain_text("プレビュー確認")
    expect(editor_page.locator("#id_body_ja-preview strong", has_text="プレビュー確認")).to_be_visible()
    expect(editor_page.locator("#id_body_en-preview h2").first).to_have_text("Problem")
    editor_page.locator("#id_status").select_option("draft")
    editor_page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(editor_page.locator(".messagelist")).to_contain_text("下書き")

    # Staff preview the draft at its public address; readers cannot see it yet.
    editor_page.goto(pattern_url)
    expect(editor_page.locator(".draft-banner")).to_be_visible()
    expect(editor_page.locator("p.summary")).to_have_text(NEW_SUMMARY)
    assert reader.goto(pattern_url).status == 404

    # Publish; readers see the new text.
    editor_page.get_by_role("link", name="このページを編集").click()
    editor_page.locator("#id_status").select_option("published")
    editor_page.get_by_role("button", name="保存", exact=True).first.click()
    expect(editor_page.locator(".messagelist")).to_contain_text("変更しました")
    reader.goto(pattern_url)
    expect(reader.locator("p.summary")).to_have_text(NEW_SUMMARY)

    # Undo: restore the revision before the edits, in one action from the history.
    editor_page.goto(f"{stack.base_url}/ja/admin/catalog/pattern/?q=jitter")
    editor_page.get_by_role("link", name="ジッター").first.click()
    editor_page.get_by_role("link", name="履歴").click()
    restore_buttons = editor_page.get_by_role("button", name="この版に戻す")
    expect(restore_buttons).to_have_count(2)  # the shipped text and the draft; the newest is current
    restore_buttons.last.click()
    expect(editor_page.locator(".messagelist")).to_contain_text("版に戻しました")
    reader.goto(pattern_url)
    expect(reader.locator("p.summary")).to_have_text(shipped)
    assert "プレビュー確認" not in reader.content()
    if os.environ.get("ADMIN_SCREENSHOTS"):
        editor_page.screenshot(path=os.environ["ADMIN_SCREENSHOTS"], full_page=False)


def test_the_preview_says_so_when_the_server_cannot_be_reached_and_keeps_the_text(stack, browser, editor):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{stack.base_url}/en/admin/login/")
    page.get_by_label("Username").fill(editor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{stack.base_url}/en/admin/catalog/pattern/?q=saga")
    page.get_by_role("link", name="Saga").first.click()
    expect(page.locator("#id_body_en-preview h2").first).to_have_text("Problem")

    context.route("**/pattern/preview/", lambda route: route.abort("connectionrefused"))  # the server is gone
    page.locator("#id_body_en").press("Control+End")
    page.locator("#id_body_en").press_sequentially(" offline edit", delay=10)
    expect(page.locator("#id_body_en-offline")).to_be_visible()
    assert page.locator("#id_body_en").input_value().endswith(" offline edit")

    context.unroute("**/pattern/preview/")  # back again
    page.locator("#id_body_en").press_sequentially(" back", delay=10)
    expect(page.locator("#id_body_en-offline")).to_be_hidden()
    expect(page.locator("#id_body_en-preview")).to_contain_text("offline edit back")
    context.close()
