# ruff: noqa: E501 - Japanese text counts double toward the line length
"""circuit-breaker: a client calls service A, A calls dependency B, and B fails for a while.

Requests reach A as a Poisson stream at `request_rate`. A has `a_threads`
threads; a request holds one only while A waits for B (A's own work takes no
time). A request that arrives while every thread is busy is rejected
at once: there is no queue, and with no thread free A cannot run a fallback
either, so a rejection is always a failed request. That rejection is the
cascading failure: B's trouble becomes A's outage.

B answers in 2 ms plus an exponential delay with mean 3 ms (mean 5 ms). From
`outage_start_s` to `outage_end_s` every call A sends fails: in `errors` mode
B answers an error after the same short delay, in `hang` mode it never answers
and A gives up at `timeout_ms`. A call's fate is fixed when it is sent, so a
call sent just before the outage ends still hangs. A call that outlasts the
timeout also fails. With no breaker and a hanging B, Little's law gives the
busy threads as request_rate x timeout: A saturates when that exceeds
`a_threads`. More exactly, A is then an Erlang loss system (Poisson arrivals,
`a_threads` servers, no queue): the share of time all threads are busy, and of
requests rejected, is Erlang's B formula at load request_rate x timeout. It is
small but not zero a little below the pool size (B(40, 30) = 1.4 %) and tends
to 1 - a_threads / load well above it.

The breaker (when `breaker` is on) follows Hystrix's documented rules (Netflix
Hystrix wiki, "How it Works"): it keeps the outcomes of calls to B completed in
the last `window_s` seconds (an exact sliding window; Hystrix rolls ten buckets
and takes a snapshot every 500 ms, which can trip up to about half a second
later). As each failed call completes it checks the window, and opens when the
window holds at least `request_volume_threshold` calls and at least
`failure_threshold_pct` % of them failed. Timeouts and errors count
as failures; rejections by A's full pool do not, as they never reach B. While
open it answers every request at once (a fast failure, no thread time). After
`open_wait_s` (Hystrix's sleep window) it goes half-open and lets the next
`half_open_probes` requests through as trial calls; it decides once all of them
are back (as Resilience4j does with its permitted half-open calls): all
succeeded -> closed with an empty window, any failed -> open for another
`open_wait_s`. Requests that arrive while the trial calls are out are
short-circuited. Only calls sent while the breaker is closed count toward the window,
and the window starts empty each time it closes.

With `fallback` = cached, a request whose call failed or that the breaker
short-circuited is answered from a cache: it counts as a fallback response, not a
failed request.

Results: calls_to_dependency_during_outage (calls sent to B from outage start to
outage end), failed_requests (requests answered with an error, fast failures
included), fast_failures (requests the open breaker answered at once, with an
error or from the cache), fallback_responses, time_to_open_s (first opening at
or after the outage start, measured from it; None if it never opened),
time_to_close_s (first closing at or after the outage end, measured from it;
None if it did not close), a_saturated_s (seconds during which all of A's
threads were busy, so that arriving requests were rejected). Also: requests,
successes, rejected_requests (turned away by A's full pool), in_flight_at_end,
calls_to_dependency, times_opened (half-open failures included),
peak_busy_threads, little_law_busy_threads (request_rate x timeout: the threads
a hanging B would hold) and erlang_b_full_share (Erlang B at that load: the
share of a long hanging outage A spends full when there is no breaker).
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import Chart, EventLoop, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset
from ..stats import erlang_b

MAX_FRAMES = 400
MIN_FRAME_STEP_S = 0.1
# B's answer time when it is healthy, and in errors mode: a floor plus an exponential tail.
B_LATENCY_FLOOR_S = 0.002
B_LATENCY_TAIL_MEAN_S = 0.003
# Open/half-open cycles listed in the event log per open episode; later ones are summarised.
LISTED_CYCLES = 3
# A's pool must have had a free thread this long before "saturation over" is logged.
SATURATION_QUIET_S = 1.0

CLOSED, HALF_OPEN, OPEN = "closed", "half_open", "open"
STATE_LEVEL = {CLOSED: 0.0, HALF_OPEN: 0.5, OPEN: 1.0}


def breaker_trips(calls: int, failures: int, volume_threshold: int, failure_threshold_pct: float) -> bool:
    """Hystrix's rule: enough calls in the window, and a large enough share of them failed."""
    return calls >= volume_threshold and calls > 0 and 100.0 * failures / calls >= failure_threshold_pct


def little_law_busy_threads(request_rate: float, timeout_ms: float) -> float:
    """Threads held on average when every call waits out its timeout: L = lambda x W."""
    return request_rate * timeout_ms / 1000.0


def b_latency(rng: random.Random) -> float:
    return B_LATENCY_FLOOR_S + rng.expovariate(1.0 / B_LATENCY_TAIL_MEAN_S)


class RollingWindow:
    """Outcomes of calls completed in the trailing `width` seconds."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.log: deque[tuple[float, bool]] = deque()
        self.failures = 0

    def add(self, now: float, failed: bool) -> None:
        self.log.append((now, failed))
        self.failures += failed
        self.prune(now)

    def prune(self, now: float) -> None:
        while self.log and self.log[0][0] <= now - self.width:
            _t, failed = self.log.popleft()
            self.failures -= failed

    def counts(self, now: float) -> tuple[int, int]:
        self.prune(now)
        return len(self.log), self.failures

    def error_pct(self, now: float) -> float:
        calls, failures = self.counts(now)
        return 100.0 * failures / calls if calls else 0.0

    def clear(self) -> None:
        self.log.clear()
        self.failures = 0


@dataclass
class Call:
    epoch: int  # the breaker's closed period the call was sent in
    probe: bool
    failed: bool


@dataclass
class FrameCounts:
    arrived: int = 0
    success: int = 0
    failed: int = 0  # errors after a call or a rejection
    fast_fail: int = 0  # short-circuited, answered with an error
    fallback: int = 0
    calls: int = 0
    busy_area: float = 0.0  # thread-seconds
    saturated_s: float = 0.0


def _event(t: float, kind: str, en: str, ja: str) -> Event:
    return Event(round(t, 4), kind, Text(en=en, ja=ja))


class Simulation:
    """The state of one run; the EventLoop calls its methods at simulated times."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.p = params
        self.loop = EventLoop()
        self.arrivals = random.Random(seed)
        # B's answer times come from their own stream, so runs that differ only in the
        # breaker or the fallback see the same arrivals.
        self.latencies = random.Random(f"b-latency-{seed}")
        self.duration: float = params["duration_s"]
        self.timeout_s: float = params["timeout_ms"] / 1000.0
        self.threads: int = params["a_threads"]
        self.outage = (params["outage_start_s"], params["outage_end_s"])
        self.cached = params["fallback"] == "cached"
        self.enabled: bool = params["breaker"]

        self.state = CLOSED
        self.epoch = 0
        self.window = RollingWindow(params["window_s"])
        self.probes_sent = self.probes_done = self.probes_failed = 0
        self.cycles_in_episode = 0

        self.busy = 0
        self.busy_since = 0.0  # when `busy` last changed
        self.peak_busy = 0
        self.saturation_flagged = False
        self.last_full_at = -math.inf  # when the pool was last seen full

        self.requests = self.successes = self.failed = self.fast = self.fallbacks = self.rejected = 0
        self.calls = self.outage_calls = 0
        self.opened_times: list[float] = []
        self.closed_times: list[float] = []
        self.saturated_s = 0.0
        self.frame = FrameCounts()
        self.events: list[Event] = []

    # -- time bookkeeping -------------------------------------------------

    def in_outage(self, t: float) -> bool:
        return self.outage[0] <= t < self.outage[1]

    def account_busy(self, now: float) -> None:
        """Integrate busy threads (and time spent full) since the last change."""
        span = now - self.busy_since
        if span > 0:
            self.frame.busy_area += self.busy * span
            if self.busy == self.threads:
                self.frame.saturated_s += span
                self.saturated_s += span
        self.busy_since = now

    def set_busy(self, now: float, delta: int) -> None:
        self.account_busy(now)
        self.busy += delta
        self.peak_busy = max(self.peak_busy, self.busy)
        if self.busy == self.threads:
            self.last_full_at = now
            if not self.saturation_flagged:
                self.saturation_flagged = True
                n = self.threads
                self.events.append(
                    _event(
                        now, "saturated",
                        f"A saturated: all {n} threads are busy, new requests are rejected",
                        f"A が飽和しました。{n} 本のスレッドがすべて使用中で、新しいリクエストは拒否されます",
                    )
                )  # fmt: skip
        elif delta < 0 and self.busy == self.threads - 1:
            self.last_full_at = now

    # -- requests ----------------------------------------------------------

    def schedule_next_arrival(self) -> None:
        gap = self.arrivals.expovariate(self.p["request_rate"])
        if self.loop.now + gap < self.duration:
            self.loop.schedule(gap, self.arrive)

    def arrive(self) -> None:
        now = self.loop.now
        self.requests += 1
        self.frame.arrived += 1
        self.schedule_next_arrival()
        if self.busy >= self.threads:
            # No thread to take the request, nor to run a fallback: A answers an error.
            self.rejected += 1
            self.failed += 1
            self.frame.failed += 1
            return
        admission = self.admit()
        if admission == "short":
            self.fast += 1
            self.answer_failure(fast=True)
            return
        self.send(now, probe=admission == "probe")

    def admit(self) -> str:
        """'call', 'probe' (a half-open trial call) or 'short' (short-circuited)."""
        if not self.enabled or self.state == CLOSED:
            return "call"
        if self.state == HALF_OPEN and self.probes_sent < self.p["half_open_probes"]:
            self.probes_sent += 1
            return "probe"
        return "short"

    def send(self, now: float, probe: bool) -> None:
        self.calls += 1
        self.frame.calls += 1
        during_outage = self.in_outage(now)
        failed = during_outage
        if failed and self.p["outage_mode"] == "hang":
            wait = self.timeout_s
        else:
            wait = b_latency(self.latencies)
            if wait > self.timeout_s:
                wait, failed = self.timeout_s, True
        if during_outage:
            self.outage_calls += 1
        call = Call(self.epoch, probe, failed)
        self.set_busy(now, +1)
        self.loop.schedule(wait, lambda: self.complete(call))

    def complete(self, call: Call) -> None:
        now = self.loop.now
        self.set_busy(now, -1)
        if call.failed:
            self.answer_failure(fast=False)
        else:
            self.successes += 1
            self.frame.success += 1
        if call.probe:
            self.record_probe(now, call)
        elif call.epoch == self.epoch:
            self.window.add(now, call.failed)
            if self.enabled and self.state == CLOSED and call.failed:
                calls, failures = self.window.counts(now)
                if breaker_trips(calls, failures, self.p["request_volume_threshold"], self.p["failure_threshold_pct"]):
                    self.open(now, calls, failures)

    def answer_failure(self, fast: bool) -> None:
        if self.cached:
            self.fallbacks += 1
            self.frame.fallback += 1
        elif fast:
            self.failed += 1
            self.frame.fast_fail += 1
        else:
            self.failed += 1
            self.frame.failed += 1

    # -- the breaker -------------------------------------------------------

    def open(self, now: float, calls: int, failures: int) -> None:
        self.state = OPEN
        self.opened_times.append(now)
        self.cycles_in_episode = 0
        pct, wait, width = 100.0 * failures / calls, self.p["open_wait_s"], self.p["window_s"]
        self.events.append(
            _event(
                now, "opened",
                f"Breaker opened: {failures} of the {calls} calls to B in the last {width:g} s failed ({pct:.0f} %); for {wait:g} s requests are answered at once without calling B",
                f"ブレーカーがオープンになりました。直近 {width:g} 秒間の B への呼び出し {calls} 件のうち {failures} 件（{pct:.0f} %）が失敗しました。これから {wait:g} 秒間は B を呼ばずに即座に応答します",
            )
        )  # fmt: skip
        self.loop.schedule(wait, self.half_open)

    def half_open(self) -> None:
        now = self.loop.now
        self.state = HALF_OPEN
        self.probes_sent = self.probes_done = self.probes_failed = 0
        self.cycles_in_episode += 1
        k = self.p["half_open_probes"]
        if self.cycles_in_episode <= LISTED_CYCLES:
            self.events.append(
                _event(
                    now, "half_open",
                    f"Breaker half-open: the next {k} request(s) go to B as trial calls",
                    f"ブレーカーがハーフオープンになりました。次の {k} 件のリクエストを試行呼び出しとして B へ通します",
                )
            )  # fmt: skip

    def record_probe(self, now: float, call: Call) -> None:
        self.probes_done += 1
        self.probes_failed += call.failed
        if self.probes_done < self.p["half_open_probes"]:
            return
        if self.probes_failed:
            self.state = OPEN
            self.opened_times.append(now)
            if self.cycles_in_episode <= LISTED_CYCLES:
                n, k, wait = self.probes_failed, self.probes_done, self.p["open_wait_s"]
                self.events.append(
                    _event(
                        now, "reopened",
                        f"{n} of {k} trial call(s) failed: breaker open again for {wait:g} s",
                        f"試行呼び出し {k} 件のうち {n} 件が失敗し、ブレーカーは再びオープンになりました（{wait:g} 秒間）",
                    )
                )  # fmt: skip
            elif self.cycles_in_episode == LISTED_CYCLES + 1:
                self.events.append(
                    _event(
                        now, "still_cycling",
                        "The breaker keeps going half-open and opening again; further cycles are not listed",
                        "ブレーカーはハーフオープンとオープンを繰り返しています。以降の繰り返しは表示を省略します",
                    )
                )  # fmt: skip
            self.loop.schedule(self.p["open_wait_s"], self.half_open)
        else:
            self.state = CLOSED
            self.closed_times.append(now)
            self.epoch += 1
            self.window.clear()
            self.events.append(
                _event(
                    now, "closed",
                    "Trial calls succeeded: breaker closed, calls flow to B again",
                    "試行呼び出しが成功し、ブレーカーはクローズに戻りました。B への呼び出しを再開します",
                )
            )  # fmt: skip

    # -- frames ------------------------------------------------------------

    def outage_event(self, starts: bool) -> Callable[[], None]:
        def log() -> None:
            if starts:
                hang = self.p["outage_mode"] == "hang"
                ms = self.p["timeout_ms"]
                self.events.append(
                    _event(
                        self.loop.now, "outage_start",
                        f"B stops answering: each call waits out the {ms:g} ms timeout" if hang else "B starts answering every call with an error",
                        f"B が応答しなくなりました。呼び出しはどれも {ms:g} ms のタイムアウトまで待たされます" if hang else "B がすべての呼び出しにエラーを返し始めました",
                    )
                )  # fmt: skip
            else:
                self.events.append(
                    _event(
                        self.loop.now,
                        "outage_end",
                        "B recovers and answers normally",
                        "B が回復し、通常どおり応答するようになりました",
                    )
                )

        return log

    def take_frame(self, at: float, step: float) -> Frame:
        self.account_busy(at)
        counts = self.frame
        if self.saturation_flagged and self.busy < self.threads and at - self.last_full_at >= SATURATION_QUIET_S:
            self.saturation_flagged = False
            self.events.append(
                _event(
                    at, "recovered",
                    f"A has had free threads for {SATURATION_QUIET_S:g} s: saturation over",
                    f"A のスレッドに {SATURATION_QUIET_S:g} 秒以上空きがあり、飽和が解消しました",
                )
            )  # fmt: skip
        answered = counts.success + counts.failed + counts.fast_fail + counts.fallback
        mean_busy = counts.busy_area / step
        if counts.saturated_s >= step / 2:
            a_state = "down"
        elif counts.saturated_s > 0 or mean_busy >= 0.8 * self.threads:
            a_state = "busy"
        elif counts.failed or counts.fast_fail or counts.fallback:
            a_state = "degraded"
        else:
            a_state = "ok"
        if not answered:
            client_state = "busy" if counts.arrived else "idle"  # busy: every request still waiting
        elif counts.success == answered:
            client_state = "ok"
        else:
            client_state = "degraded"
        breaker_state = {CLOSED: "ok", HALF_OPEN: "degraded", OPEN: "down"}[self.state] if self.enabled else "idle"
        b_state = "down" if self.in_outage(at) else "ok" if counts.calls else "idle"
        frame = Frame(
            t=at,
            progress=at / self.duration,
            series={
                "success": round(counts.success / step, 3),
                "failed": round(counts.failed / step, 3),
                "fast_fail": round(counts.fast_fail / step, 3),
                "fallback": round(counts.fallback / step, 3),
                "calls_to_b": round(counts.calls / step, 3),
                "busy_threads": round(mean_busy, 3),
                "pool_size": self.threads,
                "breaker_state": STATE_LEVEL[self.state] if self.enabled else 0.0,
                "error_pct": round(self.window.error_pct(at), 3),
                "threshold_pct": self.p["failure_threshold_pct"],
            },
            events=sorted(self.events, key=lambda e: e.t),
            nodes={"client": client_state, "a": a_state, "breaker": breaker_state, "b": b_state},
        )
        self.events = []
        self.frame = FrameCounts()
        return frame

    def result(self) -> dict[str, Any]:
        start, end = self.outage
        opened = [t for t in self.opened_times if t >= start]
        closed = [t for t in self.closed_times if t >= end]
        load = little_law_busy_threads(self.p["request_rate"], self.p["timeout_ms"])
        return {
            "calls_to_dependency_during_outage": self.outage_calls,
            "failed_requests": self.failed,
            "fast_failures": self.fast,
            "fallback_responses": self.fallbacks,
            "time_to_open_s": round(opened[0] - start, 4) if opened and start < end else None,
            "time_to_close_s": round(closed[0] - end, 4) if closed and start < end else None,
            "a_saturated_s": round(self.saturated_s, 4),
            "requests": self.requests,
            "successes": self.successes,
            "rejected_requests": self.rejected,
            "in_flight_at_end": self.busy,
            "calls_to_dependency": self.calls,
            "times_opened": len(self.opened_times),
            "peak_busy_threads": self.peak_busy,
            "little_law_busy_threads": round(load, 4),
            "erlang_b_full_share": round(erlang_b(self.threads, load), 6),
        }


def frame_grid(duration: float) -> tuple[int, float]:
    """How many frames and how long each: at most MAX_FRAMES, none shorter than MIN_FRAME_STEP_S."""
    count = max(1, min(MAX_FRAMES, math.ceil(duration / MIN_FRAME_STEP_S - 1e-9)))
    return count, duration / count


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    sim = Simulation(params, seed)
    start, end = sim.outage
    if start < end and start < sim.duration:
        sim.loop.schedule(start, sim.outage_event(starts=True))
        if end < sim.duration:
            sim.loop.schedule(end, sim.outage_event(starts=False))
    sim.schedule_next_arrival()
    count, step = frame_grid(sim.duration)
    for i in range(1, count + 1):
        at = sim.duration if i == count else i * step
        sim.loop.run_until(at)
        yield sim.take_frame(at, step)
    yield Result(sim.result())


# Every preset shares this traffic and outage; they differ in the breaker, the outage mode and the fallback.
BASE = {
    "breaker": True,
    "failure_threshold_pct": 50.0,
    "request_volume_threshold": 20,
    "window_s": 10.0,
    "open_wait_s": 5.0,
    "half_open_probes": 1,
    "timeout_ms": 1000,
    "request_rate": 50.0,
    "a_threads": 20,
    "fallback": "none",
    "outage_mode": "hang",
    "outage_start_s": 20.0,
    "outage_end_s": 50.0,
    "duration_s": 80.0,
}

SCENARIO = Scenario(
    slug="circuit-breaker",
    pattern="circuit-breaker",
    also_patterns=("graceful-degradation",),
    title=Text("Circuit breaker", "サーキットブレーカー"),
    description=Text(
        "A client calls service A, and A calls dependency B, holding one of its threads while it waits. For a while B "
        "fails: it either answers errors or stops answering, so each call waits out the timeout. Without a breaker a "
        "hanging B ties up A's threads until A rejects everyone, a cascading failure. With a breaker (Hystrix's rules: "
        "an error share over a rolling window with a minimum volume, a sleep window, then trial calls) A stops calling B, "
        "fails fast or serves a cached answer, and finds out when B is back.",
        "クライアントがサービス A を呼び、A は依存先 B を呼び出します。A は B の応答を待つ間、自分のスレッドを 1 本占有します。"
        "しばらくの間 B は障害を起こし、エラーを返すか、まったく応答しなくなって呼び出しがタイムアウトまで待たされます。"
        "ブレーカーがなければ、応答しない B が A のスレッドを使い切り、A はすべてのリクエストを拒否するようになります。これがカスケード障害です。"
        "ブレーカー（Hystrix の規則：最小件数つきのローリングウィンドウでのエラー率、スリープウィンドウ、試行呼び出し）があれば、"
        "A は B を呼ぶのをやめて即座に失敗を返すかキャッシュから応答し、B が回復したことも自分で確かめます。",
    ),
    params=(
        Param(
            "breaker",
            "bool",
            True,
            Text("Circuit breaker", "サーキットブレーカー"),
            Text(
                "Whether A's calls to B go through a circuit breaker.",
                "A から B への呼び出しをサーキットブレーカー経由にするかどうかです。",
            ),
        ),
        Param(
            "failure_threshold_pct",
            "float",
            50.0,
            Text("Error threshold", "エラー率の閾値"),
            Text(
                "The breaker opens when at least this share of the calls in its window failed (Hystrix default 50 %).",
                "ウィンドウ内の呼び出しのうち、失敗がこの割合以上になるとブレーカーがオープンになります（Hystrix の既定値は 50 %）。",
            ),
            unit="%",
            min=1,
            max=100,
            step=1,
        ),
        Param(
            "request_volume_threshold",
            "int",
            20,
            Text("Minimum calls in the window", "ウィンドウ内の最小呼び出し数"),
            Text(
                "The breaker judges the error share only once its window holds at least this many calls (Hystrix default 20).",
                "ウィンドウ内の呼び出しがこの件数に達するまで、ブレーカーはエラー率を判定しません（Hystrix の既定値は 20）。",
            ),
            unit="calls",
            min=1,
            max=10000,
        ),
        Param(
            "window_s",
            "float",
            10.0,
            Text("Rolling window", "ローリングウィンドウ"),
            Text(
                "How far back the breaker counts completed calls to B (Hystrix default 10 s).",
                "完了した B への呼び出しを、ブレーカーがどこまでさかのぼって数えるかです（Hystrix の既定値は 10 秒）。",
            ),
            unit="s",
            min=1,
            max=120,
            step=0.5,
        ),
        Param(
            "open_wait_s",
            "float",
            5.0,
            Text("Open wait (sleep window)", "オープンの待ち時間（スリープウィンドウ）"),
            Text(
                "How long the breaker stays open before it lets trial calls through (Hystrix default 5 s).",
                "ブレーカーがオープンのまま待ち、試行呼び出しを通すまでの時間です（Hystrix の既定値は 5 秒）。",
            ),
            unit="s",
            min=0.1,
            max=120,
            step=0.1,
        ),
        Param(
            "half_open_probes",
            "int",
            1,
            Text("Trial calls when half-open", "ハーフオープンでの試行呼び出し数"),
            Text(
                "Requests let through to B in the half-open state; all must succeed to close the breaker (Hystrix sends 1).",
                "ハーフオープン状態で B へ通すリクエストの数です。すべて成功すればクローズに戻ります（Hystrix は 1 件）。",
            ),
            unit="calls",
            min=1,
            max=100,
        ),
        Param(
            "timeout_ms",
            "int",
            1000,
            Text("Timeout", "タイムアウト"),
            Text(
                "How long A waits for B before it gives up; a timeout counts as a failure (Hystrix default 1000 ms).",
                "A が B の応答を待つ上限です。タイムアウトは失敗として数えます（Hystrix の既定値は 1000 ms）。",
            ),
            unit="ms",
            min=10,
            max=60000,
        ),
        Param(
            "request_rate",
            "float",
            50.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of the client's requests to A (Poisson arrivals).",
                "クライアントから A へのリクエストの平均レートです（ポアソン到着）。",
            ),
            unit="req/s",
            min=0.1,
            max=500,
        ),
        Param(
            "a_threads",
            "int",
            20,
            Text("A's threads", "A のスレッド数"),
            Text(
                "Size of A's worker pool; a request holds a thread while A waits for B, and is rejected when none is free.",
                "A のワーカープールのサイズです。A が B を待つ間、リクエストはスレッドを 1 本占有し、空きがなければ拒否されます。",
            ),
            unit="threads",
            min=1,
            max=2000,
        ),
        Param(
            "fallback",
            "choice",
            "none",
            Text("Fallback", "フォールバック"),
            Text(
                "What A answers when the call failed or the breaker is open: an error, or a cached answer.",
                "呼び出しが失敗したときやブレーカーがオープンのときに A が返すものです。エラーか、キャッシュした応答です。",
            ),
            choices=(
                Choice("none", Text("None (error)", "なし（エラー）")),
                Choice("cached", Text("Cached answer", "キャッシュした応答")),
            ),
        ),
        Param(
            "outage_mode",
            "choice",
            "hang",
            Text("How B fails", "B の障害の種類"),
            Text(
                "During the outage B either answers errors quickly or does not answer at all, so calls time out.",
                "障害中の B は、すぐにエラーを返すか、まったく応答せずに呼び出しをタイムアウトさせるかのどちらかです。",
            ),
            choices=(
                Choice("errors", Text("Fast errors", "すぐにエラーを返す")),
                Choice("hang", Text("Hangs (timeouts)", "応答なし（タイムアウト）")),
            ),
        ),
        Param(
            "outage_start_s",
            "float",
            20.0,
            Text("Outage starts", "障害の開始"),
            Text("When B starts failing.", "B が障害を起こし始める時刻です。"),
            unit="s",
            min=0,
            max=300,
            step=0.5,
        ),
        Param(
            "outage_end_s",
            "float",
            50.0,
            Text("Outage ends", "障害の終了"),
            Text(
                "When B answers normally again; at or before the start means no outage.",
                "B が正常な応答に戻る時刻です。開始時刻以前なら障害は起きません。",
            ),
            unit="s",
            min=0,
            max=300,
            step=0.5,
        ),
        Param(
            "duration_s",
            "float",
            80.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=1,
            max=300,
            step=1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="requests",
            title=Text("What the client got, per second", "クライアントが受け取った結果（1 秒あたり）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series("success", Text("success", "成功")),
                Series(
                    "failed",
                    Text("failed (B error, timeout, A full)", "失敗（B のエラー、タイムアウト、A の満杯による拒否）"),
                ),
                Series("fast_fail", Text("fast failure (breaker open)", "即時失敗（ブレーカーがオープン）")),
                Series("fallback", Text("fallback (cached answer)", "フォールバック（キャッシュした応答）")),
                Series("calls_to_b", Text("calls sent to B", "B への呼び出し")),
            ),
        ),
        Chart(
            id="threads",
            title=Text("A's busy threads", "A の使用中スレッド"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("threads", "スレッド数"),
            series=(
                Series("busy_threads", Text("busy (mean over the step)", "使用中（区間の平均）")),
                Series("pool_size", Text("pool size", "プールサイズ")),
            ),
        ),
        Chart(
            id="breaker",
            title=Text("Breaker state", "ブレーカーの状態"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("0 closed, 0.5 half-open, 1 open", "0 クローズ、0.5 ハーフオープン、1 オープン"),
            series=(Series("breaker_state", Text("state", "状態")),),
        ),
        Chart(
            id="window",
            title=Text("Error share in the rolling window", "ローリングウィンドウ内のエラー率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("%", "%"),
            series=(
                Series("error_pct", Text("failed calls in the window", "ウィンドウ内の失敗した呼び出し")),
                Series("threshold_pct", Text("error threshold", "エラー率の閾値")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "failed_requests",
            Text("Failed requests", "失敗したリクエスト"),
            help=Text(
                "Requests answered with an error: B's errors and timeouts, rejections by A's full pool and fast failures; with the cached fallback only the rejections remain.",
                "エラーを返したリクエストです。B のエラーとタイムアウト、A の満杯による拒否、即時失敗を含みます。キャッシュによるフォールバックがあれば、残るのは拒否だけです。",
            ),
        ),
        Measure(
            "calls_to_dependency_during_outage",
            Text("Calls to B during the outage", "障害中の B への呼び出し"),
            help=Text(
                "Calls A sent to B from the start of the outage to its end.",
                "障害の開始から終了までに A が B へ送った呼び出しの数です。",
            ),
        ),
        Measure(
            "time_to_open_s",
            Text("Time until the breaker opened", "ブレーカーがオープンになるまでの時間"),
            "s",
            Text(
                "From the outage start to the breaker's first opening after it; none if it never opened.",
                "障害の開始から、その後ブレーカーが初めてオープンになるまでの時間です。オープンにならなければ値はありません。",
            ),
        ),
        Measure(
            "time_to_close_s",
            Text("Time until the breaker closed again", "ブレーカーがクローズに戻るまでの時間"),
            "s",
            Text(
                "From the outage end to the breaker's first closing after it; none if it did not close.",
                "障害の終了から、その後ブレーカーが初めてクローズに戻るまでの時間です。クローズに戻らなければ値はありません。",
            ),
        ),
        Measure(
            "a_saturated_s",
            Text("Time A was saturated", "A が飽和していた時間"),
            "s",
            Text(
                "Time during which all of A's threads were busy, so arriving requests were rejected.",
                "A のスレッドがすべて使用中で、届いたリクエストが拒否されていた時間です。",
            ),
        ),
        Measure(
            "fast_failures",
            Text("Fast failures (breaker open)", "即時失敗（ブレーカーがオープン）"),
            help=Text(
                "Requests the breaker answered at once without calling B (while open, or half-open with its trial calls out), with an error or from the cache.",
                "ブレーカーが B を呼ばずに即座に応答したリクエストです（オープンのとき、またはハーフオープンで試行呼び出しの応答待ちのとき）。応答はエラーか、キャッシュした応答です。",
            ),
        ),
        Measure(
            "fallback_responses",
            Text("Fallback responses (cached answer)", "フォールバック応答（キャッシュした応答）"),
            help=Text(
                "Requests whose call failed or that the breaker short-circuited, answered from the cache instead of with an error.",
                "呼び出しが失敗したリクエストやブレーカーが即座に応答したリクエストのうち、エラーの代わりにキャッシュから応答したものです。",
            ),
        ),
        Measure("requests", Text("Requests", "リクエスト数")),
        Measure("successes", Text("Successful requests", "成功したリクエスト")),
        Measure(
            "rejected_requests",
            Text("Rejected by A's full pool", "A の満杯による拒否"),
            help=Text(
                "Requests that arrived while all of A's threads were busy; they never reach B and do not count toward the breaker's window.",
                "A のスレッドがすべて使用中のときに届いたリクエストです。B には届かず、ブレーカーのウィンドウにも数えられません。",
            ),
        ),
        Measure(
            "times_opened",
            Text("Times the breaker opened", "ブレーカーがオープンになった回数"),
            help=Text(
                "Reopenings after failed trial calls included.",
                "試行呼び出しが失敗して再びオープンになった回数も含みます。",
            ),
        ),
        Measure(
            "calls_to_dependency",
            Text("Calls to B", "B への呼び出し"),
            help=Text(
                "Every call A sent to B in the run, trial calls included.",
                "実行中に A が B へ送ったすべての呼び出しで、試行呼び出しも含みます。",
            ),
        ),
        Measure("peak_busy_threads", Text("Most busy threads at once", "使用中スレッドの最大数")),
        Measure(
            "little_law_busy_threads",
            Text(
                "Threads a hanging B would hold (Little's law)", "応答しない B のために塞がるスレッド数（リトルの法則）"
            ),
            help=Text(
                "Request rate × timeout: the mean busy threads when every call waits out its timeout; A saturates when this exceeds its pool.",
                "リクエストレート × タイムアウトです。どの呼び出しもタイムアウトまで待つときの平均の使用中スレッド数で、これがプールサイズを超えると A は飽和します。",
            ),
        ),
        Measure(
            "erlang_b_full_share",
            Text(
                "Share of time A is full without a breaker (Erlang B)",
                "ブレーカーがないときに A が満杯になる時間の割合（アーラン B 式）",
            ),
            help=Text(
                "Erlang's B formula at that load: the share of a long hanging outage that A spends with every thread busy, and of requests it rejects, when there is no breaker.",
                "その負荷でのアーラン B 式の値です。ブレーカーがないとき、応答しない障害が長く続く間に A のスレッドがすべて使用中になる時間の割合で、拒否されるリクエストの割合でもあります。",
            ),
        ),
        Measure(
            "in_flight_at_end",
            Text("Calls still out at the end", "終了時に応答待ちの呼び出し"),
            help=Text(
                "Calls to B still waiting for an answer when the run ends.",
                "実行の終了時に、まだ B の応答を待っている呼び出しです。",
            ),
        ),
    ),
    source=Text(
        "Hystrix's documented breaker rules (Netflix Hystrix wiki, “How it Works”); Little's law for A's busy threads; "
        "Nygard, Release It!, 2nd ed. (2018), ch. 5 “Circuit Breaker”",
        "Hystrix が文書化しているブレーカーの規則（Netflix Hystrix wiki「How it Works」）、A の使用中スレッド数についてのリトルの法則、"
        "Nygard『Release It!』第 2 版（2018 年）5 章「Circuit Breaker」",
    ),
    topology=Topology(
        nodes=(
            Node("client", Text("Client", "クライアント"), 0.1, 0.5),
            Node("a", Text("Service A", "サービス A"), 0.37, 0.5),
            Node("breaker", Text("Circuit breaker", "サーキットブレーカー"), 0.63, 0.5),
            Node("b", Text("Dependency B", "依存先 B"), 0.9, 0.5),
        ),
        links=(("client", "a"), ("a", "breaker"), ("breaker", "b")),
    ),
    presets=(
        Preset(
            "hang-no-breaker",
            Text(
                "Hanging dependency, no breaker (cascading failure)",
                "応答しない依存先、ブレーカーなし（カスケード障害）",
            ),
            {**BASE, "breaker": False},
        ),
        Preset(
            "hang-with-breaker",
            Text("Hanging dependency with a breaker", "応答しない依存先、ブレーカーあり"),
            dict(BASE),
        ),
        Preset(
            "errors-breaker-cached",
            Text(
                "Erroring dependency with breaker and cached fallback",
                "エラーを返す依存先、ブレーカーとキャッシュによるフォールバックあり",
            ),
            {**BASE, "outage_mode": "errors", "fallback": "cached"},
        ),
        Preset(
            "flapping",
            Text("Flapping: short open wait", "フラッピング：オープンの待ち時間が短い"),
            {**BASE, "outage_mode": "errors", "open_wait_s": 0.5, "half_open_probes": 3},
        ),
        Preset(
            "low-traffic",
            Text("Threshold never reached at low traffic", "トラフィックが少なく、閾値に届かない"),
            {**BASE, "outage_mode": "errors", "request_rate": 1.0},
        ),
    ),  # fmt: skip
)
