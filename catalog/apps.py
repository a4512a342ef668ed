from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Pattern pages: models, translations, admin, views and the content loader."""

    name = "catalog"
    verbose_name = _("Catalog")
