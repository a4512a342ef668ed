"""The state changes of a run, one function each, so every caller changes state the same way."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError

from workers.progress import broadcast, broadcast_status

from .clients import client_key, ensure_browser_id, launch_limiter, new_cancel_token
from .models import Run

log = logging.getLogger(__name__)


class BrokerUnavailable(RuntimeError):
    """The task could not be handed to the broker; the run was marked failed."""


class RateLimited(RuntimeError):
    """Too many launches from one client; retry_after is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


# Stored in English, shown through gettext in the reader's language.
UNKNOWN_SCENARIO_MESSAGE = gettext_noop("This scenario is no longer available.")
WORKER_LOST_MESSAGE = gettext_noop("The worker running this simulation stopped responding.")
WORKER_LOST_AGAIN_MESSAGE = gettext_noop(
    "The worker running this simulation stopped responding, and so did the worker that retried it."
)
BROKER_DOWN_MESSAGE = gettext_noop("The task queue (broker) is unreachable; the run could not be started.")


def do_create_run(
    scenario: str,
    params: dict[str, Any],
    seed: int,
    *,
    client: str = "",
    owner: str = "",
    cancel_token: str = "",
) -> Run:
    """Store a queued run and hand it to a worker once the row is committed.

    Raises BrokerUnavailable when the broker refuses it.
    """
    from workers.tasks import run_scenario  # the task module imports this one

    with transaction.atomic():
        run = Run.objects.create(
            scenario=scenario, params=params, seed=seed, client=client, owner=owner, cancel_token=cancel_token
        )
    try:
        run_scenario.delay(run.pk)
    except OperationalError as exc:
        log.error("broker unreachable, run %s not started: %s", run.pk, exc)
        do_fail(run, BROKER_DOWN_MESSAGE)
        raise BrokerUnavailable(BROKER_DOWN_MESSAGE) from exc
    return run


def do_launch(request, scenario: str, params: dict[str, Any], seed: int) -> Run:
    """Launch a run for the client behind request, within its launch rate.

    The one way the page and the API start runs. Raises RateLimited or BrokerUnavailable.
    """
    key = client_key(request)
    wait = launch_limiter.retry_after(key)
    if wait is not None:
        raise RateLimited(wait)
    return do_create_run(
        scenario, params, seed, client=key, owner=ensure_browser_id(request), cancel_token=new_cancel_token()
    )


def at_capacity(run: Run) -> bool:
    """True when starting run now would exceed the running-runs caps (per client, and in total)."""
    running = Run.objects.filter(status=Run.Status.RUNNING).exclude(pk=run.pk)
    if running.count() >= settings.RUN_MAX_ACTIVE_TOTAL:
        return True
    return bool(run.client) and running.filter(client=run.client).count() >= settings.RUN_MAX_ACTIVE_PER_CLIENT


CLAIM_LOCK = "atlas:run-claim"


@functools.cache
def _lock_client(url: str) -> redis.Redis:
    """One client (and connection pool) per worker process for the claim lock."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


@contextlib.contextmanager
def claim_gate() -> Iterator[None]:
    """Held while a worker checks the caps and claims a run, so two workers starting
    runs at the same moment cannot both take the last free place. A lock in Redis
    (where the tasks come from) serves any number of workers on any database; if it
    cannot be had, the claim goes ahead unguarded rather than stalling the queue."""
    lock = _lock_client(settings.REDIS_URL).lock(CLAIM_LOCK, timeout=10, blocking_timeout=5)
    try:
        held = lock.acquire()
    except redis.RedisError:
        log.warning("could not take the run-claim lock; claiming without it", exc_info=True)
        held = False
    try:
        yield
    finally:
        if held:
            with contextlib.suppress(redis.RedisError):
                lock.release()


def do_claim(run: Run) -> bool:
    """Move a queued (or redelivered running) run to running, counting the attempt.

    Returns False when another delivery of the same task got there first or the
    run is already finished.
    """
    now = timezone.now()
    claimed = (
        Run.objects.filter(pk=run.pk)
        .filter(Q(status=Run.Status.QUEUED) | Q(status=Run.Status.RUNNING, attempts=run.attempts))
        .update(
            status=Run.Status.RUNNING, started_at=run.started_at or now, heartbeat_at=now, attempts=run.attempts + 1
        )
    )
    if not claimed:
        return False
    run.refresh_from_db()
    broadcast_status(run)
    return True


def _finish(run: Run, **fields: Any) -> bool:
    """Move an unfinished run to a final state; False (and nothing changed) if it had
    already finished, e.g. failed by the reaper while a slow worker was still going."""
    fields["finished_at"] = timezone.now()
    changed = Run.objects.filter(pk=run.pk).exclude(status__in=Run.FINISHED).update(**fields)
    if changed:
        for name, value in fields.items():
            setattr(run, name, value)
        broadcast_status(run)
    else:
        run.refresh_from_db()
    return bool(changed)


def do_succeed(run: Run, result: dict[str, Any]) -> None:
    if _finish(run, status=Run.Status.SUCCEEDED, result=result, result_keys=list(result), progress=1.0):
        broadcast(run.pk, {"type": "run.done", "result": result})


def do_fail(run: Run, reason: str) -> bool:
    return _finish(run, status=Run.Status.FAILED, error=reason)


def do_cancel(run: Run) -> None:
    _finish(run, status=Run.Status.CANCELLED)


def do_request_cancel(run: Run) -> None:
    """Ask a run to stop. A queued run stops at once; a running one within a second."""
    if run.is_finished:
        return
    run.cancel_requested = True
    run.save(update_fields=["cancel_requested"])
    if run.status == Run.Status.QUEUED:
        do_cancel(run)


def cancel_requested(run: Run) -> bool:
    """True when the run should stop: cancel was asked, or it was already ended elsewhere
    (the reaper failed it while this worker was slow)."""
    return Run.objects.filter(pk=run.pk).filter(Q(cancel_requested=True) | Q(status__in=Run.FINISHED)).exists()


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
    return do_fail(run, WORKER_LOST_MESSAGE)


def reap_stale_runs() -> list[int]:
    """Fail every running run whose worker has gone silent. Returns their ids.

    Runs every few seconds from the beat process, so a lost run is failed even
    when nobody is looking at it.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.RUN_LOST_AFTER_SECONDS)
    reaped = []
    for run in Run.objects.filter(status=Run.Status.RUNNING, heartbeat_at__lt=cutoff):
        if do_fail_if_lost(run):
            reaped.append(run.pk)
    if reaped:
        log.warning("reaped runs whose worker went silent: %s", reaped)
    reoffer_stale_queued_runs(cutoff)
    return reaped


def reoffer_stale_queued_runs(cutoff) -> int:
    """Hand long-queued runs to the broker again, in case their task was lost (a broker
    restart, a worker that died holding it). A second delivery of a run is harmless:
    only one claims it."""
    from workers.tasks import run_scenario

    offered = 0
    for run_id in Run.objects.filter(status=Run.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)[
        :100
    ]:
        try:
            run_scenario.delay(run_id)
        except OperationalError:
            log.warning("broker unreachable; queued runs will be offered again at the next sweep")
            break
        offered += 1
    return offered
