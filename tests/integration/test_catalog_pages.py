"""The shipped catalog: every pattern page exists in both languages, links resolve, search works."""

import re
import xml.dom.minidom
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.management import call_command

from catalog.content_loader import CONTENT_DIR, read_patterns
from catalog.markdown import DIAGRAM_DIR, pygments_css
from catalog.models import Pattern
from catalog.sections import REQUIRED_SECTIONS, split_sections

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# Every pattern the catalog promises (the seed notes' patterns), by slug.
EXPECTED_SLUGS = """
sidecar ambassador adapter
replicated-load-balanced-service caching-layer rate-limiting tls-termination sharded-service scatter-gather
decorator-function event-handling-functions event-based-pipeline ownership-election
work-queue event-driven-batch coordinated-batch
api-gateway circuit-breaker graceful-degradation async-messaging-cycles load-shedding cqrs event-sourcing
choreography service-mesh service-discovery distributed-tracing api-contracts-idl
dependency-inversion test-containers command-query-separation trunk-based-development feature-flags
branch-by-abstraction threat-modeling
externalized-session-state connection-pooling read-replicas graceful-scale-in message-queue publish-subscribe
event-stream event-bus eventual-consistency saga transactional-outbox fan-out virtual-waiting-room
quota-management strangler-fig serverless-web-adapter recovery-objectives failover timeouts retry-backoff jitter
rolling-deployment staggered-deployment blue-green-deployment canary-release expand-contract automatic-rollback
fault-injection
logs-metrics-traces log-router sli-slo-sla error-budget percentile-latency synthetic-monitoring
real-user-monitoring
""".split()  # noqa: SIM905 (a word list reads better as text)

SECTIONS = REQUIRED_SECTIONS


@pytest.fixture
def catalog(db):
    call_command("load_content", verbosity=0)


sections = split_sections


def test_every_promised_pattern_is_shipped():
    shipped = {source.slug for source in read_patterns()}
    assert sorted(set(EXPECTED_SLUGS) - shipped) == []


@pytest.mark.parametrize("source", read_patterns(), ids=lambda s: s.slug)
def test_each_page_has_every_section_with_content_in_both_languages(source):
    for code, expected in SECTIONS.items():
        found = sections(source.fields[f"body_{code}"])
        assert list(found) == expected, f"{source.slug} ({code}) sections"
        empty = [name for name, text in found.items() if len(text) < 40]
        assert empty == [], f"{source.slug} ({code}) has thin sections: {empty}"
        assert "```mermaid" in found[expected[1]], f"{source.slug} ({code}) solution has no diagram"
        assert source.fields[f"summary_{code}"] and source.fields[f"title_{code}"]


def test_related_patterns_section_matches_meta_and_uses_each_pages_title():
    sources = {source.slug: source for source in read_patterns()}
    for source in sources.values():
        for code, heading in (("en", "Related patterns"), ("ja", "関連パターン")):
            related = sections(source.fields[f"body_{code}"])[heading]
            links = re.findall(r"^- \[([^\]]+)\]\(\.\./([a-z0-9-]+)/\)", related, re.M)
            assert [slug for _, slug in links] == source.related, f"{source.slug} ({code})"
            for text, slug in links:
                title = sources[slug].fields[f"title_{code}"]
                assert text == title, f"{source.slug} ({code}) links to {slug} as {text!r}"


def test_every_page_renders_and_every_internal_link_resolves(client, catalog):
    for pattern in Pattern.objects.all():
        for code in ("en", "ja"):
            url = f"/{code}/patterns/{pattern.slug}/"
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for href in set(re.findall(r'<div class="prose">.*?</div>\s*</article>', body, re.S)[0:1]):
                for link in re.findall(r'href="([^"#]+)"', href):
                    if link.startswith(("http://", "https://", "mailto:")):
                        continue
                    target = urljoin(url, link)
                    assert client.get(target).status_code == 200, f"{url} links to {link}, which is missing"


def test_related_links_show_both_ways(client, catalog):
    sidecar = Pattern.objects.get(slug="sidecar")
    target = sidecar.related.first()
    page = client.get(f"/en/patterns/{target.slug}/").content.decode()
    assert 'href="/en/patterns/sidecar/"' in page


@pytest.mark.parametrize(
    ("query", "slug"),
    [("サーキット", "circuit-breaker"), ("circuit breaker", "circuit-breaker"), ("ｻｰｷｯﾄ", "circuit-breaker"),
     ("サイドカー", "sidecar"), ("SIDECAR", "sidecar"), ("バルクヘッド OR", None)],
)  # fmt: skip
def test_search_finds_japanese_and_english_terms(client, catalog, query, slug):
    response = client.get("/ja/search/", {"q": query})
    assert response.status_code == 200
    found = [p.slug for p in response.context["results"]]
    if slug is None:
        assert found == []
    else:
        assert found and found[0] == slug, found


def test_search_as_you_type_returns_only_the_results(client, catalog):
    response = client.get("/en/search/", {"q": "sidecar"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "/en/patterns/sidecar/" in body


def test_category_tag_and_map_pages_link_to_every_pattern(client, catalog):
    map_page = client.get("/ja/map/").content.decode()
    for pattern in Pattern.objects.select_related("category"):
        assert f'href="/ja/patterns/{pattern.slug}/"' in map_page
        category_page = client.get(pattern.category.get_absolute_url()).content.decode()
        assert f'href="{pattern.get_absolute_url()}"' in category_page
    for tag in Pattern.objects.get(slug="sidecar").tags.all():
        assert client.get(tag.get_absolute_url()).status_code == 200


def test_catalog_pages_load_no_chart_library(client, catalog):
    for url in ("/en/", "/en/patterns/sidecar/", "/en/map/", "/en/search/?q=queue"):
        assert "plotly" not in client.get(url).content.decode()


def test_script_in_a_page_body_never_reaches_the_reader(client, catalog):
    Pattern.objects.filter(slug="sidecar").update(
        body_en='<script>alert("x")</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>'
    )
    body = client.get("/en/patterns/sidecar/").content.decode()
    prose = body.split('<div class="prose">')[1].split("</article>")[0]
    assert "<script" not in prose and "<img" not in prose and 'href="javascript' not in prose


def test_api_patterns_lists_every_pattern_with_both_languages(client, catalog):
    patterns = {p["slug"]: p for p in client.get("/api/patterns").json()["patterns"]}
    assert set(patterns) == set(Pattern.objects.values_list("slug", flat=True))
    sidecar = patterns["sidecar"]
    assert sidecar["urls"] == {"en": "/en/patterns/sidecar/", "ja": "/ja/patterns/sidecar/"}
    assert sidecar["title"]["ja"] == "サイドカー" and sidecar["category"]["slug"] == "single-node"


def test_every_diagram_is_rendered_to_a_well_formed_svg():
    call_command("render_diagrams", "--check", verbosity=0)
    for svg in DIAGRAM_DIR.glob("*.svg"):
        document = xml.dom.minidom.parse(str(svg))  # noqa: S318 (files in this repository)
        assert not document.getElementsByTagName("script"), svg.name


def test_the_code_highlighting_stylesheet_is_up_to_date():
    shipped = (ROOT / "static/css/pygments.css").read_text()
    assert pygments_css() in shipped


def test_content_files_are_where_the_loader_reads_them():
    assert (CONTENT_DIR / "patterns").is_dir()
