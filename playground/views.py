"""Playground pages: pick a scenario, set its parameters, run it and watch it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from workers.sim.engine import Scenario
from workers.sim.scenarios import all_scenarios
from workers.sim.scenarios import get as get_scenario

from . import runs
from .forms import form_for
from .models import Run


def _scenario_or_404(slug: str) -> Scenario:
    try:
        return get_scenario(slug)
    except KeyError:
        raise Http404(_("No such scenario.")) from None


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    language = get_language()
    scenarios = [
        {"slug": s.slug, "title": s.title.get(language), "description": s.description.get(language)}
        for s in all_scenarios()
    ]
    recent = Run.objects.all()[:10]
    return render(request, "playground/index.html", {"scenarios": scenarios, "recent": recent})


@require_http_methods(["GET", "POST"])
def scenario(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _scenario_or_404(slug)
    if request.method == "POST":
        form = form_for(spec, data=request.POST)
        if form.is_valid():
            try:
                run = runs.do_create_run(spec.slug, form.params(), form.seed())
            except runs.BrokerUnavailable:
                form.add_error(None, _("The simulation workers cannot be reached right now. Please try again shortly."))
                status = 503
            else:
                if request.htmx:
                    return HttpResponseClientRedirect(run.get_absolute_url())
                return redirect(run)
        else:
            status = 400
        template = "playground/scenario.html#run-form" if request.htmx else "playground/scenario.html"
        return render(request, template, _scenario_context(spec, form), status=status)
    return render(request, "playground/scenario.html", _scenario_context(spec, form_for(spec)))


def _scenario_context(spec: Scenario, form) -> dict:
    language = get_language()
    return {
        "scenario": spec,
        "title": spec.title.get(language),
        "description": spec.description.get(language),
        "form": form,
    }


@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run, pk=run_id)
    runs.do_fail_if_lost(run)
    spec = _scenario_or_404(run.scenario)
    language = get_language()
    page_config = {
        "runId": run.pk,
        "socketPath": f"/ws/runs/{run.pk}/",
        "socketPort": settings.WEBSOCKET_PORT,
        "language": language,
        "charts": [chart.as_dict() for chart in spec.charts],
        "statusLabels": {value: str(label) for value, label in Run.Status.choices},
        "text": {
            "queuePosition": _("Position in queue: %(position)s"),
            "reconnecting": _("Connection lost. Reconnecting…"),
            "connected": _("Live"),
            "result": _("Result"),
        },
    }
    return render(
        request,
        "playground/run.html",
        {"run": run, "scenario": spec, "title": spec.title.get(language), "page_config": page_config},
    )


@require_POST
def cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run, pk=run_id)
    runs.do_request_cancel(run)
    if not request.htmx:
        messages.info(request, _("Cancellation requested."))
    return redirect(run) if not request.htmx else HttpResponse(status=204)
