# ruff: noqa: E501 - Japanese text counts double toward the line length
"""rate-limiting: a limiter in front of a service, under steady traffic and a sudden spike.

Requests arrive as a Poisson stream at `offered_rps`, spread evenly over
`clients`; at `spike_at_s` client 1 sends `spike_requests` at once (and again
`spike_gap_s` later when that is set). One shared
limiter admits or rejects (429) each request:

- token_bucket: holds at most `burst` tokens, starts full, refills continuously
  at `rate_per_s`; a request takes one token or is rejected. Over any interval
  of length T it admits at most burst + rate x T.
- fixed_window: at most floor(rate_per_s) requests per calendar second. Cheap,
  but a burst at the end of one window and another at the start of the next
  let up to twice the rate through within one second.
- sliding_window: at most floor(rate_per_s) requests in any trailing second
  (an exact sliding log), so no one-second span ever exceeds the rate.

Results: admitted, rejected, max_admitted_in_any_second (over every one-second
span, not only calendar seconds), jain_index (Jain's fairness index of the
admitted counts per client: 1 when all clients got the same share, 1/n when one
client got everything).
"""

from __future__ import annotations

import bisect
import math
import random
from collections import deque
from collections.abc import Iterator
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 400


def jain_index(values: list[float]) -> float:
    """(sum x)^2 / (n * sum x^2): 1 for equal shares, 1/n when one takes all."""
    total = sum(values)
    squares = sum(v * v for v in values)
    return 1.0 if squares == 0 else total * total / (len(values) * squares)


def max_in_any_window(times: list[float], width: float = 1.0) -> int:
    """The most timestamps (sorted) that fall in any half-open span [t, t + width)."""
    best = 0
    for i, start in enumerate(times):
        best = max(best, bisect.bisect_left(times, start + width, lo=i) - i)
    return best


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.capacity = rate, float(burst)
        self.tokens, self.updated = float(burst), 0.0

    def allow(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def level(self, now: float) -> float:
        return min(self.capacity, self.tokens + (now - self.updated) * self.rate)


class FixedWindow:
    def __init__(self, rate: float) -> None:
        self.limit = max(1, math.floor(rate))
        self.window, self.count = 0, 0

    def allow(self, now: float) -> bool:
        window = math.floor(now)
        if window != self.window:
            self.window, self.count = window, 0
        if self.count < self.limit:
            self.count += 1
            return True
        return False

    def level(self, now: float) -> float:
        return float(self.limit - (self.count if math.floor(now) == self.window else 0))


class SlidingWindow:
    def __init__(self, rate: float) -> None:
        self.limit = max(1, math.floor(rate))
        self.log: deque[float] = deque()

    def allow(self, now: float) -> bool:
        while self.log and self.log[0] <= now - 1.0:
            self.log.popleft()
        if len(self.log) < self.limit:
            self.log.append(now)
            return True
        return False

    def level(self, now: float) -> float:
        return float(self.limit - sum(1 for t in self.log if t > now - 1.0))


def make_limiter(params: dict[str, Any]):
    algorithm = params["algorithm"]
    if algorithm == "token_bucket":
        return TokenBucket(params["rate_per_s"], params["burst"])
    if algorithm == "fixed_window":
        return FixedWindow(params["rate_per_s"])
    return SlidingWindow(params["rate_per_s"])


def spike_times(params: dict[str, Any]) -> list[float]:
    """When client 1's spikes land: one at spike_at_s, and a second spike_gap_s later if set."""
    if not params["spike_requests"]:
        return []
    times = [params["spike_at_s"]]
    if params["spike_gap_s"] > 0:
        times.append(params["spike_at_s"] + params["spike_gap_s"])
    return [t for t in times if t < params["duration_s"]]


def arrivals(params: dict[str, Any], rng: random.Random) -> Iterator[tuple[float, int]]:
    """(time, client) in time order: the Poisson stream with the spikes merged in."""
    duration, offered, clients = params["duration_s"], params["offered_rps"], params["clients"]
    spikes = spike_times(params)
    t = rng.expovariate(offered) if offered > 0 else math.inf
    while t < duration or spikes:
        if spikes and spikes[0] <= t:
            at = spikes.pop(0)
            for _ in range(params["spike_requests"]):
                yield at, 0
            continue
        yield t, rng.randrange(clients)
        t += rng.expovariate(offered)


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = random.Random(seed)
    duration = params["duration_s"]
    limiter = make_limiter(params)
    step = max(0.1, duration / MAX_FRAMES)
    admitted_by_client = [0] * params["clients"]
    admitted_times: list[float] = []
    rejected = 0
    frame_offered = frame_admitted = frame_rejected = 0
    frame_end = step
    rejecting = False
    events: list[Event] = []

    def frame(at: float) -> Frame:
        nonlocal frame_offered, frame_admitted, frame_rejected
        width = step
        states = {
            "clients": "ok",
            "limiter": "busy" if frame_rejected else "ok",
            "service": "busy" if frame_admitted / width >= 0.9 * params["rate_per_s"] else "ok",
        }
        made = Frame(
            t=at,
            progress=at / duration,
            series={
                "offered": round(frame_offered / width, 3),
                "admitted": round(frame_admitted / width, 3),
                "rejected": round(frame_rejected / width, 3),
                "level": round(limiter.level(at), 3),
            },
            events=list(events),
            nodes=states,
        )
        events.clear()
        frame_offered = frame_admitted = frame_rejected = 0
        return made

    spikes_due = spike_times(params)
    for t, client in arrivals(params, rng):
        while t >= frame_end and frame_end <= duration + 1e-9:
            yield frame(frame_end)
            frame_end += step
        if spikes_due and client == 0 and t == spikes_due[0]:
            spikes_due.pop(0)
            n = params["spike_requests"]
            events.append(
                Event(
                    t, "spike",
                    Text(en=f"Client 1 sends {n} requests at once", ja=f"クライアント 1 が {n} 件のリクエストを一度に送りました"),
                )
            )  # fmt: skip
        frame_offered += 1
        if limiter.allow(t):
            admitted_by_client[client] += 1
            admitted_times.append(t)
            frame_admitted += 1
            if rejecting:
                rejecting = False
                events.append(
                    Event(
                        t, "admitting", Text(en="Requests are admitted again", ja="リクエストの受け付けを再開しました")
                    )
                )
        else:
            rejected += 1
            frame_rejected += 1
            if not rejecting:
                rejecting = True
                events.append(
                    Event(
                        t, "rejecting", Text(en="Limit reached: answering 429", ja="上限に達し、429 を返し始めました")
                    )
                )
    while frame_end <= duration + 1e-9:
        yield frame(frame_end)
        frame_end += step

    yield Result(
        {
            "admitted": len(admitted_times),
            "rejected": rejected,
            "max_admitted_in_any_second": max_in_any_window(admitted_times),
            "jain_index": round(jain_index(admitted_by_client), 6),
            "offered": len(admitted_times) + rejected,
            "admitted_bound": (
                params["burst"] + params["rate_per_s"] * duration
                if params["algorithm"] == "token_bucket"
                else math.floor(params["rate_per_s"]) * math.ceil(duration)
            ),
        }
    )


# Two spikes of 15 just before and just after the 10 s window edge: the case where
# a fixed window and a sliding log part ways.
BOUNDARY_SPIKES = {
    "rate_per_s": 10,
    "burst": 10,
    "offered_rps": 0,
    "spike_requests": 15,
    "spike_at_s": 9.95,
    "spike_gap_s": 0.1,
    "duration_s": 20,
    "clients": 5,
}

SCENARIO = Scenario(
    slug="rate-limiting",
    pattern="rate-limiting",
    title=Text("Rate limiting", "レート制限"),
    description=Text(
        "Steady Poisson traffic from several clients, then one client sends a burst all at once. A single limiter "
        "in front of the service admits or rejects each request with a token bucket, a fixed window or a sliding "
        "window. Watch how much of the burst gets through, whether any one-second span exceeds the rate, and how "
        "evenly the admitted requests are shared between clients.",
        "複数のクライアントからポアソン到着の一定のトラフィックが届き、途中で 1 つのクライアントが大量のリクエストを一度に送ります（バースト）。"
        "サービスの手前に置いた 1 つのリミッターが、トークンバケット、固定ウィンドウ、スライディングウィンドウのいずれかで"
        "各リクエストを受け付けるか拒否するかを決めます。バーストのうちどれだけが通るか、どこかの 1 秒間でレートを超えていないか、"
        "受け付けたリクエストがクライアント間でどれだけ均等に分かれたかを確かめられます。",
    ),
    params=(
        Param(
            "algorithm",
            "choice",
            "token_bucket",
            Text("Algorithm", "アルゴリズム"),
            Text("How the limiter decides.", "リミッターの判定方法です。"),
            choices=(
                Choice("token_bucket", Text("Token bucket", "トークンバケット")),
                Choice("fixed_window", Text("Fixed window", "固定ウィンドウ")),
                Choice("sliding_window", Text("Sliding window (log)", "スライディングウィンドウ（ログ方式）")),
            ),
        ),
        Param(
            "rate_per_s",
            "float",
            10.0,
            Text("Rate", "レート"),
            Text(
                "Requests per second the limiter allows on average.",
                "リミッターが平均して許可する 1 秒あたりのリクエスト数です。",
            ),
            unit="req/s",
            min=1,
            max=5000,
            step=1,
        ),
        Param(
            "burst",
            "int",
            20,
            Text("Burst (bucket size)", "バースト（バケットの容量）"),
            Text(
                "Tokens the bucket holds; it starts full. Only the token bucket uses it.",
                "バケットにためておけるトークンの数です。最初は満杯です。トークンバケットでのみ使います。",
            ),
            min=1,
            max=100000,
        ),
        Param(
            "offered_rps",
            "float",
            8.0,
            Text("Offered load", "到着率"),
            Text(
                "Mean rate of the steady Poisson traffic; 0 for none.",
                "一定のトラフィック（ポアソン到着）の平均レートです。0 なら流しません。",
            ),
            unit="req/s",
            min=0,
            max=5000,
            step=1,
        ),
        Param(
            "spike_requests",
            "int",
            50,
            Text("Spike size", "スパイクのリクエスト数"),
            Text("Requests client 1 sends all at once.", "クライアント 1 が一度に送るリクエストの数です。"),
            min=0,
            max=100000,
        ),
        Param(
            "spike_at_s",
            "float",
            10.0,
            Text("Spike at", "スパイクの時刻"),
            Text("When the spike is sent.", "スパイクを送る時刻です。"),
            unit="s",
            min=0,
            max=600,
            step=0.1,
        ),
        Param(
            "spike_gap_s",
            "float",
            0.0,
            Text("Second spike after", "2 回目のスパイクまでの間隔"),
            Text(
                "0 sends one spike; otherwise the same spike is sent again this much later.",
                "0 ならスパイクは 1 回だけです。0 より大きければ、この時間の後に同じスパイクをもう一度送ります。",
            ),
            unit="s",
            min=0,
            max=60,
            step=0.05,
        ),
        Param(
            "duration_s",
            "float",
            30.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=1,
            max=120,
            step=1,
        ),
        Param(
            "clients",
            "int",
            5,
            Text("Clients", "クライアント数"),
            Text(
                "The steady traffic is spread evenly over this many clients.",
                "一定のトラフィックを、この数のクライアントに均等に割り振ります。",
            ),
            min=1,
            max=1000,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="traffic",
            title=Text("Requests per second", "1 秒あたりのリクエスト数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series("offered", Text("offered", "到着")),
                Series("admitted", Text("admitted", "受け付け")),
                Series("rejected", Text("rejected (429)", "拒否（429）")),
            ),
        ),
        Chart(
            id="level",
            title=Text("Room left in the limiter", "リミッターの残り枠"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests", "リクエスト数"),
            series=(Series("level", Text("tokens or window room", "トークン数またはウィンドウの残り")),),
        ),
    ),
    run=run,
    results=(
        Measure("admitted", Text("Admitted", "受け付けた数"), "req"),
        Measure("rejected", Text("Rejected (429)", "拒否した数（429）"), "req"),
        Measure(
            "max_admitted_in_any_second",
            Text("Most admitted in any one second", "任意の 1 秒間に受け付けた最大数"),
            "req",
            Text(
                "Over every one-second span, not only calendar seconds.",
                "整数秒の区切りに限らず、任意の 1 秒間で数えます。",
            ),
        ),
        Measure(
            "jain_index",
            Text("Fairness between clients (Jain's index)", "クライアント間の公平性（Jain の公平性指標）"),
            help=Text(
                "1 when every client got the same share; 1/n when one client got everything.",
                "全クライアントが同じ数だけ受け付けられたら 1、1 つのクライアントが独占したら 1/n です。",
            ),
        ),
        Measure("offered", Text("Offered", "到着数"), "req"),
        Measure(
            "admitted_bound",
            Text("Most the algorithm may admit", "アルゴリズム上の受け付け上限"),
            "req",
            Text(
                "Token bucket: burst + rate × duration; windows: the limit per second × the seconds started.",
                "トークンバケットではバースト + レート × 時間、ウィンドウ方式では 1 秒あたりの上限 × 始まったウィンドウの数です。",
            ),
        ),
    ),
    source=Text(
        "The token bucket's bound of burst + rate × T in any interval T (RFC 2697); the fixed window's edge effect; "
        "Jain's fairness index (Jain, Chiu and Hawe, 1984)",
        "任意の長さ T の区間でバースト + レート × T を超えないというトークンバケットの上限（RFC 2697）、固定ウィンドウの境界で起きる超過、"
        "Jain の公平性指標（Jain、Chiu、Hawe、1984 年）",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.12, 0.5),
            Node("limiter", Text("Rate limiter", "レートリミッター"), 0.5, 0.5),
            Node("service", Text("Service", "サービス"), 0.88, 0.5),
        ),
        links=(("clients", "limiter"), ("limiter", "service")),
    ),
    presets=(
        Preset(
            "bucket-absorbs-burst",
            Text("A bucket absorbs a burst", "バケットがバーストを吸収する"),
            {
                "algorithm": "token_bucket",
                "rate_per_s": 10,
                "burst": 20,
                "offered_rps": 5,
                "spike_requests": 50,
                "spike_at_s": 10,
                "spike_gap_s": 0,
                "duration_s": 30,
                "clients": 5,
            },
        ),
        Preset(
            "window-boundary",
            Text("Fixed window: twice the rate across a boundary", "固定ウィンドウ：境界をまたぐとレートの 2 倍"),
            {**BOUNDARY_SPIKES, "algorithm": "fixed_window"},
        ),
        Preset(
            "sliding-holds",
            Text("Sliding window holds the line", "スライディングウィンドウは上限を守る"),
            {**BOUNDARY_SPIKES, "algorithm": "sliding_window"},
        ),
        Preset(
            "overload",
            Text("Sustained overload", "過負荷が続く"),
            {
                "algorithm": "token_bucket",
                "rate_per_s": 50,
                "burst": 100,
                "offered_rps": 200,
                "spike_requests": 0,
                "spike_at_s": 0,
                "spike_gap_s": 0,
                "duration_s": 60,
                "clients": 20,
            },
        ),
    ),  # fmt: skip
)
