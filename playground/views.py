"""Playground pages: pick a scenario, set its parameters, run it, watch it, compare and share runs."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from catalog.models import Pattern
from workers.sim.engine import Scenario
from workers.sim.scenarios import all_scenarios
from workers.sim.scenarios import get as get_scenario

from . import runs
from .clients import may_cancel, remember_browser
from .forms import check_as_typed, form_for
from .models import Run

RUNS_PER_PAGE = 25


def _scenario_or_404(slug: str) -> Scenario:
    try:
        return get_scenario(slug)
    except KeyError:
        raise Http404(_("No such scenario.")) from None


def _titles() -> dict[str, str]:
    language = get_language()
    return {s.slug: s.title.get(language) for s in all_scenarios()}


def first_sentence(text: str) -> str:
    """The opening sentence of a description, for a card (English or Japanese)."""
    cut = min((i for i in (text.find(". "), text.find("。")) if i >= 0), default=-1)
    return text if cut < 0 else text[: cut + 1]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The scenarios grouped under the catalog's categories, in the catalog's order."""
    language = get_language()
    scenarios = all_scenarios()
    pages = {
        p.slug: p
        for p in Pattern.objects.select_related("category").filter(slug__in=[s.pattern for s in scenarios if s.pattern])
    }
    groups: dict[Any, list[dict[str, Any]]] = {}
    for spec in scenarios:
        page = pages.get(spec.pattern or "")
        card = {
            "slug": spec.slug,
            "title": spec.title.get(language),
            "summary": first_sentence(spec.description.get(language)),
            "pattern": page,
        }
        groups.setdefault(page.category if page else None, []).append(card)
    grouped = sorted(groups.items(), key=lambda item: (item[0] is None, item[0].order if item[0] else 0))
    titles = _titles()
    recent = list(Run.objects.all()[:10])
    for run in recent:
        run.title = titles.get(run.scenario, run.scenario)
    return render(request, "playground/index.html", {"groups": grouped, "recent": recent})


def _initial(request: HttpRequest, spec: Scenario) -> tuple[dict[str, Any], str]:
    """Starting values for the form: a preset (?preset=), an earlier run (?from=), or defaults."""
    initial = spec.defaults()
    chosen = ""
    if request.GET.get("preset"):
        try:
            preset = spec.preset(request.GET["preset"])
        except KeyError:
            pass
        else:
            initial.update(preset.values)
            chosen = preset.name
    source = request.GET.get("from", "")
    if source.isdigit():
        earlier = Run.objects.filter(pk=int(source), scenario=spec.slug).first()
        if earlier is not None:
            initial.update({k: v for k, v in earlier.params.items() if k in initial})
            initial["seed"] = earlier.seed
    return initial, chosen


def _launch_error(form, exc: Exception) -> int:
    if isinstance(exc, runs.RateLimited):
        form.add_error(
            None,
            _("You have started a lot of runs in a short time. Please wait %(seconds)s seconds and try again.")
            % {"seconds": exc.retry_after},
        )
        return 429
    form.add_error(None, _("The simulation workers cannot be reached right now. Please try again shortly."))
    return 503


def _form_response(request, template: str, context: dict, status: int, retry_after: int | None = None):
    name = f"{template}#run-form" if request.htmx else template
    response = render(request, name, context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def scenario(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _scenario_or_404(slug)
    if request.method == "POST":
        form = form_for(spec, data=request.POST)
        if form.is_valid():
            try:
                run = runs.do_launch(request, spec.slug, form.params(), form.seed())
            except (runs.RateLimited, runs.BrokerUnavailable) as exc:
                status = _launch_error(form, exc)
                retry = exc.retry_after if isinstance(exc, runs.RateLimited) else None
                return _form_response(request, "playground/scenario.html", _scenario_context(spec, form), status, retry)
            if not request.htmx:
                return remember_browser(request, redirect(run))
            # Swap the run's page in place and push its address: no navigation, so the
            # socket opens as soon as the answer lands and the first frame draws at once.
            context = _run_context(request, run)
            response = render(request, "playground/run.html#run-view", context)
            title = escape(f"{context['title']} #{run.pk} · {_('Pattern Atlas')}")
            response.content = f"<title>{title}</title>".encode() + response.content
            response["HX-Retarget"] = "#main"
            response["HX-Reswap"] = "innerHTML show:window:top settle:0ms"
            response["HX-Push-Url"] = run.get_absolute_url()
            # The page opens the run's socket from this header as soon as the answer
            # arrives, while the view is still being swapped in.
            page = context["page_config"]
            response["X-Run-Socket"] = json.dumps(
                {"path": page["runs"][0]["socketPath"], "port": page["socketPort"], "lang": page["language"]}
            )
            return remember_browser(request, response)
        return _form_response(request, "playground/scenario.html", _scenario_context(spec, form), 400)
    initial, chosen = _initial(request, spec)
    return render(request, "playground/scenario.html", _scenario_context(spec, form_for(spec, initial=initial), chosen))


@require_POST
def validate(request: HttpRequest, slug: str) -> HttpResponse:
    """Inline validation while the reader types: the message for one field (empty when it is fine)."""
    spec = _scenario_or_404(slug)
    prefix = request.GET.get("prefix") or None
    form = form_for(spec, data=request.POST, prefix=prefix)
    name = request.GET.get("field", "")
    if name not in form.fields:
        return HttpResponse(status=400)
    form.is_valid()
    return render(
        request,
        "playground/_field_error.html",
        {"errors": form.errors.get(name, []), "error_id": f"{form[name].auto_id}_error"},
    )


def _scenario_context(spec: Scenario, form, chosen_preset: str = "") -> dict[str, Any]:
    language = get_language()
    check_as_typed(form, reverse("playground:validate", kwargs={"slug": spec.slug}))
    return {
        "scenario": spec,
        "title": spec.title.get(language),
        "description": spec.description.get(language),
        "source": spec.source.get(language) if spec.source else "",
        "form": form,
        "presets": [{"name": p.name, "label": p.label.get(language)} for p in spec.presets],
        "chosen_preset": chosen_preset,
        "pattern_slug": spec.pattern,
    }


@require_http_methods(["GET", "POST"])
def run_both(request: HttpRequest, slug: str) -> HttpResponse:
    """Two parameter sets of one scenario with one seed: launch both and compare them."""
    spec = _scenario_or_404(slug)
    if request.method == "POST":
        form_a = form_for(spec, data=request.POST, prefix="a", with_seed=False)
        form_b = form_for(spec, data=request.POST, prefix="b", with_seed=False)
        seed_form = form_for(spec, data=request.POST, prefix="s", only_seed=True)
        status = 400
        if all([form_a.is_valid(), form_b.is_valid(), seed_form.is_valid()]):
            seed = seed_form.seed()
            try:
                first = runs.do_launch(request, spec.slug, form_a.params(), seed)
                second = runs.do_launch(request, spec.slug, form_b.params(), seed)
            except (runs.RateLimited, runs.BrokerUnavailable) as exc:
                status = _launch_error(seed_form, exc)
            else:
                url = reverse("playground:compare") + "?" + urlencode([("run", first.pk), ("run", second.pk)])
                response = HttpResponseClientRedirect(url) if request.htmx else redirect(url)
                return remember_browser(request, response)
        context = _run_both_context(spec, form_a, form_b, seed_form)
        name = "playground/run_both.html#run-form" if request.htmx else "playground/run_both.html"
        return render(request, name, context, status=status)
    initial, _chosen = _initial(request, spec)
    return render(
        request,
        "playground/run_both.html",
        _run_both_context(
            spec,
            form_for(spec, prefix="a", initial=initial, with_seed=False),
            form_for(spec, prefix="b", initial=initial, with_seed=False),
            form_for(spec, prefix="s", only_seed=True, initial={"seed": initial.get("seed", 1) or 1}),
        ),
    )


def _run_both_context(spec: Scenario, form_a, form_b, seed_form) -> dict[str, Any]:
    language = get_language()
    url = reverse("playground:validate", kwargs={"slug": spec.slug})
    for form in (form_a, form_b, seed_form):
        check_as_typed(form, url)
    return {
        "scenario": spec,
        "title": spec.title.get(language),
        "rows": list(zip(form_a, form_b, strict=True)),
        "form_a": form_a,
        "form_b": form_b,
        "seed_form": seed_form,
    }


def _page_config(spec: Scenario, *watched: Run) -> dict[str, Any]:
    """What run.js needs to follow one run (the run page) or two (compare)."""
    return {
        "socketPort": settings.WEBSOCKET_PORT,
        "language": get_language(),
        "results": {
            m.name: {
                "label": m.label.get(get_language()),
                "unit": m.unit,
                "help": m.help.get(get_language()) if m.help else "",
            }
            for m in spec.results
        },
        "charts": [chart.as_dict() for chart in spec.charts],
        "topology": spec.topology.as_dict() if spec.topology else None,
        "statusLabels": {value: str(label) for value, label in Run.Status.choices},
        "runs": [{"socketPath": f"/ws/runs/{run.pk}/"} for run in watched],
        "text": {
            "queuePosition": _("Position in queue: %(position)s"),
            "reconnecting": _("Connection lost. Reconnecting…"),
            "waitingForWorker": _(
                "Every worker is busy, or none is running; the run starts as soon as one is free, "
                "and nothing needs to be done here."
            ),
            "connected": _("Live"),
            "nodeStates": {
                "ok": _("healthy"),
                "busy": _("busy"),
                "degraded": _("degraded"),
                "down": _("down"),
                "idle": _("idle"),
            },
        },
    }


@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run, pk=run_id)
    runs.do_fail_if_lost(run)
    return render(request, "playground/run.html", _run_context(request, run))


def _run_context(request: HttpRequest, run: Run) -> dict[str, Any]:
    spec = _scenario_or_404(run.scenario)
    language = get_language()
    params = [
        {"name": p.name, "label": p.label.get(language), "unit": p.unit, "value": _display(p, run.params.get(p.name))}
        for p in spec.params
    ]
    return {
        "run": run,
        "scenario": spec,
        "title": spec.title.get(language),
        "page_config": _page_config(spec, run),
        "params": params,
        # a browser that launched its first run gets its id cookie with this very answer
        "can_cancel": may_cancel(request, run) or getattr(request, "new_browser_id", None) == run.owner,
        "again_url": reverse("playground:scenario", kwargs={"slug": spec.slug}) + f"?from={run.pk}",
        "compare_url": reverse("playground:history") + "?" + urlencode({"scenario": spec.slug, "pick": run.pk}),
    }


def _display(spec, value: Any) -> str:
    if spec.type == "bool":
        return _("yes") if value else _("no")
    if spec.type == "choice":
        for choice in spec.choices:
            if choice.value == value:
                return choice.label.get(get_language())
    return "" if value is None else str(value)


@require_POST
def cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run, pk=run_id)
    if not may_cancel(request, run):
        return HttpResponse(_("Only whoever started this run can cancel it."), status=403)
    runs.do_request_cancel(run)
    if not request.htmx:
        messages.info(request, _("Cancellation requested."))
    return redirect(run) if not request.htmx else HttpResponse(status=204)


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """Every run, newest first, filtered by scenario; tick two to compare them."""
    titles = _titles()
    chosen = request.GET.get("scenario", "")
    found = Run.objects.all()
    if chosen in titles:
        found = found.filter(scenario=chosen)
    else:
        chosen = ""
    page = Paginator(found, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    for run in page.object_list:
        run.title = titles.get(run.scenario, run.scenario)
    picked = request.GET.get("pick", "")
    return render(
        request,
        "playground/history.html",
        {
            "page": page,
            "titles": titles,
            "chosen": chosen,
            "picked": int(picked) if picked.isdigit() else None,
            "error": request.GET.get("error", ""),
        },
    )


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Two runs of one scenario: charts overlaid, parameters and results side by side."""
    ids = list(dict.fromkeys(int(v) for v in request.GET.getlist("run") if v.isdigit()))
    problem = ""
    if len(ids) != 2:
        problem = _("Pick exactly two runs to compare.")
    else:
        found = {run.pk: run for run in Run.objects.filter(pk__in=ids)}
        if len(found) != 2:
            raise Http404(_("No such run."))
        first, second = found[ids[0]], found[ids[1]]
        if first.scenario != second.scenario:
            problem = _("Only runs of the same scenario can be compared.")
    if problem:
        url = reverse("playground:history") + "?" + urlencode({"error": problem})
        return redirect(url)
    for run in (first, second):
        runs.do_fail_if_lost(run)
    spec = _scenario_or_404(first.scenario)
    language = get_language()
    params = []
    for p in spec.params:
        a, b = first.params.get(p.name), second.params.get(p.name)
        params.append(
            {
                "label": p.label.get(language),
                "unit": p.unit,
                "a": _display(p, a),
                "b": _display(p, b),
                "differs": a != b,
            }
        )
    params.append(
        {"label": _("Seed"), "unit": "", "a": first.seed, "b": second.seed, "differs": first.seed != second.seed}
    )
    return render(
        request,
        "playground/compare.html",
        {
            "runs": (first, second),
            "scenario": spec,
            "title": spec.title.get(language),
            "params": params,
            "page_config": _page_config(spec, first, second),
        },
    )
