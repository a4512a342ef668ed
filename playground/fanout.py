"""One channel-layer subscription per socket-server process, fanned out in memory.

A plain channel-group fan-out has the channel layer (Redis) deliver every frame
once per viewer: at hundreds of viewers of one run that is hundreds of Redis
writes and reads per frame, and lag grows past what a live chart can bear.
Here each process listens on one channel of its own, which joins the group of
every run its viewers watch; a frame crosses Redis once per process and is
handed to that process's viewers directly.

Messages name their run (`"run": id`, set by workers.progress.broadcast). A run
with no viewers left keeps its group membership for LINGER_SECONDS, so a reader
who reloads the page does not pay for leaving and rejoining.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

from workers.progress import group_name

log = logging.getLogger(__name__)

LINGER_SECONDS = 30.0
RECONNECT = 4000  # close code: the server lost its subscription; reconnect and resume


class Viewer(Protocol):
    async def deliver(self, message: dict[str, Any]) -> None: ...

    async def close(self, code: int | None = None) -> None: ...


class RunFanout:
    """The viewers of one event loop (one socket-server process), by run."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel = ""
        self.viewers: dict[int, set[Viewer]] = {}
        self.joined: dict[int, asyncio.Future] = {}  # done once the run's group holds our channel
        self.leaving: dict[int, asyncio.Task] = {}  # runs with no viewers, lingering
        self.discarding: set[int] = set()  # runs whose group_discard is in flight
        self.started: asyncio.Task | None = None
        self.pump: asyncio.Task | None = None

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel()
        self.pump = asyncio.create_task(self._pump(), name="run-fanout")

    async def _pump(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the layer (Redis) failed: start over, viewers resume
                log.warning("run fan-out lost the channel layer; viewers will reconnect", exc_info=True)
                await self._reset()
                return
            for viewer in list(self.viewers.get(message.get("run"), ())):
                try:
                    await viewer.deliver(message)
                except Exception:  # noqa: BLE001 - one broken socket must not stop the others
                    log.warning("could not deliver to a viewer of run %s", message.get("run"), exc_info=True)

    async def _reset(self) -> None:
        """Forget every subscription and close every viewer's socket: their pages reconnect
        with ?after=<last seq>, read what they missed from the database, and subscribe anew."""
        viewers = [v for group in self.viewers.values() for v in group]
        for task in self.leaving.values():
            task.cancel()
        self.viewers, self.joined, self.leaving, self.discarding = {}, {}, {}, set()
        self.started, self.pump = None, None
        for viewer in viewers:
            with contextlib.suppress(Exception):
                await viewer.close(code=RECONNECT)

    async def join(self, run_id: int, viewer: Viewer) -> None:
        """Register viewer; returns once the run's frames flow to this process, so a
        snapshot read afterwards cannot miss a frame."""
        if self.started is None:
            self.started = asyncio.ensure_future(self._start())
        started = self.started
        try:
            await asyncio.shield(started)
        except Exception:
            if self.started is started:
                self.started = None  # the next viewer tries again
            raise
        viewers = self.viewers.setdefault(run_id, set())
        viewers.add(viewer)
        joined = self.joined.get(run_id)
        if joined is None:
            joined = self.joined[run_id] = asyncio.ensure_future(self._group_add(run_id))
        try:
            await asyncio.shield(joined)
        except Exception:
            if self.joined.get(run_id) is joined:
                del self.joined[run_id]
            viewers.discard(viewer)
            raise

    async def _group_add(self, run_id: int) -> None:
        earlier = self.leaving.pop(run_id, None)
        if earlier is not None:
            if run_id in self.discarding:
                await earlier  # already telling the layer; let it finish, then join again
            else:
                earlier.cancel()
        await self.layer.group_add(group_name(run_id), self.channel)

    async def leave(self, run_id: int, viewer: Viewer) -> None:
        viewers = self.viewers.get(run_id)
        if viewers is None:
            return
        viewers.discard(viewer)
        if not viewers and run_id not in self.leaving:
            self.leaving[run_id] = asyncio.create_task(self._linger_then_discard(run_id))

    async def _linger_then_discard(self, run_id: int) -> None:
        await asyncio.sleep(LINGER_SECONDS)
        if self.viewers.get(run_id):  # someone came back meanwhile
            self.leaving.pop(run_id, None)
            return
        self.joined.pop(run_id, None)
        self.discarding.add(run_id)
        try:
            await self.layer.group_discard(group_name(run_id), self.channel)
        finally:
            self.discarding.discard(run_id)
            if self.leaving.get(run_id) is asyncio.current_task():
                del self.leaving[run_id]
            if not self.viewers.get(run_id):
                self.viewers.pop(run_id, None)


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RunFanout] = weakref.WeakKeyDictionary()


def fanout() -> RunFanout:
    loop = asyncio.get_running_loop()
    found = _by_loop.get(loop)
    if found is None:
        found = _by_loop[loop] = RunFanout()
    return found
