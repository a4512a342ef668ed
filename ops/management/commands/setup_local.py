"""Everything `make run` and `make test` need before the processes start.

Migrates, loads the shipped pattern pages, compiles the interface translations
and, on the local defaults only, gives a newcomer an admin account.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the shipped content, compile translations, and create a local admin if none exists."

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="Do not create the local admin account.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_content", verbosity=options["verbosity"])
        call_command("compile_translations", verbosity=options["verbosity"])
        if not options["no_admin"]:
            self.ensure_local_admin()

    def ensure_local_admin(self) -> None:
        # Only on the embedded defaults: a real deployment creates its own accounts.
        if not settings.EMBEDDED_DATABASE:
            return
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        line = "=" * 64
        self.stdout.write(
            f"\n{line}\n"
            "  A local admin account was created (shown only this once):\n"
            "    user:     admin\n"
            f"    password: {password}\n"
            "  Change it in the admin, or run: python manage.py changepassword admin\n"
            f"{line}\n"
        )
