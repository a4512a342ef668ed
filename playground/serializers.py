"""JSON shapes of runs, shared by the API and the WebSocket."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .models import Run


def run_summary(run: Run) -> dict[str, Any]:
    return {
        "id": run.pk,
        "scenario": run.scenario,
        "params": run.params,
        "seed": run.seed,
        "status": run.status,
        "progress": run.progress,
        "error": run.error,
        "error_text": run.error_text(),
        "queue_position": run.queue_position(),
        "last_seq": run.last_seq,
        "result": run.ordered_result(),
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "urls": {
            "self": reverse("api:run", kwargs={"run_id": run.pk}),
            "frames": reverse("api:run-frames", kwargs={"run_id": run.pk}),
            "websocket": f"/ws/runs/{run.pk}/",
            "page": run.get_absolute_url(),
            "cancel": reverse("api:run-cancel", kwargs={"run_id": run.pk}),
            "export_json": reverse("api:run-export", kwargs={"run_id": run.pk}),
            "frames_csv": reverse("api:run-frames-csv", kwargs={"run_id": run.pk}),
            "result_csv": reverse("api:run-result-csv", kwargs={"run_id": run.pk}),
        },
    }
