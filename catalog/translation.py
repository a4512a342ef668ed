"""Which model fields exist per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import TRANSLATED_PATTERN_FIELDS, Category, Pattern, Tag


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Pattern)
class PatternTranslationOptions(TranslationOptions):
    fields = TRANSLATED_PATTERN_FIELDS


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)
