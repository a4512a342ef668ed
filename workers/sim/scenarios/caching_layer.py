# ruff: noqa: E501 - Japanese text counts double toward the line length
"""caching-layer: an LRU cache with a TTL in front of a stateless backend of limited capacity.

Requests arrive as a Poisson stream at `request_rate`. Each asks for one of
`keys` keys, key i (i = 1..keys) with probability proportional to
i^-zipf_s (Zipf popularity, drawn independently per request: the independent
reference model). The cache holds at most `cache_size` entries:

- A hit (the key is stored and not expired) costs `hit_ms` and moves the key to
  the front of the LRU list.
- A miss goes to the backend. The response is stored when it arrives, evicting
  the least recently used entry if the cache is full. Until then, other
  requests for the same key miss too and each sends its own backend request
  (the thundering herd), unless `coalescing` is on: then they wait for the
  fetch already in flight (as Varnish's waiting list or nginx's
  proxy_cache_lock do) and cost the backend nothing.
- `ttl_s` counts from the moment the response is stored; hits do not extend
  it (0 = entries never expire). Expiry is lazy, as in memcached: an expired
  entry keeps its slot until it is looked up (a miss, which refetches it) or
  evicted.
- `flush_at_s` (0 = never) empties the cache at that moment, as a cache
  restart does.

The backend is an M/M/c queue: `backend_workers` workers serve requests first
come, first served, each with an exponential service time of mean
backend_workers / backend_capacity_rps seconds, so it completes at most
`backend_capacity_rps` requests per second. Below that load a miss takes about
the mean service time; above it the queue, and the latency, grow without bound
until the load falls again. A miss costs hit_ms plus its time at the backend.

Analytic steady state (both shown as reference lines):
- LRU limit, Che's approximation (Che, Tung and Wang, IEEE JSAC 2002): solve
  sum_i (1 - exp(-p_i T)) = cache_size for the characteristic time T (in
  requests); then the hit ratio is sum_i p_i (1 - exp(-p_i T)).
- TTL limit (a cache large enough for every key): a key requested at rate
  lambda_i whose entry lives ttl_s from the miss that stored it is hit with
  probability lambda_i T / (1 + lambda_i T); the hit ratio is the sum of
  p_i times that.
With both limits in force the measured hit ratio lies below both. Both models
store an object at the moment of its miss; here it is stored when the backend
answers, so a slow or overloaded backend pulls the measured ratio below them.

Results: hit_ratio (all requests), steady_hit_ratio (the second half of the
run before any flush, when a cache that warms up within it is warm),
backend_rps (mean backend request rate), p99_ms (latency of all requests),
backend_overloaded_s (whole seconds in which the backend received more
requests than backend_capacity_rps), max_backend_queue (most requests at the
backend at once, waiting or being served), duplicate_fetches (misses sent
while a fetch of the same key was already in flight), and the analytic values
beside them.
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict, deque
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Param, Preset
from ..stats import percentile_ms

MAX_FRAMES = 400
MIN_STEP_S = 0.25
# Transitions of the backend's overload state listed in the event log, at most.
MAX_OVERLOAD_EVENTS = 12


def zipf_probabilities(keys: int, s: float) -> np.ndarray:
    """p_i proportional to i^-s for i = 1..keys (s = 0 is uniform)."""
    weights = np.arange(1, keys + 1, dtype=float) ** -s
    return weights / weights.sum()


def che_characteristic_time(p: np.ndarray, cache_size: int) -> float:
    """T (in requests) with sum_i (1 - exp(-p_i T)) = cache_size; inf when every key fits."""
    if cache_size <= 0:
        return 0.0
    if cache_size >= len(p):
        return math.inf
    low, high = 0.0, 1.0
    while np.sum(-np.expm1(-p * high)) < cache_size:
        high *= 2.0
    for _ in range(80):
        mid = (low + high) / 2
        if np.sum(-np.expm1(-p * mid)) < cache_size:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def che_hit_ratio(p: np.ndarray, cache_size: int) -> float:
    """Che's approximation of an LRU cache's hit ratio under the independent reference model."""
    t = che_characteristic_time(p, cache_size)
    if t == math.inf:
        return 1.0
    return float(np.sum(p * -np.expm1(-p * t)))


def ttl_hit_ratio(p: np.ndarray, request_rate: float, ttl_s: float) -> float:
    """Hit ratio of an unbounded cache whose entries live ttl_s from the miss that stored them."""
    if ttl_s <= 0:
        return 1.0  # entries never expire: in steady state every request hits
    x = p * request_rate * ttl_s
    return float(np.sum(p * x / (1.0 + x)))


class Backend:
    """An M/M/c queue, first come first served: each request's finish time is fixed when it arrives."""

    def __init__(self, workers: int, capacity_rps: float, service_draws: list[float]) -> None:
        self.free_at = [0.0] * workers  # a heap: when each worker next becomes free
        self.mean_service_s = workers / capacity_rps
        self.draws = iter(service_draws)  # unit-mean exponential draws

    def submit(self, t: float) -> float:
        start = max(t, heapq.heappop(self.free_at))
        finish = start + next(self.draws) * self.mean_service_s
        heapq.heappush(self.free_at, finish)
        return finish


class LruCache:
    """At most `size` entries of key -> expiry time, least recently used first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[int, float] = OrderedDict()

    def lookup(self, key: int, now: float) -> bool:
        expiry = self.entries.get(key)
        if expiry is None:
            return False
        if now >= expiry:
            del self.entries[key]  # lazy expiry: found stale, dropped, refetched
            return False
        self.entries.move_to_end(key)
        return True

    def store(self, key: int, expiry: float) -> None:
        if self.size <= 0:
            return
        if key in self.entries:
            self.entries.move_to_end(key)
        elif len(self.entries) >= self.size:
            self.entries.popitem(last=False)
        self.entries[key] = expiry

    def __len__(self) -> int:
        return len(self.entries)


def frame_count(duration: float) -> int:
    return max(1, min(MAX_FRAMES, math.ceil(duration / MIN_STEP_S)))


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    duration = float(params["duration_s"])
    rate = float(params["request_rate"])
    capacity = float(params["backend_capacity_rps"])
    ttl = float(params["ttl_s"])
    hit_s = params["hit_ms"] / 1000
    coalescing = bool(params["coalescing"])
    flush_at = float(params["flush_at_s"]) if 0 < params["flush_at_s"] < duration else math.inf
    # The steady-state window: the second half of the run before any flush.
    steady_from = (flush_at if flush_at < duration else duration) / 2
    steady_to = flush_at if flush_at < duration else duration

    p = zipf_probabilities(params["keys"], params["zipf_s"])
    lru_limit = che_hit_ratio(p, params["cache_size"])
    ttl_limit = ttl_hit_ratio(p, rate, ttl)
    che_time = che_characteristic_time(p, params["cache_size"])
    if ttl <= 0:
        analytic = lru_limit
    elif params["cache_size"] >= params["keys"]:
        analytic = ttl_limit
    else:
        analytic = None  # both limits bind: the measured ratio lies below both
    expected = min(lru_limit, ttl_limit)

    rng = np.random.default_rng(seed)
    n = int(rng.poisson(rate * duration))
    times = np.sort(rng.uniform(0.0, duration, n)).tolist()
    cdf = np.cumsum(p)
    keys = np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), len(p) - 1).tolist()
    backend = Backend(params["backend_workers"], capacity, rng.standard_exponential(n).tolist())
    cache = LruCache(params["cache_size"])

    n_frames = frame_count(duration)
    step = duration / n_frames
    seconds = math.ceil(duration)
    backend_per_second = [0] * seconds
    pending: list[tuple[float, int, int]] = []  # (finish, seq, key): responses on their way to the cache
    in_flight: dict[int, float] = {}  # key -> when its newest fetch returns
    latencies: list[float] = []
    frame_latencies: list[float] = []
    window: deque[tuple[float, bool]] = deque()  # (t, hit) over the trailing second, for the warm-up event
    window_hits = 0
    hits = coalesced = backend_requests = duplicates = 0
    steady_requests = steady_hits = steady_backend = 0
    frame_requests = frame_hits = frame_backend = 0
    max_queue = 0
    events: list[Event] = [
        Event(0.0, "cold", Text("The cache starts empty (cold)", "キャッシュは空（冷えた状態）から始まります")),
    ]
    state = {
        "cold_since": 0.0,
        "full": False,
        "warm": False,
        "overloaded": False,
        "calm_seconds": 0,
        "overload_events": 0,
        "checked": 0,
    }

    def complete(finish: float, key: int) -> None:
        cache.store(key, finish + ttl if ttl > 0 else math.inf)
        if in_flight.get(key) == finish:
            del in_flight[key]
        if not state["full"] and cache.size > 0 and len(cache) >= cache.size:
            state["full"] = True
            events.append(
                Event(finish, "full", Text(f"Cache full ({cache.size} entries): LRU starts evicting", f"キャッシュが満杯になりました（{cache.size} 件）。LRU による追い出しが始まります"))
            )  # fmt: skip

    def advance(to: float) -> None:
        """Store every response that arrives up to `to`, and flush the cache if that moment comes."""
        nonlocal flush_at
        while True:
            next_done = pending[0][0] if pending else math.inf
            if min(next_done, flush_at) > to:
                return
            if flush_at <= next_done:
                lost = len(cache)
                cache.entries.clear()
                state["full"] = state["warm"] = False
                state["cold_since"] = flush_at
                events.append(
                    Event(flush_at, "flush", Text(f"Cache flushed (restart): {lost} entries lost", f"キャッシュを消去しました（再起動）。{lost} 件のエントリーが失われました"))
                )  # fmt: skip
                flush_at = math.inf
            else:
                finish, _, key = heapq.heappop(pending)
                complete(finish, key)

    def check_seconds(now: float) -> None:
        """Overload events, judged one whole second at a time."""
        while state["checked"] < seconds and state["checked"] + 1 <= now + 1e-9:
            second = state["checked"]
            state["checked"] += 1
            over = backend_per_second[second] > capacity * min(1.0, duration - second)
            if state["overload_events"] >= MAX_OVERLOAD_EVENTS:
                continue
            if over and not state["overloaded"]:
                state["overloaded"], state["calm_seconds"] = True, 0
                state["overload_events"] += 1
                got = backend_per_second[second]
                events.append(
                    Event(float(second), "overloaded", Text(f"Backend overloaded: {got} requests arrived between {second} s and {second + 1} s; its capacity is {capacity:g}/s", f"バックエンドが過負荷です。{second} 秒から {second + 1} 秒の間に {got} 件のリクエストが届きました（処理能力は毎秒 {capacity:g} 件）"))
                )  # fmt: skip
            elif state["overloaded"]:
                state["calm_seconds"] = 0 if over else state["calm_seconds"] + 1
                # Recovered once three seconds in a row stayed under capacity and the queue has drained.
                if state["calm_seconds"] >= 3 and len(pending) <= params["backend_workers"]:
                    state["overloaded"] = False
                    state["overload_events"] += 1
                    events.append(
                        Event(float(second + 1), "recovered", Text("Backend back under its capacity, queue drained", "バックエンドの負荷が処理能力を下回り、キューも空になりました"))
                    )  # fmt: skip

    def frame(k: int) -> Frame:
        nonlocal frame_requests, frame_hits, frame_backend
        at = (k + 1) * step
        advance(at)
        check_seconds(at)
        queue = len(pending)
        hit_ratio = frame_hits / frame_requests if frame_requests else 0.0
        backend_rps = frame_backend / step
        if frame_backend == 0:
            backend_state = "idle"
        elif backend_rps > capacity or queue > 2 * params["backend_workers"]:
            backend_state = "degraded"
        elif backend_rps >= 0.8 * capacity:
            backend_state = "busy"
        else:
            backend_state = "ok"
        if frame_requests == 0:
            cache_state = "idle"
        elif hit_ratio < 0.5 * expected:
            cache_state = "degraded"  # far below its steady state: cold or just flushed
        else:
            cache_state = "ok"
        made = Frame(
            t=at,
            progress=at / duration,
            series={
                "hit_ratio": round(hit_ratio, 4),
                "lru_limit": round(lru_limit, 4),
                "ttl_limit": round(ttl_limit, 4),
                "request_rps": round(frame_requests / step, 3),
                "backend_rps": round(backend_rps, 3),
                "capacity_rps": capacity,
                "p50_ms": percentile_ms(frame_latencies, 50),
                "p99_ms": percentile_ms(frame_latencies, 99),
                "cache_entries": len(cache),
                "backend_queue": queue,
            },
            events=sorted(events, key=lambda e: e.t),
            nodes={"clients": "ok" if frame_requests else "idle", "cache": cache_state, "backend": backend_state},
        )
        events.clear()
        frame_requests = frame_hits = frame_backend = 0
        frame_latencies.clear()
        return made

    k = 0
    for i, (t, key) in enumerate(zip(times, keys, strict=True)):
        while k < n_frames - 1 and t >= (k + 1) * step:
            yield frame(k)
            k += 1
        if (pending and pending[0][0] <= t) or flush_at <= t:
            advance(t)
        in_steady = steady_from <= t < steady_to
        frame_requests += 1
        if cache.lookup(key, t):
            hit = True
            hits += 1
            frame_hits += 1
            latency = hit_s
        elif coalescing and key in in_flight:
            hit = False
            coalesced += 1
            latency = hit_s + in_flight[key] - t
        else:
            hit = False
            if key in in_flight:
                duplicates += 1
            finish = backend.submit(t)
            heapq.heappush(pending, (finish, i, key))
            in_flight[key] = max(finish, in_flight.get(key, 0.0))
            max_queue = max(max_queue, len(pending))
            backend_requests += 1
            frame_backend += 1
            backend_per_second[min(int(t), seconds - 1)] += 1
            steady_backend += in_steady
            latency = hit_s + finish - t
        latencies.append(latency)
        frame_latencies.append(latency)
        if in_steady:
            steady_requests += 1
            steady_hits += hit
        if not state["warm"] and expected > 0:
            window.append((t, hit))
            window_hits += hit
            while window[0][0] <= t - 1.0:
                window_hits -= window.popleft()[1]
            if t - state["cold_since"] >= 1.0 and window_hits >= 0.9 * expected * len(window):
                state["warm"] = True
                window.clear()
                window_hits = 0
                events.append(
                    Event(t, "warm", Text(f"Cache warm: hit ratio over the last second reached 90 % of its steady state ({expected:.2f})", f"キャッシュが温まりました。直近 1 秒のヒット率が定常値（{expected:.2f}）の 90 % に達しました"))
                )  # fmt: skip
    while k < n_frames:
        yield frame(k)
        k += 1

    requests = len(times)
    yield Result(
        {
            "hit_ratio": round(hits / requests, 6) if requests else 0.0,
            "steady_hit_ratio": round(steady_hits / steady_requests, 6) if steady_requests else 0.0,
            "analytic_hit_ratio": None if analytic is None else round(analytic, 6),
            "lru_limit_hit_ratio": round(lru_limit, 6),
            "ttl_limit_hit_ratio": round(ttl_limit, 6),
            "che_time_s": None if che_time == math.inf else round(che_time / rate, 6),
            "backend_rps": round(backend_requests / duration, 3),
            "steady_backend_rps": round(steady_backend / (steady_to - steady_from), 3),
            "peak_backend_rps": max(backend_per_second, default=0),
            "backend_overloaded_s": sum(
                1 for s, got in enumerate(backend_per_second) if got > capacity * min(1.0, duration - s)
            ),
            "p50_ms": percentile_ms(latencies, 50),
            "p99_ms": percentile_ms(latencies, 99),
            "mean_ms": round(sum(latencies) / requests * 1000, 3) if requests else 0.0,
            "max_backend_queue": max_queue,
            "requests": requests,
            "hits": hits,
            "coalesced": coalesced,
            "backend_requests": backend_requests,
            "duplicate_fetches": duplicates,
        }
    )


# A cold cache in front of a backend that cannot carry the traffic on its own:
# 500 req/s against 200 req/s of capacity, a hit ratio of 0.77 once warm.
COLD_START = {
    "keys": 10000,
    "zipf_s": 1.0,
    "cache_size": 2000,
    "ttl_s": 0.0,
    "request_rate": 500.0,
    "backend_capacity_rps": 200.0,
    "backend_workers": 10,
    "hit_ms": 1.0,
    "duration_s": 60.0,
    "flush_at_s": 0.0,
    "coalescing": False,
}
# A warm cache with a hit ratio of 0.87 at 1000 req/s is flushed half way through:
# the backend, sized for the 130 req/s of misses, suddenly sees most of the traffic.
RESTART = {
    **COLD_START,
    "keys": 1000,
    "cache_size": 500,
    "request_rate": 1000.0,
    "duration_s": 40.0,
    "flush_at_s": 20.0,
}

SCENARIO = Scenario(
    slug="caching-layer",
    pattern="caching-layer",
    title=Text("Caching layer", "キャッシュレイヤー"),
    description=Text(
        "Requests for keys of Zipf popularity arrive at an LRU cache with a TTL; misses go to a backend of limited "
        "capacity that queues what it cannot serve at once. Watch the hit ratio climb as a cold cache warms up and "
        "the backend's load fall with it, a cache too small for the working set, a short TTL, and a cache restart "
        "whose misses pile onto the backend, with and without request coalescing. The measured hit ratio is checked "
        "against Che's approximation for LRU and the exact hit ratio of a TTL cache.",
        "人気度が Zipf 分布に従うキーへのリクエストが、TTL 付きの LRU キャッシュに届きます。ミスしたリクエストは処理能力に限りのある"
        "バックエンドへ送られ、すぐに処理できない分はキューで待ちます。冷えたキャッシュが温まるにつれてヒット率が上がり、バックエンドの"
        "負荷が下がっていく様子のほか、ワーキングセットに対して小さすぎるキャッシュ、短い TTL、キャッシュの再起動でミスがバックエンドに"
        "押し寄せる様子を確かめられます。再起動については、リクエストの集約がある場合とない場合を比べられます。測定したヒット率は、LRU に対する"
        "Che の近似や、TTL キャッシュの厳密なヒット率と照らし合わせます。",
    ),
    params=(
        Param(
            "keys",
            "int",
            10000,
            Text("Keys", "キーの数"),
            Text(
                "Size of the key space: how many distinct objects clients ask for.",
                "キー空間の大きさ、つまりクライアントが要求する異なるオブジェクトの数です。",
            ),
            min=1,
            max=100000,
        ),
        Param(
            "zipf_s",
            "float",
            1.0,
            Text("Zipf exponent", "Zipf 指数"),
            Text(
                "Key popularity: the i-th most popular key is asked for with probability proportional to i^-s. "
                "0 makes every key equally popular; around 1 is typical of web traffic.",
                "キーの人気度の偏りです。i 番目に人気のキーは i^-s に比例する確率で要求されます。0 ならすべてのキーが同じ人気で、"
                "Web のトラフィックでは 1 前後が典型的です。",
            ),
            min=0,
            max=2,
            step=0.05,
        ),
        Param(
            "cache_size",
            "int",
            2000,
            Text("Cache size", "キャッシュの容量"),
            Text(
                "Entries the cache holds; when it is full, storing a new one evicts the least recently used (LRU). "
                "0 means no cache.",
                "キャッシュに保持できるエントリーの数です。満杯のときに新しいエントリーを保存すると、最も長く使われていないもの（LRU）が"
                "追い出されます。0 ならキャッシュを使いません。",
            ),
            unit="entries",
            min=0,
            max=100000,
        ),
        Param(
            "ttl_s",
            "float",
            0.0,
            Text("TTL", "TTL"),
            Text(
                "How long an entry stays valid, counted from the moment the backend's response is stored; hits do not "
                "extend it. 0 means entries never expire.",
                "エントリーが有効な時間です。バックエンドの応答を保存した時点から数え、ヒットしても延長されません。0 ならエントリーは期限切れになりません。",
            ),
            unit="s",
            min=0,
            max=3600,
            step=0.1,
        ),
        Param(
            "request_rate",
            "float",
            500.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of client requests (Poisson arrivals).",
                "クライアントからのリクエストの平均レートです（ポアソン到着）。",
            ),
            unit="req/s",
            min=1,
            max=2000,
            step=1,
        ),
        Param(
            "backend_capacity_rps",
            "float",
            200.0,
            Text("Backend capacity", "バックエンドの処理能力"),
            Text(
                "Requests per second the backend can complete; misses beyond that wait in its queue.",
                "バックエンドが 1 秒あたりに処理できるリクエスト数です。これを超えたミスはキューで待ちます。",
            ),
            unit="req/s",
            min=1,
            max=5000,
            step=1,
        ),
        Param(
            "backend_workers",
            "int",
            10,
            Text("Backend workers", "バックエンドのワーカー数"),
            Text(
                "Requests the backend works on at once. Each takes on average workers / capacity seconds "
                "(10 workers at 200 req/s: 50 ms).",
                "バックエンドが同時に処理するリクエストの数です。1 件の処理には平均で「ワーカー数 ÷ 処理能力」秒かかります"
                "（ワーカー 10、200 req/s なら 50 ms）。",
            ),
            min=1,
            max=1000,
        ),
        Param(
            "hit_ms",
            "float",
            1.0,
            Text("Cache lookup time", "キャッシュの参照時間"),
            Text(
                "Time to answer a hit; a miss costs this plus its time at the backend.",
                "ヒットしたときに応答するまでの時間です。ミスしたときは、これにバックエンドでの時間が加わります。",
            ),
            unit="ms",
            min=0,
            max=1000,
            step=0.1,
        ),
        Param(
            "duration_s",
            "float",
            60.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=1,
            max=300,
            step=1,
        ),
        Param(
            "flush_at_s",
            "float",
            0.0,
            Text("Flush the cache at", "キャッシュを消去する時刻"),
            Text(
                "The cache loses every entry at this moment, as when it restarts. 0 means never.",
                "この時刻にキャッシュがすべてのエントリーを失います（再起動したときと同じです）。0 なら消去しません。",
            ),
            unit="s",
            min=0,
            max=300,
            step=0.1,
        ),
        Param(
            "coalescing",
            "bool",
            False,
            Text("Request coalescing", "リクエストの集約"),
            Text(
                "When on, requests that miss a key already being fetched wait for that fetch instead of sending their "
                "own backend request.",
                "オンにすると、取得中のキーでミスしたリクエストは、自分ではバックエンドに送らず、進行中の取得の結果を待ちます。",
            ),
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="hit_ratio",
            title=Text("Hit ratio", "ヒット率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share of requests", "リクエストに占める割合"),
            series=(
                Series("hit_ratio", Text("measured", "実測")),
                Series("lru_limit", Text("LRU limit (Che)", "LRU による上限（Che の近似）")),
                Series("ttl_limit", Text("TTL limit", "TTL による上限")),
            ),
        ),
        Chart(
            id="backend",
            title=Text("Load on the backend", "バックエンドの負荷"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series("request_rps", Text("client requests", "クライアントのリクエスト")),
                Series("backend_rps", Text("backend requests (misses)", "バックエンドへのリクエスト（ミス）")),
                Series("capacity_rps", Text("backend capacity", "バックエンドの処理能力")),
            ),
        ),
        Chart(
            id="latency",
            title=Text("Response time", "応答時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms", "ミリ秒"),
            series=(Series("p50_ms", Text("p50", "p50")), Series("p99_ms", Text("p99", "p99"))),
        ),
        Chart(
            id="state",
            title=Text("Cache entries and backend queue", "キャッシュのエントリー数とバックエンドのキュー"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("count", "件数"),
            series=(
                Series("cache_entries", Text("entries in the cache", "キャッシュ内のエントリー")),
                Series(
                    "backend_queue",
                    Text("requests at the backend (waiting or served)", "バックエンド内のリクエスト（待機中・処理中）"),
                ),
            ),
        ),
    ),  # fmt: skip
    run=run,
    results=(
        Measure(
            "hit_ratio",
            Text("Hit ratio", "ヒット率"),
            help=Text(
                "Hits over all requests, warm-up included.",
                "全リクエストに対するヒットの割合です。ウォームアップ中のリクエストも含みます。",
            ),
        ),
        Measure(
            "steady_hit_ratio",
            Text("Steady-state hit ratio", "定常状態のヒット率"),
            help=Text(
                "Hit ratio over the second half of the run before any flush.",
                "キャッシュを消去しなければ実行の後半、消去した場合は消去までの期間の後半のヒット率です。",
            ),
        ),
        Measure(
            "analytic_hit_ratio",
            Text("Analytic hit ratio", "ヒット率の理論値"),
            help=Text(
                "Che's approximation without a TTL; the TTL formula when every key fits; empty when both limits apply.",
                "TTL がなければ Che の近似、全キーが収まれば TTL の式による値です。両方の制約がかかるときは値がありません。",
            ),
        ),
        Measure("lru_limit_hit_ratio", Text("LRU limit (Che)", "LRU による上限（Che の近似）")),
        Measure("ttl_limit_hit_ratio", Text("TTL limit", "TTL による上限")),
        Measure(
            "che_time_s",
            Text("Che's characteristic time", "Che の特性時間"),
            "s",
            Text(
                "How long a key stays in the LRU cache after its last request; empty when every key fits.",
                "最後のリクエストの後、キーが LRU キャッシュに残る時間です。全キーが収まるときは値がありません。",
            ),
        ),
        Measure(
            "backend_rps",
            Text("Backend load", "バックエンドの負荷"),
            "req/s",
            Text("Mean rate of requests sent to the backend.", "バックエンドに送られたリクエストの平均レートです。"),
        ),
        Measure("steady_backend_rps", Text("Backend load, steady state", "定常状態のバックエンドの負荷"), "req/s"),
        Measure("peak_backend_rps", Text("Busiest second at the backend", "バックエンドが最も混んだ 1 秒"), "req"),
        Measure(
            "backend_overloaded_s",
            Text("Seconds the backend was overloaded", "バックエンドが過負荷だった秒数"),
            "s",
            Text(
                "Whole seconds in which the backend received more requests than its capacity.",
                "バックエンドに処理能力を超えるリクエストが届いた 1 秒区間の数です。",
            ),
        ),
        Measure("p50_ms", Text("p50 response time", "応答時間の p50"), "ms"),
        Measure("p99_ms", Text("p99 response time", "応答時間の p99"), "ms"),
        Measure("mean_ms", Text("Mean response time", "平均応答時間"), "ms"),
        Measure(
            "max_backend_queue",
            Text("Most requests at the backend at once", "バックエンドに同時にあったリクエストの最大数"),
            help=Text("Waiting or being served.", "待機中と処理中のリクエストの合計です。"),
        ),
        Measure("requests", Text("Requests", "リクエスト数")),
        Measure("hits", Text("Hits", "ヒット数")),
        Measure(
            "coalesced",
            Text("Requests that waited for a fetch in flight", "進行中の取得を待ったリクエスト"),
            help=Text("Only with request coalescing.", "リクエストの集約がオンのときだけ数えます。"),
        ),
        Measure("backend_requests", Text("Backend requests (misses)", "バックエンドへのリクエスト（ミス）")),
        Measure(
            "duplicate_fetches",
            Text("Duplicate fetches", "重複した取得"),
            help=Text(
                "Misses sent to the backend while a fetch of the same key was already in flight: the thundering herd.",
                "同じキーの取得がすでに進行中なのに、バックエンドへ送られたミスです。いわゆるサンダリングハード（thundering herd）です。",
            ),
        ),
    ),  # fmt: skip
    source=Text(
        "Che's approximation for LRU caches (Che, Tung and Wang, IEEE JSAC 2002; Fricker, Robert and Roberts, 2012); "
        "the hit probability λT/(1 + λT) of a TTL cache under Poisson requests",
        "LRU キャッシュに対する Che の近似（Che、Tung、Wang、IEEE JSAC、2002 年。Fricker、Robert、Roberts、2012 年）、"
        "ポアソン到着のもとで TTL キャッシュがヒットする確率 λT/(1 + λT)",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.12, 0.5),
            Node("cache", Text("Cache (LRU + TTL)", "キャッシュ（LRU + TTL）"), 0.5, 0.5),
            Node("backend", Text("Backend service", "バックエンドのサービス"), 0.88, 0.5),
        ),
        links=(("clients", "cache"), ("cache", "backend")),
    ),
    presets=(
        Preset("cold-start", Text("A cold cache warms up", "冷えたキャッシュが温まる"), COLD_START),
        Preset(
            "too-small",
            Text("Cache too small for the working set", "ワーキングセットに対して小さすぎるキャッシュ"),
            {**COLD_START, "cache_size": 200, "duration_s": 30.0},
        ),
        # Room for every key, but a 2 s TTL: the hit ratio stops at 0.53 and the
        # backend, given 300 req/s here, carries 235 of the 500 req/s.
        Preset(
            "short-ttl",
            Text("A short TTL caps the hit ratio", "短い TTL がヒット率を抑える"),
            {**COLD_START, "cache_size": 10000, "ttl_s": 2.0, "backend_capacity_rps": 300.0},
        ),
        Preset(
            "restart-herd", Text("Cache restart: a thundering herd", "キャッシュの再起動：サンダリングハード"), RESTART
        ),
        Preset(
            "restart-coalesced",
            Text("Cache restart with request coalescing", "リクエストの集約ありでのキャッシュの再起動"),
            {**RESTART, "coalescing": True},
        ),
    ),  # fmt: skip
)
