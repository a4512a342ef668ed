"""The run API: scenarios, launching, reading, cancelling and downloading runs.

Errors are JSON `{"errors": {field: [message, …]}}` in the language of
Accept-Language: 400 for bad input, 403/404 as usual, 429 with Retry-After past
the launch rate, 503 when the broker is unreachable.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from workers.sim.scenarios import all_scenarios
from workers.sim.scenarios import get as get_scenario

from . import runs
from .clients import TOKEN_HEADER, may_cancel
from .exports import frames_csv, result_csv
from .forms import form_for_values
from .models import Frame, Run
from .schemas import (
    Errors,
    FramesOut,
    RunCreated,
    RunExport,
    RunIn,
    RunList,
    RunOut,
    ScenarioOut,
    ScenariosOut,
)
from .serializers import run_summary

router = Router(tags=["playground"])

MAX_FRAMES_PER_PAGE = 1000
MAX_RUNS_PER_PAGE = 100


def errors(status: int, messages: dict[str, list[str]], retry_after: int | None = None) -> JsonResponse:
    response = JsonResponse({"errors": messages}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@router.get("/scenarios", response=ScenariosOut, exclude_none=True, url_name="scenarios", summary="List scenarios")
def scenarios(request: HttpRequest):
    """Every scenario with its parameter specs, charts, presets and topology."""
    return {"scenarios": [s.as_dict() for s in all_scenarios()]}


@router.get(
    "/scenarios/{slug}",
    response={200: ScenarioOut, 404: Errors},
    exclude_none=True,
    url_name="scenario",
    summary="One scenario",
)
def scenario(request: HttpRequest, slug: str):
    try:
        return get_scenario(slug).as_dict()
    except KeyError:
        return errors(404, {"scenario": [_("Unknown scenario.")]})


RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until a launch is accepted again.", "schema": {"type": "integer"}}
}


@router.post(
    "/runs",
    response={201: RunCreated, 400: Errors, 429: Errors, 503: Errors},
    url_name="runs",
    summary="Launch a run",
    openapi_extra={"responses": {429: {"headers": RETRY_AFTER}}},
)
def create_run(request: HttpRequest, body: RunIn):
    """Queue a run of a scenario. The run starts when a worker is free; watch it over
    its WebSocket or poll it. Keep `cancel_token` to cancel it."""
    if request.content_type != "application/json":
        # Only JSON: a form or text/plain post from another site cannot launch runs.
        return errors(400, {"__all__": [_("Send the request body as JSON (Content-Type: application/json).")]})
    try:
        spec = get_scenario(body.scenario)
    except KeyError:
        return errors(400, {"scenario": [_("Unknown scenario.")]})
    params = body.params or {}
    unknown = sorted(set(params) - {p.name for p in spec.params})
    if unknown:
        return errors(400, {name: [_("Unknown parameter.")] for name in unknown})
    form = form_for_values(spec, params, seed=body.seed)
    if not form.is_valid():
        return errors(400, {k: list(v) for k, v in form.errors.items()})
    try:
        run = runs.do_launch(request, spec.slug, form.params(), form.seed())
    except runs.RateLimited as limited:
        message = _("Too many runs started from here. Please wait %(seconds)s seconds and try again.") % {
            "seconds": limited.retry_after
        }
        return errors(429, {"__all__": [message]}, retry_after=limited.retry_after)
    except runs.BrokerUnavailable:
        return errors(503, {"__all__": [_("The task queue (broker) is unreachable; the run could not be started.")]})
    return Status(201, {**run_summary(run), "cancel_token": run.cancel_token})


class RunFilter(Schema):
    scenario: str | None = None
    limit: int = 20


@router.get("/runs", response=RunList, url_name="run-list", summary="Recent runs")
def list_runs(request: HttpRequest, filters: Query[RunFilter]):
    """The newest runs first, optionally of one scenario."""
    found = Run.objects.all()
    if filters.scenario:
        found = found.filter(scenario=filters.scenario)
    limit = max(1, min(filters.limit, MAX_RUNS_PER_PAGE))
    return {"runs": [run_summary(run) for run in found[:limit]]}


def _run(run_id: int) -> Run:
    found = get_object_or_404(Run, pk=run_id)
    runs.do_fail_if_lost(found)
    return found


@router.get("/runs/{run_id}", response={200: RunOut, 404: Errors}, url_name="run", summary="One run")
def run(request: HttpRequest, run_id: int):
    return run_summary(_run(run_id))


@router.get("/runs/{run_id}/frames", response={200: FramesOut, 404: Errors}, url_name="run-frames", summary="Frames")
def run_frames(request: HttpRequest, run_id: int, after: int = -1, limit: int = MAX_FRAMES_PER_PAGE):
    """Stored frames with seq greater than `after`, oldest first, at most `limit` (1000)."""
    found = _run(run_id)
    limit = max(1, min(limit, MAX_FRAMES_PER_PAGE))
    frames = list(Frame.objects.filter(run=found, seq__gt=after).order_by("seq").values_list("data", flat=True)[:limit])
    more = bool(frames) and (len(frames) == limit or not found.is_finished)
    return {
        "run": found.pk,
        "status": found.status,
        "frames": frames,
        "next_after": frames[-1]["seq"] if more else None,
    }


@router.post(
    "/runs/{run_id}/cancel",
    response={202: RunOut, 403: Errors, 404: Errors},
    url_name="run-cancel",
    summary="Cancel a run",
    openapi_extra={
        "parameters": [
            {
                "name": TOKEN_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "The run's cancel_token. The launching browser and staff need none.",
            }
        ]
    },
)
def cancel_run(request: HttpRequest, run_id: int):
    """Stop a run: a queued one at once, a running one within a second, keeping its frames."""
    found = _run(run_id)
    if not may_cancel(request, found):
        return errors(403, {"__all__": [_("Only whoever started this run can cancel it.")]})
    runs.do_request_cancel(found)
    found.refresh_from_db()
    return Status(202, run_summary(found))


def _all_frames(run: Run) -> list[dict]:
    return list(Frame.objects.filter(run=run).order_by("seq").values_list("data", flat=True))


def _scenario_or_none(slug: str):
    try:
        return get_scenario(slug)
    except KeyError:
        return None


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CSV_RESPONSE = {"responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}}


@router.get("/runs/{run_id}/export.json", response={200: RunExport, 404: Errors}, url_name="run-export")
def export_json(request: HttpRequest, run_id: int, response: HttpResponse):
    """The run with every frame, as one JSON document (a download)."""
    found = _run(run_id)
    response["Content-Disposition"] = f'attachment; filename="run-{found.pk}-{found.scenario}.json"'
    return {"run": run_summary(found), "frames": _all_frames(found)}


@router.get("/runs/{run_id}/frames.csv", url_name="run-frames-csv", openapi_extra=CSV_RESPONSE, summary="Frames CSV")
def export_frames_csv(request: HttpRequest, run_id: int):
    """One row per frame: seq, t, progress, one column per series, and the events in both languages."""
    found = _run(run_id)
    content = frames_csv(_scenario_or_none(found.scenario), _all_frames(found))
    return _download(content, "text/csv; charset=utf-8", f"run-{found.pk}-{found.scenario}-frames.csv")


@router.get("/runs/{run_id}/result.csv", url_name="run-result-csv", openapi_extra=CSV_RESPONSE, summary="Result CSV")
def export_result_csv(request: HttpRequest, run_id: int):
    """The result as name,value rows (empty until the run has succeeded)."""
    found = _run(run_id)
    content = result_csv(found.ordered_result())
    return _download(content, "text/csv; charset=utf-8", f"run-{found.pk}-{found.scenario}-result.csv")
