"""The checks behind /readyz: each answers quickly and never raises."""

from __future__ import annotations

import redis
from django.conf import settings

from config.celery import app as celery_app


def check_database(connection) -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any failure means "not ready"; say which
        return {"ok": False, "error": str(exc)}


def check_redis() -> dict:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": str(exc)}


def check_worker(timeout: float = 1.0) -> dict:
    """At least one Celery worker answers a ping over the broker."""
    try:
        replies = celery_app.control.ping(timeout=timeout)
    except Exception as exc:
        return {"ok": False, "error": str(exc)}
    if not replies:
        return {"ok": False, "error": "no Celery worker answered"}
    return {"ok": True, "workers": len(replies)}
