# ruff: noqa: E501 - Japanese text counts double toward the line length
"""load-balancing: a load balancer in front of N identical replicas, each a FIFO queue.

Requests arrive as a Poisson stream at utilization x servers / mean service
time, so `utilization` is the offered load over the total capacity. Each
replica serves one request at a time, first come first served. Service times
are drawn per request with mean `mean_service_ms`:

- exponential: the M/M/1 building block of queueing theory;
- constant: every request takes exactly the mean (M/D/1 per replica);
- heavy_tailed: lognormal with sigma = 1 and mu = ln(mean) - sigma^2 / 2, so
  the mean is the same; the median is 0.61 x mean, the 99th percentile 6.2 x
  mean (4.6 x for exponential), the 99.9th 13 x mean (6.9 x), and the squared
  coefficient of variation e^(sigma^2) - 1 = 1.72 (1 for exponential).

The balancer picks a replica for each request:

- round_robin: replicas in turn.
- random: uniformly at random. Random splitting of a Poisson stream is Poisson,
  so each replica is an M/G/1 queue at load `utilization`.
- least_connections: the replica with the fewest requests in it (waiting or in
  service), ties going round robin (as nginx's least_conn does); the
  join-the-shortest-queue policy, which comes close to one shared M/M/c queue.
- two_choices: draws two replicas uniformly at random (independently, as in
  Mitzenmacher's supermarket model) and takes the one with fewer requests.
- session_affinity: each request comes from one of 1000 clients whose request
  rates follow a Zipf-like law (client k sends a share proportional to
  k^-0.8, so a few heavy clients send much of the traffic, like offices behind
  one NAT address); each client is hashed to a replica (a uniformly random
  hash per seed) and all its requests go there, so replicas get uneven load.

A slow replica: from `slow_server_at_s` on (0 = never), every request that
reaches replica 1 takes 10 times its drawn service time; requests already
queued there keep theirs. With `readiness_checks` the balancer probes every
replica every 5 s and takes a replica out of rotation after 2 failed probes in
a row (periodSeconds: 5, failureThreshold: 2, as in the pattern page's
example); the slow replica fails every probe from the moment it turns slow, so
it leaves 5 to 10 s later. It still finishes the requests it holds, but gets
no new ones; the clients of a sticky session on it are hashed again over the
other replicas. With a single replica, nothing is left in rotation and the
balancer answers every later request with 503 at once.

Errors: a client waits at most 20 x the mean service time (2 s at 100 ms).
`timeouts` counts requests whose response time exceeds that; the replica
serves them anyway (it cannot know the client gave up). `rejected` counts
requests answered 503 because no replica was in rotation. errors = timeouts +
rejected, error_rate = errors / requests.

Results: response times are measured from the request's arrival at the
balancer to the replica's reply, over every answered request (timed out or
not): mean_response_ms, p50_response_ms, p99_response_ms, max_response_ms,
and p99_after_slow_ms over the requests sent after the slowdown (None without
one). max_queue is the most requests ever present at one replica (waiting plus
in service, counted just after an arrival). server_shares lists the fraction
of all requests each replica served (server_share_max/min are its extremes);
removed_at_s is when the slow replica left the rotation (None if it never did).
hashed_share_max (sticky sessions only, else None) is the share of the traffic
that the clients hashed to the busiest replica send on average: the imbalance
the hash builds in, before any randomness in the requests themselves.

The run ends when the last request is sent; requests still queued then are
finished and counted, but the charts stop. Frames cover equal steps of
simulated time, one per ~200 requests (20 to 400 frames); a frame's response
times are those of the requests sent in its step. Events mark the slowdown,
the failed probe, the removal, the first client timeout, the first time one
replica holds 10, 100, 1000 or 10000 requests, and (sticky sessions) how much
the busiest replica got from the hash. The topology draws replicas 1 to 7 and an
eighth box standing for replicas 8 and up: with more than 8 servers it shows
the worst state among them; boxes beyond `servers` stay idle. A replica is ok
with up to 2 requests in it, busy with 3 to 9, degraded with 10 or more (or
while it is slow and still in rotation) and down once out of rotation.

For round_robin, random and session_affinity the routing does not depend on
the replicas' state, so each replica's departures come out of the max-plus
recursion D_n = max(A_n, D_n-1) + S_n in vectorised form. least_connections
and two_choices look at queue lengths and run as one tight loop per frame.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 400
REQUESTS_PER_FRAME = 200  # about this many requests per frame (20 to 400 frames), for steady percentiles
SLOWDOWN = 10.0
TIMEOUT_FACTOR = 20.0  # the client timeout, in mean service times
PROBE_PERIOD_S = 5.0
PROBE_FAILURES = 2
CLIENTS = 1000
ZIPF_EXPONENT = 0.8
LOGNORMAL_SIGMA = 1.0
SHOWN_REPLICAS = 8
QUEUE_MILESTONES = (10, 100, 1000, 10000)
STATE_ORDER = {"idle": 0, "ok": 1, "busy": 2, "degraded": 3, "down": 4}  # worst last


def service_times(dist: str, mean_s: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n service times in seconds with the given mean (see the module docstring for each law)."""
    if dist == "constant":
        return np.full(n, mean_s)
    if dist == "heavy_tailed":
        return rng.lognormal(math.log(mean_s) - LOGNORMAL_SIGMA**2 / 2, LOGNORMAL_SIGMA, n)
    return rng.exponential(mean_s, n)


def removal_time(slow_at: float, readiness_checks: bool) -> float:
    """When the slow replica leaves the rotation: its second failed probe (math.inf if never).

    Probes run at 5, 10, 15 s...; the first to fail is the first at or after slow_at.
    """
    if slow_at <= 0 or not readiness_checks:
        return math.inf
    first_failed = math.ceil(slow_at / PROBE_PERIOD_S) * PROBE_PERIOD_S
    return first_failed + (PROBE_FAILURES - 1) * PROBE_PERIOD_S


def client_weights(clients: int = CLIENTS, exponent: float = ZIPF_EXPONENT) -> np.ndarray:
    """Each client's share of the requests: proportional to k^-exponent for client k = 1..clients."""
    weights = np.arange(1, clients + 1, dtype=float) ** -exponent
    return weights / weights.sum()


def fifo_departures(arrivals: np.ndarray, services: np.ndarray) -> np.ndarray:
    """Departure times of one FIFO single-server queue: D_n = max(A_n, D_n-1) + S_n.

    With C_n = S_1 + ... + S_n this unrolls to D_n = C_n + max_{k<=n}(A_k - C_k-1),
    one cumulative sum and one running maximum.
    """
    if arrivals.size == 0:
        return arrivals.copy()
    done = np.cumsum(services)
    before = np.concatenate(([0.0], done[:-1]))
    return done + np.maximum.accumulate(arrivals - before)


def static_routes(
    algorithm: str, arrivals: np.ndarray, servers: int, first_out: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray | None]:
    """Replica per request for the state-independent algorithms, and for sticky
    sessions each replica's expected share of the traffic (None otherwise).

    Requests from index first_out on avoid replica 1 (index 0); with one replica they get -1 (rejected).
    """
    n = arrivals.size
    shares = None
    if algorithm == "round_robin":
        routes = np.arange(n) % servers
        if servers > 1:
            routes[first_out:] = 1 + np.arange(n - first_out) % (servers - 1)
    elif algorithm == "random":
        draws = rng.random(n)
        routes = (draws * servers).astype(np.int64)
        if servers > 1:
            routes[first_out:] = 1 + (draws[first_out:] * (servers - 1)).astype(np.int64)
    else:  # session_affinity
        weights = client_weights()
        clients = rng.choice(CLIENTS, size=n, p=weights)
        home = rng.integers(servers, size=CLIENTS)
        rehashed = 1 + rng.integers(max(1, servers - 1), size=CLIENTS)
        routes = home[clients]
        if servers > 1:
            routes[first_out:] = np.where(home == 0, rehashed, home)[clients[first_out:]]
        shares = np.bincount(home, weights=weights, minlength=servers)
    if servers == 1:
        routes[first_out:] = -1
    return routes.astype(np.int64), shares


@dataclass
class LeastConnections:
    """Join the shortest queue, ties round robin. Each replica's count is kept twice
    (counts[j] == counts[j + N]) so one counts.index(least, turn) finds the next
    tied replica from any starting turn; level[c] is how many replicas in rotation
    hold c requests, so the minimum `least` is kept without scanning."""

    servers: int
    size: int
    counts: list[int] = field(init=False)
    free_at: list[float] = field(init=False)
    heap: list[tuple[float, int]] = field(init=False)
    level: list[int] = field(init=False)
    least: int = 0
    turn: int = 0
    out: int = -1

    def __post_init__(self) -> None:
        self.counts = [0] * (2 * self.servers)
        self.free_at = [0.0] * self.servers
        self.heap = [(math.inf, -1)]
        self.level = [0] * (self.size + 2)
        self.level[0] = self.servers

    def remove(self, j: int) -> None:
        """Take replica j out of rotation: it keeps its queue but is never the least loaded."""
        self.level[self.counts[j]] -= 1
        big = self.size + 1
        self.counts[j] += big
        self.counts[j + self.servers] += big
        self.out = j
        others = [c for k, c in enumerate(self.counts[: self.servers]) if k != j]
        self.least = min(others) if others else 0

    def route(
        self, arrivals: list[float], services: list[float], departures: list[float], routes: list[int],
        lo: int, hi: int, slow_from: int,
    ) -> None:  # fmt: skip
        """Route requests lo..hi-1, writing each one's departure time and replica."""
        n, counts, free_at, heap, level = self.servers, self.counts, self.free_at, self.heap, self.level
        least, turn, out = self.least, self.turn, self.out
        pop, push, index = heapq.heappop, heapq.heappush, counts.index
        soonest = heap[0][0]
        for i in range(lo, hi):
            a = arrivals[i]
            while soonest <= a:
                j = pop(heap)[1]
                soonest = heap[0][0]
                c = counts[j] - 1
                counts[j] = c
                counts[j + n] = c
                if j != out:
                    level[c + 1] -= 1
                    level[c] += 1
                    if c < least:
                        least = c
            j = index(least, turn)
            if j >= n:
                j -= n
            turn = j + 1
            counts[j] = counts[j + n] = least + 1
            level[least] -= 1
            level[least + 1] += 1
            if not level[least]:
                least += 1
            s = services[i]
            if j == 0 and i >= slow_from:
                s *= SLOWDOWN
            f = free_at[j]
            d = (a if a > f else f) + s
            free_at[j] = d
            push(heap, (d, j))
            if d < soonest:
                soonest = d
            departures[i] = d
            routes[i] = j
        self.least, self.turn = least, turn


@dataclass
class TwoChoices:
    """The shorter of two pre-drawn candidates; each replica's departures are kept
    in order (FIFO), so its queue length at time a is one bisect away."""

    servers: int
    first: list[int]
    second: list[int]
    done: list[list[float]] = field(init=False)
    gone: list[int] = field(init=False)
    free_at: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.done = [[] for _ in range(self.servers)]
        self.gone = [0] * self.servers
        self.free_at = [0.0] * self.servers

    def route(
        self, arrivals: list[float], services: list[float], departures: list[float], routes: list[int],
        lo: int, hi: int, slow_from: int,
    ) -> None:  # fmt: skip
        """Route requests lo..hi-1, writing each one's departure time and replica."""
        done, gone, free_at, first, second = self.done, self.gone, self.free_at, self.first, self.second
        for i in range(lo, hi):
            a = arrivals[i]
            j = first[i]
            k = second[i]
            dj = done[j]
            gj = gone[j] = bisect_right(dj, a, gone[j])
            if k != j:
                dk = done[k]
                gk = gone[k] = bisect_right(dk, a, gone[k])
                if len(dk) - gk < len(dj) - gj:
                    j, dj = k, dk
            s = services[i]
            if j == 0 and i >= slow_from:
                s *= SLOWDOWN
            f = free_at[j]
            d = (a if a > f else f) + s
            free_at[j] = d
            dj.append(d)
            departures[i] = d
            routes[i] = j


def by_replica(routes: np.ndarray, servers: int) -> list[np.ndarray]:
    """The request indices each replica served, in arrival order (rejected requests, -1, in none)."""
    order = np.argsort(routes, kind="stable")
    bounds = np.searchsorted(routes[order], np.arange(servers + 1))
    return [order[bounds[j] : bounds[j + 1]] for j in range(servers)]


def max_queue(arrivals: np.ndarray, departures: np.ndarray, groups: list[np.ndarray]) -> int:
    """The most requests present at one replica just after an arrival (that arrival included)."""
    best = 0
    for idx in groups:
        if idx.size:
            present = np.arange(1, idx.size + 1) - np.searchsorted(departures[idx], arrivals[idx], side="right")
            best = max(best, int(present.max()))
    return best


def percent(fraction: float, digits: int = 0) -> str:
    """0.125 -> "12.5 %" with digits=1, in the catalog's style (a space before the sign)."""
    return f"{fraction * 100:.{digits}f} %"


def replica_state(queue: int, slow: bool, out: bool) -> str:
    if out:
        return "down"
    if slow or queue >= 10:
        return "degraded"
    if queue >= 3:
        return "busy"
    return "ok"


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = np.random.default_rng(seed)
    servers, algorithm, n = params["servers"], params["algorithm"], params["requests"]
    mean_s = params["mean_service_ms"] / 1000
    timeout = TIMEOUT_FACTOR * mean_s
    rate = params["utilization"] * servers / mean_s
    arrivals = np.cumsum(rng.exponential(1 / rate, n))
    services = service_times(params["service_dist"], mean_s, n, rng)
    duration = float(arrivals[-1])
    slow_at = params["slow_server_at_s"] if params["slow_server_at_s"] > 0 else math.inf
    out_at = removal_time(params["slow_server_at_s"], params["readiness_checks"])
    slow_from = int(np.searchsorted(arrivals, slow_at, side="left"))
    first_out = int(np.searchsorted(arrivals, out_at, side="left"))
    # With one replica, once it is out of rotation every request is rejected.
    last_routed = first_out if servers == 1 else n

    shares_expected = None
    sequential = algorithm in ("least_connections", "two_choices")
    if sequential:
        departures_list = [0.0] * n
        routes_list = [0] * n
        arrivals_list, services_list = arrivals.tolist(), services.tolist()
        if algorithm == "least_connections":
            router: LeastConnections | TwoChoices = LeastConnections(servers, n)
        else:
            picks = rng.random((2, n))
            candidates = (picks * servers).astype(np.int64)
            if servers > 1:
                candidates[:, first_out:] = 1 + (picks[:, first_out:] * (servers - 1)).astype(np.int64)
            router = TwoChoices(servers, candidates[0].tolist(), candidates[1].tolist())
        departures = np.empty(n)
        routes = np.empty(n, dtype=np.int64)
    else:
        routes, shares_expected = static_routes(algorithm, arrivals, servers, first_out, rng)
        services = np.where((routes == 0) & (np.arange(n) >= slow_from), services * SLOWDOWN, services)
        departures = arrivals.copy()  # rejected requests are answered at once
        groups = by_replica(routes, servers)
        for idx in groups:
            departures[idx] = fifo_departures(arrivals[idx], services[idx])

    frames = min(MAX_FRAMES, max(20, n // REQUESTS_PER_FRAME))
    step = duration / frames
    ends = np.searchsorted(arrivals, step * np.arange(1, frames + 1), side="left")
    ends[-1] = n
    # Departures and errors are binned by the frame they happen in (the last bin
    # holds those after the run); each is known by the time its frame is emitted.
    left = np.zeros((frames + 1) * servers, dtype=np.int64)
    errors_at = np.zeros(frames + 1, dtype=np.int64)
    arrived = np.zeros(servers, dtype=np.int64)
    departed = np.zeros(servers, dtype=np.int64)
    first_timeout, announced = math.inf, False
    milestone = 0
    events: list[Event] = []
    pending = _scheduled_events(params, slow_at, out_at, duration, shares_expected)

    lo = 0
    for f in range(frames):
        hi = int(ends[f])
        if sequential:
            # Split the step where replica 1 leaves the rotation (least connections must forget it).
            cut = min(max(first_out, lo), hi)
            router.route(arrivals_list, services_list, departures_list, routes_list, lo, cut, slow_from)
            if cut == first_out < n and isinstance(router, LeastConnections) and router.out < 0 and servers > 1:
                router.remove(0)
            router.route(
                arrivals_list, services_list, departures_list, routes_list, cut, min(hi, last_routed), slow_from
            )
            departures[lo:hi] = departures_list[lo:hi]
            routes[lo:hi] = routes_list[lo:hi]
            routes[max(lo, last_routed) : hi] = -1
            departures[max(lo, last_routed) : hi] = arrivals[max(lo, last_routed) : hi]
        a, d, r = arrivals[lo:hi], departures[lo:hi], routes[lo:hi]
        served = r >= 0
        waited = (d - a)[served]
        late = waited > timeout
        if late.any():
            first_timeout = min(first_timeout, float((a[served][late]).min() + timeout))
        when = np.concatenate(((a[served][late] + timeout), a[~served]))
        errors_at += np.bincount(np.minimum((when / step).astype(np.int64), frames), minlength=frames + 1)
        bins = np.minimum((d[served] / step).astype(np.int64), frames) * servers + r[served]
        left += np.bincount(bins, minlength=(frames + 1) * servers)
        arrived += np.bincount(r[served], minlength=servers)
        departed += left[f * servers : (f + 1) * servers]
        queues = arrived - departed
        t = (f + 1) * step

        while pending and pending[0].t <= t:
            events.append(pending.pop(0))
        if not announced and first_timeout <= t:
            events.append(
                Event(
                    first_timeout, "timeout",
                    Text(en=f"First client timeout: a request took longer than {timeout * 1000:g} ms",
                         ja=f"最初のクライアントタイムアウトが発生しました。応答に {timeout * 1000:g} ms より長くかかったリクエストがあります"),
                )
            )  # fmt: skip
            announced = True
        longest = int(queues.max())
        while milestone < len(QUEUE_MILESTONES) and longest >= QUEUE_MILESTONES[milestone]:
            size, where = QUEUE_MILESTONES[milestone], int(queues.argmax()) + 1
            events.append(
                Event(
                    t, "queue",
                    Text(en=f"{size} requests are queued at replica {where}",
                         ja=f"レプリカ {where} に {size} 件のリクエストがたまっています"),
                )
            )  # fmt: skip
            milestone += 1

        p50, p99 = (round(float(x) * 1000, 3) for x in np.percentile(waited, [50, 99])) if waited.size else (None, None)
        yield Frame(
            t=t,
            progress=(f + 1) / frames,
            series={
                "p50_ms": p50,
                "mean_ms": round(float(waited.mean()) * 1000, 3) if waited.size else None,
                "p99_ms": p99,
                "timeout_ms": round(timeout * 1000, 3),
                "queue_max": longest,
                "queue_mean": round(float(queues.mean()), 3),
                "queue_replica1": int(queues[0]),
                "sent_rps": round((hi - lo) / step, 3),
                "answered_rps": round(float(left[f * servers : (f + 1) * servers].sum()) / step, 3),
                "errors_rps": round(float(errors_at[f]) / step, 3),
            },
            events=sorted(events, key=lambda e: e.t),
            nodes=_node_states(queues, t, slow_at, out_at, servers, errors_at[f] > 0),
        )
        events.clear()
        lo = hi

    if sequential:
        groups = by_replica(routes, servers)
    result = _result(params, arrivals, departures, routes, slow_from, out_at, timeout, rate, duration)
    result["max_queue"] = max_queue(arrivals, departures, groups)
    result["hashed_share_max"] = None if shares_expected is None else round(float(shares_expected.max()), 6)
    yield Result(result)


def _scheduled_events(
    params: dict[str, Any], slow_at: float, out_at: float, duration: float, shares: np.ndarray | None
) -> list[Event]:
    """The events whose times are known before the run: sticky imbalance, slowdown, probes, removal."""
    servers, utilization = params["servers"], params["utilization"]
    found: list[Event] = []
    if shares is not None:
        hot = int(shares.argmax())
        found.append(
            Event(
                0.0, "affinity",
                Text(en=f"Sticky sessions: replica {hot + 1} gets {percent(shares[hot], 1)} of the traffic "
                        f"(a fair share is {percent(1 / servers, 1)}), so it runs at {percent(shares[hot] * servers * utilization)} utilization",
                     ja=f"スティッキーセッションのため、レプリカ {hot + 1} にトラフィックの {percent(shares[hot], 1)} が集まります"
                        f"（均等なら {percent(1 / servers, 1)}）。このレプリカの利用率は {percent(shares[hot] * servers * utilization)} です"),
            )
        )  # fmt: skip
    if slow_at <= duration:
        found.append(
            Event(
                slow_at, "slow",
                Text(en=f"Replica 1 turns {SLOWDOWN:g} times slower",
                     ja=f"レプリカ 1 の処理が {SLOWDOWN:g} 倍遅くなりました"),
            )
        )  # fmt: skip
    if out_at <= duration:
        probe = out_at - (PROBE_FAILURES - 1) * PROBE_PERIOD_S
        found.append(
            Event(
                probe, "probe",
                Text(en=f"Replica 1 fails a readiness check (1 of {PROBE_FAILURES})",
                     ja=f"レプリカ 1 がレディネスチェックに失敗しました（{PROBE_FAILURES} 回中 1 回目）"),
            )
        )  # fmt: skip
        if servers > 1:
            load = utilization * servers / (servers - 1)
            en = f"Replica 1 is out of rotation; the other {servers - 1} now run at {percent(load)} utilization"
            ja = f"レプリカ 1 をローテーションから外しました。残りの {servers - 1} 台の利用率は {percent(load)} になります"
            if load >= 1:
                en += ", more than they can serve: their queues will grow"
                ja += "。処理能力を超えるので、キューは伸び続けます"
        else:
            en = "Replica 1 is out of rotation; no replica is left, so the balancer answers 503"
            ja = "レプリカ 1 をローテーションから外しました。残るレプリカがないので、ロードバランサーは 503 を返します"
        found.append(Event(out_at, "removed", Text(en=en, ja=ja)))
    return found


def _node_states(
    queues: np.ndarray, t: float, slow_at: float, out_at: float, servers: int, errors: bool
) -> dict[str, str]:
    """Each node's state at time t: replicas by queue length (see the module docstring)."""
    states = []
    for j in range(servers):
        out = j == 0 and t >= out_at
        states.append(replica_state(int(queues[j]), j == 0 and t >= slow_at, out))
    shown = states[: SHOWN_REPLICAS - 1]
    if servers >= SHOWN_REPLICAS:
        shown.append(max(states[SHOWN_REPLICAS - 1 :], key=STATE_ORDER.__getitem__))
    nodes = {"clients": "degraded" if errors else "ok", "balancer": "down" if servers == 1 and t >= out_at else "ok"}
    for k in range(SHOWN_REPLICAS):
        nodes[f"replica{k + 1}"] = shown[k] if k < len(shown) else "idle"
    return nodes


def _result(
    params: dict[str, Any],
    arrivals: np.ndarray,
    departures: np.ndarray,
    routes: np.ndarray,
    slow_from: int,
    out_at: float,
    timeout: float,
    rate: float,
    duration: float,
) -> dict[str, Any]:
    servers, n = params["servers"], arrivals.size
    served = routes >= 0
    waited = departures - arrivals
    answered = waited[served]
    timeouts = int((answered > timeout).sum())
    rejected = int(n - served.sum())
    p50, p99 = np.percentile(answered, [50, 99]) if answered.size else (math.nan, math.nan)
    after = waited[slow_from:][served[slow_from:]]
    shares = np.bincount(routes[served], minlength=servers) / n

    def ms(x: float) -> float | None:
        return None if math.isnan(x) else round(float(x) * 1000, 3)

    return {
        "mean_response_ms": ms(answered.mean()) if answered.size else None,
        "p50_response_ms": ms(p50),
        "p99_response_ms": ms(p99),
        "max_response_ms": ms(answered.max()) if answered.size else None,
        "p99_after_slow_ms": ms(np.percentile(after, 99)) if slow_from < n and after.size else None,
        "max_queue": None,  # filled in by run()
        "errors": timeouts + rejected,
        "timeouts": timeouts,
        "rejected": rejected,
        "error_rate": round((timeouts + rejected) / n, 6),
        "timeout_ms": round(timeout * 1000, 3),
        "server_share_max": round(float(shares.max()), 6),
        "server_share_min": round(float(shares.min()), 6),
        "server_shares": [round(float(s), 4) for s in shares],
        "removed_at_s": out_at if out_at <= duration else None,
        "offered_rps": round(rate, 6),
        "duration_s": round(duration, 6),
    }


def _replica_nodes() -> tuple[Node, ...]:
    # Four replicas on each side of the balancer; the eighth box stands for replicas 8 and up.
    nodes = []
    for k in range(SHOWN_REPLICAS):
        label = (
            Text("Replica 8+", "レプリカ 8 以降")
            if k == SHOWN_REPLICAS - 1
            else Text(f"Replica {k + 1}", f"レプリカ {k + 1}")
        )
        nodes.append(Node(f"replica{k + 1}", label, 0.12 if k < 4 else 0.88, (k % 4) / 3))
    return tuple(nodes)


REPLICAS = _replica_nodes()

BASE = {
    "servers": 8,
    "algorithm": "round_robin",
    "utilization": 0.8,
    "mean_service_ms": 100.0,
    "service_dist": "exponential",
    "requests": 20000,
    "slow_server_at_s": 0.0,
    "readiness_checks": True,
}

SLOW_REPLICA = {**BASE, "utilization": 0.7, "slow_server_at_s": 60.0}

SCENARIO = Scenario(
    slug="load-balancing",
    pattern="replicated-load-balanced-service",
    title=Text("Load balancing across replicas", "レプリカへの負荷分散"),
    description=Text(
        "Requests arrive at random and a load balancer hands each to one of several identical replicas, each "
        "serving one request at a time. Compare round robin, random, least connections, the power of two random "
        "choices and sticky sessions at the same load; make one replica ten times slower and see what readiness "
        "checks change. Watch the response-time percentiles, the queue lengths and the client timeouts.",
        "リクエストはランダムな間隔で届き、ロードバランサーがそれぞれを同じ構成の複数のレプリカのどれか 1 つに振り分けます。"
        "各レプリカは一度に 1 件ずつ処理します。同じ負荷のもとで、ラウンドロビン、ランダム、最小接続数、ランダムに選んだ 2 つの候補の"
        "うち空いているほうを選ぶ方式（Power of two choices）、スティッキーセッションを比べられます。1 つのレプリカを 10 倍遅くして、"
        "レディネスチェックの有無で何が変わるかも確かめられます。応答時間のパーセンタイル、キューの長さ、クライアントのタイムアウトに"
        "注目してください。",
    ),
    params=(
        Param(
            "servers",
            "int",
            8,
            Text("Replicas", "レプリカ数"),
            Text(
                "Identical replicas behind the balancer; each serves one request at a time.",
                "ロードバランサーの背後に並べる、同じ構成のレプリカの数です。各レプリカは一度に 1 件ずつ処理します。",
            ),
            min=1,
            max=100,
        ),
        Param(
            "algorithm",
            "choice",
            "round_robin",
            Text("Balancing algorithm", "振り分け方式"),
            Text(
                "How the balancer picks a replica for each request.",
                "ロードバランサーがリクエストごとにレプリカを選ぶ方法です。",
            ),
            choices=(
                Choice("round_robin", Text("Round robin", "ラウンドロビン")),
                Choice("random", Text("Random", "ランダム")),
                Choice("least_connections", Text("Least connections", "最小接続数")),
                Choice("two_choices", Text("Power of two choices", "2 つの候補から選択（Power of two choices）")),
                Choice("session_affinity", Text("Session affinity (sticky)", "セッションアフィニティ（スティッキー）")),
            ),
        ),
        Param(
            "utilization",
            "float",
            0.8,
            Text("Utilization", "利用率"),
            Text(
                "Offered load over total capacity: the arrival rate is this x replicas / mean service time.",
                "総処理能力に対する負荷の割合です。到着率は「この値 × レプリカ数 ÷ 平均処理時間」になります。",
            ),
            min=0.1,
            max=0.98,
            step=0.01,
        ),
        Param(
            "mean_service_ms",
            "float",
            100.0,
            Text("Mean service time", "平均処理時間"),
            Text(
                "Mean time a replica spends on one request. Clients time out after 20 times this.",
                "レプリカが 1 件のリクエストにかける平均時間です。クライアントはこの 20 倍でタイムアウトします。",
            ),
            unit="ms",
            min=1,
            max=10000,
            step=1,
        ),
        Param(
            "service_dist",
            "choice",
            "exponential",
            Text("Service time distribution", "処理時間の分布"),
            Text(
                "Exponential, constant, or heavy-tailed (lognormal, sigma 1); all with the same mean.",
                "指数分布、一定、裾の重い分布（対数正規分布、σ = 1）から選びます。平均はどれも同じです。",
            ),
            choices=(
                Choice("exponential", Text("Exponential", "指数分布")),
                Choice("constant", Text("Constant", "一定")),
                Choice("heavy_tailed", Text("Heavy-tailed (lognormal)", "裾が重い（対数正規分布）")),
            ),
        ),
        Param(
            "requests",
            "int",
            20000,
            Text("Requests", "リクエスト数"),
            Text(
                "Requests sent in the run; the run ends when the last one is sent.",
                "実行中に送るリクエストの総数です。最後のリクエストを送った時点で終わります。",
            ),
            min=1000,
            max=1_000_000,
            step=1000,
        ),
        Param(
            "slow_server_at_s",
            "float",
            0.0,
            Text("Replica 1 slows down at", "レプリカ 1 が遅くなる時刻"),
            Text(
                "From this time on, replica 1 takes 10 times as long per request; 0 means never.",
                "この時刻から、レプリカ 1 は 1 件あたり 10 倍の時間がかかるようになります。0 なら遅くなりません。",
            ),
            unit="s",
            min=0,
            max=3600,
            step=1,
        ),
        Param(
            "readiness_checks",
            "bool",
            True,
            Text("Readiness checks", "レディネスチェック"),
            Text(
                "Probe each replica every 5 s and take it out of rotation after 2 failed probes; a slow replica fails them.",
                "5 秒ごとに各レプリカにプローブを送り、2 回続けて失敗したらローテーションから外します。遅くなったレプリカはプローブに失敗します。",
            ),
        ),
    ),
    charts=(
        Chart(
            id="response",
            title=Text("Response time of the requests sent in each step", "各区間に送られたリクエストの応答時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms", "ミリ秒"),
            series=(
                Series("p50_ms", Text("p50", "p50")),
                Series("mean_ms", Text("mean", "平均")),
                Series("p99_ms", Text("p99", "p99")),
                Series("timeout_ms", Text("client timeout", "クライアントのタイムアウト")),
            ),
        ),
        Chart(
            id="queues",
            title=Text("Requests at a replica (waiting or in service)", "レプリカ内のリクエスト数（待機中＋処理中）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests", "リクエスト数"),
            series=(
                Series("queue_max", Text("longest queue", "最長のキュー")),
                Series("queue_mean", Text("mean over replicas", "全レプリカの平均")),
                Series("queue_replica1", Text("replica 1", "レプリカ 1")),
            ),
        ),
        Chart(
            id="throughput",
            title=Text("Requests per second", "1 秒あたりのリクエスト数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series("sent_rps", Text("sent", "送信")),
                Series("answered_rps", Text("answered", "応答")),
                Series("errors_rps", Text("errors (timeouts, 503)", "エラー（タイムアウト、503）")),
            ),
        ),
    ),
    run=run,
    source=Text(
        "M/M/1 and Pollaczek–Khinchine per replica under random routing; the Erlang C formula (M/M/c) for least "
        "connections; Mitzenmacher, 'The Power of Two Choices in Randomized Load Balancing' (2001)",
        "ランダム振り分け時のレプリカごとの M/M/1 とポラチェック・ヒンチンの公式、最小接続数のモデルとしてのアーラン C 式（M/M/c）、"
        "Mitzenmacher「The Power of Two Choices in Randomized Load Balancing」（2001 年）",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.5, 0.05),
            Node("balancer", Text("Load balancer", "ロードバランサー"), 0.5, 0.6),
            *REPLICAS,
        ),
        links=(("clients", "balancer"), *(("balancer", node.id) for node in REPLICAS)),
    ),
    results=(
        Measure(
            "mean_response_ms",
            Text("Mean response time", "平均応答時間"),
            "ms",
            Text(
                "From the request's arrival at the balancer to the replica's reply, over every answered request, timed-out ones included.",
                "リクエストがロードバランサーに届いてからレプリカが応答するまでの時間です。タイムアウトしたものも含め、応答したすべてのリクエストで数えます。",
            ),
        ),
        Measure("p50_response_ms", Text("Median response time (p50)", "応答時間の中央値（p50）"), "ms"),
        Measure(
            "p99_response_ms", Text("99th percentile response time (p99)", "応答時間の 99 パーセンタイル（p99）"), "ms"
        ),
        Measure("max_response_ms", Text("Longest response time", "最長の応答時間"), "ms"),
        Measure(
            "p99_after_slow_ms",
            Text("p99 response time after replica 1 slows down", "レプリカ 1 が遅くなった後の応答時間の p99"),
            "ms",
            Text(
                "Over the requests sent after the slowdown. Empty when no replica slows down.",
                "遅くなった後に送ったリクエストで数えます。レプリカが遅くならない設定では値がありません。",
            ),
        ),
        Measure(
            "error_rate",
            Text("Share of requests that failed", "エラーになったリクエストの割合"),
            help=Text(
                "Errors (timeouts and 503s) over all requests sent.",
                "エラー（タイムアウトと 503）の数を、送ったリクエストの総数で割った値です。",
            ),
        ),
        Measure("errors", Text("Errors (timeouts + 503)", "エラー（タイムアウト＋503）"), "req"),
        Measure(
            "timeouts",
            Text("Client timeouts", "クライアントのタイムアウト"),
            "req",
            Text(
                "Requests answered after the client timeout; the replica served them anyway, as it cannot know the client gave up.",
                "クライアントのタイムアウトより後に応答したリクエストです。レプリカはクライアントが諦めたことを知らないので、それでも処理します。",
            ),
        ),
        Measure(
            "rejected",
            Text("Rejected (503, no replica in rotation)", "拒否（503、ローテーションにレプリカなし）"),
            "req",
        ),
        Measure(
            "max_queue",
            Text("Longest queue at one replica", "1 つのレプリカの最長のキュー"),
            "req",
            Text(
                "The most requests ever at one replica, waiting or in service, counted just after an arrival.",
                "1 つのレプリカにあったリクエスト数（待機中＋処理中）の最大値です。リクエストが届いた直後に数えます。",
            ),
        ),
        Measure(
            "server_share_max", Text("Largest replica share of requests", "レプリカごとのリクエストの割合（最大）")
        ),
        Measure(
            "server_share_min", Text("Smallest replica share of requests", "レプリカごとのリクエストの割合（最小）")
        ),
        Measure(
            "server_shares",
            Text("Share of requests per replica", "レプリカごとのリクエストの割合"),
            help=Text(
                "Replica 1 first; each is the fraction of all requests sent that the replica served.",
                "レプリカ 1 から順に、送ったリクエスト全体のうちそのレプリカが処理した割合です。",
            ),
        ),
        Measure(
            "hashed_share_max",
            Text(
                "Traffic share hashed to the busiest replica",
                "ハッシュで最も多く割り当てられたレプリカのトラフィックの割合",
            ),
            help=Text(
                "Sticky sessions only: the share of the traffic that the clients hashed to the busiest replica send on average, the imbalance the hash builds in. Empty for the other algorithms.",
                "スティッキーセッションのときだけ求めます。最も多く割り当てられたレプリカにハッシュされたクライアントが平均して送るトラフィックの割合で、ハッシュが生む偏りを表します。ほかの方式では値がありません。",
            ),
        ),
        Measure(
            "removed_at_s",
            Text("Replica 1 left the rotation at", "レプリカ 1 がローテーションから外れた時刻"),
            "s",
            Text(
                "After two failed readiness probes in a row. Empty when it never left.",
                "レディネスチェックに 2 回続けて失敗した時点です。外れなかったときは値がありません。",
            ),
        ),
        Measure(
            "timeout_ms",
            Text("Longest a client waits", "クライアントが待つ最長時間"),
            "ms",
            Text("20 times the mean service time.", "平均処理時間の 20 倍です。"),
        ),
        Measure("offered_rps", Text("Offered load", "到着率"), "req/s"),
        Measure(
            "duration_s",
            Text("Simulated time", "シミュレーション時間"),
            "s",
            Text("Until the last request is sent.", "最後のリクエストを送るまでの時間です。"),
        ),
    ),
    presets=(
        Preset(
            "random-vs-least-connections",
            Text(
                "Random routing at 90 % load (then switch to least connections)",
                "90 % の負荷でランダムに振り分ける（次に最小接続数に切り替えて比べる）",
            ),
            {**BASE, "algorithm": "random", "utilization": 0.9},
        ),
        Preset(
            "power-of-two-choices",
            Text("Power of two choices over 50 replicas", "50 台のレプリカで 2 つの候補から選ぶ"),
            {**BASE, "servers": 50, "algorithm": "two_choices", "utilization": 0.9, "requests": 50000},
        ),
        Preset(
            "slow-replica-no-readiness",
            Text("A slow replica without readiness checks", "レディネスチェックなしで 1 台が遅くなる"),
            {**SLOW_REPLICA, "readiness_checks": False},
        ),
        Preset(
            "slow-replica-with-readiness",
            Text("The same slow replica with readiness checks", "同じ状況でレディネスチェックを使う"),
            {**SLOW_REPLICA, "readiness_checks": True},
        ),
        Preset(
            "sticky-sessions",
            Text("Sticky sessions with a few heavy clients", "大量に送る少数のクライアントとスティッキーセッション"),
            {**BASE, "algorithm": "session_affinity", "utilization": 0.6},
        ),
    ),
)
