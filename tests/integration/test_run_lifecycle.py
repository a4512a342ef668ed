"""What keeps runs honest: the reaper, redelivery after a lost worker, the running caps,
the launch rate in the page, and the pages around runs (history, compare, run again)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from playground import runs
from playground.models import Frame, Run
from workers import tasks
from workers.tasks import reap_stale_runs, run_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def stale(settings):
    return timezone.now() - timedelta(seconds=settings.RUN_LOST_AFTER_SECONDS + 5)


def test_the_reaper_fails_silent_runs_and_leaves_live_and_queued_ones(settings):
    lost = Run.objects.create(scenario="tracer", status=Run.Status.RUNNING, heartbeat_at=stale(settings))
    live = Run.objects.create(scenario="tracer", status=Run.Status.RUNNING, heartbeat_at=timezone.now())
    queued = Run.objects.create(scenario="tracer")
    assert reap_stale_runs() == [lost.pk]  # the beat process calls this task every 15 s
    lost.refresh_from_db(), live.refresh_from_db(), queued.refresh_from_db()
    assert (lost.status, live.status, queued.status) == ("failed", "running", "queued")
    assert lost.error == runs.WORKER_LOST_MESSAGE and lost.finished_at is not None
    with translation.override("ja"):
        assert lost.error_text() == "このシミュレーションを実行していたワーカーが応答しなくなりました。"


def test_a_redelivered_run_resumes_without_duplicating_frames(eager_celery, settings):
    settings.RUN_MAX_FRAME_RATE = 0
    run = Run.objects.create(
        scenario="tracer",
        params={"count": 6, "delay_ms": 0},
        status=Run.Status.RUNNING,
        attempts=1,
        last_seq=2,
        heartbeat_at=timezone.now(),
    )
    partial = {"seq": 0, "t": 1.0, "progress": 0.1, "series": {}, "events": []}
    Frame.objects.bulk_create([Frame(run=run, seq=i, data={**partial, "seq": i}) for i in range(3)])
    run_scenario(run.pk)  # the broker hands the task to another worker
    run.refresh_from_db()
    assert run.status == "succeeded" and run.attempts == 2
    assert list(Frame.objects.filter(run=run).values_list("seq", flat=True)) == [0, 1, 2, 3, 4, 5]


def test_a_run_whose_worker_is_lost_twice_is_failed_with_the_reason(eager_celery, settings):
    run = Run.objects.create(
        scenario="tracer", status=Run.Status.RUNNING, attempts=settings.RUN_MAX_ATTEMPTS, heartbeat_at=timezone.now()
    )
    run_scenario(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.error == runs.WORKER_LOST_AGAIN_MESSAGE


def test_past_the_per_client_cap_a_run_waits_in_the_queue(eager_celery, settings, monkeypatch):
    settings.RUN_MAX_ACTIVE_PER_CLIENT = 2
    requeued = []
    monkeypatch.setattr(run_scenario, "apply_async", lambda args, countdown: requeued.append((args, countdown)))
    for _ in range(2):
        Run.objects.create(scenario="tracer", client="addr:a", status=Run.Status.RUNNING, heartbeat_at=timezone.now())
    waiting = Run.objects.create(scenario="tracer", client="addr:a", params={"count": 2, "delay_ms": 0})
    other = Run.objects.create(scenario="tracer", client="addr:b", params={"count": 2, "delay_ms": 0})
    run_scenario(waiting.pk)
    run_scenario(other.pk)
    waiting.refresh_from_db(), other.refresh_from_db()
    assert waiting.status == "queued" and waiting.queue_position() == 1
    assert requeued == [((waiting.pk,), settings.RUN_REQUEUE_SECONDS)]
    assert other.status == "succeeded"


def test_past_the_total_cap_every_client_waits(eager_celery, settings, monkeypatch):
    settings.RUN_MAX_ACTIVE_TOTAL = 1
    monkeypatch.setattr(run_scenario, "apply_async", lambda args, countdown: None)
    Run.objects.create(scenario="tracer", client="addr:a", status=Run.Status.RUNNING, heartbeat_at=timezone.now())
    waiting = Run.objects.create(scenario="tracer", client="addr:b")
    run_scenario(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == "queued"


def test_the_pacer_spaces_frames_at_the_configured_rate(monkeypatch):
    clock = {"now": 100.0}
    slept = []
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock["now"])

    def sleep(seconds):
        slept.append(round(seconds, 6))
        clock["now"] += seconds

    monkeypatch.setattr(tasks.time, "sleep", sleep)
    pacer = tasks.Pacer(rate=20)
    for _ in range(4):
        pacer.wait()
    assert slept == [0.05, 0.05, 0.05]  # the first frame goes at once
    assert tasks.Pacer(rate=0).interval == 0


def scenario_url(language="en", suffix=""):
    with translation.override(language):
        return reverse("playground:scenario", kwargs={"slug": "tracer"}) + suffix


def test_the_page_answers_too_many_launches_with_429_a_message_and_the_values_kept(client, settings, monkeypatch):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)
    settings.RUN_LAUNCH_RATE = "1/minute"
    assert client.post(scenario_url("ja"), {"count": "7", "delay_ms": "0"}).status_code == 302
    response = client.post(scenario_url("ja"), {"count": "8", "delay_ms": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "秒待ってから" in page and 'value="8"' in page
    assert Run.objects.count() == 1


def test_inline_validation_returns_the_message_for_one_field_in_the_readers_language(client):
    url = reverse("playground:validate", kwargs={"slug": "tracer"}) + "?field=count"
    with translation.override("ja"):
        ja_url = reverse("playground:validate", kwargs={"slug": "tracer"}) + "?field=count"
    bad = client.post(ja_url, {"count": "0", "delay_ms": "oops"}).content.decode()
    assert 'id="id_count_error"' in bad and "1 以上" in bad and "整数" not in bad  # only this field's message
    fine = client.post(url, {"count": "5"}).content.decode()
    assert '<p class="error" id="id_count_error" role="status" aria-live="polite"></p>' in fine
    assert client.post(url.replace("count", "nope"), {}).status_code == 400


def test_presets_and_run_again_fill_the_form(client):
    preset = client.get(scenario_url(suffix="?preset=slow")).content.decode()
    assert 'value="100"' in preset and 'value="200"' in preset
    earlier = Run.objects.create(scenario="tracer", params={"count": 77, "delay_ms": 30}, seed=4242)
    again = client.get(scenario_url(suffix=f"?from={earlier.pk}")).content.decode()
    assert 'value="77"' in again and 'value="30"' in again and 'value="4242"' in again


def test_history_filters_by_scenario_and_compare_needs_two_runs_of_one_scenario(client):
    a = Run.objects.create(scenario="tracer", params={"count": 3, "delay_ms": 0}, seed=1)
    b = Run.objects.create(scenario="tracer", params={"count": 4, "delay_ms": 0}, seed=1)
    Run.objects.create(scenario="gone", params={}, seed=1)
    history = client.get(reverse("playground:history") + "?scenario=tracer").content.decode()
    assert f"#{a.pk}" in history and f"#{b.pk}" in history and "gone" not in history

    page = client.get(reverse("playground:compare") + f"?run={a.pk}&run={b.pk}")
    assert page.status_code == 200
    rows = [p for p in page.context["params"] if p["differs"]]
    assert [r["a"] for r in rows] == ["3"] and [r["b"] for r in rows] == ["4"]
    assert [r["socketPath"] for r in page.context["page_config"]["runs"]] == [f"/ws/runs/{a.pk}/", f"/ws/runs/{b.pk}/"]

    one = client.get(reverse("playground:compare") + f"?run={a.pk}")
    assert one.status_code == 302 and "error=" in one["Location"]


def test_run_both_launches_two_runs_with_one_seed(client, monkeypatch):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)
    url = reverse("playground:run-both", kwargs={"slug": "tracer"})
    data = {"a-count": "5", "a-delay_ms": "0", "b-count": "9", "b-delay_ms": "0", "s-seed": "11"}
    response = client.post(url, data)
    first, second = Run.objects.order_by("pk")
    assert response.status_code == 302 and response["Location"].endswith(f"?run={first.pk}&run={second.pk}")
    assert (first.params["count"], second.params["count"], first.seed, second.seed) == (5, 9, 11, 11)
    bad = client.post(url, {**data, "b-count": "0"})
    assert bad.status_code == 400 and Run.objects.count() == 2


def test_anyone_may_read_a_run_but_only_its_browser_or_staff_may_cancel(client, admin_user, monkeypatch):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)
    client.post(scenario_url(), {"count": "3", "delay_ms": "0"})
    run = Run.objects.get()
    assert Client().get(run.get_absolute_url()).status_code == 200
    staff = Client()
    staff.force_login(admin_user)
    assert staff.post(f"/api/runs/{run.pk}/cancel").status_code == 202


def test_a_finished_run_stays_as_it_ended(settings):
    run = Run.objects.create(scenario="tracer", status=Run.Status.RUNNING, heartbeat_at=stale(settings))
    assert reap_stale_runs() == [run.pk]
    runs.do_succeed(run, {"total": 1})  # the slow worker finishes after all
    run.refresh_from_db()
    assert run.status == "failed" and run.result is None


def test_the_sweep_offers_long_queued_runs_to_the_broker_again(settings, monkeypatch):
    offered = []
    monkeypatch.setattr(run_scenario, "delay", lambda run_id: offered.append(run_id))
    old = Run.objects.create(scenario="tracer", created_at=stale(settings))
    Run.objects.create(scenario="tracer")  # just queued: its task is on its way
    reap_stale_runs()
    assert offered == [old.pk]


def test_the_api_takes_only_json_bodies(client):
    response = client.post("/api/runs", '{"scenario": "tracer"}', content_type="text/plain")
    assert response.status_code == 400 and "JSON" in response.json()["errors"]["__all__"][0]
    assert Run.objects.count() == 0


def test_run_both_gives_both_runs_to_the_same_new_browser(client, monkeypatch):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)
    url = reverse("playground:run-both", kwargs={"slug": "tracer"})
    client.post(url, {"a-count": "5", "a-delay_ms": "0", "b-count": "9", "b-delay_ms": "0", "s-seed": "1"})
    first, second = Run.objects.order_by("pk")
    assert first.owner and first.owner == second.owner
    assert client.post(f"/api/runs/{first.pk}/cancel").status_code == 202


def test_launch_limits_count_an_ipv6_client_by_its_64():
    from playground.clients import limited_network

    assert limited_network("2001:db8:1:2:aaaa::1") == limited_network("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert limited_network("2001:db8:1:3::1") != limited_network("2001:db8:1:2::1")
    assert limited_network("::ffff:192.0.2.7") == limited_network("192.0.2.7") == "192.0.2.7"


def test_a_scenario_that_raises_fails_the_run_keeping_its_frames_and_says_why_in_both_languages(
    eager_celery, settings, monkeypatch
):
    from workers.sim.frames import Frame as SimFrame

    settings.RUN_MAX_FRAME_RATE = 0

    def breaks_after_two_frames(params, seed):
        yield SimFrame(t=1.0, progress=0.1, series={"count": 1})
        yield SimFrame(t=2.0, progress=0.2, series={"count": 2})
        raise ValueError("queue length went negative")

    scenario = tasks.get_scenario("tracer")
    monkeypatch.setattr(
        tasks, "get_scenario", lambda slug: type(scenario)(**{**vars(scenario), "run": breaks_after_two_frames})
    )
    run = Run.objects.create(scenario="tracer", params={})
    run_scenario(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert list(Frame.objects.filter(run=run).values_list("seq", flat=True)) == [0, 1]
    assert run.error == "The simulation stopped with an error: ValueError: queue length went negative"
    with translation.override("ja"):
        assert run.error_text() == "シミュレーションがエラーで止まりました: ValueError: queue length went negative"
