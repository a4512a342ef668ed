"""Give someone an editor account: staff, in the Editor group (pages, not users or settings)."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

EDITOR_GROUP = "Editor"


class Command(BaseCommand):
    help = "Create (or update) an editor account. The password comes from EDITOR_PASSWORD or is generated."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options) -> None:
        try:
            group = Group.objects.get(name=EDITOR_GROUP)
        except Group.DoesNotExist:
            raise CommandError(f"the {EDITOR_GROUP} group is missing: run `manage.py migrate` first") from None
        password = os.environ.get("EDITOR_PASSWORD") or secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(group)
        verb = "Created" if created else "Updated"
        shown = "" if os.environ.get("EDITOR_PASSWORD") else f" with the password {password} (shown only this once)"
        self.stdout.write(f"{verb} the editor {username}{shown}.")
