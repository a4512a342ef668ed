"""The run WebSocket: snapshot on connect, live frames after it, resume with ?after=seq."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections

from config.asgi import application
from playground.models import Frame, Run
from workers.progress import group_name

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def frame(seq: int) -> dict:
    return {"seq": seq, "t": float(seq), "progress": (seq + 1) / 10, "series": {"count": seq + 1}, "events": []}


@sync_to_async
def make_run(stored: int, **fields) -> Run:
    run = Run.objects.create(scenario="tracer", params={}, seed=1, last_seq=stored - 1, **fields)
    Frame.objects.bulk_create([Frame(run=run, seq=i, data=frame(i)) for i in range(stored)])
    return run


def connect(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=[(b"origin", b"http://localhost")])


@pytest.fixture
def layer(in_memory_channel_layer):
    return get_channel_layer()


@pytest_asyncio.fixture(autouse=True)
async def close_thread_connections():
    """The consumer reads the database from asgiref's worker thread; close that
    thread's connection so the test database can be dropped afterwards."""
    yield
    await sync_to_async(connections.close_all)()


async def test_snapshot_holds_every_stored_frame_then_live_frames_follow(layer):
    run = await make_run(stored=3, status=Run.Status.RUNNING)
    ws = connect(f"/ws/runs/{run.pk}/")
    connected, _ = await ws.connect()
    assert connected
    snapshot = await ws.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["run"]["status"] == "running"
    assert [f["seq"] for f in snapshot["frames"]] == [0, 1, 2]

    # A batch overlapping the snapshot: only the new frames are sent, once each.
    await layer.group_send(group_name(run.pk), {"type": "run.frames", "frames": [frame(2), frame(3), frame(4)]})
    assert (await ws.receive_json_from())["frame"]["seq"] == 3
    assert (await ws.receive_json_from())["frame"]["seq"] == 4
    await layer.group_send(group_name(run.pk), {"type": "run.done", "result": {"total": 1}})
    assert await ws.receive_json_from() == {"type": "done", "result": {"total": 1}}
    await ws.disconnect()


async def test_resume_after_a_seq_sends_only_what_came_later(layer):
    run = await make_run(stored=6, status=Run.Status.RUNNING)
    ws = connect(f"/ws/runs/{run.pk}/?after=3")
    await ws.connect()
    snapshot = await ws.receive_json_from()
    assert [f["seq"] for f in snapshot["frames"]] == [4, 5]
    await ws.disconnect()


async def test_a_finished_run_replays_whole_and_ends_with_done(layer):
    run = await make_run(stored=4, status=Run.Status.SUCCEEDED, result={"total": 10})
    ws = connect(f"/ws/runs/{run.pk}/?after=junk")
    await ws.connect()
    snapshot = await ws.receive_json_from()
    assert len(snapshot["frames"]) == 4
    assert await ws.receive_json_from() == {"type": "done", "result": {"total": 10}}
    await ws.disconnect()


async def test_status_changes_are_forwarded(layer):
    run = await make_run(stored=0)
    ws = connect(f"/ws/runs/{run.pk}/")
    await ws.connect()
    await ws.receive_json_from()
    await layer.group_send(group_name(run.pk), {"type": "run.status", "status": {"status": "failed", "error": "boom"}})
    assert await ws.receive_json_from() == {"type": "status", "status": "failed", "error": "boom"}
    await ws.disconnect()


async def test_an_unknown_run_closes_the_socket(layer):
    ws = connect("/ws/runs/999999/")
    await ws.connect()
    output = await ws.receive_output()
    assert output["type"] == "websocket.close"
    assert output["code"] == 4404
