"""The JSON API for runs: 201 on create, 400 with one message per bad field, 503 when the broker is down."""

import json

import pytest
from kombu.exceptions import OperationalError

from playground.models import Run
from workers.tasks import run_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def post_run(client, body) -> tuple[int, dict]:
    response = client.post("/api/runs", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_scenarios_lists_the_tracer_with_its_parameter_specs(client):
    scenarios = {s["slug"]: s for s in client.get("/api/scenarios").json()["scenarios"]}
    count = next(p for p in scenarios["tracer"]["params"] if p["name"] == "count")
    assert count["type"] == "int" and count["min"] == 1 and count["max"] == 1000
    assert set(count["label"]) == {"en", "ja"}


def test_create_run_returns_201_and_the_run_finishes(client, eager_celery):
    status, body = post_run(client, {"scenario": "tracer", "params": {"count": 4, "delay_ms": 0}, "seed": 9})
    assert status == 201
    assert body["urls"]["websocket"] == f"/ws/runs/{body['id']}/"
    run = client.get(f"/api/runs/{body['id']}").json()
    assert run["status"] == "succeeded" and run["result"]["total"] == 10
    frames = client.get(f"/api/runs/{body['id']}/frames?after=1").json()["frames"]
    assert [f["seq"] for f in frames] == [2, 3]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "nope"}, "scenario"),
        ({"scenario": "tracer", "params": {"count": 0}}, "count"),
        ({"scenario": "tracer", "params": {"count": "x", "delay_ms": 5000}}, "delay_ms"),
        ({"scenario": "tracer", "params": {"colour": 1}}, "colour"),
        ({"scenario": "tracer", "params": []}, "params"),
        ({"scenario": "tracer", "seed": -1}, "seed"),
        ([1, 2], "__all__"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, field):
    status, answer = post_run(client, body)
    assert status == 400
    assert field in answer["errors"]
    assert all(isinstance(m, str) and m for m in answer["errors"][field])
    assert Run.objects.count() == 0


def test_malformed_json_is_a_400(client):
    response = client.post("/api/runs", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_broker_down_is_a_503_with_a_clear_message(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(run_scenario, "delay", refuse)
    status, body = post_run(client, {"scenario": "tracer"})
    assert status == 503
    assert "broker" in body["errors"]["__all__"][0]


def test_cancel_needs_the_runs_token(client, monkeypatch):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)  # stays queued
    status, created = post_run(client, {"scenario": "tracer"})
    assert status == 201 and created["cancel_token"]
    url = created["urls"]["cancel"]

    from django.test import Client

    stranger = Client()
    refused = stranger.post(url)
    assert refused.status_code == 403 and refused.json()["errors"]["__all__"]
    assert stranger.post(url, HTTP_X_CANCEL_TOKEN="guess").status_code == 403
    assert Run.objects.get().status == "queued"

    accepted = stranger.post(url, HTTP_X_CANCEL_TOKEN=created["cancel_token"])
    assert accepted.status_code == 202
    assert accepted.json()["status"] == "cancelled"


def test_launches_past_the_rate_get_429_with_retry_after(client, settings, monkeypatch):
    monkeypatch.setattr(run_scenario, "delay", lambda *args: None)
    settings.RUN_LAUNCH_RATE = "2/minute"
    assert post_run(client, {"scenario": "tracer"})[0] == 201
    assert post_run(client, {"scenario": "tracer"})[0] == 201
    response = client.post("/api/runs", json.dumps({"scenario": "tracer"}), content_type="application/json")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "wait" in response.json()["errors"]["__all__"][0]
    assert Run.objects.count() == 2  # the refused launch stored nothing
    # another address has its own allowance
    assert (
        client.post(
            "/api/runs", json.dumps({"scenario": "tracer"}), content_type="application/json", REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 201
    )


def test_frames_page_with_after_and_limit(client, eager_celery, settings):
    settings.RUN_MAX_FRAME_RATE = 0
    _status, created = post_run(client, {"scenario": "tracer", "params": {"count": 5, "delay_ms": 0}})
    page = client.get(f"{created['urls']['frames']}?after=0&limit=2").json()
    assert [f["seq"] for f in page["frames"]] == [1, 2] and page["next_after"] == 2
    rest = client.get(f"{created['urls']['frames']}?after=2").json()
    assert [f["seq"] for f in rest["frames"]] == [3, 4] and rest["next_after"] is None
    assert client.get(f"{created['urls']['frames']}?after=x").status_code == 400


def test_downloads_hold_the_whole_run(client, eager_celery, settings):
    settings.RUN_MAX_FRAME_RATE = 0
    _status, created = post_run(client, {"scenario": "tracer", "params": {"count": 4, "delay_ms": 0}, "seed": 3})
    urls = created["urls"]
    result = client.get(urls["result_csv"])
    assert result["Content-Type"].startswith("text/csv") and "attachment" in result["Content-Disposition"]
    assert result.content.decode().splitlines() == ["name,value", "count,4", "total,10", "seed,3"]
    frames = client.get(urls["frames_csv"]).content.decode().splitlines()
    assert frames[0] == "seq,t,progress,count,total,events_en,events_ja"
    assert frames[1].startswith("0,1.0,0.25,1,1,")
    assert "Halfway" in frames[2] and "折り返し" in frames[2]
    assert len(frames) == 5
    export = client.get(urls["export_json"]).json()
    assert export["run"]["result"]["total"] == 10 and [f["seq"] for f in export["frames"]] == [0, 1, 2, 3]


def test_run_list_filters_by_scenario(client):
    Run.objects.create(scenario="tracer", params={}, seed=1)
    Run.objects.create(scenario="other", params={}, seed=1)
    listed = client.get("/api/runs?scenario=tracer").json()["runs"]
    assert [r["scenario"] for r in listed] == ["tracer"]
    assert len(client.get("/api/runs").json()["runs"]) == 2


def test_openapi_document_describes_every_endpoint_and_its_errors(client):
    from urllib.parse import urlparse

    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in [
        "/api/patterns",
        "/api/scenarios",
        "/api/runs",
        "/api/runs/{run_id}",
        "/api/runs/{run_id}/frames",
        "/api/runs/{run_id}/cancel",
        "/api/runs/{run_id}/export.json",
        "/api/runs/{run_id}/frames.csv",
        "/api/runs/{run_id}/result.csv",
    ]:
        assert path in paths, path
    create = paths["/api/runs"]["post"]
    assert set(create["responses"]) >= {"201", "400", "429", "503"}
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert set(paths["/api/runs/{run_id}/cancel"]["post"]["responses"]) >= {"202", "403", "404"}
    # every URL a run hands out is one the document describes
    run = Run.objects.create(scenario="tracer", params={}, seed=1)
    described = {p.replace("{run_id}", str(run.pk)) for p in paths}
    for name, url in client.get(f"/api/runs/{run.pk}").json()["urls"].items():
        if name not in ("websocket", "page"):
            assert urlparse(url).path in described, name


def test_unknown_run_is_a_404(client):
    assert client.get("/api/runs/424242").status_code == 404


def test_errors_are_in_the_language_the_client_asks_for(client):
    response = client.post(
        "/api/runs",
        json.dumps({"scenario": "tracer", "params": {"count": 0}}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert "1 以上" in response.json()["errors"]["count"][0]
    unknown = client.post("/api/runs", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert unknown.json()["errors"]["scenario"] == ["そのシナリオは登録されていません。"]


def _every_scenario():
    from workers.sim.scenarios import all_scenarios

    return [pytest.param(s, id=s.slug) for s in all_scenarios()]


@pytest.mark.parametrize("scenario", _every_scenario())
def test_every_scenario_runs_through_the_api_and_stores_its_frames_and_labelled_result(
    client, eager_celery, settings, scenario
):
    settings.RUN_MAX_FRAME_RATE = 0
    params = {"delay_ms": 0} if scenario.slug == "tracer" else {}
    status, body = post_run(client, {"scenario": scenario.slug, "params": params, "seed": 11})
    assert status == 201, body
    run = client.get(f"/api/runs/{body['id']}").json()
    assert run["status"] == "succeeded", run["error"]
    frames = client.get(f"/api/runs/{body['id']}/frames?limit=1000").json()["frames"]
    assert [f["seq"] for f in frames] == list(range(run["last_seq"] + 1))
    described = {m["name"] for m in client.get(f"/api/scenarios/{scenario.slug}").json()["results"]}
    assert set(run["result"]) <= described
