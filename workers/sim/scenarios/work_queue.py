# ruff: noqa: E501 - Japanese text counts double toward the line length
"""work-queue: jobs wait in a FIFO queue for a pool of workers that may autoscale, scale in and crash.

`jobs` jobs arrive as a Poisson stream at `arrival_rate` (at `arrival_rate_burst`
during [burst_at_s, burst_at_s + burst_s) when burst_s > 0). Each job has a
processing time drawn once when it arrives, with mean `mean_service_s`:
exponential, constant, or lognormal with sigma = 1 in log space (coefficient of
variation sqrt(e - 1) = 1.31). A job waits in one FIFO queue until a worker is
free; a free worker takes the job at the head (when several are free, a random
one takes it). The run ends when every job is done.

Workers: `workers` start ready at t = 0. With `autoscale`, every
`scale_interval_s` the autoscaler reads the backlog the way KEDA's SQS scaler
does by default: jobs waiting plus jobs in flight (being worked on or hidden
after a failure), and asks for ceil(backlog / target_backlog_per_worker) workers,
clamped to [min_workers, max_workers]. A scale-out acts at once; new workers
are ready `worker_start_s` later. A scale-in goes only as low as the highest
recommendation of the last `scale_in_cooldown_s` seconds (the scale-down
stabilisation window of a Kubernetes HPA, which KEDA drives), so a brief lull
does not shrink the pool; it removes workers that are still starting first, then
the newest running ones (as a ReplicaSet does). With `scale_in_protection` a busy
worker is never stopped: idle workers go at once and busy ones leave after
finishing their job. Without it, a busy worker is stopped mid-job and the job is
interrupted.

Failures: each ready worker crashes at `worker_crash_rate` per worker-hour (a
Poisson process); a crashed worker is replaced by a new one that is ready
`worker_start_s` later. An interrupted or crashed job is never lost: its worker
kept extending the job's visibility timeout while it lived, so the job becomes
visible again `visibility_timeout_s` after the worker stopped, goes to the back
of the queue and is redelivered (at-least-once, as SQS does).

Results: p_wait (share of jobs whose first attempt did not start at once),
mean_wait_s (from arrival to the start of the attempt that completed the job,
so it includes interrupted attempts), mean_time_in_system_s, mean_in_system
(time-average number of jobs present over [0, the last completion]),
utilization (busy worker-seconds over ready worker-seconds), throughput_per_s,
max_backlog (most jobs waiting at once), lost_jobs (jobs that arrived but are
neither done, waiting, held by a worker nor hidden: 0 unless the bookkeeping is
broken), interrupted_jobs (stopped by scale-in), crashed_jobs (stopped by a
crash). With a fixed pool, exponential service and no crashes this is the M/M/c
queue, and erlang_c() gives p_wait.

Topology states: a worker slot is busy (working), ok (ready and idle), degraded
(starting after a scale-out), down (a replacement for a crashed worker is
starting) or idle (no worker); the eighth slot stands for workers 8 and up. The
queue is idle when empty, ok with fewer waiting jobs than workers, busy with up
to 10 per worker and degraded beyond.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset
from ..stats import erlang_c

MAX_FRAMES = 400
# Bounds the work of one run whatever the parameters (a worker that crashes faster than
# it finishes a job would otherwise loop forever); what is left counts as pending.
EVENT_LIMIT = 200_000
LOGNORMAL_SIGMA = 1.0
DRAWN_WORKERS = 8
SCALE_EVENTS = 30
CRASH_EVENTS = 10

ARRIVE, DONE, READY, CRASH, VISIBLE, SCALE = range(6)
QUEUED, RUNNING, HIDDEN, FINISHED = range(1, 5)


def mmc_mean_wait(c: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue of M/M/c: C(c, a) / (c mu - lambda)."""
    mu = 1 / mean_service
    if arrival_rate >= c * mu:
        return math.inf
    return erlang_c(c, arrival_rate * mean_service) / (c * mu - arrival_rate)


def md1_mean_wait(arrival_rate: float, service: float) -> float:
    """Pollaczek-Khinchine mean wait of M/D/1: rho S / (2 (1 - rho))."""
    rho = arrival_rate * service
    return math.inf if rho >= 1 else rho * service / (2 * (1 - rho))


def service_sampler(dist: str, mean: float, rng: random.Random) -> Callable[[], float]:
    """A function drawing processing times with the given mean."""
    if dist == "constant":
        return lambda: mean
    if dist == "lognormal":
        mu = math.log(mean) - LOGNORMAL_SIGMA**2 / 2
        return lambda: rng.lognormvariate(mu, LOGNORMAL_SIGMA)
    return lambda: rng.expovariate(1 / mean)


def arrival_times(params: dict[str, Any], rng: random.Random) -> list[float]:
    """`jobs` Poisson arrival times; the rate is arrival_rate_burst during the burst window."""
    base, burst = params["arrival_rate"], params["arrival_rate_burst"]
    start = params["burst_at_s"] if params["burst_s"] > 0 else math.inf
    end = start + params["burst_s"]
    times: list[float] = []
    t = 0.0
    while len(times) < params["jobs"]:
        rate, boundary = (burst, end) if start <= t < end else (base, start if t < start else math.inf)
        gap = rng.expovariate(rate) if rate > 0 else math.inf
        if t + gap >= boundary:
            t = boundary  # memoryless: start afresh at the new rate
            continue
        t += gap
        times.append(t)
    return times


@dataclass(eq=False)
class Worker:
    id: int
    ready: bool
    replacing: bool  # started in place of a crashed worker
    job: int = -1
    attempt: int = 0  # bumped on each start, so a stale completion is ignored
    started_at: float = 0.0
    retiring: bool = False
    alive: bool = True


class WorkQueue:
    """The simulation state; `run_until` advances it, `frame` reads it."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.p = params
        self.rng = random.Random(seed)
        self.autoscale = params["autoscale"]
        self.min_workers = params["min_workers"]
        self.max_workers = max(params["max_workers"], self.min_workers)
        self.crash_rate = params["worker_crash_rate"] / 3600
        self.arrival = arrival_times(params, self.rng)
        draw = service_sampler(params["service_dist"], params["mean_service_s"], self.rng)
        self.service = [draw() for _ in self.arrival]
        n = len(self.arrival)
        self.state = [0] * n
        self.first_start = [-1.0] * n
        self.last_start = [-1.0] * n

        self.now = 0.0
        self.heap: list[tuple[float, int, int, Any, int]] = []
        self.seq = 0
        self.events_run = 0
        self.queue: deque[int] = deque()
        self.hidden: set[int] = set()
        self.pool: list[Worker] = []  # alive workers in display order
        self.idle: list[Worker] = []
        self.next_id = 0
        self.n_busy = self.n_ready = self.n_present = 0

        self.completed = self.waited = 0
        self.sum_wait = self.sum_sojourn = 0.0
        self.max_backlog = 0
        self.interrupted = self.crashed_jobs = self.crashes = 0
        self.area_present = self.area_busy = self.area_ready = self.area_pool = 0.0
        self.last_change = 0.0
        self.finished_at: float | None = None
        self.totals: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        self.recommendations: deque[tuple[float, int]] = deque()
        self.peak_pool = 0

        # per-frame counters and notes
        self.step_arrivals = self.step_completed = self.step_started = 0
        self.step_wait = 0.0
        self.step_scaled = False
        self.events: list[Event] = []
        self.scale_events = self.crash_events = 0
        self.backlog_mark = 100

        initial = params["workers"]
        if self.autoscale:
            initial = min(max(initial, self.min_workers), self.max_workers)
        for _ in range(initial):
            self._add_worker(ready=True)
        if n:
            self._schedule(self.arrival[0], ARRIVE, 0)
        if self.autoscale:
            self._schedule(params["scale_interval_s"], SCALE, None)
        if params["burst_s"] > 0 and params["burst_at_s"] < (self.arrival[-1] if n else 0):
            self._burst_notes = [params["burst_at_s"], params["burst_at_s"] + params["burst_s"]]
        else:
            self._burst_notes = []

    # -- the event loop --------------------------------------------------

    def _schedule(self, at: float, kind: int, obj: Any, extra: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, obj, extra))

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def stalled(self) -> bool:
        return not self.heap or self.events_run >= EVENT_LIMIT

    def run_until(self, t_end: float) -> None:
        heap = self.heap
        while heap and heap[0][0] <= t_end and not self.done and self.events_run < EVENT_LIMIT:
            at, _, kind, obj, extra = heapq.heappop(heap)
            self.events_run += 1
            self._advance(at)
            if kind == ARRIVE:
                self._arrive(obj)
            elif kind == DONE:
                self._done(obj, extra)
            elif kind == READY:
                self._ready(obj)
            elif kind == CRASH:
                self._crash(obj)
            elif kind == VISIBLE:
                self._visible(obj)
            else:
                self._autoscale()
        if t_end < math.inf:
            self._advance(max(self.now, t_end))

    def run_to_end(self) -> None:
        self.run_until(math.inf)

    def _advance(self, at: float) -> None:
        if self.finished_at is None:
            dt = at - self.last_change
            self.area_present += self.n_present * dt
            self.area_busy += self.n_busy * dt
            self.area_ready += self.n_ready * dt
            self.area_pool += len(self.pool) * dt
            self.last_change = at
        self.now = at

    # -- jobs ------------------------------------------------------------

    def _arrive(self, j: int) -> None:
        self.state[j] = QUEUED
        self.queue.append(j)
        self.n_present += 1
        self.step_arrivals += 1
        if j + 1 < len(self.arrival):
            self._schedule(self.arrival[j + 1], ARRIVE, j + 1)
        while self._burst_notes and self._burst_notes[0] <= self.now:
            self._note_burst(self._burst_notes.pop(0))
        self._dispatch()
        if len(self.queue) > self.max_backlog:
            self.max_backlog = len(self.queue)
            if self.max_backlog >= self.backlog_mark:
                self.events.append(
                    Event(
                        self.now, "backlog",
                        Text(f"The backlog passed {self.backlog_mark:,} waiting jobs", f"待っているジョブが {self.backlog_mark:,} 件を超えました"),
                    )
                )  # fmt: skip
                self.backlog_mark *= 10

    def _dispatch(self) -> None:
        while self.queue and self.idle:
            i = self.rng.randrange(len(self.idle))
            worker = self.idle[i]
            self.idle[i] = self.idle[-1]
            self.idle.pop()
            self._start(worker, self.queue.popleft())

    def _start(self, worker: Worker, j: int) -> None:
        worker.job = j
        worker.attempt += 1
        worker.started_at = self.now
        self.state[j] = RUNNING
        if self.first_start[j] < 0:
            self.first_start[j] = self.now
        self.last_start[j] = self.now
        self.n_busy += 1
        self.step_started += 1
        self.step_wait += self.now - self.arrival[j]
        self._schedule(self.now + self.service[j], DONE, worker, worker.attempt)

    def _done(self, worker: Worker, attempt: int) -> None:
        if not worker.alive or worker.attempt != attempt or worker.job < 0:
            return  # the attempt was cut short
        j = worker.job
        worker.job = -1
        self.n_busy -= 1
        self.state[j] = FINISHED
        self.n_present -= 1
        self.completed += 1
        self.step_completed += 1
        self.sum_wait += self.last_start[j] - self.arrival[j]
        self.sum_sojourn += self.now - self.arrival[j]
        self.waited += self.first_start[j] > self.arrival[j]
        if worker.retiring:
            self._remove(worker)
        else:
            self.idle.append(worker)
            self._dispatch()
        if self.completed == len(self.arrival):
            self.finished_at = self.now
            self.totals = (self.area_present, self.area_busy, self.area_ready, self.area_pool)

    def _hide(self, j: int) -> None:
        """The job's worker stopped: it becomes visible again after the visibility timeout."""
        self.state[j] = HIDDEN
        self.hidden.add(j)
        self.n_busy -= 1
        self._schedule(self.now + self.p["visibility_timeout_s"], VISIBLE, j)

    def _visible(self, j: int) -> None:
        self.hidden.discard(j)
        self.state[j] = QUEUED
        self.queue.append(j)
        self._dispatch()

    # -- workers ---------------------------------------------------------

    def _add_worker(self, ready: bool, replacing: bool = False, at_index: int | None = None) -> Worker:
        worker = Worker(self.next_id, ready=False, replacing=replacing)
        self.next_id += 1
        if at_index is None:
            self.pool.append(worker)
        else:
            self.pool.insert(at_index, worker)
        self.peak_pool = max(self.peak_pool, len(self.pool))
        if ready:
            self._ready(worker)
        else:
            self._schedule(self.now + self.p["worker_start_s"], READY, worker)
        return worker

    def _ready(self, worker: Worker) -> None:
        if not worker.alive:
            return  # cancelled while starting
        worker.ready = True
        worker.replacing = False
        self.n_ready += 1
        if self.crash_rate > 0:
            self._schedule(self.now + self.rng.expovariate(self.crash_rate), CRASH, worker)
        self.idle.append(worker)
        self._dispatch()

    def _remove(self, worker: Worker) -> None:
        worker.alive = False
        self.pool.remove(worker)
        if worker.ready:
            self.n_ready -= 1
            if worker.job < 0 and worker in self.idle:
                self.idle.remove(worker)

    def _crash(self, worker: Worker) -> None:
        if not worker.alive:
            return
        self.crashes += 1
        index = self.pool.index(worker)
        busy = worker.job >= 0
        if busy:
            self.crashed_jobs += 1
            self._hide(worker.job)
            worker.job = -1
        self._remove(worker)
        if not worker.retiring:
            self._add_worker(ready=False, replacing=True, at_index=index)
        if self.crash_events < CRASH_EVENTS:
            self.crash_events += 1
            vt = self.p["visibility_timeout_s"]
            self.events.append(
                Event(
                    self.now, "crash",
                    Text(f"A worker crashed mid-job; the job reappears in the queue after {vt:g} s and a replacement starts", f"ワーカーが処理中にクラッシュしました。ジョブは {vt:g} 秒後にキューに戻り、代わりのワーカーを起動します")
                    if busy
                    else Text("An idle worker crashed; a replacement starts", "待機中のワーカーがクラッシュしました。代わりのワーカーを起動します"),
                )
            )  # fmt: skip
        elif self.crash_events == CRASH_EVENTS:
            self.crash_events += 1
            self.events.append(
                Event(self.now, "crash", Text("Further crashes are not listed", "以降のクラッシュは表示を省略します"))
            )

    # -- the autoscaler --------------------------------------------------

    def backlog_metric(self) -> int:
        """Jobs waiting plus in flight, as KEDA's SQS scaler counts them by default."""
        return len(self.queue) + self.n_busy + len(self.hidden)

    def _autoscale(self) -> None:
        self._schedule(self.now + self.p["scale_interval_s"], SCALE, None)
        metric = self.backlog_metric()
        desired = math.ceil(metric / self.p["target_backlog_per_worker"] - 1e-9)
        desired = min(max(desired, self.min_workers), self.max_workers)
        # Scale in only as far as the highest recommendation within the cool-down window
        # (a sliding maximum: the deque keeps recommendations in decreasing order).
        window = self.recommendations
        while window and window[-1][1] <= desired:
            window.pop()
        window.append((self.now, desired))
        while len(window) > 1 and window[0][0] <= self.now - self.p["scale_in_cooldown_s"]:
            window.popleft()
        floor = window[0][1]
        active = [w for w in self.pool if not w.retiring]
        before = len(active)
        if desired > before:
            self._scale_out(desired - before)
            self._note_scaling(before, desired, metric, 0)
        elif floor < before:
            interrupted = self._scale_in(active, before - floor)
            self._note_scaling(before, floor, metric, interrupted)

    def _scale_out(self, count: int) -> None:
        for worker in sorted((w for w in self.pool if w.retiring), key=lambda w: -w.id)[:count]:
            worker.retiring = False  # keep a worker that was about to leave
            count -= 1
        for _ in range(count):
            self._add_worker(ready=False)

    def _scale_in(self, active: list[Worker], count: int) -> int:
        """Remove `count` workers: starting ones first, then the newest. Returns jobs interrupted."""
        newest_first = sorted(active, key=lambda w: (w.ready, -w.id))
        protect = self.p["scale_in_protection"]
        if protect:  # idle before busy: a busy worker only retires after its job
            newest_first.sort(key=lambda w: (w.ready, w.job >= 0))
        interrupted = 0
        for worker in newest_first[:count]:
            if worker.job >= 0:
                if protect:
                    worker.retiring = True
                    continue
                interrupted += 1
                self._hide(worker.job)
                worker.job = -1
            self._remove(worker)
        self.interrupted += interrupted
        return interrupted

    def _note_scaling(self, before: int, after: int, metric: int, interrupted: int) -> None:
        self.step_scaled = True
        if self.scale_events > SCALE_EVENTS:
            return
        self.scale_events += 1
        backlog = Text(f"{metric} jobs waiting or in flight", f"待機中・処理中のジョブ {metric} 件")
        if self.scale_events > SCALE_EVENTS:
            text = Text("Further scaling actions are not listed", "以降のスケーリングは表示を省略します")
        elif after > before:
            text = Text(
                f"Scale-out: {before} → {after} workers ({backlog.en})",
                f"スケールアウト：ワーカーを {before} 台から {after} 台に増やします（{backlog.ja}）",
            )
        else:
            text = Text(
                f"Scale-in: {before} → {after} workers ({backlog.en})",
                f"スケールイン：ワーカーを {before} 台から {after} 台に減らします（{backlog.ja}）",
            )
            vt = self.p["visibility_timeout_s"]
            if interrupted == 1:
                text = Text(
                    f"{text.en}; a busy worker was stopped mid-job and its job reappears after {vt:g} s",
                    f"{text.ja}。処理中のワーカー 1 台を止めたため、そのジョブは {vt:g} 秒後にキューに戻ります",
                )
            elif interrupted:
                text = Text(
                    f"{text.en}; {interrupted} busy workers were stopped mid-job and their jobs reappear after {vt:g} s",
                    f"{text.ja}。処理中のワーカー {interrupted} 台を止めたため、それらのジョブは {vt:g} 秒後にキューに戻ります",
                )
            elif any(w.retiring for w in self.pool):
                text = Text(
                    f"{text.en}; busy workers finish their job first",
                    f"{text.ja}。処理中のワーカーはジョブを終えてから停止します",
                )
        self.events.append(Event(self.now, "scale", text))

    def _note_burst(self, at: float) -> None:
        if at == self.p["burst_at_s"]:
            rate = self.p["arrival_rate_burst"]
            text = Text(
                f"Burst: jobs now arrive at {rate:g}/s", f"バースト開始：ジョブが毎秒 {rate:g} 件届くようになりました"
            )
        else:
            rate = self.p["arrival_rate"]
            text = Text(
                f"Burst over: jobs arrive at {rate:g}/s again",
                f"バースト終了：ジョブの到着は毎秒 {rate:g} 件に戻りました",
            )
        self.events.append(Event(at, "burst", text))

    # -- reading the state -----------------------------------------------

    def drain_estimate(self) -> float:
        """Rough time to finish what is left, to pace the frames once arrivals end."""
        running = max((w.started_at + self.service[w.job] - self.now for w in self.pool if w.job >= 0), default=0.0)
        waiting = (len(self.queue) + len(self.hidden)) * self.p["mean_service_s"] / max(1, self.n_ready)
        return running + waiting + (self.p["visibility_timeout_s"] if self.hidden else 0.0)

    def node_states(self) -> dict[str, str]:
        states: dict[str, str] = {}
        for slot in range(DRAWN_WORKERS):
            group = self.pool[slot : slot + 1] if slot < DRAWN_WORKERS - 1 else self.pool[slot:]
            if any(w.job >= 0 for w in group):
                state = "busy"
            elif any(w.ready for w in group):
                state = "ok"
            elif any(w.replacing for w in group):
                state = "down"
            elif group:
                state = "degraded"
            else:
                state = "idle"
            states[f"w{slot + 1}"] = state
        waiting, workers = len(self.queue), max(1, len(self.pool))
        states["queue"] = (
            "idle" if not waiting else "ok" if waiting < workers else "busy" if waiting <= 10 * workers else "degraded"
        )
        if self.state and self.state[-1] == 0:
            in_burst = (
                self.p["burst_s"] > 0 and self.p["burst_at_s"] <= self.now < self.p["burst_at_s"] + self.p["burst_s"]
            )
            states["producer"] = "busy" if in_burst else "ok"
        else:
            states["producer"] = "idle"
        states["autoscaler"] = "idle" if not self.autoscale else "busy" if self.step_scaled else "ok"
        return states

    def frame(self, at: float, width: float) -> Frame:
        made = Frame(
            t=at,
            progress=self.completed / max(1, len(self.arrival)),
            series={
                "backlog": len(self.queue),
                "busy": self.n_busy,
                "pool": len(self.pool),
                "wait_started": round(self.step_wait / self.step_started, 4) if self.step_started else 0.0,
                "head_age": round(self.now - self.arrival[self.queue[0]], 4) if self.queue else 0.0,
                "arrivals": round(self.step_arrivals / width, 4),
                "completed": round(self.step_completed / width, 4),
            },
            events=list(self.events),
            nodes=self.node_states(),
        )
        self.events.clear()
        self.step_arrivals = self.step_completed = self.step_started = 0
        self.step_wait = 0.0
        self.step_scaled = False
        return made

    def lost_jobs(self) -> int:
        """Jobs that arrived but are nowhere: not done, not waiting, not held, not hidden."""
        held = {w.job for w in self.pool if w.job >= 0}
        waiting = set(self.queue)
        return sum(
            1
            for j, state in enumerate(self.state)
            if state not in (0, FINISHED) and j not in waiting and j not in held and j not in self.hidden
        )

    def result(self) -> dict[str, Any]:
        n = len(self.arrival)
        end = self.finished_at if self.finished_at is not None else self.now
        present, busy, ready, pool = self.totals if self.finished_at is not None else (
            self.area_present, self.area_busy, self.area_ready, self.area_pool
        )  # fmt: skip
        done = max(1, self.completed)
        exponential_fixed = self.p["service_dist"] == "exponential" and not self.autoscale and not self.crash_rate
        steady = exponential_fixed and self.p["burst_s"] == 0
        a = self.p["arrival_rate"] * self.p["mean_service_s"]
        return {
            "p_wait": round(self.waited / done, 6),
            "mean_wait_s": round(self.sum_wait / done, 6),
            "mean_time_in_system_s": round(self.sum_sojourn / done, 6),
            "mean_in_system": round(present / end, 6) if end > 0 else 0.0,
            "utilization": round(busy / ready, 6) if ready > 0 else 0.0,
            "throughput_per_s": round(self.completed / end, 6) if end > 0 else 0.0,
            "max_backlog": self.max_backlog,
            "lost_jobs": self.lost_jobs(),
            "interrupted_jobs": self.interrupted,
            "crashed_jobs": self.crashed_jobs,
            "crashes": self.crashes,
            "completed_jobs": self.completed,
            "pending_jobs": n - self.completed - self.lost_jobs(),
            "duration_s": round(end, 6),
            "mean_workers": round(pool / end, 6) if end > 0 else 0.0,
            "peak_workers": self.peak_pool,
            "ready_worker_seconds": round(ready, 3),
            "offered_load_erlangs": round(a, 6),
            "erlang_c_p_wait": round(erlang_c(self.p["workers"], a), 6) if steady else None,
        }


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    sim = WorkQueue(params, seed)
    arrivals_end = sim.arrival[-1] if sim.arrival else 0.0
    step = max(arrivals_end / 300, 1e-3)
    t, frames = 0.0, 0
    while True:
        before = t
        if frames >= MAX_FRAMES - 1:
            sim.run_to_end()  # out of frames: one last frame covers the rest
            t = max(t + step, sim.now)
        else:
            t += step
            sim.run_until(t)
        finished = sim.done or sim.stalled
        if finished:
            if sim.done:
                n = len(sim.arrival)
                sim.events.append(
                    Event(
                        sim.finished_at, "finished",
                        Text(f"All {n:,} jobs done; {sim.lost_jobs()} lost", f"{n:,} 件のジョブがすべて完了しました。失われたジョブは {sim.lost_jobs()} 件です"),
                    )
                )  # fmt: skip
            else:
                left = len(sim.arrival) - sim.completed
                sim.events.append(
                    Event(
                        sim.now, "stopped",
                        Text(f"Stopped after {EVENT_LIMIT:,} simulated events with {left:,} jobs unfinished (crashes may outpace the work)", f"シミュレーション上のイベントが {EVENT_LIMIT:,} 件に達したため打ち切りました。未完了のジョブは {left:,} 件です（クラッシュのペースに処理が追いついていない可能性があります）"),
                    )
                )  # fmt: skip
        yield sim.frame(t, t - before)
        frames += 1
        if finished:
            break
        if t >= arrivals_end:  # arrivals are over: spread what is left over half the frames remaining
            step = max(step, sim.drain_estimate() / max(1, (MAX_FRAMES - 1 - frames) // 2))
    yield Result(sim.result())


# The parameters every preset sets; presets override what they are about.
BASE = {
    "arrival_rate": 8.0,
    "mean_service_s": 1.0,
    "service_dist": "exponential",
    "workers": 10,
    "jobs": 4000,
    "autoscale": False,
    "min_workers": 1,
    "max_workers": 20,
    "target_backlog_per_worker": 5.0,
    "scale_interval_s": 15.0,
    "scale_in_cooldown_s": 60.0,
    "worker_start_s": 20.0,
    "scale_in_protection": True,
    "worker_crash_rate": 0.0,
    "visibility_timeout_s": 30.0,
    "arrival_rate_burst": 20.0,
    "burst_at_s": 120.0,
    "burst_s": 0.0,
}

# Long jobs, a burst that grows the pool, then a calm that shrinks it while most workers are busy.
SCALE_IN_LOAD = {
    **BASE,
    "arrival_rate": 1.0,
    "mean_service_s": 20.0,
    "service_dist": "lognormal",
    "workers": 20,
    "jobs": 900,
    "autoscale": True,
    "min_workers": 2,
    "max_workers": 100,
    "target_backlog_per_worker": 1.0,
    "worker_start_s": 10.0,
    "arrival_rate_burst": 4.0,
    "burst_at_s": 60.0,
    "burst_s": 120.0,
}


SCENARIO = Scenario(
    slug="work-queue",
    pattern="work-queue",
    also_patterns=("graceful-scale-in",),
    title=Text("Work queue", "ワークキュー"),
    description=Text(
        "Jobs arrive as a Poisson stream and wait in a FIFO queue for a pool of workers. With a fixed pool this is "
        "the M/M/c queue of queueing theory: watch how waits grow as the load nears the pool's capacity, and how the "
        "backlog runs away past it. Turn on the autoscaler to size the pool from the backlog, as KEDA or SQS target "
        "tracking do; scale in without protection to see busy workers stopped mid-job; let workers crash to see "
        "redelivery keep every job.",
        "ジョブがポアソン到着で届き、FIFO のキューでワーカープールの空きを待ちます。ワーカー数が固定なら待ち行列理論の M/M/c "
        "そのもので、負荷が処理能力に近づくと待ち時間がどう伸び、超えると滞留がどう膨らみ続けるかを確かめられます。"
        "オートスケーラーを有効にすると、KEDA や SQS のターゲット追跡と同じように滞留量からワーカー数を決めます。"
        "スケールイン保護を外すと処理中のワーカーが止められる様子を、ワーカーをクラッシュさせると再配信によってジョブが"
        "1 件も失われない様子を確かめられます。",
    ),
    params=(
        Param(
            "arrival_rate",
            "float",
            BASE["arrival_rate"],
            Text("Arrival rate", "到着率"),
            Text(
                "Mean rate of the Poisson stream of jobs (outside a burst).",
                "ジョブのポアソン到着の平均レートです（バースト中以外）。",
            ),
            unit="jobs/s",
            min=0.05,
            max=500,
            step=0.1,
        ),
        Param(
            "mean_service_s",
            "float",
            BASE["mean_service_s"],
            Text("Mean processing time", "平均処理時間"),
            Text("Mean time a worker spends on one job.", "ワーカーが 1 件のジョブにかける平均時間です。"),
            unit="s",
            min=0.01,
            max=600,
            step=0.01,
        ),
        Param(
            "service_dist",
            "choice",
            BASE["service_dist"],
            Text("Processing-time distribution", "処理時間の分布"),
            Text(
                "How processing times vary around the mean. Lognormal uses sigma = 1 in log space (coefficient of variation 1.31): most jobs are short, a few are very long.",
                "処理時間が平均のまわりでどうばらつくかです。対数正規分布では対数空間での σ を 1 とし（変動係数 1.31）、ほとんどのジョブは短く、ごく一部がとても長くなります。",
            ),
            choices=(
                Choice("exponential", Text("Exponential (M/M/c)", "指数分布（M/M/c）")),
                Choice("constant", Text("Constant (M/D/c)", "一定（M/D/c）")),
                Choice("lognormal", Text("Lognormal, sigma = 1", "対数正規分布（σ = 1）")),
            ),
        ),
        Param(
            "workers",
            "int",
            BASE["workers"],
            Text("Workers", "ワーカー数"),
            Text(
                "Workers ready at the start (kept within the minimum and maximum when autoscaling); the fixed pool size when autoscaling is off.",
                "開始時に動いているワーカーの数です（オートスケーリングが有効なら最小・最大ワーカー数の範囲に収めます）。オートスケーリングが無効ならこの数のまま変わりません。",
            ),
            min=1,
            max=200,
        ),
        Param(
            "jobs",
            "int",
            BASE["jobs"],
            Text("Jobs", "ジョブ数"),
            Text(
                "How many jobs arrive; the run ends when all of them are done.",
                "届くジョブの総数です。すべてのジョブが完了した時点で終わります。",
            ),
            min=1,
            max=20000,
        ),
        Param(
            "autoscale",
            "bool",
            BASE["autoscale"],
            Text("Autoscale", "オートスケーリング"),
            Text(
                "Size the pool from the backlog (jobs waiting plus in flight).",
                "滞留量（待っているジョブと処理中のジョブの合計）からワーカー数を決めます。",
            ),
        ),
        Param(
            "min_workers",
            "int",
            BASE["min_workers"],
            Text("Minimum workers", "最小ワーカー数"),
            Text(
                "The autoscaler never goes below this; 0 allows scaling to zero.",
                "オートスケーラーはこれより減らしません。0 ならワーカーを 0 台まで減らせます。",
            ),
            min=0,
            max=200,
        ),
        Param(
            "max_workers",
            "int",
            BASE["max_workers"],
            Text("Maximum workers", "最大ワーカー数"),
            Text(
                "The autoscaler never goes above this (raised to the minimum if lower).",
                "オートスケーラーはこれより増やしません（最小ワーカー数より小さければ最小ワーカー数に合わせます）。",
            ),
            min=1,
            max=200,
        ),
        Param(
            "target_backlog_per_worker",
            "float",
            BASE["target_backlog_per_worker"],
            Text("Target backlog per worker", "ワーカーあたりの目標滞留量"),
            Text(
                "The autoscaler asks for ceil(backlog / target) workers, counting jobs waiting and in flight, like KEDA's queueLength (default 5) or an SQS backlog-per-instance target.",
                "オートスケーラーは ceil(滞留量 ÷ この値) 台のワーカーを求めます。滞留量には待っているジョブと処理中のジョブを数えます。KEDA の queueLength（既定値 5）や SQS のインスタンスあたり滞留量の目標値にあたります。",
            ),
            unit="jobs",
            min=0.1,
            max=1000,
            step=0.1,
        ),
        Param(
            "scale_interval_s",
            "float",
            BASE["scale_interval_s"],
            Text("Evaluation interval", "評価間隔"),
            Text(
                "How often the autoscaler reads the backlog (KEDA polls every 30 s by default).",
                "オートスケーラーが滞留量を読み取る間隔です（KEDA の既定値は 30 秒）。",
            ),
            unit="s",
            min=5,
            max=600,
            step=1,
        ),
        Param(
            "scale_in_cooldown_s",
            "float",
            BASE["scale_in_cooldown_s"],
            Text("Scale-in cool-down", "スケールインのクールダウン"),
            Text(
                "A scale-in goes only as low as the highest worker count the autoscaler asked for during this window (the HPA scale-down stabilisation window); scale-outs never wait.",
                "スケールインでは、この時間内にオートスケーラーが求めたワーカー数の最大値までしか減らしません（HPA のスケールダウン安定化ウィンドウ）。スケールアウトは待ちません。",
            ),
            unit="s",
            min=0,
            max=3600,
            step=1,
        ),
        Param(
            "worker_start_s",
            "float",
            BASE["worker_start_s"],
            Text("Worker start-up time", "ワーカーの起動時間"),
            Text(
                "Time from asking for a worker (or replacing a crashed one) until it takes jobs.",
                "ワーカーを要求してから（クラッシュしたワーカーの代わりを起動する場合も同じ）、ジョブを受け取れるようになるまでの時間です。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "scale_in_protection",
            "bool",
            BASE["scale_in_protection"],
            Text("Scale-in protection", "スケールイン保護"),
            Text(
                "A busy worker is never stopped by a scale-in: it leaves after finishing its job. Without it, scale-in stops the newest workers, busy or not, and their jobs are interrupted.",
                "処理中のワーカーはスケールインで止められず、ジョブを終えてから停止します。無効にすると、スケールインは処理中かどうかにかかわらず新しいワーカーから止めるため、そのジョブは中断されます。",
            ),
        ),
        Param(
            "worker_crash_rate",
            "float",
            BASE["worker_crash_rate"],
            Text("Worker crash rate", "ワーカーのクラッシュ率"),
            Text(
                "Crashes per ready worker per hour (60 = one a minute). A crashed worker's job is redelivered and the worker replaced.",
                "動いているワーカー 1 台が 1 時間に起こすクラッシュの回数です（60 なら毎分 1 回）。クラッシュしたワーカーのジョブは再配信され、ワーカーは入れ替えられます。",
            ),
            unit="/worker-h",
            min=0,
            max=60,
            step=1,
        ),
        Param(
            "visibility_timeout_s",
            "float",
            BASE["visibility_timeout_s"],
            Text("Visibility timeout", "可視性タイムアウト"),
            Text(
                "How long a job stays hidden after its worker stopped before it reappears in the queue (SQS default 30 s).",
                "ワーカーが止まった後、そのジョブが非表示のまま残り、キューに再び現れるまでの時間です（SQS の既定値は 30 秒）。",
            ),
            unit="s",
            min=0,
            max=3600,
            step=1,
        ),
        Param(
            "arrival_rate_burst",
            "float",
            BASE["arrival_rate_burst"],
            Text("Arrival rate in the burst", "バースト中の到着率"),
            Text("Mean arrival rate during the burst.", "バースト中の平均到着率です。"),
            unit="jobs/s",
            min=0,
            max=500,
            step=0.1,
        ),
        Param(
            "burst_at_s",
            "float",
            BASE["burst_at_s"],
            Text("Burst at", "バーストの開始時刻"),
            Text("When the burst starts.", "バーストが始まる時刻です。"),
            unit="s",
            min=0,
            max=100000,
            step=1,
        ),
        Param(
            "burst_s",
            "float",
            BASE["burst_s"],
            Text("Burst length", "バーストの長さ"),
            Text("How long the burst lasts; 0 for no burst.", "バーストが続く時間です。0 ならバーストはありません。"),
            unit="s",
            min=0,
            max=100000,
            step=1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="backlog",
            title=Text("Backlog and workers", "滞留とワーカー"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("jobs or workers", "ジョブ数またはワーカー数"),
            series=(
                Series("backlog", Text("jobs waiting", "待っているジョブ")),
                Series("busy", Text("busy workers", "処理中のワーカー")),
                Series("pool", Text("workers in the pool", "プール内のワーカー")),
            ),
        ),
        Chart(
            id="wait",
            title=Text("Waiting time", "待ち時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("seconds", "秒"),
            series=(
                Series(
                    "wait_started", Text("wait of jobs started in the step", "その区間に処理を始めたジョブの待ち時間")
                ),
                Series(
                    "head_age", Text("age of the job at the head of the queue", "キューの先頭にあるジョブの経過時間")
                ),
            ),
        ),
        Chart(
            id="throughput",
            title=Text("Throughput", "スループット"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("jobs/s", "ジョブ/秒"),
            series=(
                Series("arrivals", Text("arrived", "到着")),
                Series("completed", Text("completed", "完了")),
            ),
        ),
    ),
    results=(
        Measure(
            "p_wait",
            Text("Share of jobs that waited", "待たされたジョブの割合"),
            help=Text(
                "Jobs whose first attempt could not start on arrival because every worker was busy. Erlang C predicts it for M/M/c.",
                "到着時に全ワーカーが処理中で、最初の試行をすぐには始められなかったジョブの割合です。M/M/c ではアーラン C 式で予測できます。",
            ),
        ),
        Measure(
            "mean_wait_s",
            Text("Mean wait", "平均待ち時間"),
            "s",
            Text(
                "From arrival to the start of the attempt that completed the job, so interrupted attempts and hidden time count.",
                "到着から、ジョブを完了させた試行が始まるまでの時間です。中断された試行や非表示の時間も含みます。",
            ),
        ),
        Measure(
            "mean_time_in_system_s",
            Text("Mean time in system", "平均系内時間"),
            "s",
            Text("From arrival to completion.", "到着から完了までの時間です。"),
        ),
        Measure(
            "mean_in_system",
            Text("Mean jobs in the system", "系内の平均ジョブ数"),
            "jobs",
            Text(
                "Time-average of the jobs present (waiting, in progress or hidden); Little's law: throughput × mean time in system.",
                "系内にあるジョブ（待機中・処理中・非表示）の数の時間平均です。リトルの法則により、スループット × 平均系内時間に等しくなります。",
            ),
        ),
        Measure(
            "utilization",
            Text("Utilization", "利用率"),
            help=Text(
                "Busy worker-seconds over ready worker-seconds; a/c in M/M/c.",
                "処理中のワーカー秒を、動いているワーカー秒で割ったものです。M/M/c では a/c になります。",
            ),
        ),
        Measure(
            "throughput_per_s",
            Text("Throughput", "スループット"),
            "jobs/s",
            Text(
                "Jobs completed per second over the whole run.", "実行全体を通じて 1 秒あたりに完了したジョブ数です。"
            ),
        ),
        Measure(
            "max_backlog",
            Text("Longest queue", "キューの最大長"),
            "jobs",
            Text("The most jobs waiting at once.", "同時に待っていたジョブの最大数です。"),
        ),
        Measure(
            "lost_jobs",
            Text("Lost jobs", "失われたジョブ"),
            "jobs",
            Text(
                "Jobs that are neither done, waiting, in progress nor hidden. Redelivery keeps this at 0.",
                "完了・待機中・処理中・非表示のどれでもないジョブです。再配信によって 0 に保たれます。",
            ),
        ),
        Measure(
            "interrupted_jobs",
            Text("Jobs interrupted by scale-in", "スケールインで中断されたジョブ"),
            "jobs",
            Text(
                "Attempts cut off when a scale-in stopped a busy worker; 0 with scale-in protection.",
                "スケールインが処理中のワーカーを止めたために打ち切られた試行の数です。スケールイン保護があれば 0 です。",
            ),
        ),
        Measure(
            "crashed_jobs",
            Text("Jobs interrupted by crashes", "クラッシュで中断されたジョブ"),
            "jobs",
            Text(
                "Attempts cut off by a worker crash; each was redelivered.",
                "ワーカーのクラッシュで打ち切られた試行の数です。どれも再配信されました。",
            ),
        ),
        Measure(
            "crashes",
            Text("Worker crashes", "ワーカーのクラッシュ"),
            help=Text(
                "Crashes of ready workers, busy or idle.",
                "動いているワーカーのクラッシュ回数です（処理中・待機中の両方）。",
            ),
        ),
        Measure("completed_jobs", Text("Jobs completed", "完了したジョブ"), "jobs"),
        Measure(
            "pending_jobs",
            Text("Jobs unfinished", "未完了のジョブ"),
            "jobs",
            Text(
                "Jobs still waiting or in progress when the run had to stop; 0 when every job finished.",
                "実行を打ち切った時点で待機中・処理中だったジョブです。すべて完了していれば 0 です。",
            ),
        ),
        Measure("duration_s", Text("Time to finish every job", "全ジョブの完了までの時間"), "s"),
        Measure(
            "mean_workers",
            Text("Mean pool size", "平均ワーカー数"),
            "workers",
            Text(
                "Time-average of the workers in the pool, starting ones included: what the pool costs.",
                "起動中も含めたプールのワーカー数の時間平均で、プールのコストにあたります。",
            ),
        ),
        Measure("peak_workers", Text("Largest pool", "最大ワーカー数"), "workers"),
        Measure(
            "ready_worker_seconds",
            Text("Ready worker-time", "稼働中のワーカー時間"),
            "s",
            Text(
                "Seconds workers were ready to take jobs, summed over workers; crashes happen over this time.",
                "ワーカーがジョブを受け取れる状態だった秒数の合計です。クラッシュはこの時間の中で起こります。",
            ),
        ),
        Measure(
            "offered_load_erlangs",
            Text("Offered load", "提供負荷"),
            "erlangs",
            Text(
                "Arrival rate × mean processing time outside the burst: the workers kept busy on average.",
                "バースト以外の到着率 × 平均処理時間で、平均して処理中になるワーカーの数です。",
            ),
        ),
        Measure(
            "erlang_c_p_wait",
            Text("Erlang C prediction", "アーラン C 式による予測"),
            help=Text(
                "P(wait) for M/M/c with these settings; shown only with exponential times, a fixed pool, no crashes and no burst.",
                "この設定の M/M/c で待たされる確率です。指数分布・固定のワーカー数・クラッシュなし・バーストなしのときだけ示します。",
            ),
        ),
    ),  # fmt: skip
    run=run,
    source=Text(
        "Erlang C formula for M/M/c queues (Erlang, 1917; Kleinrock, Queueing Systems Vol. 1, 1975); the Pollaczek–Khinchine formula for M/D/1; Little's law (Little, 1961)",
        "M/M/c 待ち行列のアーラン C 式（Erlang、1917 年。Kleinrock『Queueing Systems Vol. 1』、1975 年）、M/D/1 のポラチェック・ヒンチンの公式、リトルの法則（Little、1961 年）",
    ),
    topology=Topology(
        nodes=(
            Node("producer", Text("Producer", "プロデューサー"), 0.08, 0.5),
            Node("queue", Text("Work queue", "ワークキュー"), 0.33, 0.5),
            Node("autoscaler", Text("Autoscaler", "オートスケーラー"), 0.33, 0.12),
            *(
                Node(
                    f"w{i}", Text(f"Worker {i}", f"ワーカー {i}"), 0.66 if i <= 4 else 0.9, 0.14 + 0.24 * ((i - 1) % 4)
                )
                for i in range(1, DRAWN_WORKERS)
            ),
            Node(f"w{DRAWN_WORKERS}", Text(f"Workers {DRAWN_WORKERS}+", f"ワーカー {DRAWN_WORKERS} 以降"), 0.9, 0.86),
        ),
        links=(
            ("producer", "queue"),
            ("autoscaler", "queue"),
            *(("queue", f"w{i}") for i in range(1, DRAWN_WORKERS + 1)),
        ),
    ),  # fmt: skip
    presets=(
        Preset("mmc-80", Text("M/M/c at 80 % (Erlang C)", "利用率 80 % の M/M/c（アーラン C 式）"), dict(BASE)),
        Preset(
            "overloaded",
            Text("Overloaded: the backlog grows without bound", "過負荷：滞留が際限なく増える"),
            {**BASE, "arrival_rate": 12.0, "jobs": 4000},
        ),
        Preset(
            "autoscale-burst",
            Text("Autoscaling follows a burst", "オートスケーリングがバーストに追従する"),
            {
                **BASE,
                "arrival_rate": 2.0,
                "mean_service_s": 2.0,
                "workers": 4,
                "jobs": 2500,
                "autoscale": True,
                "min_workers": 2,
                "max_workers": 50,
                "target_backlog_per_worker": 2.0,
                "arrival_rate_burst": 20.0,
                "burst_at_s": 120.0,
                "burst_s": 90.0,
            },
        ),
        Preset(
            "scale-in-unprotected",
            Text("Scale-in without protection interrupts jobs", "スケールイン保護がないと処理中のジョブが中断される"),
            {**SCALE_IN_LOAD, "scale_in_protection": False},
        ),
        Preset(
            "crashing-workers",
            Text(
                "Crashing workers: redelivery keeps every job", "ワーカーがクラッシュしても再配信でジョブは失われない"
            ),
            {**BASE, "arrival_rate": 7.0, "worker_crash_rate": 30.0, "worker_start_s": 10.0},
        ),
    ),
)
