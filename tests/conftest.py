"""Shared fixtures: the real process stack, channel layers, Celery modes."""

from __future__ import annotations

import pytest

from config.celery import app as celery_app
from tests.stack import Stack, start_stack


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Tests read the interface in both languages: compile the catalogs as `make run` does."""
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    """Redis, the ASGI web server and a Celery worker, started as `make run` starts them."""
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop_all()


@pytest.fixture(autouse=True)
def in_memory_channel_layer(settings):
    """Tests in this process talk to an in-memory layer; the real Redis layer is
    exercised by the `stack` tests, whose processes have their own settings."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def eager_celery(in_memory_channel_layer):
    """Tasks run in-process at .delay(), as a worker would run them."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


@pytest.fixture(autouse=True)
def launch_limits_in_memory(settings):
    """Launch rate counts live in this process, fresh for each test."""
    from playground.clients import launch_limiter

    settings.RUN_RATE_LIMIT_STORAGE = "memory://"
    launch_limiter._config = None
    yield
    launch_limiter._config = None
