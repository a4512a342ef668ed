"""The state changes of a run, one function each, so every caller changes state the same way."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from workers.progress import broadcast, broadcast_status

from .models import Run

log = logging.getLogger(__name__)


class BrokerUnavailable(RuntimeError):
    """The task could not be handed to the broker; the run was marked failed."""


WORKER_LOST_MESSAGE = "The worker running this simulation stopped responding."
BROKER_DOWN_MESSAGE = "The task queue (broker) is unreachable; the run could not be started."


def do_create_run(scenario: str, params: dict[str, Any], seed: int) -> Run:
    """Store a queued run and hand it to a worker once the row is committed.

    Raises BrokerUnavailable when the broker refuses it.
    """
    from workers.tasks import run_scenario  # the task module imports this one

    with transaction.atomic():
        run = Run.objects.create(scenario=scenario, params=params, seed=seed)
    try:
        run_scenario.delay(run.pk)
    except OperationalError as exc:
        log.error("broker unreachable, run %s not started: %s", run.pk, exc)
        do_fail(run, BROKER_DOWN_MESSAGE)
        raise BrokerUnavailable(BROKER_DOWN_MESSAGE) from exc
    return run


def do_start(run: Run) -> None:
    run.status = Run.Status.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "started_at", "heartbeat_at"])
    broadcast_status(run)


def do_succeed(run: Run, result: dict[str, Any]) -> None:
    run.status = Run.Status.SUCCEEDED
    run.result = result
    run.progress = 1.0
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "progress", "finished_at"])
    broadcast_status(run)
    broadcast(run.pk, {"type": "run.done", "result": result})


def do_fail(run: Run, reason: str) -> None:
    run.status = Run.Status.FAILED
    run.error = reason
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    broadcast_status(run)


def do_cancel(run: Run) -> None:
    run.status = Run.Status.CANCELLED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    broadcast_status(run)


def do_request_cancel(run: Run) -> None:
    """Ask a run to stop. A queued run stops at once; a running one within a second."""
    if run.is_finished:
        return
    run.cancel_requested = True
    run.save(update_fields=["cancel_requested"])
    if run.status == Run.Status.QUEUED:
        do_cancel(run)


def cancel_requested(run: Run) -> bool:
    return Run.objects.filter(pk=run.pk, cancel_requested=True).exists()


def do_fail_if_lost(run: Run) -> bool:
    """Mark a running run failed when its worker has gone quiet for too long.

    Workers store frames several times a second, so a heartbeat older than
    RUN_LOST_AFTER_SECONDS means the worker died; the run must not stay
    "running" forever. Returns True when the run was marked failed.
    """
    if run.status != Run.Status.RUNNING or run.heartbeat_at is None:
        return False
    if timezone.now() - run.heartbeat_at < timedelta(seconds=settings.RUN_LOST_AFTER_SECONDS):
        return False
    do_fail(run, WORKER_LOST_MESSAGE)
    return True
