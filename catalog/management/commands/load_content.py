"""Load the pattern pages shipped in catalog/content/ (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from catalog.content_loader import ContentError, load


class Command(BaseCommand):
    help = "Load the shipped pattern pages. Pages edited in the admin are kept unless --force is given."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Overwrite pages edited in the admin.")

    def handle(self, *args, **options):
        try:
            report = load(force=options["force"])
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Content: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.kept)} kept (edited in the admin)."
        )
        if report.kept:
            self.stdout.write("Kept: " + ", ".join(report.kept) + " (use --force to overwrite).")
