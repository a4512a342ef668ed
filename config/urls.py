"""URLs: pages under /en/ and /ja/; API, sockets, health and static outside them."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from catalog import api as catalog_api
from ops import views as ops_views

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("api/patterns", catalog_api.patterns, name="api-patterns"),
    path("api/", include("playground.api_urls", namespace="api")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("playground/", include("playground.urls")),
    path("", include("catalog.urls")),
)
