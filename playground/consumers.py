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
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
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


@database_sync_to_async
def load_snapshot(run_id: int, after: int, language: str) -> dict[str, Any] | None:
    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        return None
    runs.do_fail_if_lost(run)
    frames = list(Frame.objects.filter(run=run, seq__gt=after).order_by("seq").values_list("data", flat=True))
    with translation.override(language):
        return {"type": "snapshot", "run": run_summary(run), "frames": frames}


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
        if snapshot["frames"]:
            self.last_seq = snapshot["frames"][-1]["seq"]
        await self.send_json(snapshot)
        run = snapshot["run"]
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
