"""/healthz and /readyz."""

import pytest

from ops import readiness

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_and_names_the_failing_check(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_redis", lambda: {"ok": True})
    monkeypatch.setattr(readiness, "check_worker", lambda: {"ok": False, "error": "no Celery worker answered"})
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["worker"]["ok"] is False


def test_readyz_is_200_when_every_check_passes(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_redis", lambda: {"ok": True})
    monkeypatch.setattr(readiness, "check_worker", lambda: {"ok": True, "workers": 1})
    assert client.get("/readyz").status_code == 200


def test_redis_check_reports_an_unreachable_server(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert readiness.check_redis()["ok"] is False
