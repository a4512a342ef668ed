"""The JSON API: scenarios and runs. Errors are JSON with one message per bad field."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workers.sim.scenarios import all_scenarios
from workers.sim.scenarios import get as get_scenario

from . import runs
from .forms import form_for_values
from .models import Frame, Run
from .serializers import run_summary

MAX_FRAMES_PER_PAGE = 1000


@require_GET
def scenarios(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"scenarios": [s.as_dict() for s in all_scenarios()]})


@csrf_exempt  # a JSON API for scripts; it changes nothing a session could be tricked into
@require_POST
def create_run(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"errors": {"__all__": [_("The request body is not valid JSON.")]}}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"errors": {"__all__": [_("The request body must be a JSON object.")]}}, status=400)
    try:
        scenario = get_scenario(str(body.get("scenario", "")))
    except KeyError:
        return JsonResponse({"errors": {"scenario": [_("Unknown scenario.")]}}, status=400)
    params = body.get("params", {})
    params = {} if params is None else params
    if not isinstance(params, dict):
        return JsonResponse({"errors": {"params": [_("Must be a JSON object.")]}}, status=400)
    unknown = sorted(set(params) - {p.name for p in scenario.params})
    if unknown:
        return JsonResponse({"errors": {name: [_("Unknown parameter.")] for name in unknown}}, status=400)
    form = form_for_values(scenario, params, seed=body.get("seed"))
    if not form.is_valid():
        return JsonResponse({"errors": {k: list(v) for k, v in form.errors.items()}}, status=400)
    try:
        run = runs.do_create_run(scenario.slug, form.params(), form.seed())
    except runs.BrokerUnavailable:
        message = _("The task queue (broker) is unreachable; the run could not be started.")
        return JsonResponse({"errors": {"__all__": [message]}}, status=503)
    return JsonResponse(run_summary(run), status=201)


@require_GET
def run(request: HttpRequest, run_id: int) -> JsonResponse:
    found = get_object_or_404(Run, pk=run_id)
    runs.do_fail_if_lost(found)
    return JsonResponse(run_summary(found))


@require_GET
def run_frames(request: HttpRequest, run_id: int) -> JsonResponse:
    run = get_object_or_404(Run, pk=run_id)
    try:
        after = int(request.GET.get("after", -1))
    except ValueError:
        return JsonResponse({"errors": {"after": [_("Must be an integer.")]}}, status=400)
    frames = list(
        Frame.objects.filter(run=run, seq__gt=after)
        .order_by("seq")
        .values_list("data", flat=True)[:MAX_FRAMES_PER_PAGE]
    )
    return JsonResponse({"run": run.pk, "status": run.status, "frames": frames})


@csrf_exempt
@require_http_methods(["POST"])
def cancel_run(request: HttpRequest, run_id: int) -> JsonResponse:
    run = get_object_or_404(Run, pk=run_id)
    runs.do_request_cancel(run)
    run.refresh_from_db()
    return JsonResponse(run_summary(run), status=202)
