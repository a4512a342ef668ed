"""Health endpoints: /healthz says the process is alive, /readyz that it can serve."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops import readiness


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": readiness.check_database(connection), "redis": readiness.check_redis()}
    # Workers are reached through Redis: with Redis down, asking them would only add seconds.
    checks["worker"] = readiness.check_worker() if checks["redis"]["ok"] else {"ok": False, "error": "Redis is down"}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
