"""Playground figures: click-to-first-point in a real browser, frame lag with many viewers, runs per minute.

    .venv/bin/python -m bench.playground [--launches 20] [--viewers 100] [--client-processes 2] [--runs 40]
        [--part all|launch|viewers|runs]

Starts the real processes (gunicorn, uvicorn, Celery, Redis) in a temporary
var/ with DEBUG off, or uses DATABASE_URL/REDIS_URL when set. Prints figures;
asserts nothing.

- launch: Chromium opens the tracer's page, clicks Run, and waits until the
  count chart holds its first point (form POST, the run's view swapped in,
  socket, first frame). Median and p95 over --launches clicks.
- viewers: --viewers WebSocket clients watch one run of the tracer at 20 frames
  a second. Lag is the time from the worker publishing a batch of frames to a
  viewer receiving each frame (the "sent_at" each frame message carries); every
  viewer must see every seq once, in order. Lag is reported twice: for frames
  published once every viewer had its snapshot (watching), and for frames
  published while viewers were still joining. Viewers ask for one message per
  stored batch (?batch=1, as the run page does); --per-frame measures the
  one-message-per-frame protocol instead. The clients run in
  --client-processes processes (one per core by default), as browsers would:
  a thousand clients on one event loop measure that loop more than the server.
- runs: a second Celery worker joins the first (2 x concurrency 2) and --runs
  short tracer runs are launched at once; prints runs per minute from the first
  launch to the last finish, with the playground's frame pacing on (40/s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from tests.stack import BIN, Stack, start_stack  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def post_run(stack: Stack, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 - loopback
        stack.base_url + "/api/runs", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def get_run(stack: Stack, run_id: int) -> dict:
    return json.loads(stack.get(f"/api/runs/{run_id}")[1])


WATCH_FROM_CLICK = """() => {
  const marks = window.__marks = {};
  document.querySelector("#run-form button[type=submit]").addEventListener(
    "click", () => { marks.click = performance.now(); }, { capture: true, once: true });
  (function poll() {
    if (!marks.view && document.getElementById("run-config")) marks.view = performance.now();
    const chart = document.getElementById("chart-count");
    if (chart && chart.data && chart.data[0].x.length > 0) { marks.point = performance.now(); return; }
    requestAnimationFrame(poll);
  })();
}"""


def bench_launch(stack: Stack, launches: int) -> None:
    from playwright.sync_api import sync_playwright

    timings, pages = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{stack.base_url}/en/playground/scenarios/tracer/")  # warm caches and the connection
        for _ in range(launches + 2):
            page.goto(f"{stack.base_url}/en/playground/scenarios/tracer/")
            page.locator("#id_count").fill("20")
            page.locator("#id_delay_ms").fill("20")
            page.wait_for_timeout(1000)  # a reader takes a moment before pressing Run
            # Timed inside the page, from the click event to the first point drawn, so the
            # browser driver's own overhead is not counted.
            # Playwright's own helper script goes into the page on first use after a navigation
            # (about 20 ms of the page's time): put it there before the click, not during the run.
            page.wait_for_function("() => true")
            page.evaluate(WATCH_FROM_CLICK)
            page.locator("#run-form button[type=submit]").click()
            marks = page.wait_for_function(
                "window.__marks.point && window.__marks", polling=50, timeout=15_000
            ).json_value()
            pages.append(marks["view"] - marks["click"])
            timings.append(marks["point"] - marks["click"])
            page.wait_for_selector("[data-role=status][data-status=succeeded]", timeout=15_000)
        browser.close()
    timings, pages = timings[2:], pages[2:]  # the first clicks warm everything up
    print(
        f"  of which: the run's view is on the page after median {statistics.median(pages):.0f} ms "
        "(form POST, run stored and queued, view swapped in)"
    )
    print(
        f"click Run -> first point on the chart (timed in the page), {len(timings)} launches: "
        f"median {statistics.median(timings):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
        f"min {min(timings):.0f} ms, max {max(timings):.0f} ms"
    )


async def watch(url: str, count: int, lags: list[tuple[float, float]], joined: list[float]) -> list[int]:
    """One viewer: every seq it saw, in the order it saw them. Appends (sent_at, lag in ms)
    for each live frame to lags, and the moment its snapshot arrived to joined."""
    import websockets

    seqs: list[int] = []
    async with await websockets.connect(url, max_size=None, open_timeout=60, origin="http://127.0.0.1") as socket:
        snapshot = json.loads(await socket.recv())
        joined.append(time.time())
        seqs.extend(f["seq"] for f in snapshot["frames"])
        while len(seqs) < count:
            message = json.loads(await asyncio.wait_for(socket.recv(), timeout=60))
            if message["type"] in ("frame", "frames"):
                frames = message["frames"] if message["type"] == "frames" else [message["frame"]]
                sent_at = message.get("sent_at")
                lag = (time.time() - sent_at) * 1000 if sent_at else None
                for frame in frames:
                    seqs.append(frame["seq"])
                    if lag is not None:
                        lags.append((sent_at, lag))
            elif message["type"] == "done":
                break
    return seqs


def watch_in_process(url: str, count: int, viewers: int):
    """viewers clients on one event loop of their own: (lags, when the last joined,
    how many saw every frame, failures)."""

    async def main():
        lags: list[tuple[float, float]] = []
        joined: list[float] = []
        results = await asyncio.gather(
            *(watch(url, count, lags, joined) for _ in range(viewers)), return_exceptions=True
        )
        failures = [repr(r) for r in results if isinstance(r, BaseException)]
        gapless = sum(1 for r in results if not isinstance(r, BaseException) and r == list(range(count)))
        return lags, max(joined, default=0.0), gapless, failures

    return asyncio.run(main())


def lag_figures(lags: list[float]) -> str:
    if not lags:
        return "no live frames"
    return (
        f"p50 {percentile(lags, 50):.0f} ms, p95 {percentile(lags, 95):.0f} ms, max {max(lags):.0f} ms "
        f"over {len(lags)} frames"
    )


def bench_viewers(stack: Stack, viewers: int, batch: bool, processes: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    count = 300
    processes = max(1, min(processes, viewers))
    shares = [viewers // processes + (1 if i < viewers % processes else 0) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(abs, range(processes)))  # the client processes are up before the run starts
        # The run lasts 15 s; viewers connect during its first seconds. Frames stored before a
        # viewer joined reach it in its snapshot (checked for gaps, not timed).
        started = time.time()
        run = post_run(stack, {"scenario": "tracer", "params": {"count": count, "delay_ms": 50}, "seed": 1})
        url = f"{stack.socket_url}/ws/runs/{run['id']}/" + ("?batch=1" if batch else "")
        outcomes = list(pool.map(watch_in_process, [url] * processes, [count] * processes, shares))
    all_joined = max(outcome[1] for outcome in outcomes)
    first_frame = min((sent_at for outcome in outcomes for sent_at, _lag in outcome[0]), default=0.0)
    run_started = datetime.fromisoformat(get_run(stack, run["id"])["started_at"]).timestamp()
    lags = [pair for outcome in outcomes for pair in outcome[0]]
    watching = [lag for sent_at, lag in lags if sent_at > all_joined]
    joining = [lag for sent_at, lag in lags if sent_at <= all_joined]
    gapless = sum(outcome[2] for outcome in outcomes)
    failures = [failure for outcome in outcomes for failure in outcome[3]]
    print(
        f"{viewers} viewers of one run ({count} frames at 20/s, "
        f"{'one message per batch' if batch else 'one message per frame'}; clients in {processes} "
        f"process{'es' if processes > 1 else ''}), all joined {all_joined - started:.1f} s after launch "
        f"(the run started {run_started - started:.1f} s after launch; the first live batch went out "
        f"{first_frame - started:.1f} s after launch):\n"
        f"  frame lag once all had joined: {lag_figures(watching)}\n"
        f"  frame lag while viewers were still joining: {lag_figures(joining)}\n"
        f"  {gapless}/{viewers} saw every frame once in order; {len(failures)} failed"
        + (f" (first: {failures[0]})" if failures else "")
    )


def bench_runs(stack: Stack, runs: int) -> None:
    stack.spawn(
        "worker2",
        [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency", "2",
         "--without-gossip", "--without-mingle", "-n", "second@%h"],
    )  # fmt: skip
    time.sleep(5)
    started = time.perf_counter()
    ids = [
        post_run(stack, {"scenario": "tracer", "params": {"count": 40, "delay_ms": 0}, "seed": i})["id"]
        for i in range(runs)
    ]
    pending = set(ids)
    while pending:
        for run_id in list(pending):
            if get_run(stack, run_id)["status"] in ("succeeded", "failed", "cancelled"):
                pending.discard(run_id)
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    statuses = [get_run(stack, run_id)["status"] for run_id in ids]
    print(
        f"{runs} tracer runs (40 frames each, paced at 40 frames/s, about 1 s of frames) on two workers "
        f"(concurrency 2 each): {elapsed:.1f} s, {runs / elapsed * 60:.0f} runs per minute; "
        f"{statuses.count('succeeded')} succeeded"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--client-processes",
        type=int,
        default=os.cpu_count() or 2,
        help="spread the viewers over this many client processes (as browsers are), so one client "
        "process's event loop is not what is measured",
    )
    parser.add_argument("--per-frame", action="store_true", help="viewers take one message per frame (no ?batch=1)")
    parser.add_argument("--part", choices=["all", "launch", "viewers", "runs"], default="all")
    args = parser.parse_args()

    production = {
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "RUN_LAUNCH_RATE": "100000/minute",
        "RUN_MAX_ACTIVE_PER_CLIENT": "100",
        "RUN_MAX_ACTIVE_TOTAL": "100",
    }
    with tempfile.TemporaryDirectory() as var_dir:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env={**os.environ, **production, "VAR_DIR": var_dir},
            check=True,
        )
        stack = start_stack(Path(var_dir), extra_env=production)
        try:
            print(f"{os.cpu_count()} cores; DEBUG off; {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}")
            if args.part in ("all", "launch"):
                bench_launch(stack, args.launches)
            if args.part in ("all", "viewers"):
                bench_viewers(stack, args.viewers, batch=not args.per_frame, processes=args.client_processes)
            if args.part in ("all", "runs"):
                bench_runs(stack, args.runs)
        finally:
            stack.stop_all()


if __name__ == "__main__":
    main()
