"""The WebSocket that streams a run: a snapshot on connect, then live frames.

Joining the run's group happens before the snapshot is read, and frames are
stored before they are broadcast, so a viewer sees every frame exactly once,
in order, whenever it connects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import translation

from . import runs
from .fanout import RECONNECT, fanout
from .models import Frame, Run, translated_error
from .serializers import run_summary

log = logging.getLogger(__name__)

NOT_FOUND = 4404
# Live messages a viewer may fall behind by (a batch is a quarter second of frames, so
# about a minute) before the server gives up on it: its socket is closed with RECONNECT
# and the page resumes from the database. A stalled reader never holds up the others.
OUTBOX_LIMIT = 256


def parse_after(query_string: bytes) -> int:
    values = parse_qs(query_string.decode("latin-1")).get("after", [])
    try:
        return max(-1, int(values[0]))
    except (IndexError, ValueError):
        return -1


def parse_language(query_string: bytes) -> str:
    values = parse_qs(query_string.decode("latin-1")).get("lang", [])
    codes = {code for code, _name in settings.LANGUAGES}
    return values[0] if values and values[0] in codes else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Snapshot:
    run: dict[str, Any]  # the run's summary, as in the message
    last_seq: int | None  # the seq of its last frame; None when it holds none
    text: str  # the "snapshot" message, encoded


def read_snapshot(run_id: int, after: int, language: str) -> Snapshot | None:
    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        return None
    runs.do_fail_if_lost(run)
    # Stored frames go out as the JSON text the database holds. Decoding every frame and
    # encoding it again for every viewer that joins was most of what a crowd of joiners cost.
    rows = list(
        Frame.objects.filter(run=run, seq__gt=after)
        .order_by("seq")
        .values_list("seq", Cast("data", output_field=TextField()))
    )
    with translation.override(language):
        summary = run_summary(run)
    head = json.dumps({"type": "snapshot", "run": summary})
    text = head[:-1] + ', "frames": [' + ", ".join(data for _seq, data in rows) + "]}"
    return Snapshot(run=summary, last_seq=rows[-1][0] if rows else None, text=text)


class SharedReads:
    """Viewers who join a run at the same moment (a link shared with a room, a page
    reloaded by many) share one read of its snapshot instead of queueing a read each.

    A read is shared only among viewers that had joined the fan-out before it began,
    so none can miss a frame: whatever was stored before the read began is in it, and
    whatever is published after a viewer joined reaches that viewer live. A viewer
    that comes once the read has begun waits for a read of its own."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # the event loop and the database thread both look
        self.waiting: dict[tuple, asyncio.Future] = {}  # reads not yet begun, by what they read

    async def read(self, run_id: int, after: int, language: str) -> Snapshot | None:
        loop = asyncio.get_running_loop()
        key = (loop, run_id, after, language)
        with self.lock:
            future = self.waiting.get(key)
            begin = future is None
            if begin:
                future = self.waiting[key] = loop.create_future()
        if begin:
            loop.create_task(self._read(key, future))
        return await asyncio.shield(future)

    async def _read(self, key: tuple, future: asyncio.Future) -> None:
        def begin_then_read() -> Snapshot | None:
            with self.lock:  # from here on, later viewers start a read of their own
                if self.waiting.get(key) is future:
                    del self.waiting[key]
            return read_snapshot(*key[1:])

        try:
            snapshot = await database_sync_to_async(begin_then_read)()
        except Exception as exc:  # noqa: BLE001 - handed to every viewer waiting on the read
            future.set_exception(exc)
            future.add_done_callback(lambda done: done.exception())  # retrieved even if all left
        else:
            future.set_result(snapshot)


shared_reads = SharedReads()


async def load_snapshot(run_id: int, after: int, language: str) -> Snapshot | None:
    """The run's summary and every stored frame after `after`; None for an unknown run."""
    return await shared_reads.read(run_id, after, language)


def parse_batch(query_string: bytes) -> bool:
    return parse_qs(query_string.decode("latin-1")).get("batch", [""])[0] in ("1", "true")


def encoded_batch(message: dict[str, Any]) -> str:
    """The whole batch as one "frames" message, encoded once for every viewer."""
    encoded = message.get("_encoded_batch")
    if encoded is None:
        encoded = message["_encoded_batch"] = json.dumps(
            {"type": "frames", "frames": message["frames"], "sent_at": message.get("sent_at")}
        )
    return encoded


def encoded_frames(message: dict[str, Any]) -> list[tuple[int, str]]:
    """Each frame of a batch as the text of its "frame" message, encoded once for every viewer.

    sent_at (wall-clock seconds when the worker published the batch) lets a viewer measure its lag.
    """
    encoded = message.get("_encoded")
    if encoded is None:
        sent_at = message.get("sent_at")
        encoded = message["_encoded"] = [
            (frame["seq"], json.dumps({"type": "frame", "frame": frame, "sent_at": sent_at}))
            for frame in message["frames"]
        ]
    return encoded


class RunConsumer(AsyncJsonWebsocketConsumer):
    """One viewer of one run. Live messages come from the process's fan-out (see
    fanout.py) into the viewer's own bounded outbox, which a task of its own sends on
    once the snapshot is out: the viewer always gets the snapshot first and then every
    later frame once, in order, and the fan-out never waits on a slow socket."""

    # No channel of its own: an alias with no configured layer spares each viewer
    # a channel and a receive loop on the layer; the fan-out delivers instead.
    channel_layer_alias = "none"

    async def connect(self) -> None:
        self.run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        query = self.scope.get("query_string", b"")
        self.last_seq = parse_after(query)
        self.language = parse_language(query)
        # ?batch=1: one "frames" message per stored batch instead of one "frame" per frame
        # (fewer, larger messages: what lets one process serve many viewers of a run).
        self.batch = parse_batch(query)
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        self.sender: asyncio.Task | None = None
        self.overflowed = False
        await self.accept()
        await fanout().join(self.run_id, self)
        snapshot = await load_snapshot(self.run_id, self.last_seq, self.language)
        if snapshot is None:
            await self.close(code=NOT_FOUND)
            return
        if snapshot.last_seq is not None:
            self.last_seq = snapshot.last_seq
        await self.send(text_data=snapshot.text)
        run = snapshot.run
        if run["status"] == Run.Status.SUCCEEDED:
            await self.send_json({"type": "done", "result": run["result"]})
        # What arrived while the snapshot was read and sent waits in the outbox; send it on.
        if not self.overflowed:
            self.sender = asyncio.create_task(self._send_outbox(), name=f"run-{self.run_id}-viewer")

    async def disconnect(self, code: int) -> None:
        if self.sender is not None:
            self.sender.cancel()
        await fanout().leave(self.run_id, self)

    async def deliver(self, message: dict[str, Any]) -> None:
        """Called by the fan-out for every live message of the run; never waits."""
        if self.overflowed:
            return
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed = True
            log.warning("a viewer of run %s fell %s messages behind; asking it to reconnect", self.run_id, OUTBOX_LIMIT)
            if self.sender is not None:
                self.sender.cancel()
            self.closing = asyncio.create_task(self._close_quietly())

    async def _send_outbox(self) -> None:
        while True:
            await self.handle(await self.outbox.get())

    async def _close_quietly(self) -> None:
        with contextlib.suppress(Exception):
            await self.close(code=RECONNECT)

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "run.frames":
            await self.run_frames(message)
        elif kind == "run.status":
            await self.run_status(message)
        elif kind == "run.done":
            await self.run_done(message)

    async def run_frames(self, message: dict[str, Any]) -> None:
        frames = message["frames"]
        if self.batch and frames:
            if frames[0]["seq"] > self.last_seq:
                self.last_seq = frames[-1]["seq"]
                await self.send(text_data=encoded_batch(message))
                return
            fresh = [f for f in frames if f["seq"] > self.last_seq]
            if fresh:
                self.last_seq = fresh[-1]["seq"]
                await self.send_json({"type": "frames", "frames": fresh, "sent_at": message.get("sent_at")})
            return
        for seq, text in encoded_frames(message):
            if seq > self.last_seq:
                self.last_seq = seq
                await self.send(text_data=text)

    async def run_status(self, message: dict[str, Any]) -> None:
        status = dict(message["status"])
        if status.get("error"):
            with translation.override(self.language):
                status["error_text"] = translated_error(status["error"])
        await self.send_json({"type": "status", **status})

    async def run_done(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "done", "result": message["result"]})
