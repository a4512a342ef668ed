"""A reader browses the catalog in a real browser: switches language, searches as they type, follows the map."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_switching_language_on_a_pattern_page_keeps_the_pattern(stack, page):
    page.goto(f"{stack.base_url}/en/patterns/circuit-breaker/")
    expect(page.locator("h1")).to_have_text("Circuit breaker")
    page.locator(".language-switcher").get_by_role("link", name="日本語").click()

    page.wait_for_url(f"{stack.base_url}/ja/patterns/circuit-breaker/")
    expect(page.locator("h1")).to_have_text("サーキットブレーカー")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator(".prose h2").first).to_have_text("課題")

    page.locator(".language-switcher").get_by_role("link", name="English").click()
    page.wait_for_url(f"{stack.base_url}/en/patterns/circuit-breaker/")
    expect(page.locator(".prose h2").first).to_have_text("Problem")


def test_search_as_you_type_finds_a_japanese_word_inside_a_longer_one(stack, page):
    page.goto(f"{stack.base_url}/ja/search/")
    page.locator("#search-q").press_sequentially("サーキット", delay=30)
    result = page.locator("#search-results").get_by_role("link", name="サーキットブレーカー")
    expect(result).to_be_visible()
    expect(page).to_have_url(re.compile(r"/ja/search/\?q=%E3%82%B5"))  # the address can be shared
    result.click()
    page.wait_for_url(f"{stack.base_url}/ja/patterns/circuit-breaker/")


def test_a_node_on_the_pattern_map_opens_its_page(stack, page):
    page.goto(f"{stack.base_url}/en/map/")
    node = page.locator('svg a[href="/en/patterns/saga/"]')
    expect(node).to_have_count(1)
    node.click()
    page.wait_for_url(f"{stack.base_url}/en/patterns/saga/")
    expect(page.locator("h1")).to_have_text("Saga")
