"""GET /api/patterns: every pattern with its titles, summaries, category, page URLs and scenarios."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Router, Schema

from playground.schemas import Localized

from .models import Pattern
from .views import demo_scenarios

LANGUAGES = [code for code, _name in settings.LANGUAGES]

router = Router(tags=["catalog"])


class CategoryOut(Schema):
    slug: str
    name: Localized


class PatternOut(Schema):
    slug: str
    title: Localized
    summary: Localized
    category: CategoryOut
    tags: list[str]
    related: list[str]
    urls: Localized
    updated_at: datetime
    scenarios: list[str]


class PatternsOut(Schema):
    patterns: list[PatternOut]


def page_urls(slug: str) -> dict[str, str]:
    urls = {}
    for code in LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("catalog:pattern", kwargs={"slug": slug})
    return urls


@router.get("/patterns", response=PatternsOut, url_name="patterns", summary="List patterns")
def patterns(request: HttpRequest):
    """Every published pattern page, in both languages, with the scenarios that demonstrate it."""
    items = []
    for pattern in Pattern.objects.published().select_related("category").prefetch_related("tags", "related"):
        items.append(
            {
                "slug": pattern.slug,
                "title": {code: getattr(pattern, f"title_{code}") for code in LANGUAGES},
                "summary": {code: getattr(pattern, f"summary_{code}") for code in LANGUAGES},
                "category": {
                    "slug": pattern.category.slug,
                    "name": {code: getattr(pattern.category, f"name_{code}") for code in LANGUAGES},
                },
                "tags": [tag.slug for tag in pattern.tags.all()],
                "related": [other.slug for other in pattern.related.all() if other.is_published],
                "urls": page_urls(pattern.slug),
                "updated_at": pattern.updated_at,
                "scenarios": [scenario.slug for scenario in demo_scenarios(pattern)],
            }
        )
    return {"patterns": items}
