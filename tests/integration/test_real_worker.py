"""The whole pipe with real processes: web server, Celery worker and Redis, as `make run` starts them."""

import json
import time
import urllib.request

import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.stack


def post_json(stack, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        stack.base_url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def wait_finished(stack, run_id: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = json.loads(stack.get(f"/api/runs/{run_id}")[1])
        if run["status"] in ("succeeded", "failed", "cancelled"):
            return run
        time.sleep(0.1)
    raise TimeoutError(f"run {run_id} did not finish\n{stack.logs()}")


def test_readyz_sees_the_database_redis_and_a_live_worker(stack):
    status, body = stack.get("/readyz")
    assert status == 200
    checks = json.loads(body)["checks"]
    assert checks["worker"]["ok"] and checks["redis"]["ok"] and checks["database"]["ok"]


def test_a_run_executes_on_the_worker_and_stores_every_frame(stack):
    status, created = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 8, "delay_ms": 0}})
    assert status == 201
    run = wait_finished(stack, created["id"])
    assert run["status"] == "succeeded"
    assert run["result"]["total"] == 36
    frames = json.loads(stack.get(f"/api/runs/{created['id']}/frames")[1])["frames"]
    assert [f["seq"] for f in frames] == list(range(8))


def follow(url: str, after: int = -1, limit: float = 30) -> list[dict]:
    """Every message of a run's socket until `done` (or a failure status)."""
    messages = []
    deadline = time.monotonic() + limit
    with connect(f"{url}?after={after}", origin="http://127.0.0.1") as socket:
        while True:
            message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            messages.append(message)
            if message["type"] == "done" or message.get("status") in ("failed", "cancelled"):
                return messages


def test_a_live_viewer_gets_a_snapshot_then_frames_then_done_with_no_gap(stack):
    status, created = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 20, "delay_ms": 50}})
    assert status == 201
    ws_url = stack.socket_url + created["urls"]["websocket"]
    messages = follow(ws_url)
    assert messages[0]["type"] == "snapshot"
    seqs = [f["seq"] for f in messages[0]["frames"]] + [m["frame"]["seq"] for m in messages if m["type"] == "frame"]
    assert seqs == list(range(20))
    assert any(m["type"] == "frame" for m in messages), "frames should arrive live, not only in the snapshot"
    assert messages[-1] == {"type": "done", "result": {"count": 20, "total": 210, "seed": created["seed"]}}


def test_a_viewer_who_reconnects_after_a_seq_resumes_from_there(stack):
    status, created = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 10, "delay_ms": 0}})
    wait_finished(stack, created["id"])
    ws_url = stack.socket_url + created["urls"]["websocket"]
    messages = follow(ws_url, after=6)
    assert [f["seq"] for f in messages[0]["frames"]] == [7, 8, 9]
    assert messages[-1]["type"] == "done"


def test_cancel_stops_a_running_run_within_a_second(stack):
    status, created = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 200, "delay_ms": 100}})
    deadline = time.monotonic() + 20
    while json.loads(stack.get(f"/api/runs/{created['id']}")[1])["last_seq"] < 2:
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.1)
    asked = time.monotonic()
    post_json(stack, f"/api/runs/{created['id']}/cancel", {}, headers={"X-Cancel-Token": created["cancel_token"]})
    run = wait_finished(stack, created["id"], timeout=5)
    assert run["status"] == "cancelled"
    assert time.monotonic() - asked < 1.5
    assert 2 <= run["last_seq"] < 199


def test_with_the_broker_down_pages_browse_launches_get_503_and_recover_without_a_restart(stack):
    if "redis" not in stack.processes:
        pytest.skip("Redis is an outside server here; only the embedded one can be stopped")
    stack.stop("redis")
    try:
        assert stack.get("/en/")[0] == 200
        assert stack.get("/en/playground/")[0] == 200
        status, body = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 3, "delay_ms": 0}})
        assert status == 503
        assert "broker" in body["errors"]["__all__"][0]
    finally:
        stack.start_redis()
    deadline = time.monotonic() + 30
    while True:  # the web processes and the worker reconnect on their own
        status, body = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 3, "delay_ms": 0}})
        if status == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 201, body
    assert wait_finished(stack, body["id"])["status"] == "succeeded"


def test_a_run_whose_worker_process_is_killed_is_retried_and_finishes_without_gaps(stack):
    import os
    import signal
    from pathlib import Path

    status, created = post_json(stack, "/api/runs", {"scenario": "tracer", "params": {"count": 60, "delay_ms": 50}})
    assert status == 201
    deadline = time.monotonic() + 20
    while json.loads(stack.get(f"/api/runs/{created['id']}")[1])["last_seq"] < 5:
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.05)

    # SIGKILL the pool processes under the worker, as an out-of-memory killer would.
    main = stack.processes["worker"].pid
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == main]
    assert children, "the worker should have pool processes"
    for pid in children:
        os.kill(pid, signal.SIGKILL)

    run = wait_finished(stack, created["id"], timeout=60)
    assert run["status"] == "succeeded", run
    assert run["result"]["total"] == 60 * 61 // 2
    frames = json.loads(stack.get(f"/api/runs/{created['id']}/frames")[1])["frames"]
    assert [f["seq"] for f in frames] == list(range(60))  # replayed from where it was, nothing twice


def _parent(proc) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_the_claim_gate_lets_one_worker_at_a_time_check_the_caps_and_claim(stack, settings):
    import threading

    from config.settings import embedded_redis_socket
    from playground.runs import claim_gate

    settings.REDIS_URL = stack.env.get("REDIS_URL") or f"unix://{embedded_redis_socket(stack.var_dir)}"
    inside: list[str] = []
    overlaps: list[bool] = []

    def claim(name: str) -> None:
        with claim_gate():
            overlaps.append(bool(inside))
            inside.append(name)
            time.sleep(0.2)
            inside.remove(name)

    threads = [threading.Thread(target=claim, args=(f"worker {i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [False, False, False]


def test_the_claim_gate_does_not_stall_claims_when_redis_is_unreachable(settings):
    from playground.runs import claim_gate

    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    started = time.monotonic()
    with claim_gate():
        pass
    assert time.monotonic() - started < 3


def test_a_worker_process_broadcasts_over_one_loop_of_its_own(stack, monkeypatch):
    """Every message a worker sends goes over the same event loop (and so the same Redis
    connections), in order, and reaches the run's group."""
    import asyncio

    from channels_redis.core import RedisChannelLayer

    from config.settings import embedded_redis_socket
    from workers import progress

    url = stack.env.get("REDIS_URL") or f"unix://{embedded_redis_socket(stack.var_dir)}"
    layer = RedisChannelLayer(hosts=[url], prefix="test-layer-loop")
    loops = []
    group_send = layer.group_send

    async def recording_group_send(group, message):
        loops.append(asyncio.get_running_loop())
        await group_send(group, message)

    monkeypatch.setattr(layer, "group_send", recording_group_send)
    monkeypatch.setattr(progress, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(progress, "_layer_loop", None)
    progress.use_own_loop()

    async def listen():
        channel = await layer.new_channel()
        await layer.group_add(progress.group_name(7), channel)
        return channel

    own = progress._layer_loop
    channel = own.run(listen(), timeout=5)  # listening on the same loop: no other loop is involved
    for seq in range(3):
        progress.broadcast(7, {"type": "run.frames", "frames": [{"seq": seq}]})

    async def receive_three():
        return [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(3)]

    received = own.run(receive_three(), timeout=20)
    assert [(m["run"], m["frames"][0]["seq"]) for m in received] == [(7, 0), (7, 1), (7, 2)]
    assert len(loops) == 3 and len(set(map(id, loops))) == 1
    assert loops[0] is own.loop
