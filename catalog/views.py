"""Reader-facing catalog pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from workers.sim.scenarios import all_scenarios

from . import markdown
from .models import Category, Pattern


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.prefetch_related("patterns")
    return render(request, "catalog/home.html", {"categories": categories})


@require_GET
def pattern_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pattern = get_object_or_404(Pattern.objects.select_related("category").prefetch_related("related"), slug=slug)
    language = get_language()
    context = {
        "pattern": pattern,
        "body_html": mark_safe(markdown.render(pattern.body)),  # noqa: S308 - sanitised by nh3
        "untranslated": not pattern.is_translated(language),
        "scenarios": [s for s in all_scenarios() if s.pattern == pattern.slug],
    }
    return render(request, "catalog/pattern_detail.html", context)
