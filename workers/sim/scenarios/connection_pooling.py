# ruff: noqa: E501 - Japanese text counts double toward the line length
"""connection-pooling: serverless function instances and a database with a connection limit.

Traffic: requests arrive as a Poisson stream whose rate ramps linearly from
`base_rps` to `peak_rps` over `ramp_s`, holds the peak for `peak_hold_s`, ramps
back down over `ramp_s` and stays at base_rps until `duration_s` (ramp_s = 0
jumps; a hold longer than the run keeps the peak to the end). Each request runs
one query (transaction) that holds a database connection for an exponential
time with mean `mean_query_ms`; the request lasts as long as its query plus any
wait for a connection.

Instances (as AWS Lambda runs them): an instance handles up to
`instance_concurrency` requests at once (1 in Lambda). A request goes to the
instance with a free slot that became free most recently; when there is none,
the platform starts a new instance at once (no cold-start delay is modelled).
So the number of instances follows the number of requests in flight, which by
Little's law averages rps x request time. An instance with no request for
`instance_idle_s` is reclaimed (checked at every frame step); idle instances
linger, and so do their connections.

per_instance: a new instance opens `connections_per_instance` connections at
start (a driver pool created during initialisation). Each attempt succeeds while
the database holds fewer than `db_max_connections` and is refused otherwise
(rejected_connections). An instance that gets no connection fails its start:
its request fails and the platform discards it (a failed initialisation). An
instance that got some keeps them until it is reclaimed; its requests borrow
one each and wait inside the instance when all of its connections are lent
out. Without refusals the database holds instances x connections_per_instance
connections; once it is full, a request that finds every instance busy fails,
which makes the whole an Erlang loss system with ceil(db_max /
connections_per_instance) servers (with one request per instance).

proxy: instances connect to a proxy (RDS Proxy, PgBouncer in transaction mode),
whose client connections are cheap and unlimited. The proxy lends one of at
most `proxy_pool_size` database connections (capped at db_max_connections, as
RDS Proxy sizes its pool as a share of max_connections) to a request for the
length of its query; it opens them as needed and keeps them open. When all are
lent out, the request waits in the proxy's FIFO queue for at most
`proxy_wait_timeout_ms` and then fails (RDS Proxy's ConnectionBorrowTimeout,
PgBouncer's query_wait_timeout; both default to 120 s). At a steady load this is
the M/M/c queue: a request waits with the Erlang C probability C(c, a), a =
rps x query time, and waits 1 / (c mu - lambda) on average when it does.

Results: rejected_connections (connection attempts the database refused),
db_connections_peak (most connections the database held at once),
p99_ms and p50_ms (over the requests that succeeded, wait included),
failed_requests, and for the steady peak (requests arriving while the rate is
at peak_rps): peak_concurrency_mean (time-average requests in flight, Little's
law), peak_failed_share, peak_wait_share and peak_mean_wait_ms (waiting for a
connection). instances_peak is the most instances alive at once.
demand_concurrency_peak is the most requests that would have been in flight at
once had none waited or failed (the M/G/infinity count that Little's law
averages); connection_demand_peak = ceil(that / instance_concurrency) x
connections_per_instance is what per-instance connections ask of the database
at the peak, in either mode. With one request per instance, the database
refuses connections exactly when that demand exceeds db_max_connections.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset
from ..stats import erlang_c, percentile

MAX_FRAMES = 400
# Episodes of each kind told in the event log at most, so a flapping state cannot flood it.
EPISODE_EVENTS = 8
# A refusal, a wait or a timeout after this long without one starts a new episode.
QUIET_S = 10.0


def traffic_rate(t: float, params: dict[str, Any]) -> float:
    """Requests per second at time t: a linear ramp up, the peak, a linear ramp down, the base again."""
    ramp, hold, base, peak = params["ramp_s"], params["peak_hold_s"], params["base_rps"], params["peak_rps"]
    if t < ramp:
        return base + (peak - base) * t / ramp
    if t < ramp + hold:
        return peak
    if t < ramp + hold + ramp:
        return peak + (base - peak) * (t - ramp - hold) / ramp
    return base


@dataclass(eq=False)
class Instance:
    conns: int = 0  # database connections it holds (per_instance)
    free: int = 0  # of those, not lent to a request
    active: int = 0  # requests on it
    idle_since: float = 0.0
    in_stack: bool = False
    alive: bool = True
    waiting: deque[Request] = field(default_factory=deque)  # requests waiting for one of its connections


@dataclass(eq=False, slots=True)
class Request:
    arrival: float
    service: float
    instance: Instance
    at_peak: bool


class Pooling:
    """The simulation state; `advance` moves the clock, `frame` reads it."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.p = params
        self.rng = random.Random(seed)
        self.proxy = params["mode"] == "proxy"
        self.per_instance = params["connections_per_instance"]
        self.db_max = params["db_max_connections"]
        self.pool = min(params["proxy_pool_size"], self.db_max)
        self.slots = params["instance_concurrency"]
        self.mean_query = params["mean_query_ms"] / 1000
        self.timeout = params["proxy_wait_timeout_ms"] / 1000
        self.idle_s = params["instance_idle_s"]
        self.duration = params["duration_s"]
        # The steady peak: requests arriving in this window count towards the peak_* results.
        ramp = params["ramp_s"]
        self.hold = (min(ramp, self.duration), min(ramp + params["peak_hold_s"], self.duration))
        self.peak_rate = params["peak_rps"]
        self.top_rate = max(params["base_rps"], self.peak_rate)

        self.now = 0.0
        self.heap: list[tuple[float, int, Request]] = []
        self.seq = 0
        self.instances: list[Instance] = []
        self.stack: list[Instance] = []  # instances with a free slot, most recently freed last
        self.db_conns = 0
        self.proxy_busy = 0
        self.proxy_queue: deque[Request] = deque()

        self.requests = self.failed = self.rejected = self.timed_out = 0
        self.latencies: list[float] = []
        self.db_peak = self.instances_peak = self.demand_peak = 0
        self.shadow: list[float] = []  # when each request would end had none waited or failed
        self.in_flight = 0
        self.area_in_flight = 0.0
        self.last_change = 0.0
        self.peak_requests = self.peak_failed = self.peak_waited = 0
        self.peak_wait_sum = 0.0

        # per-frame counters and event bookkeeping
        self.step_arrivals = self.step_failed = self.step_refused = self.step_started = 0
        self.step_waited = self.step_timed_out = 0
        self.step_db_max = 0
        self.step_latencies: list[float] = []
        self.events: list[Event] = []
        self.told = {"limit": 0, "refused": 0, "queueing": 0, "timeout": 0}
        self.at_limit = False
        self.last_seen = {"refused": -math.inf, "queueing": -math.inf, "timeout": -math.inf}
        self.reclaim_told = False

    # -- traffic ---------------------------------------------------------------------
    def next_arrival(self, t: float) -> float:
        """The next arrival after t by thinning a Poisson stream at the top rate; inf after the end."""
        while True:
            t += self.rng.expovariate(self.top_rate)
            if t >= self.duration:
                return math.inf
            rate = self.peak_rate if self.hold[0] <= t < self.hold[1] else traffic_rate(t, self.p)
            # At the top rate every candidate is kept: no need to draw for it.
            if rate >= self.top_rate or self.rng.random() * self.top_rate < rate:
                return t

    # -- bookkeeping -------------------------------------------------------------------
    def _account(self) -> None:
        """Add requests-in-flight x time over the peak window, up to now."""
        start, end = max(self.last_change, self.hold[0]), min(self.now, self.hold[1])
        if end > start:
            self.area_in_flight += self.in_flight * (end - start)
        self.last_change = self.now

    def _set_db(self, conns: int) -> None:
        self.db_conns = conns
        self.db_peak = max(self.db_peak, conns)
        self.step_db_max = max(self.step_db_max, conns)
        if conns >= self.db_max and not self.at_limit:
            self.at_limit = True
            self._tell(
                "limit",
                f"Database connection limit reached: {conns} of {self.db_max} connections open",
                f"データベースの接続数が上限に達しました（上限 {self.db_max} 本のうち {conns} 本が開いています）",
            )
        elif conns < 0.9 * self.db_max:
            self.at_limit = False

    def _episode(self, kind: str) -> bool:
        """Note an occurrence; True when it starts a new episode (none for QUIET_S before)."""
        new = self.now - self.last_seen[kind] > QUIET_S
        self.last_seen[kind] = self.now
        return new

    def _tell(self, kind: str, en: str, ja: str) -> None:
        if self.told[kind] < EPISODE_EVENTS:
            self.told[kind] += 1
            self.events.append(Event(round(self.now, 3), kind, Text(en, ja)))

    # -- requests ----------------------------------------------------------------------
    def arrive(self) -> None:
        self.requests += 1
        self.step_arrivals += 1
        at_peak = self.hold[0] <= self.now < self.hold[1]
        service = self.rng.expovariate(1 / self.mean_query)
        if at_peak:
            self.peak_requests += 1
        while self.shadow and self.shadow[0] <= self.now:
            heapq.heappop(self.shadow)
        heapq.heappush(self.shadow, self.now + service)
        self.demand_peak = max(self.demand_peak, len(self.shadow))
        instance = self.stack[-1] if self.stack else self._start_instance()
        if instance is None:
            self.failed += 1
            self.step_failed += 1
            if at_peak:
                self.peak_failed += 1
            return
        self._account()
        self.in_flight += 1
        instance.active += 1
        if instance.active >= self.slots:
            self.stack.pop()
            instance.in_stack = False
        request = Request(self.now, service, instance, at_peak)
        if self.proxy:
            if self.proxy_busy < self.pool:
                self.proxy_busy += 1
                if self.proxy_busy > self.db_conns:
                    self._set_db(self.proxy_busy)  # the proxy opens another server connection
                self._begin(request)
            else:
                self.proxy_queue.append(request)
                if self._episode("queueing"):
                    self._tell(
                        "queueing",
                        f"All {self.pool} proxy connections are busy: requests wait in the proxy's queue",
                        f"プロキシの接続 {self.pool} 本がすべて使用中になり、リクエストがプロキシのキューで待ち始めました",
                    )
        elif instance.free > 0:
            instance.free -= 1
            self._begin(request)
        else:
            instance.waiting.append(request)

    def _start_instance(self) -> Instance | None:
        """A new instance; in per_instance mode it opens its connections first, and None means its start failed."""
        self.step_started += 1
        instance = Instance()
        if not self.proxy:
            refused = 0
            for _ in range(self.per_instance):
                if self.db_conns < self.db_max:
                    instance.conns += 1
                    self._set_db(self.db_conns + 1)
                else:
                    refused += 1
            instance.free = instance.conns
            if refused:
                self.rejected += refused
                self.step_refused += refused
                if self._episode("refused"):
                    self._tell(
                        "refused",
                        f"The database refuses new connections (limit {self.db_max}): new instances cannot connect and their requests fail",
                        f"データベースが新しい接続を拒否し始めました（上限 {self.db_max} 本）。新しいインスタンスは接続できず、そのリクエストは失敗します",
                    )
            if not instance.conns:
                return None
        self.instances.append(instance)
        self.instances_peak = max(self.instances_peak, len(self.instances))
        instance.in_stack = True
        self.stack.append(instance)
        return instance

    def _begin(self, request: Request) -> None:
        """The request has its connection: its query runs from now."""
        wait = self.now - request.arrival
        if wait > 0:
            self.step_waited += 1
        if request.at_peak:
            self.peak_waited += wait > 0
            self.peak_wait_sum += wait
        self.seq += 1
        heapq.heappush(self.heap, (self.now + request.service, self.seq, request))

    def finish(self, request: Request) -> None:
        latency = self.now - request.arrival
        self.latencies.append(latency)
        self.step_latencies.append(latency)
        instance = request.instance
        if self.proxy:
            if self.proxy_queue:
                self._begin(self.proxy_queue.popleft())
            else:
                self.proxy_busy -= 1
        elif instance.waiting:
            self._begin(instance.waiting.popleft())
        else:
            instance.free += 1
        self._release(instance)

    def _release(self, instance: Instance) -> None:
        self._account()
        self.in_flight -= 1
        instance.active -= 1
        if instance.active == 0:
            instance.idle_since = self.now
        if not instance.in_stack:
            instance.in_stack = True
            self.stack.append(instance)

    def expire(self, t: float) -> None:
        """Fail the requests whose wait in the proxy queue ran out by time t, at their deadlines."""
        while self.proxy_queue and self.proxy_queue[0].arrival + self.timeout <= t:
            request = self.proxy_queue.popleft()
            self.now = request.arrival + self.timeout
            self.failed += 1
            self.timed_out += 1
            self.step_failed += 1
            self.step_timed_out += 1
            if request.at_peak:
                self.peak_failed += 1
                self.peak_waited += 1
                self.peak_wait_sum += self.timeout
            if self._episode("timeout"):
                self._tell(
                    "timeout",
                    f"Requests give up after waiting {self.timeout:g} s for a proxy connection",
                    f"プロキシの接続を {self.timeout:g} 秒待っても得られず、リクエストが失敗し始めました",
                )
            self._release(request.instance)

    def reclaim(self) -> None:
        """Reclaim instances idle for instance_idle_s; their connections close."""
        gone = [i for i in self.instances if i.active == 0 and self.now - i.idle_since >= self.idle_s]
        if not gone:
            return
        closed = 0
        for instance in gone:
            instance.alive = False
            closed += instance.conns
        self.instances = [i for i in self.instances if i.alive]
        self.stack = [i for i in self.stack if i.alive]
        if closed:
            self._set_db(self.db_conns - closed)
        if not self.reclaim_told:
            self.reclaim_told = True
            self.events.append(
                Event(
                    round(self.now, 3), "reclaimed",
                    Text(
                        f"Idle instances are being reclaimed after {self.idle_s:g} s without a request; {self.db_conns} database connections still open",
                        f"リクエストが {self.idle_s:g} 秒なかったインスタンスの回収が始まりました。データベースの接続はまだ {self.db_conns} 本開いています",
                    ),
                )
            )  # fmt: skip

    # -- frames ------------------------------------------------------------------------
    def advance(self, t: float) -> None:
        """Move the clock to t (no request event lies before it)."""
        self.expire(t)
        self.now = t

    def frame(self, at: float, step: float, progress: float) -> Frame:
        self.advance(at)
        self.reclaim()
        waiting = len(self.proxy_queue) if self.proxy else sum(len(i.waiting) for i in self.instances)
        latencies = sorted(self.step_latencies)
        db_state = (
            "down" if self.step_refused
            else "degraded" if self.db_conns >= self.db_max
            else "busy" if self.db_conns >= 0.9 * self.db_max
            else "ok"
        )  # fmt: skip
        if self.proxy:
            proxy_state = "degraded" if self.step_timed_out else "busy" if self.step_waited or waiting else "ok"
        else:
            proxy_state = "idle"
        if self.step_failed:
            functions_state = "degraded"
        elif self.step_started:
            functions_state = "busy"
        else:
            functions_state = "ok" if self.instances else "idle"
        made = Frame(
            t=at,
            progress=progress,
            series={
                "rps": round(self.step_arrivals / step, 3),
                "instances": len(self.instances),
                "db_connections": max(self.step_db_max, self.db_conns),
                "db_limit": self.db_max,
                "waiting": waiting,
                "failed": round(self.step_failed / step, 3),
                "refused": round(self.step_refused / step, 3),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 3) if latencies else None,
                "p50_ms": round(percentile(latencies, 0.5) * 1000, 3) if latencies else None,
            },
            events=list(self.events),
            nodes={
                "clients": "ok" if self.step_arrivals else "idle",
                "functions": functions_state,
                "proxy": proxy_state,
                "database": db_state,
            },
        )
        self.events.clear()
        self.step_arrivals = self.step_failed = self.step_refused = self.step_started = 0
        self.step_waited = self.step_timed_out = 0
        self.step_db_max = self.db_conns
        self.step_latencies = []
        return made


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    sim = Pooling(params, seed)
    duration = params["duration_s"]
    n_frames = min(MAX_FRAMES, max(1, round(duration / 0.1)))
    step = duration / n_frames
    hold_start, hold_end = sim.hold
    back_at = hold_end + params["ramp_s"]
    marks = [
        (hold_start, "peak", Text(
            f"Traffic reaches its peak of {params['peak_rps']:g} req/s",
            f"トラフィックがピークの {params['peak_rps']:g} リクエスト/秒に達しました",
        )),
        (hold_end, "ramp-down", Text("Traffic starts to fall", "トラフィックが減り始めました")),
        (back_at, "base", Text(
            f"Traffic is back to {params['base_rps']:g} req/s",
            f"トラフィックが {params['base_rps']:g} リクエスト/秒に戻りました",
        )),
    ]  # fmt: skip
    marks = [mark for mark in marks if 0 < mark[0] < duration]
    if hold_end <= hold_start:
        marks = []

    k = 1
    arrival = sim.next_arrival(0.0)
    while True:
        done_at = sim.heap[0][0] if sim.heap else math.inf
        t = min(arrival, done_at)
        while k <= n_frames and (t == math.inf or k * step <= t):
            at = k * step
            while marks and marks[0][0] <= at:
                when, kind, text = marks.pop(0)
                sim.events.append(Event(round(when, 3), kind, text))
            yield sim.frame(at, step, k / n_frames)
            k += 1
        if t == math.inf:
            break
        sim.advance(t)
        if arrival <= done_at:
            sim.arrive()
            arrival = sim.next_arrival(t)
        else:
            _, _, request = heapq.heappop(sim.heap)
            sim.finish(request)
    sim._account()

    latencies = sorted(sim.latencies)
    peak_window = max(0.0, hold_end - hold_start)
    offered = params["peak_rps"] * sim.mean_query
    yield Result(
        {
            "rejected_connections": sim.rejected,
            "db_connections_peak": sim.db_peak,
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 3) if latencies else None,
            "failed_requests": sim.failed,
            "requests": sim.requests,
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 3) if latencies else None,
            "instances_peak": sim.instances_peak,
            "demand_concurrency_peak": sim.demand_peak,
            "connection_demand_peak": math.ceil(sim.demand_peak / sim.slots) * sim.per_instance,
            "peak_concurrency_mean": round(sim.area_in_flight / peak_window, 6) if peak_window else None,
            "offered_concurrency": round(offered, 6),
            "peak_failed_share": round(sim.peak_failed / sim.peak_requests, 6) if sim.peak_requests else None,
            "peak_wait_share": round(sim.peak_waited / sim.peak_requests, 6) if sim.peak_requests else None,
            "peak_mean_wait_ms": round(sim.peak_wait_sum / sim.peak_requests * 1000, 6) if sim.peak_requests else None,
            "erlang_c_wait_share": round(erlang_c(sim.pool, offered), 6) if sim.proxy else None,
            "timed_out_requests": sim.timed_out,
            "db_connections_at_end": sim.db_conns,
        }
    )


TRAFFIC = {
    "peak_rps": 200.0,
    "base_rps": 10.0,
    "ramp_s": 30.0,
    "peak_hold_s": 60.0,
    "duration_s": 240.0,
    "mean_query_ms": 200.0,
    "instance_concurrency": 1,
    "instance_idle_s": 60.0,
    "proxy_wait_timeout_ms": 5000.0,
}
EXHAUST = {
    **TRAFFIC,
    "mode": "per_instance",
    "connections_per_instance": 3,
    "db_max_connections": 100,
    "proxy_pool_size": 50,
}

SCENARIO = Scenario(
    slug="connection-pooling",
    pattern="connection-pooling",
    title=Text("Connection pooling for serverless functions", "サーバーレス関数のコネクションプーリング"),
    description=Text(
        "Traffic ramps up to a peak and back down. The platform runs as many function instances as there are "
        "requests in flight, and idle instances linger for a while before they are reclaimed. Either each instance "
        "opens its own database connections when it starts, or all instances share a small pool of database "
        "connections through a proxy such as RDS Proxy or PgBouncer. Watch the database's connection count against "
        "its limit, the connections it refuses, the requests that fail, and how long requests wait in the proxy's "
        "queue instead.",
        "トラフィックがピークまで増えてから減っていきます。プラットフォームは処理中のリクエストと同じ数の関数インスタンスを動かし、"
        "アイドルになったインスタンスもしばらく残ってから回収されます。各インスタンスが起動時にデータベースへの接続を自分で開くか、"
        "RDS Proxy や PgBouncer のようなプロキシを通して全インスタンスが少数の接続を共有するかを選べます。"
        "データベースの接続数と上限の関係、拒否された接続、失敗したリクエスト、そして失敗する代わりにプロキシのキューで待つ時間を確かめられます。",
    ),
    params=(
        Param(
            "mode",
            "choice",
            "per_instance",
            Text("Where the connections live", "接続を持つ場所"),
            Text(
                "per_instance: each instance opens its own connections when it starts and keeps them while it lives. proxy: instances borrow a connection from the proxy's shared pool for each query.",
                "「インスタンスごと」では、各インスタンスが起動時に自分の接続を開き、インスタンスが残っている間は持ち続けます。「プロキシ」では、インスタンスはクエリのたびにプロキシの共有プールから接続を借ります。",
            ),
            choices=(
                Choice("per_instance", Text("Per instance (driver pool)", "インスタンスごと（ドライバーのプール）")),
                Choice("proxy", Text("Proxy (RDS Proxy, PgBouncer)", "プロキシ（RDS Proxy、PgBouncer）")),
            ),
        ),
        Param(
            "peak_rps",
            "float",
            200.0,
            Text("Peak traffic", "ピーク時のトラフィック"),
            Text(
                "Request rate at the peak; requests arrive as a Poisson stream.",
                "ピーク時のリクエストレートです。リクエストはポアソン過程で届きます。",
            ),
            unit="req/s",
            min=1,
            max=1000,
            step=1,
        ),
        Param(
            "base_rps",
            "float",
            10.0,
            Text("Traffic before and after the peak", "ピーク前後のトラフィック"),
            Text(
                "Request rate at the start and at the end of the run.",
                "実行の開始時と終了時のリクエストレートです。",
            ),
            unit="req/s",
            min=0,
            max=1000,
            step=1,
        ),
        Param(
            "ramp_s",
            "float",
            30.0,
            Text("Ramp time", "増減にかける時間"),
            Text(
                "Traffic climbs linearly from the base to the peak over this time and, after the peak, falls back over the same time; 0 jumps.",
                "トラフィックはこの時間をかけて基準のレートからピークまで直線的に増え、ピークのあとも同じ時間をかけて戻ります。0 なら一気に切り替わります。",
            ),
            unit="s",
            min=0,
            max=300,
            step=1,
        ),
        Param(
            "peak_hold_s",
            "float",
            60.0,
            Text("Time at the peak", "ピークが続く時間"),
            Text(
                "How long traffic stays at the peak; after the ramp down it stays at the base rate until the end.",
                "トラフィックがピークにとどまる時間です。減り終えたあとは、終了まで基準のレートのままです。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "duration_s",
            "float",
            240.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time during which requests arrive.", "リクエストが届く、シミュレーション上の時間です。"),
            unit="s",
            min=10,
            max=600,
            step=1,
        ),
        Param(
            "mean_query_ms",
            "float",
            200.0,
            Text("Mean query time", "平均クエリ時間"),
            Text(
                "How long a request holds a database connection for its query, on average (exponential).",
                "リクエストがクエリのためにデータベース接続を使う平均時間です（指数分布）。",
            ),
            unit="ms",
            min=1,
            max=10000,
            step=1,
        ),
        Param(
            "instance_concurrency",
            "int",
            1,
            Text("Requests per instance", "インスタンスあたりの同時リクエスト数"),
            Text(
                "Requests one instance handles at once: 1 in AWS Lambda; more where the platform allows it, as in Cloud Run.",
                "1 つのインスタンスが同時に処理するリクエストの数です。AWS Lambda では 1、Cloud Run などではそれより多くなります。",
            ),
            min=1,
            max=100,
        ),
        Param(
            "connections_per_instance",
            "int",
            3,
            Text("Connections per instance", "インスタンスあたりの接続数"),
            Text(
                "Connections each instance opens at start in per-instance mode (its driver pool size).",
                "「インスタンスごと」のとき、各インスタンスが起動時に開く接続の数（ドライバーのプールのサイズ）です。",
            ),
            min=1,
            max=50,
        ),
        Param(
            "db_max_connections",
            "int",
            100,
            Text("Database connection limit", "データベースの接続上限"),
            Text(
                "The database's max_connections: connection attempts beyond it are refused.",
                "データベースの max_connections です。これを超える接続の試みは拒否されます。",
            ),
            min=1,
            max=10000,
        ),
        Param(
            "proxy_pool_size",
            "int",
            50,
            Text("Proxy pool size", "プロキシのプールサイズ"),
            Text(
                "Database connections the proxy shares among all instances (capped at the database's limit).",
                "プロキシが全インスタンスで共有するデータベース接続の数です（データベースの上限を超えません）。",
            ),
            min=1,
            max=5000,
        ),
        Param(
            "proxy_wait_timeout_ms",
            "float",
            5000.0,
            Text("Proxy wait timeout", "プロキシでの待機タイムアウト"),
            Text(
                "How long a request waits in the proxy's queue for a connection before it fails (RDS Proxy's ConnectionBorrowTimeout and PgBouncer's query_wait_timeout default to 120 s).",
                "リクエストがプロキシのキューで接続を待てる時間です。超えると失敗します（RDS Proxy の ConnectionBorrowTimeout と PgBouncer の query_wait_timeout の既定値は 120 秒です）。",
            ),
            unit="ms",
            min=1,
            max=300000,
            step=100,
        ),
        Param(
            "instance_idle_s",
            "float",
            60.0,
            Text("Idle instance lifetime", "アイドルなインスタンスが残る時間"),
            Text(
                "An instance without a request for this long is reclaimed and closes its connections; until then it lingers, connections and all. Lambda keeps idle environments for minutes; AWS does not publish the exact time.",
                "この時間リクエストがなかったインスタンスは回収され、接続を閉じます。それまでは接続を持ったまま残ります。Lambda はアイドルな実行環境を数分は残しますが、正確な時間は公表されていません。",
            ),
            unit="s",
            min=1,
            max=3600,
            step=1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="traffic",
            title=Text("Traffic and instances", "トラフィックとインスタンス"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("req/s, instances", "リクエスト/秒、インスタンス数"),
            series=(
                Series("rps", Text("requests per second", "1 秒あたりのリクエスト数")),
                Series("instances", Text("instances alive", "稼働中のインスタンス")),
            ),
        ),
        Chart(
            id="connections",
            title=Text("Database connections", "データベースの接続"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("connections, requests", "接続数、リクエスト数"),
            series=(
                Series("db_connections", Text("connections open (most in the step)", "開いている接続（区間内の最大）")),
                Series("db_limit", Text("connection limit", "接続の上限")),
                Series("waiting", Text("requests waiting for a connection", "接続を待つリクエスト")),
            ),
        ),
        Chart(
            id="failures",
            title=Text("Failures", "失敗"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("per second", "1 秒あたり"),
            series=(
                Series("failed", Text("failed requests", "失敗したリクエスト")),
                Series("refused", Text("refused connections", "拒否された接続")),
            ),
        ),
        Chart(
            id="latency",
            title=Text("Latency of the requests that succeeded", "成功したリクエストのレイテンシー"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms", "ミリ秒"),
            series=(
                Series("p99_ms", Text("p99", "p99")),
                Series("p50_ms", Text("median", "中央値")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "rejected_connections",
            Text("Refused connections", "拒否された接続"),
            "",
            Text(
                "Connection attempts the database refused because it was at its limit.",
                "上限に達していたためにデータベースが拒否した接続の試みの数です。",
            ),
        ),
        Measure(
            "db_connections_peak",
            Text("Most database connections at once", "データベースの同時接続数の最大値"),
            "",
        ),
        Measure(
            "p99_ms",
            Text("Latency, 99th percentile", "レイテンシー（99 パーセンタイル）"),
            "ms",
            Text(
                "Over the requests that succeeded, from arrival to the end of the query, waiting for a connection included.",
                "成功したリクエストについて、到着からクエリの終わりまでの時間です。接続を待った時間も含みます。",
            ),
        ),
        Measure("failed_requests", Text("Failed requests", "失敗したリクエスト")),
        Measure("requests", Text("Requests", "リクエスト数")),
        Measure("p50_ms", Text("Median latency", "レイテンシーの中央値"), "ms"),
        Measure("instances_peak", Text("Most instances at once", "同時インスタンス数の最大値")),
        Measure(
            "connection_demand_peak",
            Text("Connections the instances would open on their own", "インスタンスが自分で開こうとする接続数"),
            "",
            Text(
                "The instances needed at the busiest moment (had no request waited or failed) × connections per instance: what per-instance mode asks of the database.",
                "最も混んだ瞬間に必要なインスタンス数（待ちも失敗もなかった場合）× インスタンスあたりの接続数です。「インスタンスごと」のときにデータベースに求める接続数にあたります。",
            ),
        ),
        Measure(
            "demand_concurrency_peak",
            Text(
                "Most requests in flight had none waited or failed",
                "待ちも失敗もなかった場合の処理中リクエスト数の最大値",
            ),
            "",
        ),
        Measure(
            "peak_concurrency_mean",
            Text("Mean requests in flight at peak", "ピーク時の処理中リクエスト数の平均"),
            "",
            Text(
                "Time average while the rate is at its peak; by Little's law it is rps × request time.",
                "レートがピークにある間の時間平均です。リトルの法則により、レート × リクエストの所要時間に等しくなります。",
            ),
        ),
        Measure(
            "offered_concurrency",
            Text("Peak rps × mean query time", "ピーク時のレート × 平均クエリ時間"),
            "",
            Text(
                "The load in erlangs: the requests in flight Little's law predicts at the peak when nobody waits.",
                "アーランで表した負荷で、誰も待たないときにリトルの法則が予測する、ピーク時の処理中リクエスト数です。",
            ),
        ),
        Measure("peak_failed_share", Text("Share of requests failed at peak", "ピーク時に失敗したリクエストの割合")),
        Measure(
            "peak_wait_share",
            Text("Share of requests that waited for a connection at peak", "ピーク時に接続を待ったリクエストの割合"),
        ),
        Measure("peak_mean_wait_ms", Text("Mean wait for a connection at peak", "ピーク時の接続の平均待ち時間"), "ms"),
        Measure(
            "erlang_c_wait_share",
            Text("Share that waits by Erlang C", "アーラン C 式による待ちの割合"),
            help=Text(
                "Proxy mode: the M/M/c probability of waiting with c = the proxy's pool at the peak load.",
                "「プロキシ」のときだけ求めます。c をプロキシのプールサイズとした M/M/c で、ピーク時の負荷のもとで待たされる確率です。",
            ),
        ),
        Measure(
            "timed_out_requests",
            Text("Requests that gave up waiting in the proxy", "プロキシでの待ちを諦めたリクエスト"),
            "",
        ),
        Measure(
            "db_connections_at_end",
            Text("Connections still open at the end", "終了時に開いたままの接続"),
            "",
            Text(
                "Lingering idle instances keep theirs until they are reclaimed.",
                "アイドルなインスタンスは、回収されるまで接続を持ち続けます。",
            ),
        ),
    ),
    source=Text(
        "Little's law; the Erlang B and Erlang C formulas (M/M/c); AWS documentation on RDS Proxy and Lambda "
        "connection management; PgBouncer documentation (transaction pooling)",
        "リトルの法則、アーラン B 式と C 式（M/M/c）、RDS Proxy と Lambda の接続管理に関する AWS のドキュメント、"
        "PgBouncer のドキュメント（トランザクションプーリング）",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.08, 0.5),
            Node("functions", Text("Function instances", "関数インスタンス"), 0.35, 0.5),
            Node("proxy", Text("Proxy (RDS Proxy / PgBouncer)", "プロキシ（RDS Proxy / PgBouncer）"), 0.62, 0.22),
            Node("database", Text("Database", "データベース"), 0.9, 0.5),
        ),
        links=(("clients", "functions"), ("functions", "proxy"), ("proxy", "database"), ("functions", "database")),
    ),
    presets=(
        Preset(
            "per-instance-exhausts",
            Text(
                "Per-instance connections exhaust the database at peak",
                "インスタンスごとの接続：ピーク時にデータベースの接続が尽きる",
            ),
            dict(EXHAUST),
        ),
        Preset(
            "proxy-under-limit",
            Text("A proxy keeps the database under its limit", "プロキシ：データベースの接続を上限内に保つ"),
            {**EXHAUST, "mode": "proxy"},
        ),
        Preset(
            "per-instance-headroom",
            Text("Per-instance with enough headroom", "インスタンスごとの接続で、上限に余裕がある場合"),
            {**EXHAUST, "connections_per_instance": 1},
        ),
        Preset(
            "proxy-pool-too-small",
            Text("Proxy pool too small: requests queue", "プロキシのプールが小さすぎる：リクエストが待たされる"),
            {**EXHAUST, "mode": "proxy", "proxy_pool_size": 38},
        ),
    ),
)
