"""Admin for pattern pages: each translated field once per language ([en], [ja])."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Category, Pattern


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ("name", "slug", "order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Pattern)
class PatternAdmin(TranslationAdmin):
    list_display = ("title", "slug", "category", "updated_at")
    list_filter = ("category",)
    search_fields = ("slug", "title_en", "title_ja", "summary_en", "summary_ja")
    filter_horizontal = ("related",)
    readonly_fields = ("updated_at",)
