"""Read the shipped pattern pages from catalog/content/ and load them into the database.

Layout:
    catalog/content/categories.yaml
    catalog/content/tags.yaml
    catalog/content/patterns/<slug>/meta.yaml   category, order, related, tags
    catalog/content/patterns/<slug>/en.md       front matter (title, summary) + Markdown body
    catalog/content/patterns/<slug>/ja.md       the same in Japanese

Loading is idempotent. A page whose stored text no longer matches what was last
loaded has been edited in the admin, and is kept unless `force` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import reversion
import yaml
from django.conf import settings
from django.db import transaction
from reversion.models import Version

from .models import Category, Pattern, SlugRedirect, Tag

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class ContentError(ValueError):
    """The shipped content is malformed; the message names the file."""


@dataclass
class PatternSource:
    slug: str
    category: str
    order: int
    related: list[str]
    tags: list[str]
    fields: dict[str, str]  # e.g. {"title_en": …, "body_ja": …}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the admin, left alone


def read_categories(content_dir: Path = CONTENT_DIR) -> list[dict]:
    return yaml.safe_load((content_dir / "categories.yaml").read_text(encoding="utf-8")) or []


def read_tags(content_dir: Path = CONTENT_DIR) -> dict[str, dict[str, str]]:
    return yaml.safe_load((content_dir / "tags.yaml").read_text(encoding="utf-8")) or {}


def read_pattern(directory: Path) -> PatternSource:
    meta_path = directory / "meta.yaml"
    if not meta_path.exists():
        raise ContentError(f"{meta_path} is missing")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    if "category" not in meta:
        raise ContentError(f"{meta_path}: 'category' is required")
    fields: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        page_path = directory / f"{code}.md"
        if not page_path.exists():
            raise ContentError(f"{page_path} is missing")
        page = frontmatter.loads(page_path.read_text(encoding="utf-8"))
        for name in ("title", "summary"):
            if not str(page.get(name, "")).strip():
                raise ContentError(f"{page_path}: front matter '{name}' is required")
        fields[f"title_{code}"] = str(page["title"]).strip()
        fields[f"summary_{code}"] = str(page["summary"]).strip()
        fields[f"body_{code}"] = page.content.strip() + "\n"
    return PatternSource(
        slug=directory.name,
        category=meta["category"],
        order=int(meta.get("order", 0)),
        related=list(meta.get("related", [])),
        tags=list(meta.get("tags", [])),
        fields=fields,
    )


def read_patterns(content_dir: Path = CONTENT_DIR) -> list[PatternSource]:
    return [read_pattern(d) for d in sorted((content_dir / "patterns").iterdir()) if d.is_dir()]


LOAD_COMMENT = "Loaded from catalog/content/"


@transaction.atomic
def load(content_dir: Path = CONTENT_DIR, force: bool = False) -> LoadReport:
    """Create or update the shipped pages; every page it saves gets a revision, so editors can return to it."""
    with reversion.create_revision():
        reversion.set_comment(LOAD_COMMENT)
        return _load(content_dir, force)


def _load(content_dir: Path, force: bool) -> LoadReport:
    report = LoadReport()
    categories = {}
    for entry in read_categories(content_dir):
        defaults = {"order": entry.get("order", 0)}
        for code in LANGUAGE_CODES:
            defaults[f"name_{code}"] = entry["name"][code]
            defaults[f"description_{code}"] = entry.get("description", {}).get(code, "")
        category, created = Category.objects.get_or_create(slug=entry["slug"], defaults=defaults)
        if force and not created:
            Category.objects.filter(pk=category.pk).update(**defaults)
        categories[category.slug] = category

    tags = {}
    for slug, names in read_tags(content_dir).items():
        defaults = {f"name_{code}": names[code] for code in LANGUAGE_CODES}
        tag, created = Tag.objects.get_or_create(slug=slug, defaults=defaults)
        if force and not created:
            Tag.objects.filter(pk=tag.pk).update(**defaults)
        tags[slug] = tag

    sources = read_patterns(content_dir)
    renamed = dict(SlugRedirect.objects.values_list("old_slug", "pattern__slug"))  # pages an editor renamed
    known_slugs = {s.slug for s in sources} | set(Pattern.objects.values_list("slug", flat=True)) | set(renamed)
    touched: list[tuple[Pattern, PatternSource]] = []
    for source in sources:
        if source.category not in categories:
            raise ContentError(f"{source.slug}: unknown category {source.category!r}")
        missing = [slug for slug in source.related if slug not in known_slugs]
        if missing:
            raise ContentError(f"{source.slug}: related patterns not found: {', '.join(missing)}")
        unknown_tags = [slug for slug in source.tags if slug not in tags]
        if unknown_tags:
            raise ContentError(f"{source.slug}: tags not in tags.yaml: {', '.join(unknown_tags)}")
        pattern = Pattern.objects.filter(slug=source.slug).first()
        if pattern is None and source.slug in renamed:
            report.kept.append(source.slug)  # renamed in the admin: the editor's page stays as it is
            continue
        if pattern is None:
            pattern = Pattern(slug=source.slug)
            report.created.append(source.slug)
        elif pattern.source_hash != pattern.content_fingerprint() and not force:
            report.kept.append(source.slug)
            continue
        before = pattern.content_fingerprint() if pattern.pk else None
        for name, value in source.fields.items():
            setattr(pattern, name, value)
        pattern.category = categories[source.category]
        changed_meta = pattern.order != source.order
        pattern.order = source.order
        after = pattern.content_fingerprint()
        if before is None or before != after or changed_meta or pattern.source_hash != after:
            pattern.source_hash = after
            pattern.save()
            if before is not None:
                report.updated.append(source.slug)
        else:
            report.unchanged.append(source.slug)
        touched.append((pattern, source))

    versioned = set(Version.objects.get_for_model(Pattern).values_list("object_id", flat=True))
    for pattern, source in touched:
        slugs = [renamed.get(slug, slug) for slug in source.related]
        wanted = set(Pattern.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        if set(pattern.related.values_list("pk", flat=True)) != wanted:
            pattern.related.set(wanted)
        wanted_tags = {tags[slug].pk for slug in source.tags}
        if set(pattern.tags.values_list("pk", flat=True)) != wanted_tags:
            pattern.tags.set(wanted_tags)
        if str(pattern.pk) not in versioned:
            reversion.add_to_revision(pattern)  # the shipped text is the first revision editors can return to
    return report
