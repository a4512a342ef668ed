"""The playground as a reader uses it: watch through a dropped connection, compare two settings."""

import re

import pytest
from playwright.sync_api import expect

from tests.stack import _port_open, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def chart_x(page, chart_id: str, trace: int = 0) -> list[float]:
    return page.evaluate(f"Array.from(document.getElementById('{chart_id}').data[{trace}].x)")


def launch_tracer(page, stack, count: int, delay_ms: int, language: str = "en") -> None:
    page.goto(f"{stack.base_url}/{language}/playground/scenarios/tracer/")
    page.locator("#id_count").fill(str(count))
    page.locator("#id_delay_ms").fill(str(delay_ms))
    page.locator("#run-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/playground/runs/\d+/$"))


def test_the_topology_and_event_log_follow_the_run(stack, page):
    launch_tracer(page, stack, count=12, delay_ms=150)
    worker = page.locator("#topology [data-node=worker]")
    expect(worker).to_have_attribute("data-state", "busy")
    expect(page.locator("[data-role=status]")).to_have_text("Succeeded", timeout=20_000)
    expect(worker).to_have_attribute("data-state", "ok")
    expect(page.locator("[data-role=events] li")).to_have_count(1)
    expect(page.locator("[data-role=events]")).to_contain_text("t=6 s ")


def test_a_dropped_socket_and_a_restarted_socket_server_leave_no_gap(stack, page):
    launch_tracer(page, stack, count=60, delay_ms=150)
    live = page.locator("[data-role=connection]")
    expect(live).to_have_text("Live")
    page.wait_for_function("document.getElementById('chart-count')?.data?.[0]?.x?.length >= 5")

    # the network drops this socket: the page notices and resumes after its last seq
    page.evaluate("window.atlasRun.views[0].socket.close()")
    expect(live).to_have_text("Live", timeout=10_000)

    # the socket server itself restarts mid-run
    stack.stop("sockets")
    expect(live).to_have_text("Connection lost. Reconnecting…")
    page.wait_for_timeout(800)  # frames keep arriving at the worker meanwhile
    stack.start_sockets()
    wait_for(lambda: _port_open(stack.socket_port), "the socket server", stack)
    # Back live, or (on a slow machine) the run ended while the server was away and the
    # page, reconnected, shows it finished: either way the chart must hold every step.
    page.wait_for_function(
        "document.querySelector('[data-role=connection]').textContent === 'Live'"
        " || document.querySelector('[data-role=status]').dataset.status === 'succeeded'",
        timeout=15_000,
    )

    expect(page.locator("[data-role=status]")).to_have_text("Succeeded", timeout=30_000)
    assert chart_x(page, "chart-count") == [float(i) for i in range(1, 61)]  # every step once, in order


def test_run_both_then_compare_side_by_side_in_japanese(stack, page):
    page.goto(f"{stack.base_url}/ja/playground/scenarios/tracer/both/")
    page.locator("#id_a-count").fill("8")
    page.locator("#id_b-count").fill("12")
    page.locator("#id_a-delay_ms").fill("20")
    page.locator("#id_b-delay_ms").fill("20")
    page.locator("#id_s-seed").fill("7")
    page.get_by_role("button", name="両方を実行").click()
    page.wait_for_url(re.compile(r"/ja/playground/compare/\?run=\d+&run=\d+$"))

    statuses = page.locator("[data-role=status]")
    expect(statuses.nth(0)).to_have_text("完了", timeout=20_000)
    expect(statuses.nth(1)).to_have_text("完了", timeout=20_000)
    # one chart, both runs overlaid: run A's trace and run B's
    assert len(chart_x(page, "chart-count", 0)) == 8
    assert len(chart_x(page, "chart-count", 1)) == 12
    total = page.locator("#result-body tr", has_text="total")
    expect(total.locator("th")).to_contain_text("最後の累計")  # the result's own label, in the reader's language
    expect(total).to_have_class(re.compile("differs"))
    expect(total).to_contain_text("36")  # 8 * 9 / 2
    expect(total).to_contain_text("78")  # 12 * 13 / 2
    expect(page.locator("#result-body tr", has_text="seed")).not_to_have_class(re.compile("differs"))
    expect(page.locator(".params-table tr.differs")).to_have_count(1)  # only the count differs


def test_inline_validation_answers_as_the_reader_types(stack, page):
    page.goto(f"{stack.base_url}/ja/playground/scenarios/tracer/")
    page.locator("#id_count").fill("5000")
    expect(page.locator("#id_count_error")).to_contain_text("1000 以下")
    page.locator("#id_count").fill("50")
    expect(page.locator("#id_count_error")).to_have_text("")
