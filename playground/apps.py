from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaygroundConfig(AppConfig):
    """Launching and watching simulation runs."""

    name = "playground"
    verbose_name = _("Playground")
