"""Publishing a run's frames: store them in batches, then announce them on the channel layer.

Frames are written to the database before they are sent, so anything a viewer
was shown can be read back by a viewer who joins later.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from playground.models import Frame, Run

log = logging.getLogger(__name__)

BROADCAST_TIMEOUT_SECONDS = 5.0


def group_name(run_id: int) -> str:
    return f"run-{run_id}"


class LayerLoop:
    """An event loop of the worker process's own, on a thread, for talking to the channel layer.

    async_to_sync starts a fresh loop for every call, and the Redis layer opens a fresh
    connection for every loop: about 3 ms a message. A worker sends several messages a
    second for as long as a run lasts, so it keeps one loop (and its connections) instead.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="channel-layer", daemon=True).start()

    def run(self, coroutine, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


_layer_loop: LayerLoop | None = None


def use_own_loop() -> None:
    """Called once in each worker process (config/celery.py); elsewhere async_to_sync serves."""
    global _layer_loop
    _layer_loop = LayerLoop()


def broadcast(run_id: int, message: dict[str, Any]) -> None:
    """Send to everyone watching the run. A channel-layer failure is logged, not raised:
    the frames are in the database and viewers catch up when they reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    group, message = group_name(run_id), {**message, "run": run_id}
    try:
        if _layer_loop is not None:
            _layer_loop.run(layer.group_send(group, message), timeout=BROADCAST_TIMEOUT_SECONDS)
        else:
            async_to_sync(layer.group_send)(group, message)
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
