"""GET /api/patterns: every pattern with its titles, summaries, category, page URLs and scenarios."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from .models import Pattern
from .views import demo_scenarios

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def page_urls(slug: str) -> dict[str, str]:
    urls = {}
    for code in LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("catalog:pattern", kwargs={"slug": slug})
    return urls


@require_GET
def patterns(request: HttpRequest) -> JsonResponse:
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
                "updated_at": pattern.updated_at.isoformat(),
                "scenarios": [scenario.slug for scenario in demo_scenarios(pattern)],
            }
        )
    return JsonResponse({"patterns": items})
