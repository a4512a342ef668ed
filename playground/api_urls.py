from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("scenarios", api.scenarios, name="scenarios"),
    path("runs", api.create_run, name="runs"),
    path("runs/<int:run_id>", api.run, name="run"),
    path("runs/<int:run_id>/frames", api.run_frames, name="run-frames"),
    path("runs/<int:run_id>/cancel", api.cancel_run, name="run-cancel"),
]
