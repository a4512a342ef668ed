"""Publishing a run's frames: store them in batches, then announce them on the channel layer.

Frames are written to the database before they are sent, so anything a viewer
was shown can be read back by a viewer who joins later.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from playground.models import Frame, Run

log = logging.getLogger(__name__)


def group_name(run_id: int) -> str:
    return f"run-{run_id}"


def broadcast(run_id: int, message: dict[str, Any]) -> None:
    """Send to everyone watching the run. A channel-layer failure is logged, not raised:
    the frames are in the database and viewers catch up when they reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(run_id), {**message, "run": run_id})
    except Exception:
        log.warning("could not broadcast to run %s", run_id, exc_info=True)


def broadcast_status(run: Run) -> None:
    broadcast(run.pk, {"type": "run.status", "status": run.status_message()})


def broadcast_queue_positions(limit: int = 100) -> None:
    """Tell the viewers of every waiting run where it now stands in the queue."""
    queued = Run.objects.filter(status=Run.Status.QUEUED).order_by("pk")[:limit]
    for position, run in enumerate(queued, start=1):
        message = run.status_message()
        message["queue_position"] = position
        broadcast(run.pk, {"type": "run.status", "status": message})


class FramePublisher:
    """Collects frames and flushes them together every RUN_FRAME_BATCH_SECONDS."""

    def __init__(self, run: Run, batch_seconds: float | None = None) -> None:
        self.run = run
        self.batch_seconds = settings.RUN_FRAME_BATCH_SECONDS if batch_seconds is None else batch_seconds
        self.pending: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.flushed_any = False

    def add(self, frame: dict[str, Any]) -> bool:
        """Queue a frame; returns True when a flush happened (a moment to check for cancel).

        The first frame goes out at once, so the chart starts as soon as the run does.
        """
        self.pending.append(frame)
        if not self.flushed_any or time.monotonic() - self.last_flush >= self.batch_seconds:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.pending:
            return
        frames, self.pending = self.pending, []
        self.flushed_any = True
        # One transaction: a worker lost between the two writes leaves neither, so a retry
        # resuming after last_seq never stores a frame twice.
        with transaction.atomic():
            Frame.objects.bulk_create([Frame(run=self.run, seq=f["seq"], data=f) for f in frames])
            self.run.last_seq = frames[-1]["seq"]
            self.run.progress = frames[-1]["progress"]
            self.run.heartbeat_at = timezone.now()
            self.run.save(update_fields=["last_seq", "progress", "heartbeat_at"])
        broadcast(self.run.pk, {"type": "run.frames", "frames": frames, "sent_at": time.time()})
