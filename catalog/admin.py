"""The editors' admin for pattern pages.

English and Japanese copies sit side by side with a live preview of the
Markdown; every save is a revision (django-reversion) that can be compared with
any other (django-reversion-compare) and restored in one action; the list shows
which pages miss a language or have one falling behind.
"""

from __future__ import annotations

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from workers.sim.scenarios import all_scenarios

from . import markdown
from .models import TRANSLATED_PATTERN_FIELDS, UNVERSIONED_PATTERN_FIELDS, Category, Pattern, SlugRedirect, Tag
from .sections import REQUIRED_SECTIONS, missing_sections

LANGUAGE_NAMES = dict(settings.LANGUAGES)

admin.site.site_header = _("Pattern Atlas — editing")
admin.site.site_title = _("Pattern Atlas editing")
admin.site.index_title = _("Pages, categories and tags")


class MarkdownWithPreview(forms.Textarea):
    """A Markdown textarea whose rendered preview updates as the editor types (htmx)."""

    template_name = "admin/catalog/pattern/markdown_with_preview.html"

    def __init__(self, language: str, attrs=None):
        self.language = language
        super().__init__(attrs={"rows": 28, "class": "markdown-source", "lang": language, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = reverse("admin:catalog_pattern_preview")
        context["widget"]["language"] = self.language
        return context


def scenario_choices():
    return [("", _("— the scenarios made for this pattern —"))] + [
        (scenario.slug, scenario.slug) for scenario in all_scenarios()
    ]


class PatternAdminForm(forms.ModelForm):
    scenario = forms.TypedChoiceField(label=_("playground scenario"), required=False, choices=scenario_choices)

    class Meta:
        model = Pattern
        fields = ["slug", "status", "category", "order", *TRANSLATED_PATTERN_FIELDS, "related", "tags", "scenario"]
        widgets = {
            "body_en": MarkdownWithPreview("en"),
            "body_ja": MarkdownWithPreview("ja"),
            "summary_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "summary_ja": forms.Textarea(attrs={"rows": 3, "lang": "ja"}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != Pattern.Status.PUBLISHED:
            return cleaned
        # A published page must be complete in both languages.
        for code in REQUIRED_SECTIONS:
            for name in TRANSLATED_PATTERN_FIELDS:
                field = f"{name}_{code}"
                if not (cleaned.get(field) or "").strip() and field in self.fields and field not in self.errors:
                    self.add_error(field, gettext("Required before the page can be published."))
            body_field = f"body_{code}"
            missing = missing_sections(cleaned.get(body_field) or "", code)
            if missing and body_field not in self.errors and (cleaned.get(body_field) or "").strip():
                self.add_error(
                    body_field,
                    ValidationError(
                        ngettext(
                            "Fill in this section before publishing (a “## %(names)s” heading with text under it).",
                            "Fill in these sections before publishing (“## …” headings with text under them): "
                            "%(names)s.",
                            len(missing),
                        ),
                        params={"names": ", ".join(missing)},
                    ),
                )
        return cleaned


KEPT_ON_RESTORE = {"id", *UNVERSIONED_PATTERN_FIELDS}


def restore_version(pattern: Pattern, version: Version) -> None:
    """Apply a revision's fields and links through the model's own save (dates, redirects, caches follow)."""
    stored = version.field_dict
    for field in Pattern._meta.concrete_fields:
        if field.name in KEPT_ON_RESTORE or field.name in TRANSLATED_PATTERN_FIELDS:
            continue  # the language copies (title_en, title_ja…) carry the translated fields
        for key in (field.attname, field.name):
            if key in stored:
                setattr(pattern, field.attname, stored[key])
                break
    pattern.save()
    for field in Pattern._meta.many_to_many:
        if field.name in stored:
            getattr(pattern, field.name).set(stored[field.name])


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("missing-ja", _("Japanese missing")),
            ("missing-en", _("English missing")),
            ("behind-ja", _("Japanese behind")),
            ("behind-en", _("English behind")),
            ("complete", _("Both up to date")),
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        state, _sep, language = self.value().partition("-")
        wanted = [p.pk for p in queryset if p.translation_state() == (state, language or None)]
        return queryset.filter(pk__in=wanted)


@admin.register(Category)
class CategoryAdmin(CompareVersionAdmin, TranslationAdmin):
    list_display = ("name", "slug", "order")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Tag)
class TagAdmin(CompareVersionAdmin, TranslationAdmin):
    list_display = ("name", "slug")
    search_fields = ("slug", "name_en", "name_ja")


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "pattern", "created_at")
    search_fields = ("old_slug", "pattern__slug")


@admin.register(Pattern)
class PatternAdmin(CompareVersionAdmin, TranslationAdmin):
    form = PatternAdminForm
    compare_template = "admin/catalog/pattern/compare.html"
    compare_exclude = TRANSLATED_PATTERN_FIELDS  # the base columns repeat one language; title_en, title_ja… show it all
    object_history_template = "admin/catalog/pattern/object_history.html"
    change_list_template = "admin/change_list.html"  # pages are not deleted by editors: no "recover deleted" link
    list_display = ("title", "slug", "category", "status", "translation", "updated_at")
    list_filter = ("status", TranslationStatusFilter, "category", "tags")
    list_select_related = ("category",)
    search_fields = ("slug", "title_en", "title_ja", "summary_en", "summary_ja", "body_en", "body_ja")
    filter_horizontal = ("related", "tags")
    readonly_fields = ("updated_at", "en_edited_at", "ja_edited_at")
    save_on_top = True
    history_latest_first = True
    fieldsets = [
        (None, {"fields": (("slug", "status"), ("category", "order"))}),
        (_("Title"), {"fields": (("title_en", "title_ja"),), "classes": ("languages",)}),
        (_("Summary"), {"fields": (("summary_en", "summary_ja"),), "classes": ("languages",)}),
        (_("Body (Markdown)"), {"fields": (("body_en", "body_ja"),), "classes": ("languages",)}),
        (_("Links"), {"fields": ("related", "tags", "scenario")}),
        (_("Dates"), {"fields": (("updated_at", "en_edited_at", "ja_edited_at"),)}),
    ]

    class Media:
        css = {"all": ["catalog/admin/pattern.css", "css/pygments.css"]}
        js = ["vendor/htmx-2.0.11.min.js", "catalog/admin/pattern.js"]

    @admin.display(description=_("translation"))
    def translation(self, pattern: Pattern) -> str:
        state, language = pattern.translation_state()
        if state == "missing":
            text, css = gettext("%(language)s missing") % {"language": LANGUAGE_NAMES[language]}, "missing"
        elif state == "behind":
            text, css = gettext("%(language)s behind") % {"language": LANGUAGE_NAMES[language]}, "behind"
        else:
            text, css = gettext("Up to date"), "complete"
        return format_html('<span class="translation-state {}">{}</span>', css, text)

    def get_urls(self):
        own = [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="catalog_pattern_preview"),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="catalog_pattern_restore",
            ),
        ]
        return own + super().get_urls()

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The posted body (body_en or body_ja; the widget sends only its own field) rendered as on the page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        source = next((request.POST[name] for name in ("body_en", "body_ja") if name in request.POST), "")
        return HttpResponse(markdown.render(source))

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        """Put the page back as it was in that revision, in one action; the restore is itself a revision."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        pattern = get_object_or_404(Pattern, pk=object_id)
        if not self.has_change_permission(request, pattern):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(pattern), pk=version_id)
        when = date_format(version.revision.date_created, "DATETIME_FORMAT")
        with reversion.create_revision():
            restore_version(pattern, version)
            reversion.set_user(request.user)
            reversion.set_comment(gettext("Restored the revision of %(when)s.") % {"when": when})
        self.message_user(
            request, gettext("Restored the revision of %(when)s. The public page shows it now.") % {"when": when},
            messages.SUCCESS,
        )  # fmt: skip
        return HttpResponseRedirect(reverse("admin:catalog_pattern_change", args=[pattern.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.is_published:
            self.message_user(
                request, gettext("This page is a draft: readers do not see it. Staff can preview it on the site."),
                messages.WARNING,
            )  # fmt: skip
        return super().render_change_form(request, context, add, change, form_url, obj)
