from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site: health checks, local set-up, the embedded Redis."""

    name = "ops"
    verbose_name = _("Operations")
