"""The Celery task that runs a scenario: the only adapter between Celery/Django and workers.sim."""

from __future__ import annotations

import logging

from celery import shared_task

from playground import runs
from playground.models import Run
from workers.progress import FramePublisher
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
        return
    try:
        scenario = get_scenario(run.scenario)
    except KeyError:
        runs.do_fail(run, f"Unknown scenario {run.scenario!r}")
        return

    # A run found already running was redelivered after its worker was lost.
    # Scenarios are reproducible, so replay it and skip the frames already stored.
    resume_after = run.last_seq
    runs.do_start(run)
    publisher = FramePublisher(run)
    playback = play(scenario, run.params, run.seed)
    try:
        for frame in playback:
            if frame["seq"] <= resume_after:
                continue
            if publisher.add(frame) and runs.cancel_requested(run):
                publisher.flush()
                runs.do_cancel(run)
                return
        publisher.flush()
    except Exception as exc:
        log.exception("run %s failed", run_id)
        publisher.flush()
        runs.do_fail(run, f"{type(exc).__name__}: {exc}")
        return
    runs.do_succeed(run, playback.result or {})
