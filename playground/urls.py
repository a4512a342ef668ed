from django.urls import path

from . import views

app_name = "playground"

urlpatterns = [
    path("", views.index, name="index"),
    path("scenarios/<slug:slug>/", views.scenario, name="scenario"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/cancel/", views.cancel, name="cancel"),
]
