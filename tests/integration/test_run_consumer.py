"""The run WebSocket: snapshot on connect, live frames after it, resume with ?after=seq."""

import asyncio

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
    await layer.group_send(
        group_name(run.pk), {"run": run.pk, "type": "run.frames", "frames": [frame(2), frame(3), frame(4)]}
    )
    assert (await ws.receive_json_from())["frame"]["seq"] == 3
    assert (await ws.receive_json_from())["frame"]["seq"] == 4
    await layer.group_send(group_name(run.pk), {"run": run.pk, "type": "run.done", "result": {"total": 1}})
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
    await layer.group_send(
        group_name(run.pk), {"run": run.pk, "type": "run.status", "status": {"status": "failed", "error": "boom"}}
    )
    assert await ws.receive_json_from() == {"type": "status", "status": "failed", "error": "boom", "error_text": "boom"}
    await ws.disconnect()


async def test_an_unknown_run_closes_the_socket(layer):
    ws = connect("/ws/runs/999999/")
    await ws.connect()
    output = await ws.receive_output()
    assert output["type"] == "websocket.close"
    assert output["code"] == 4404


async def test_viewers_in_one_process_share_one_subscription_to_the_run(layer):
    from playground.fanout import fanout

    run = await make_run(stored=1, status=Run.Status.RUNNING)
    viewers = [connect(f"/ws/runs/{run.pk}/") for _ in range(3)]
    for ws in viewers:
        await ws.connect()
        await ws.receive_json_from()
    assert len(layer.groups[group_name(run.pk)]) == 1  # one channel on the layer, not one per viewer
    await layer.group_send(group_name(run.pk), {"run": run.pk, "type": "run.frames", "frames": [frame(1)]})
    for ws in viewers:
        assert (await ws.receive_json_from())["frame"]["seq"] == 1
    for ws in viewers:
        await ws.disconnect()
    assert not fanout().viewers[run.pk]
    assert run.pk in fanout().leaving  # it lingers a while, for a reader who reloads the page


async def test_frames_arriving_while_the_snapshot_is_read_wait_and_come_after_it(layer, monkeypatch):
    """A batch published between joining the run and reading the snapshot is neither
    lost nor sent ahead of the snapshot, and what the snapshot holds is not sent twice."""
    from playground import consumers

    run = await make_run(stored=2, status=Run.Status.RUNNING)
    real_load = consumers.load_snapshot

    async def load_while_frames_arrive(run_id, after, language):
        await layer.group_send(
            group_name(run_id), {"run": run_id, "type": "run.frames", "frames": [frame(1), frame(2)]}
        )
        await sync_to_async(Frame.objects.create)(run_id=run_id, seq=2, data=frame(2))
        await asyncio.sleep(0.05)  # let the fan-out hand the batch to the viewer meanwhile
        return await real_load(run_id, after, language)

    monkeypatch.setattr(consumers, "load_snapshot", load_while_frames_arrive)
    ws = connect(f"/ws/runs/{run.pk}/")
    await ws.connect()
    snapshot = await ws.receive_json_from()
    assert snapshot["type"] == "snapshot" and [f["seq"] for f in snapshot["frames"]] == [0, 1, 2]
    await layer.group_send(group_name(run.pk), {"run": run.pk, "type": "run.frames", "frames": [frame(3)]})
    assert (await ws.receive_json_from())["frame"]["seq"] == 3  # 1 and 2 were not repeated
    await ws.disconnect()


async def test_after_lingering_the_process_leaves_the_group_and_a_new_viewer_rejoins_it(layer, monkeypatch):
    from playground import fanout as fanout_module

    monkeypatch.setattr(fanout_module, "LINGER_SECONDS", 0.01)
    run = await make_run(stored=1, status=Run.Status.RUNNING)
    ws = connect(f"/ws/runs/{run.pk}/")
    await ws.connect()
    await ws.receive_json_from()
    await ws.disconnect()
    await asyncio.sleep(0.1)
    assert not layer.groups.get(group_name(run.pk))

    again = connect(f"/ws/runs/{run.pk}/?after=0")
    await again.connect()
    assert (await again.receive_json_from())["frames"] == []
    await layer.group_send(group_name(run.pk), {"run": run.pk, "type": "run.frames", "frames": [frame(1)]})
    assert (await again.receive_json_from())["frame"]["seq"] == 1
    await again.disconnect()


async def test_with_batch_frames_come_one_message_per_stored_batch(layer):
    run = await make_run(stored=3, status=Run.Status.RUNNING)
    ws = connect(f"/ws/runs/{run.pk}/?batch=1")
    await ws.connect()
    assert [f["seq"] for f in (await ws.receive_json_from())["frames"]] == [0, 1, 2]
    send = {"run": run.pk, "type": "run.frames", "sent_at": 1.5}
    await layer.group_send(group_name(run.pk), {**send, "frames": [frame(2), frame(3), frame(4)]})
    overlapping = await ws.receive_json_from()
    assert overlapping["type"] == "frames" and [f["seq"] for f in overlapping["frames"]] == [3, 4]
    await layer.group_send(group_name(run.pk), {**send, "frames": [frame(5), frame(6)]})
    assert await ws.receive_json_from() == {"type": "frames", "frames": [frame(5), frame(6)], "sent_at": 1.5}
    await ws.disconnect()


async def test_when_the_layer_fails_viewers_are_closed_so_they_resume_elsewhere(layer, monkeypatch):
    from playground.fanout import RECONNECT, fanout

    run = await make_run(stored=1, status=Run.Status.RUNNING)
    real_receive = layer.receive
    calls = []

    async def fails_once(channel):
        calls.append(channel)
        if len(calls) == 1:
            await asyncio.sleep(0.05)
            raise ConnectionError("Redis went away")
        return await real_receive(channel)

    monkeypatch.setattr(layer, "receive", fails_once)
    ws = connect(f"/ws/runs/{run.pk}/")
    await ws.connect()
    assert (await ws.receive_json_from())["type"] == "snapshot"
    closed = await ws.receive_output(timeout=2)
    assert closed["type"] == "websocket.close" and closed["code"] == RECONNECT
    assert fanout().started is None and not fanout().viewers

    again = connect(f"/ws/runs/{run.pk}/?after=0")  # the page reconnects: a new subscription
    await again.connect()
    await again.receive_json_from()
    await layer.group_send(group_name(run.pk), {"run": run.pk, "type": "run.frames", "frames": [frame(1)]})
    assert (await again.receive_json_from())["frame"]["seq"] == 1
    await again.disconnect()


async def test_a_stalled_viewer_is_let_go_without_holding_up_the_others(layer, monkeypatch):
    from playground import consumers
    from playground.fanout import RECONNECT, fanout

    monkeypatch.setattr(consumers, "OUTBOX_LIMIT", 5)
    run = await make_run(stored=1, status=Run.Status.RUNNING)
    stalled = connect(f"/ws/runs/{run.pk}/")
    await stalled.connect()
    assert (await stalled.receive_json_from())["type"] == "snapshot"
    # This reader stops reading: every send to its socket waits for ever.
    (stuck,) = fanout().viewers[run.pk]
    forever = asyncio.Event()

    async def never_returns(*args, **kwargs):
        await forever.wait()

    monkeypatch.setattr(stuck, "send", never_returns)
    healthy = connect(f"/ws/runs/{run.pk}/")
    await healthy.connect()
    assert (await healthy.receive_json_from())["type"] == "snapshot"

    for seq in range(1, 11):  # more than the stalled viewer's outbox holds
        await layer.group_send(group_name(run.pk), {"run": run.pk, "type": "run.frames", "frames": [frame(seq)]})
    for seq in range(1, 11):
        assert (await healthy.receive_json_from(timeout=2))["frame"]["seq"] == seq
    closed = await stalled.receive_output(timeout=2)
    assert closed["type"] == "websocket.close" and closed["code"] == RECONNECT  # the page resumes from the database
    await healthy.disconnect()


async def test_viewers_who_join_together_share_one_snapshot_read_but_never_one_already_begun(monkeypatch):
    """A crowd joining one run costs one database read, not one each; a viewer that
    arrives after a read has begun gets a read of its own, which then sees every frame
    stored before it."""
    import threading

    from playground import consumers

    calls: list[tuple[int, int, str]] = []
    release = threading.Event()

    def counted_read(run_id, after, language):
        calls.append((run_id, after, language))
        release.wait(5)  # holds the database thread, so later reads queue up behind this one
        return consumers.Snapshot(run={"id": run_id}, last_seq=len(calls), text="")

    monkeypatch.setattr(consumers, "read_snapshot", counted_read)
    reads = consumers.SharedReads()
    first = asyncio.ensure_future(reads.read(7, -1, "en"))
    for _ in range(100):
        if calls:
            break
        await asyncio.sleep(0.01)
    assert calls == [(7, -1, "en")]  # begun: nobody may join it any more
    crowd = [asyncio.ensure_future(reads.read(7, -1, "en")) for _ in range(20)]
    resuming = asyncio.ensure_future(reads.read(7, 41, "en"))  # another starting point: its own read
    japanese = asyncio.ensure_future(reads.read(7, -1, "ja"))  # another language: its own read
    await asyncio.sleep(0.05)
    release.set()
    results = await asyncio.gather(first, *crowd, resuming, japanese)
    assert len(calls) == 4
    assert sorted(calls[1:]) == [(7, -1, "en"), (7, -1, "ja"), (7, 41, "en")]
    shared = results[1:21]
    assert all(snapshot is shared[0] for snapshot in shared)
    assert len({id(results[0]), id(shared[0]), id(results[21]), id(results[22])}) == 4
    assert not reads.waiting
