"""Pattern pages and their categories. Translated fields are registered in translation.py."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The fields whose every language copy the content loader owns.
TRANSLATED_PATTERN_FIELDS = ("title", "summary", "body")


class Category(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})


class Tag(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:tag", kwargs={"slug": self.slug})


class Pattern(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="patterns", verbose_name=_("category")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body (Markdown)"), blank=True)
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from", verbose_name=_("related patterns")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="patterns", verbose_name=_("tags"))
    # Fingerprint of the fields as last loaded from catalog/content/: when the
    # stored fields no longer match it, an editor changed the page.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["category__order", "order", "slug"]
        verbose_name = _("pattern")
        verbose_name_plural = _("patterns")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:pattern", kwargs={"slug": self.slug})

    def content_fingerprint(self) -> str:
        """A hash of every language copy of the loader-owned fields and the category."""
        fields = {
            f"{name}_{code}": getattr(self, f"{name}_{code}") or ""
            for name in TRANSLATED_PATTERN_FIELDS
            for code, _name in settings.LANGUAGES
        }
        fields["category"] = self.category.slug if self.category_id else ""
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()

    def is_translated(self, language: str) -> bool:
        return all(getattr(self, f"{name}_{language}") for name in TRANSLATED_PATTERN_FIELDS)
