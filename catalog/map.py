"""The pattern map: every pattern on a circle, grouped by category, with its related-pattern links.

Laid out on the server as plain SVG coordinates, so the page needs no graph
library; each node is a link to its page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from .models import Category, Pattern

SIZE = 1300
RADIUS = 370
LABEL_GAP = 12
LABEL_CHARS = 36  # longer titles are shortened on the map; the full title is the node's tooltip
# One colour per category, in category order (Okabe–Ito palette plus two; readable for colour-blind readers).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#7A5195", "#B8A100", "#444444"]


@dataclass
class Node:
    slug: str
    title: str
    url: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    rotate: float  # labels run along the radius, so neighbours on a crowded ring never overlap
    colour: str
    label: str


@dataclass
class Edge:
    source: str
    target: str
    path: str
    source_title: str
    target_title: str


@dataclass
class PatternMap:
    size: int
    nodes: list[Node]
    edges: list[Edge]
    legend: list[tuple[str, str, str]]  # (name, colour, url)


def pattern_map(patterns: QuerySet[Pattern]) -> PatternMap:
    categories = list(Category.objects.all())
    colours = {c.pk: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    patterns = list(patterns.without_bodies().select_related("category"))
    centre = SIZE / 2
    nodes: dict[str, Node] = {}
    count = max(len(patterns), 1)
    for index, pattern in enumerate(patterns):  # already ordered by category, then order
        angle = 2 * math.pi * index / count - math.pi / 2
        cos, sin = math.cos(angle), math.sin(angle)
        degrees = math.degrees(angle)
        title = pattern.title
        nodes[pattern.slug] = Node(
            slug=pattern.slug,
            title=title,
            url=reverse("catalog:pattern", kwargs={"slug": pattern.slug}),
            x=round(centre + RADIUS * cos, 1),
            y=round(centre + RADIUS * sin, 1),
            label_x=round(centre + (RADIUS + LABEL_GAP) * cos, 1),
            label_y=round(centre + (RADIUS + LABEL_GAP) * sin, 1),
            anchor="start" if cos >= 0 else "end",
            rotate=round(degrees if cos >= 0 else degrees + 180, 2),
            colour=colours[pattern.category_id],
            label=title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…",
        )
    edges = []
    seen: set[frozenset[str]] = set()
    links = Pattern.related.through.objects.values_list("from_pattern__slug", "to_pattern__slug")
    for source, target in links.order_by("from_pattern__category__order", "from_pattern__order", "id"):
        pair = frozenset((source, target))
        if source not in nodes or target not in nodes or pair in seen or len(pair) == 1:
            continue
        seen.add(pair)
        a, b = nodes[source], nodes[target]
        # A curve bent towards the centre keeps the chords apart from the ring.
        path = f"M{a.x},{a.y} Q{centre},{centre} {b.x},{b.y}"
        edges.append(Edge(a.slug, b.slug, path, a.title, b.title))
    legend = [(c.name, colours[c.pk], c.get_absolute_url()) for c in categories]
    return PatternMap(size=SIZE, nodes=list(nodes.values()), edges=edges, legend=legend)
