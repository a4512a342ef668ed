"""Both languages everywhere: prefixed URLs, the root redirect, the switcher, complete catalogs."""

import re
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

TEMPLATE_STRING = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
PYTHON_STRING = re.compile(r"""\b_\(\s*(["'])(.+?)\1\s*\)""")


def interface_strings() -> set[str]:
    found = set()
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" not in path.parts:
            found |= {m.group(2) for m in TEMPLATE_STRING.finditer(path.read_text())}
    for app in ("catalog", "playground", "ops", "config"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= {m.group(2) for m in PYTHON_STRING.finditer(path.read_text())}
    return found


def test_every_interface_string_has_a_japanese_translation():
    catalog = {entry.msgid: entry for entry in polib.pofile(str(ROOT / "locale/ja/LC_MESSAGES/django.po"))}
    strings = interface_strings()
    assert len(strings) > 30  # the scan finds the interface, not nothing
    untranslated = sorted(s for s in strings if s not in catalog or not catalog[s].msgstr or catalog[s].fuzzy)
    assert untranslated == []


@pytest.mark.parametrize(("accept", "target"), [("ja,en;q=0.5", "/ja/"), ("en-US,en;q=0.9", "/en/"), ("fr", "/en/")])
def test_root_redirects_by_accept_language(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


def test_pages_speak_the_language_of_their_prefix(client):
    call_command("compile_translations", verbosity=0)
    english = client.get("/en/playground/").content.decode()
    japanese = client.get("/ja/playground/").content.decode()
    assert '<html lang="en">' in english and "Pick a simulation" in english
    assert '<html lang="ja">' in japanese and "シミュレーションを選び" in japanese
    assert "Pick a simulation" not in japanese


@pytest.mark.parametrize("path", ["/en/", "/en/playground/", "/en/playground/scenarios/tracer/"])
def test_language_switcher_keeps_the_reader_on_the_same_page(client, path):
    body = client.get(path).content.decode()
    japanese_path = "/ja/" + path.removeprefix("/en/")
    assert f'href="{japanese_path}" hreflang="ja"' in body


def test_the_japanese_catalog_has_no_empty_or_fuzzy_entry():
    catalog = polib.pofile(str(ROOT / "locale/ja/LC_MESSAGES/django.po"))
    assert [e.msgid for e in catalog if e.fuzzy or not (e.msgstr or any(e.msgstr_plural.values()))] == []
