"""Reader-facing catalog pages: index, categories, tags, search, the pattern map and pattern pages."""

from __future__ import annotations

import unicodedata

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from workers.sim.scenarios import all_scenarios

from . import markdown
from .map import pattern_map
from .models import Category, Pattern, SlugRedirect, Tag

SEARCH_FIELDS = ("title", "summary", "body")
MAX_QUERY = 100


def demo_scenarios(pattern: Pattern) -> list:
    """The scenario an editor chose for the page, else those made for its pattern, then
    those that also demonstrate it."""
    scenarios = all_scenarios()
    if pattern.scenario:
        return [s for s in scenarios if s.slug == pattern.scenario]
    made_for = [s for s in scenarios if s.pattern == pattern.slug]
    return made_for + [s for s in scenarios if pattern.slug in s.also_patterns and s not in made_for]


def rendered_body(pattern: Pattern, language: str) -> str:
    """The page body as safe HTML, cached until the page is edited."""
    body = getattr(pattern, f"body_{language}") or pattern.body
    version = f"{markdown.RENDERER_VERSION}:{pattern.updated_at.timestamp()}:{markdown.diagram_filename(body)}"
    key = f"pattern-body:{pattern.pk}:{language}:{version}"
    html = cache.get(key)
    if html is None:
        html = markdown.render(body)
        cache.set(key, html, timeout=None)
    return html


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    patterns = Pattern.objects.visible_to(request.user).without_bodies()
    categories = Category.objects.prefetch_related(Prefetch("patterns", patterns))
    return render(request, "catalog/home.html", {"categories": categories, "tags": Tag.objects.all()})


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Category, slug=slug)
    patterns = found.patterns.visible_to(request.user).without_bodies().prefetch_related("tags")
    return render(request, "catalog/category.html", {"category": found, "patterns": patterns})


@require_GET
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Tag, slug=slug)
    patterns = found.patterns.visible_to(request.user).without_bodies().select_related("category")
    return render(request, "catalog/tag.html", {"tag": found, "patterns": patterns})


def normalize_query(raw: str) -> str:
    # NFKC folds full-width Latin and half-width katakana, so ｻｰｷｯﾄ finds サーキット.
    return unicodedata.normalize("NFKC", raw).strip()[:MAX_QUERY]


def search_patterns(query: str, patterns: QuerySet[Pattern] | None = None) -> list[Pattern]:
    """Patterns whose title, summary or body contains every word of the query, in either language.

    Substring matching needs no word boundaries, so Japanese (written without
    spaces) is found as readily as English. Title matches come first.
    """
    words = query.split()
    if not words:
        return []
    condition = Q()
    for word in words:
        any_field = Q()
        for name in SEARCH_FIELDS:
            for code in ("en", "ja"):
                any_field |= Q(**{f"{name}_{code}__icontains": word})
        condition &= any_field
    patterns = Pattern.objects.published() if patterns is None else patterns
    matches = list(patterns.filter(condition).select_related("category"))
    first = words[0].casefold()

    def rank(pattern: Pattern) -> tuple[int, str]:
        titles = f"{pattern.title_en} {pattern.title_ja}".casefold()
        summaries = f"{pattern.summary_en} {pattern.summary_ja}".casefold()
        return (0 if first in titles else 1 if first in summaries else 2, pattern.title)

    return sorted(matches, key=rank)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = normalize_query(request.GET.get("q", ""))
    context = {"query": query, "results": search_patterns(query, Pattern.objects.visible_to(request.user))}
    template = "catalog/search.html#results" if request.htmx else "catalog/search.html"
    return render(request, template, context)


@require_GET
def map_view(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/map.html", {"map": pattern_map(Pattern.objects.visible_to(request.user))})


@require_GET
def pattern_detail(request: HttpRequest, slug: str) -> HttpResponse:
    visible = Pattern.objects.visible_to(request.user)
    pattern = (
        visible.select_related("category")
        .prefetch_related(
            Prefetch("related", visible.without_bodies()), Prefetch("related_from", visible.without_bodies()), "tags"
        )
        .filter(slug=slug)
        .first()
    )
    if pattern is None:
        moved = SlugRedirect.objects.filter(old_slug=slug, pattern__in=visible).select_related("pattern").first()
        if moved is None:
            raise Http404
        return HttpResponsePermanentRedirect(moved.pattern.get_absolute_url())
    language = get_language()
    linked = {p.pk: p for p in [*pattern.related.all(), *pattern.related_from.all()] if p.pk != pattern.pk}
    context = {
        "pattern": pattern,
        "body_html": mark_safe(rendered_body(pattern, language)),  # noqa: S308 - sanitised by nh3
        "untranslated": not pattern.is_translated(language),
        "scenarios": [
            {"slug": s.slug, "title": s.title.get(language), "source": s.source.get(language) if s.source else ""}
            for s in demo_scenarios(pattern)
        ],
        "linked": sorted(linked.values(), key=lambda p: p.title),
    }
    return render(request, "catalog/pattern_detail.html", context)
