"""Production settings and the beyond-one-machine files stay correct.

Docker is not run here, so these tests read docker-compose.yml and the
Dockerfile and check that every command they name exists in the project.
"""

import importlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="atlas.example", **extra)
    return env


def test_check_deploy_is_clean_under_production_settings():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def compose_commands() -> dict[str, list[str]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {name: service["command"] for name, service in compose["services"].items() if "command" in service}


def dockerfile_cmd() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line.removeprefix("CMD "))


def assert_command_exists(argv: list[str]) -> None:
    if argv[:2] == ["python", "manage.py"]:
        assert argv[2] in get_commands(), f"manage.py has no command {argv[2]!r}"
    elif argv[0] in ("uvicorn", "gunicorn"):
        module, attr = argv[1].split(":")
        assert callable(getattr(importlib.import_module(module), attr))
    elif argv[0] == "celery":
        app = importlib.import_module(argv[argv.index("-A") + 1] + ".celery").app
        app.loader.import_default_modules()  # what a starting worker does: autodiscover tasks
        assert "workers.run_scenario" in app.tasks
    elif argv[0] != "redis-server":
        pytest.fail(f"unrecognised command in the compose file: {argv}")


def test_every_compose_and_image_command_exists_in_the_project():
    commands = compose_commands()
    assert {"setup", "web", "sockets", "worker"} <= set(commands)
    for argv in [*commands.values(), dockerfile_cmd()]:
        assert_command_exists(argv)


def test_compose_services_share_one_image_and_the_worker_can_scale():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    images = {services[name]["image"] for name in ("setup", "web", "sockets", "worker")}
    assert images == {"pattern-atlas:latest"}
    # A fixed container_name or a host port would stop `--scale worker=N`.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["environment"]["REDIS_URL"].startswith("redis://")


def test_the_proxy_routes_sockets_and_pages_to_the_services_that_exist():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mount = next(v for v in compose["services"]["proxy"]["volumes"] if "nginx.conf" in v)
    config = (ROOT / mount.split(":")[0]).read_text()
    assert "server web:8000;" in config and "server sockets:8001;" in config
    assert "location /ws/" in config and "proxy_set_header Upgrade $http_upgrade;" in config
    # The services listen where the proxy sends them.
    assert "0.0.0.0:8000" in compose["services"]["web"]["command"]
    assert "8001" in compose["services"]["sockets"]["command"]
