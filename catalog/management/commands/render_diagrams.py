"""Render the Mermaid diagrams of the shipped pattern pages to SVG files.

Pattern pages keep their diagrams as Mermaid source; readers get static SVGs
(catalog/static/catalog/diagrams/<hash>.svg, committed) so catalog pages load no
diagram library. Run this after adding or changing a diagram:

    python manage.py render_diagrams            # render what is missing
    python manage.py render_diagrams --check    # exit 1 if any diagram is not rendered
    python manage.py render_diagrams --prune    # also delete SVGs no page uses

It needs Debian's chromium and the Mermaid package from the npm registry
(fetched with `npm pack` into var/, or given with --mermaid-js).
"""

from __future__ import annotations

import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.content_loader import CONTENT_DIR
from catalog.markdown import DIAGRAM_DIR, diagram_filename

MERMAID_VERSION = "11.17.2"
MERMAID_BLOCK = re.compile(r"^```mermaid[^\n]*\n(.*?)^```", re.M | re.S)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]  # fmt: skip
RENDER = """
async ([id, source]) => {
  mermaid.initialize({
    startOnLoad: false, securityLevel: "strict", theme: "neutral", htmlLabels: false,
    flowchart: { htmlLabels: false }, sequence: { useMaxWidth: true },
    fontFamily: '"Noto Sans CJK JP", "Hiragino Sans", system-ui, sans-serif',
  });
  const { svg } = await mermaid.render(id, source);
  // Re-serialise as XML: a standalone .svg file must be well-formed (<br/>, not <br>).
  const doc = new DOMParser().parseFromString(svg, "text/html");
  return new XMLSerializer().serializeToString(doc.querySelector("svg"));
}
"""


def mermaid_sources(content_dir: Path = CONTENT_DIR) -> dict[str, str]:
    """Every Mermaid source in the shipped pages, by the SVG file name it renders to."""
    sources = {}
    for page in sorted(content_dir.glob("patterns/*/*.md")):
        for match in MERMAID_BLOCK.finditer(page.read_text(encoding="utf-8")):
            sources[diagram_filename(match.group(1))] = match.group(1)
    return sources


def fetch_mermaid() -> Path:
    target = settings.VAR_DIR / "tools" / f"mermaid-{MERMAID_VERSION}.min.js"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["npm", "pack", f"mermaid@{MERMAID_VERSION}", "--silent"], cwd=tmp, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise CommandError(f"npm pack mermaid failed: {done.stderr.strip()}")
        with tarfile.open(Path(tmp) / done.stdout.strip().splitlines()[-1]) as archive:
            member = archive.extractfile("package/dist/mermaid.min.js")
            target.write_bytes(member.read())
    return target


class Command(BaseCommand):
    help = "Render the Mermaid diagrams of the shipped pattern pages to static SVG files."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report; exit 1 if any is missing.")
        parser.add_argument("--prune", action="store_true", help="Delete SVGs that no page uses.")
        parser.add_argument("--mermaid-js", type=Path, help="Path to mermaid.min.js (default: npm pack).")
        parser.add_argument("--chromium", default="/usr/bin/chromium")

    def handle(self, *args, **options):
        sources = mermaid_sources()
        missing = {name: src for name, src in sources.items() if not (DIAGRAM_DIR / name).exists()}
        if options["check"]:
            if missing:
                raise CommandError(
                    f"{len(missing)} diagram(s) not rendered: run manage.py render_diagrams", returncode=1
                )
            self.stdout.write(f"All {len(sources)} diagrams are rendered.")
            return
        if missing:
            self.render(missing, options["mermaid_js"] or fetch_mermaid(), options["chromium"])
        if options["prune"]:
            for svg in DIAGRAM_DIR.glob("*.svg"):
                if svg.name not in sources:
                    svg.unlink()
                    self.stdout.write(f"pruned {svg.name}")
        self.stdout.write(f"{len(missing)} rendered, {len(sources)} in use.")

    def render(self, missing: dict[str, str], mermaid_js: Path, chromium: str) -> None:
        from playwright.sync_api import sync_playwright

        DIAGRAM_DIR.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.set_content("<!doctype html><html><body></body></html>")
            page.add_script_tag(path=str(mermaid_js))
            failures = []
            for number, (name, source) in enumerate(sorted(missing.items())):
                try:
                    svg = page.evaluate(RENDER, [f"d{number}", source])
                except Exception as exc:  # a syntax error in one diagram should not stop the rest
                    failures.append(f"{name}: {str(exc).splitlines()[0]}\n{source}")
                    continue
                (DIAGRAM_DIR / name).write_text(svg, encoding="utf-8")
            browser.close()
        if failures:
            raise CommandError("some diagrams failed to render:\n" + "\n".join(failures))
