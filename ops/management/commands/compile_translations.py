"""Compile the interface message catalogs (.po to .mo) without GNU gettext.

Django's compilemessages needs msgfmt, which a fresh machine may not have;
polib writes the same .mo files in pure Python.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po into .mo (pure Python, no gettext needed)."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path}: {catalog.percent_translated()}% translated")
        self.stdout.write(f"Compiled {compiled} message catalog(s).")
