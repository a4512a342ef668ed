"""A reader presses Run on the tracer and watches the chart grow until the run finishes."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def points_in_chart(page, chart_id: str) -> int:
    return page.evaluate(f"document.getElementById('{chart_id}').data[0].x.length")


def test_run_button_streams_a_growing_chart_to_completion(stack, page):
    page.goto(f"{stack.base_url}/en/playground/scenarios/tracer/")
    page.get_by_label("Count to").fill("25")
    page.get_by_label("Pause per step (ms)").fill("120")
    page.get_by_role("button", name="Run").click()

    page.wait_for_url(re.compile(r"/en/playground/runs/\d+/$"))
    expect(page.locator("[data-role=connection]")).to_have_text("Live")
    page.wait_for_function("document.getElementById('chart-count')?.data?.[0]?.x?.length > 0")
    early = points_in_chart(page, "chart-count")
    assert early < 25, "the chart should be drawn while the run is going, not only at the end"
    page.wait_for_function(f"document.getElementById('chart-count')?.data?.[0]?.x?.length > {early}")

    expect(page.locator("[data-role=status]")).to_have_text("Succeeded", timeout=20_000)
    assert points_in_chart(page, "chart-count") == 25
    assert page.locator("[data-role=progress]").evaluate("el => el.value") == 1
    expect(page.locator("#result-body")).to_contain_text("325")  # 25 * 26 / 2
    expect(page.locator("[data-role=events]")).to_contain_text("Halfway")


def test_a_permalink_opened_after_the_run_replays_it_in_japanese(stack, page):
    page.goto(f"{stack.base_url}/ja/playground/scenarios/tracer/")
    page.get_by_label("数える上限").fill("6")
    page.get_by_label("ステップごとの待ち時間 (ms)").fill("0")
    page.get_by_role("button", name="実行").click()
    page.wait_for_url(re.compile(r"/ja/playground/runs/\d+/$"))
    expect(page.locator("[data-role=status]")).to_have_text("完了", timeout=20_000)
    permalink = page.url

    page.goto(permalink)  # a late visitor
    expect(page.locator("[data-role=status]")).to_have_text("完了")
    page.wait_for_function("document.getElementById('chart-total')?.data?.[0]?.x?.length === 6")
    expect(page.locator("#result-body")).to_contain_text("21")
    expect(page.locator("[data-role=events]")).to_contain_text("折り返し地点")


def test_bad_input_is_answered_next_to_the_field_and_nothing_is_lost(stack, page):
    page.goto(f"{stack.base_url}/en/playground/scenarios/tracer/")
    page.get_by_label("Count to").fill("5000")
    page.get_by_label("Pause per step (ms)").fill("30")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".field.has-error .error")).to_contain_text("less than or equal to 1000")
    expect(page.get_by_label("Pause per step (ms)")).to_have_value("30")
    assert "/scenarios/tracer/" in page.url


def test_the_language_switcher_keeps_the_reader_on_the_same_page(stack, page):
    page.goto(f"{stack.base_url}/en/playground/scenarios/tracer/")
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url(f"{stack.base_url}/ja/playground/scenarios/tracer/")
    expect(page.locator("h1")).to_have_text("トレーサー")
