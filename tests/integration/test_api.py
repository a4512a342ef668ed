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


def test_cancel_stops_a_queued_run(client):
    run = Run.objects.create(scenario="tracer", params={}, seed=1)
    response = client.post(f"/api/runs/{run.pk}/cancel")
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"


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
