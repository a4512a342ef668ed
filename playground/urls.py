from django.urls import path

from . import views

app_name = "playground"

urlpatterns = [
    path("", views.index, name="index"),
    path("scenarios/<slug:slug>/", views.scenario, name="scenario"),
    path("scenarios/<slug:slug>/validate/", views.validate, name="validate"),
    path("scenarios/<slug:slug>/both/", views.run_both, name="run-both"),
    path("runs/", views.history, name="history"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/cancel/", views.cancel, name="cancel"),
    path("compare/", views.compare, name="compare"),
]
