"""The JSON API under /api/, described by /api/openapi.json (django-ninja builds it from the code)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from catalog.api import router as catalog_router
from playground.api import router as playground_router

api = NinjaAPI(
    title="Pattern Atlas API",
    version="1",
    description=(
        "Patterns of the catalog, the playground's scenarios, and runs: launch one, follow it "
        "(or its WebSocket at /ws/runs/{id}/?after={seq}), cancel it, download it. "
        'Errors are {"errors": {field: [message]}} in the language of Accept-Language.'
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("", catalog_router)
api.add_router("", playground_router)

# Messages for the request-shape errors the schemas catch, keyed by pydantic's error type.
SHAPE_MESSAGES = {
    "missing": lambda: _("This field is required."),
    "dict_type": lambda: _("Must be a JSON object."),
    "model_attributes_type": lambda: _("The request body must be a JSON object."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "int_from_float": lambda: _("Enter a whole number."),
    "string_type": lambda: _("Must be a string."),
}


def _field(location: list) -> str:
    # ("body", "body", "params") -> "params"; the body itself -> "__all__"
    names = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return names[0] if names else "__all__"


@api.exception_handler(ValidationError)
def shape_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    messages: dict[str, list[str]] = {}
    for error in exc.errors:
        message = SHAPE_MESSAGES.get(error.get("type", ""), lambda: _("This value is not valid."))()
        messages.setdefault(_field(list(error.get("loc", []))), []).append(message)
    return JsonResponse({"errors": messages}, status=400)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    if exc.status_code == 400:  # the body is not JSON
        return JsonResponse({"errors": {"__all__": [_("The request body is not valid JSON.")]}}, status=400)
    return JsonResponse({"errors": {"__all__": [str(exc)]}}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> JsonResponse:
    return JsonResponse({"errors": {"__all__": [_("Not found.")]}}, status=404)
