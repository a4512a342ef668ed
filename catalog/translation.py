"""Which model fields exist per language (django-modeltranslation), and which models keep revisions.

Revisions are registered here, after the per-language fields exist, so that
django-reversion stores title_en, title_ja and the rest with every revision.
"""

import reversion
from modeltranslation.translator import TranslationOptions, register

from .models import TRANSLATED_PATTERN_FIELDS, UNVERSIONED_PATTERN_FIELDS, Category, Pattern, Tag


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Pattern)
class PatternTranslationOptions(TranslationOptions):
    fields = TRANSLATED_PATTERN_FIELDS


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)


reversion.register(Category)
reversion.register(Tag)
reversion.register(Pattern, exclude=UNVERSIONED_PATTERN_FIELDS)
