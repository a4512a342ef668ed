"""Pattern pages and their categories. Translated fields are registered in translation.py."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Bookkeeping kept out of revisions: restoring a revision never rewinds these.
UNVERSIONED_PATTERN_FIELDS = ("updated_at", "en_edited_at", "ja_edited_at", "source_hash")
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


# A language whose copy was last edited this much earlier than the other's is "behind".
TRANSLATION_BEHIND_AFTER = timedelta(days=14)


class PatternQuerySet(models.QuerySet):
    def published(self) -> PatternQuerySet:
        return self.filter(status=Pattern.Status.PUBLISHED)

    def without_bodies(self) -> PatternQuerySet:
        """For lists, links and the map, which never show the (long) bodies."""
        return self.defer("body", *(f"body_{code}" for code, _name in settings.LANGUAGES), "source_hash")

    def visible_to(self, user) -> PatternQuerySet:
        """Readers see published pages; staff also see drafts."""
        return self if user.is_staff else self.published()


class Pattern(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("The page address. When it changes, the old address redirects here.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PUBLISHED,
        db_index=True,
        help_text=_("Readers see only published pages; staff can preview drafts at their public address."),
    )
    scenario = models.CharField(
        _("playground scenario"),
        max_length=60,
        blank=True,
        help_text=_("The simulation behind the page's “Run the demo” button. Empty: the scenarios made for it."),
    )
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
    # When each language's title, summary or body last changed (translation status in the admin).
    en_edited_at = models.DateTimeField(_("English edited"), null=True, blank=True, editable=False)
    ja_edited_at = models.DateTimeField(_("Japanese edited"), null=True, blank=True, editable=False)

    objects = PatternQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "order", "slug"]
        verbose_name = _("pattern")
        verbose_name_plural = _("patterns")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        for code, _name in settings.LANGUAGES:  # browsers send textareas with CRLF; pages are stored with LF
            for name in ("summary", "body"):
                value = getattr(self, f"{name}_{code}")
                if value and "\r\n" in value:
                    setattr(self, f"{name}_{code}", value.replace("\r\n", "\n"))
        now = timezone.now()
        saved_copies = getattr(self, "_saved_copies", {})
        for code, _name in settings.LANGUAGES:
            copy = self._language_copy(code)
            if copy != saved_copies.get(code) and any(copy):
                setattr(self, f"{code}_edited_at", now)
        old_slug = getattr(self, "_saved_slug", None)
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"pattern": self})
        SlugRedirect.objects.filter(old_slug=self.slug).delete()
        self._remember_saved_state()

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

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _language_copy(self, code: str) -> tuple[str, ...]:
        # Compared without surrounding whitespace: a form strips it, and that is no edit.
        return tuple((self.__dict__.get(f"{name}_{code}") or "").strip() for name in TRANSLATED_PATTERN_FIELDS)

    def _remember_saved_state(self) -> None:
        self._saved_slug = self.__dict__.get("slug")
        self._saved_copies = {code: self._language_copy(code) for code, _name in settings.LANGUAGES}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_saved_state()
        return instance

    def translation_state(self) -> tuple[str, str | None]:
        """(state, language): ("missing", "ja"), ("behind", "en"), or ("complete", None)."""
        codes = [code for code, _name in settings.LANGUAGES]
        for code in codes:
            if not self.is_translated(code):
                return "missing", code
        edited = {code: getattr(self, f"{code}_edited_at") for code in codes}
        if all(edited.values()):
            newest = max(edited.values())
            for code in codes:
                if newest - edited[code] > TRANSLATION_BEHIND_AFTER:
                    return "behind", code
        return "complete", None


class SlugRedirect(models.Model):
    """An address a page had before its slug was changed; it redirects to the page."""

    old_slug = models.SlugField(_("old slug"), unique=True)
    pattern = models.ForeignKey(Pattern, on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("pattern"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.pattern.slug}"
