from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("map/", views.map_view, name="map"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("patterns/<slug:slug>/", views.pattern_detail, name="pattern"),
]
