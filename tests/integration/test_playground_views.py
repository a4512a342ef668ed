"""Launching a run from the playground page, with Celery in eager mode."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from playground.models import Frame, Run
from workers.tasks import run_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def scenario_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("playground:scenario", kwargs={"slug": "tracer"})


def test_scenario_page_shows_the_form_in_both_languages(client):
    english = client.get(scenario_url("en")).content.decode()
    japanese = client.get(scenario_url("ja")).content.decode()
    assert "Count to" in english and 'name="count"' in english
    assert "数える上限" in japanese and "トレーサー" in japanese


def test_invalid_parameters_are_answered_next_to_the_field_in_the_readers_language(client):
    response = client.post(scenario_url("ja"), {"count": "0", "delay_ms": "10"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="run-form"' in body and "<html" not in body  # the form partial only
    assert "1 以上" in body  # Django's Japanese message for min_value
    assert 'value="0"' in body  # what the reader typed is kept
    assert Run.objects.count() == 0


def test_running_the_tracer_stores_every_frame_and_the_result(client, eager_celery):
    response = client.post(scenario_url(), {"count": "6", "delay_ms": "0", "seed": "4"})
    run = Run.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert run.status == Run.Status.SUCCEEDED
    assert run.result == {"count": 6, "total": 21, "seed": 4}
    assert list(Frame.objects.filter(run=run).values_list("seq", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert run.last_seq == 5 and run.progress == 1.0


def test_a_launch_without_javascript_redirects_to_the_run_page(client, eager_celery):
    response = client.post(scenario_url(), {"count": "2", "delay_ms": "0"})
    run = Run.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()


def test_broker_down_keeps_the_form_and_says_so(client, monkeypatch):
    from kombu.exceptions import OperationalError

    from workers.tasks import run_scenario

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(run_scenario, "delay", refuse)
    response = client.post(scenario_url(), {"count": "3", "delay_ms": "0"})
    assert response.status_code == 503
    assert "cannot be reached" in response.content.decode()
    assert 'value="3"' in response.content.decode()
    assert Run.objects.get().status == Run.Status.FAILED


def test_run_page_carries_the_chart_specs_and_socket_path(client):
    run = Run.objects.create(scenario="tracer", params={"count": 3, "delay_ms": 0}, seed=1)
    response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    config = response.context["page_config"]
    assert [r["socketPath"] for r in config["runs"]] == [f"/ws/runs/{run.pk}/"]
    assert [c["id"] for c in config["charts"]] == ["count", "total"]


def test_the_launching_browser_can_cancel_its_queued_run_and_nobody_else_can(client, monkeypatch):
    from django.test import Client

    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)  # stays queued
    client.post(scenario_url(), {"count": "3", "delay_ms": "0"})
    run = Run.objects.get()
    cancel_url = reverse("playground:cancel", kwargs={"run_id": run.pk})

    stranger = Client()
    assert stranger.post(cancel_url).status_code == 403
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED
    assert 'data-role="cancel"' not in stranger.get(run.get_absolute_url()).content.decode()
    assert 'data-role="cancel"' in client.get(run.get_absolute_url()).content.decode()

    client.post(cancel_url)
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED


def test_a_cancel_requested_while_running_stops_the_task_at_its_next_flush(eager_celery, monkeypatch):
    from playground import runs
    from workers.tasks import run_scenario

    run = Run.objects.create(scenario="tracer", params={"count": 50, "delay_ms": 20}, seed=1)
    original = runs.cancel_requested
    monkeypatch.setattr(runs, "cancel_requested", lambda r: Run.objects.filter(pk=r.pk, last_seq__gte=3).exists())
    run_scenario(run.pk)
    monkeypatch.setattr(runs, "cancel_requested", original)
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert 3 <= run.last_seq < 49
    assert Frame.objects.filter(run=run).count() == run.last_seq + 1  # what was produced is kept


def test_a_run_whose_worker_went_silent_is_marked_failed_not_left_running(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    stale = timezone.now() - timedelta(seconds=settings.RUN_LOST_AFTER_SECONDS + 5)
    lost = Run.objects.create(scenario="tracer", params={}, seed=1, status=Run.Status.RUNNING, heartbeat_at=stale)
    alive = Run.objects.create(
        scenario="tracer", params={}, seed=1, status=Run.Status.RUNNING, heartbeat_at=timezone.now()
    )
    assert client.get(f"/api/runs/{lost.pk}").json()["status"] == "failed"
    assert client.get(f"/api/runs/{alive.pk}").json()["status"] == "running"
    lost.refresh_from_db()
    assert "stopped responding" in lost.error


def test_run_from_the_page_swaps_the_runs_page_in_and_pushes_its_address(client, monkeypatch, settings):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)
    response = client.post(scenario_url("ja"), {"count": "3", "delay_ms": "0"}, HTTP_HX_REQUEST="true")
    run = Run.objects.get()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == run.get_absolute_url().replace("/en/", "/ja/")
    assert response["HX-Retarget"] == "#main"
    page = response.content.decode()
    assert page.startswith("<title>トレーサー #")
    assert 'id="run-config"' in page and f"/ws/runs/{run.pk}/" in page
    assert 'data-role="cancel"' in page  # the launching browser may cancel, cookie or not yet
    assert "atlas_client" in response.cookies
    # the page opens the run's socket from this header before the view is swapped in
    assert json.loads(response["X-Run-Socket"]) == {
        "path": f"/ws/runs/{run.pk}/",
        "port": settings.WEBSOCKET_PORT,
        "lang": "ja",
    }
