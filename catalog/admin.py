"""Admin for pattern pages: both languages of each field side by side in tabs."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Category, Pattern


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Pattern)
class PatternAdmin(TabbedTranslationAdmin):
    list_display = ("title", "slug", "category", "updated_at")
    list_filter = ("category",)
    search_fields = ("slug", "title_en", "title_ja", "summary_en", "summary_ja")
    filter_horizontal = ("related",)
    readonly_fields = ("updated_at",)
