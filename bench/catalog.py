"""Server time to render catalog pages, measured in-process (no network, no client).

    .venv/bin/python -m bench.catalog [--repeat 20]

Uses the configured database (run `make run` or `manage.py setup_local` first so
the pages are loaded) with DEBUG off. For every pattern page in both languages
it measures a cold render (the cached page body cleared first: Markdown,
highlighting and diagram lookup all run) and warm renders (body from the cache,
as a reader usually gets it), then the index, search and map pages. Prints
median, 95th percentile and worst time in milliseconds. A benchmark: it asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url, secure=True)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{name:<34} {len(samples):>6} {statistics.median(samples):>9.2f} {p95:>9.2f} {ordered[-1]:>9.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="warm renders per page and language")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from catalog.models import Pattern

    settings.ALLOWED_HOSTS = ["*"]
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves hashed static names
    client = Client()
    slugs = list(Pattern.objects.values_list("slug", flat=True))
    if not slugs:
        raise SystemExit("no pattern pages in the database: run `manage.py setup_local` first")
    urls = [f"/{code}/patterns/{slug}/" for slug in slugs for code in ("en", "ja")]
    for url in urls[:4]:
        client.get(url, secure=True)  # import templates and translations once

    cold, warm = [], []
    for url in urls:
        cache.clear()
        cold.append(timed(client, url))
        warm.extend(timed(client, url) for _ in range(args.repeat))
    others = {
        "index (/en/, /ja/)": ["/en/", "/ja/"],
        "search (サーキット, queue)": ["/ja/search/?q=サーキット", "/en/search/?q=queue"],
        "map (/en/map/, /ja/map/)": ["/en/map/", "/ja/map/"],
    }
    print(f"{len(slugs)} patterns, database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"{'page':<34} {'n':>6} {'median ms':>9} {'p95 ms':>9} {'max ms':>9}")
    print(summary("pattern page, cold (no cache)", cold))
    print(summary("pattern page, warm", warm))
    for name, group in others.items():
        print(summary(name, [timed(client, url) for url in group for _ in range(args.repeat)]))


if __name__ == "__main__":
    main()
