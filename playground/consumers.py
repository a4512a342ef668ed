"""The WebSocket that streams a run: a snapshot on connect, then live frames.

Joining the run's group happens before the snapshot is read, and frames are
stored before they are broadcast, so a viewer sees every frame exactly once,
in order, whenever it connects.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from workers.progress import group_name

from . import runs
from .models import Frame, Run
from .serializers import run_summary

NOT_FOUND = 4404


def parse_after(query_string: bytes) -> int:
    values = parse_qs(query_string.decode("latin-1")).get("after", [])
    try:
        return max(-1, int(values[0]))
    except (IndexError, ValueError):
        return -1


@database_sync_to_async
def load_snapshot(run_id: int, after: int) -> dict[str, Any] | None:
    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        return None
    runs.do_fail_if_lost(run)
    frames = list(Frame.objects.filter(run=run, seq__gt=after).order_by("seq").values_list("data", flat=True))
    return {"type": "snapshot", "run": run_summary(run), "frames": frames}


class RunConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        self.last_seq = parse_after(self.scope.get("query_string", b""))
        await self.accept()
        await self.channel_layer.group_add(group_name(self.run_id), self.channel_name)
        snapshot = await load_snapshot(self.run_id, self.last_seq)
        if snapshot is None:
            await self.close(code=NOT_FOUND)
            return
        if snapshot["frames"]:
            self.last_seq = snapshot["frames"][-1]["seq"]
        await self.send_json(snapshot)
        run = snapshot["run"]
        if run["status"] == Run.Status.SUCCEEDED:
            await self.send_json({"type": "done", "result": run["result"]})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(group_name(self.run_id), self.channel_name)

    async def run_frames(self, message: dict[str, Any]) -> None:
        for frame in message["frames"]:
            if frame["seq"] > self.last_seq:
                self.last_seq = frame["seq"]
                await self.send_json({"type": "frame", "frame": frame})

    async def run_status(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "status", **message["status"]})

    async def run_done(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "done", "result": message["result"]})
