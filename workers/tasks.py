"""The Celery tasks: the only adapter between Celery/Django and workers.sim."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings

from playground import runs
from playground.models import SIMULATION_ERROR, Run
from workers.progress import FramePublisher, broadcast_queue_positions
from workers.sim.engine import play
from workers.sim.scenarios import get as get_scenario

log = logging.getLogger(__name__)


@shared_task(name="workers.run_scenario", acks_late=True, reject_on_worker_lost=True)
def run_scenario(run_id: int) -> None:
    run = Run.objects.filter(pk=run_id).first()
    if run is None or run.is_finished:
        return
    if run.cancel_requested:
        runs.do_cancel(run)
        broadcast_queue_positions()
        return
    try:
        scenario = get_scenario(run.scenario)
    except KeyError:
        runs.do_fail(run, runs.UNKNOWN_SCENARIO_MESSAGE)
        return
    if run.status == Run.Status.RUNNING and run.attempts >= settings.RUN_MAX_ATTEMPTS:
        runs.do_fail(run, runs.WORKER_LOST_AGAIN_MESSAGE)
        return

    # A run found already running was redelivered after its worker was lost.
    # Scenarios are reproducible, so replay it and skip the frames already stored.
    resume_after = run.last_seq
    with runs.claim_gate():
        full = run.status == Run.Status.QUEUED and runs.at_capacity(run)
        claimed = not full and runs.do_claim(run)
    if full:
        # Over the per-client or total cap: stay queued (visibly) and ask again shortly.
        try:
            run_scenario.apply_async((run_id,), countdown=settings.RUN_REQUEUE_SECONDS)
        except Exception:  # noqa: BLE001 - the broker went away; the reaper offers it again later
            log.warning("could not requeue run %s; the reaper will offer it again", run_id, exc_info=True)
        return
    if not claimed:
        return
    broadcast_queue_positions()
    publisher = FramePublisher(run)
    playback = play(scenario, run.params, run.seed)
    pace = Pacer(settings.RUN_MAX_FRAME_RATE)
    try:
        for frame in playback:
            if frame["seq"] <= resume_after:
                continue
            pace.wait()
            if publisher.add(frame) and runs.cancel_requested(run):
                publisher.flush()
                runs.do_cancel(run)
                return
        publisher.flush()
    except Exception as exc:
        log.exception("run %s failed", run_id)
        publisher.flush()
        runs.do_fail(run, SIMULATION_ERROR % {"detail": f"{type(exc).__name__}: {exc}"})
        return
    runs.do_succeed(run, playback.result or {})


class Pacer:
    """Holds frames to at most `rate` per second of wall time, so a fast simulation
    still unfolds at a pace a reader can watch (and a browser can draw)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


@shared_task(name="workers.reap_stale_runs", ignore_result=True)
def reap_stale_runs() -> list[int]:
    return runs.reap_stale_runs()
