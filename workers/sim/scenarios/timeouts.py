# ruff: noqa: E501 - Japanese text counts double toward the line length
"""timeouts: a client with a per-attempt timeout and retries calls a healthy, heavy-tailed service.

Calls arrive as a Poisson stream at `request_rate` for `duration_s`. Each
attempt's service time is drawn independently from a lognormal distribution
fitted to `median_ms` and `p99_ms`: mu = ln(median), sigma = ln(p99 / median)
/ 2.3263 (2.3263 is the standard normal's 99th percentile). The service never
fails: given time, it answers every attempt.

The client gives each attempt `timeout_ms`. An attempt not answered by then is
abandoned and, if the call has retries left (`retries`), sent again at once; a
call whose every attempt timed out fails when its last attempt does. Every
timeout is therefore a false timeout: the server would have answered. The
server does not learn that the client gave up and finishes the abandoned work
anyway, so each retry is extra load.

`server_workers` = 0 models a server with room for any load: the latency does
not depend on how many attempts arrive. With `server_workers` > 0 the server
has that many workers taking attempts first come, first served; attempts queue
for a free worker, and the queue wait adds to the latency the client sees. With
`drop_expired` the server checks, when a worker takes an attempt, whether its
caller has already timed out (the deadline travelled with the request), and
drops it without doing the work. `slow_at_s` (0 = never) starts a slowdown: for
`slow_for_s` seconds every attempt that starts service is `slow_factor` times
slower, as during a garbage-collection pause.

Results: false_timeout_rate (timed-out attempts / attempts; all are false
timeouts), failure_rate (calls that failed after every retry), extra_load
(attempts caused by retries / calls), p99_ms and p50_ms (the latency the client
sees, retries included; a failed call counts at the moment the client gives
up), wasted_work_share (the server's work spent on attempts whose answer
nobody took), and the analytic values for an unloaded server beside them:
P = P(X > timeout) = 1 - Phi((ln timeout - mu) / sigma) per attempt, P^(retries+1)
failed calls, and sum_{k=1..retries} P^k extra load.
Calls that start before the end are followed to their last attempt.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from statistics import NormalDist
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Param, Preset
from ..stats import percentile_ms

MAX_FRAMES = 400
MIN_STEP_S = 0.25
Z99 = NormalDist().inv_cdf(0.99)  # 2.3263


def lognormal_fit(median_ms: float, p99_ms: float) -> tuple[float, float]:
    """(mu, sigma) of ln(latency in seconds) for a lognormal with this median and p99.

    A p99 below the median cannot be fitted; it is taken as equal (constant latency).
    """
    sigma = max(0.0, math.log(p99_ms / median_ms) / Z99)
    return math.log(median_ms / 1000), sigma


def lognormal_cdf(x: float, mu: float, sigma: float) -> float:
    if x <= 0:
        return 0.0
    if sigma == 0:
        return 1.0 if math.log(x) >= mu else 0.0
    return NormalDist().cdf((math.log(x) - mu) / sigma)


def lognormal_quantile(q: float, mu: float, sigma: float) -> float:
    if q <= 0:
        return 0.0
    return math.exp(mu + sigma * NormalDist().inv_cdf(min(q, 1 - 1e-15)))


def timeout_probability(timeout_s: float, mu: float, sigma: float) -> float:
    """P(X > timeout): the share of attempts an unloaded server answers too late."""
    return 1.0 - lognormal_cdf(timeout_s, mu, sigma)


def analytic_failure_rate(p: float, retries: int) -> float:
    return p ** (retries + 1)


def analytic_extra_load(p: float, retries: int) -> float:
    return sum(p**k for k in range(1, retries + 1))


def analytic_latency_quantile(q: float, timeout_s: float, retries: int, mu: float, sigma: float) -> float:
    """The q-quantile of the latency a client sees, retries included, from an unloaded server.

    P(latency <= k*t) = 1 - P^k for k = 0..retries; in between, attempt k answers
    after k*t + X with X <= t. A call that fails counts at (retries + 1) * t.
    """
    p = timeout_probability(timeout_s, mu, sigma)
    for k in range(retries + 1):
        below = 1.0 - p**k  # calls answered by an earlier attempt
        if q < 1.0 - p ** (k + 1):
            return k * timeout_s + lognormal_quantile((q - below) / p**k, mu, sigma)
    return (retries + 1) * timeout_s


def percentile_label(share_below: float) -> str:
    """0.999 -> 'p99.9', 0.5 -> 'p50'; beyond the p99.99, 'p99.99+'."""
    if share_below >= 0.99995:
        return "p99.99+"
    return f"p{round(share_below * 100, 2):g}"


def frame_count(duration: float) -> int:
    return max(1, min(MAX_FRAMES, math.ceil(duration / MIN_STEP_S)))


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    duration = float(params["duration_s"])
    timeout = params["timeout_ms"] / 1000
    retries = int(params["retries"])
    workers = int(params["server_workers"])
    drop_expired = bool(params["drop_expired"]) and workers > 0
    mu, sigma = lognormal_fit(params["median_ms"], params["p99_ms"])
    p_timeout = timeout_probability(timeout, mu, sigma)
    mean_service = math.exp(mu + sigma * sigma / 2)
    slow_from = float(params["slow_at_s"]) if params["slow_at_s"] > 0 else math.inf
    slow_to = slow_from + float(params["slow_for_s"])
    slow_factor = float(params["slow_factor"])

    rng = np.random.default_rng(seed)
    n = int(rng.poisson(params["request_rate"] * duration))
    starts = np.sort(rng.uniform(0.0, duration, n)).tolist()

    def service_times() -> Iterator[float]:
        while True:
            yield from np.exp(mu + sigma * rng.standard_normal(8192)).tolist()

    draw = service_times()
    free_at = [0.0] * workers  # a heap: when each worker next becomes free

    n_frames = frame_count(duration)
    step = duration / n_frames
    window = max(1, round(1.0 / step))

    def index(t: float) -> int:
        return min(n_frames - 1, int(t / step))

    calls_in = [0] * n_frames
    attempts_in = [0] * n_frames
    timeouts_in = [0] * n_frames
    failures_in = [0] * n_frames
    latencies_in: list[list[float]] = [[] for _ in range(n_frames)]
    # Difference arrays over frame ends: attempts at the server, and those whose caller gave up.
    at_server = [0] * (n_frames + 1)
    abandoned = [0] * (n_frames + 1)
    waiting = [0] * (n_frames + 1)

    def count_span(diff: list[int], start: float, end: float) -> None:
        """Count [start, end) at every frame end it covers; int(t / step - 1e-9) is the first end >= t."""
        if end > start and start < duration:
            diff[int(start / step - 1e-9)] += 1
            diff[min(n_frames, int(end / step - 1e-9))] -= 1

    latencies: list[float] = []
    attempts = timed_out = failed = dropped = 0
    work = wasted = busy_in_run = 0.0
    retry_heap: list[tuple[float, int, int]] = []  # (send time, call, attempt number)
    notes = {"first_timeout": None, "first_failure": None}

    def send(call: int, attempt: int, a: float) -> None:
        nonlocal attempts, timed_out, failed, dropped, work, wasted, busy_in_run
        attempts += 1
        if a < duration:
            attempts_in[index(a)] += 1
        service = next(draw)
        if workers:
            free = heapq.heappop(free_at)
            start = max(a, free)
        else:
            start = a
        if slow_from <= start < slow_to:
            service *= slow_factor
        if workers:
            if drop_expired and start >= a + timeout:
                heapq.heappush(free_at, free)  # the worker skips it and stays free
                dropped += 1
                count_span(at_server, a, start)
                count_span(waiting, a, start)
                count_span(abandoned, a + timeout, start)
                finish = math.inf
            else:
                finish = start + service
                heapq.heappush(free_at, finish)
                count_span(waiting, a, start)
        else:
            finish = a + service
        if finish < math.inf:
            work += service
            busy_in_run += max(0.0, min(finish, duration) - start)
            count_span(at_server, a, finish)
        if finish - a <= timeout:
            latency = finish - starts[call]
            latencies.append(latency)
            if finish < duration:
                latencies_in[index(finish)].append(latency)
            return
        timed_out += 1
        gave_up = a + timeout
        if finish < math.inf:
            wasted += service
            count_span(abandoned, gave_up, finish)
        if gave_up < duration:
            timeouts_in[index(gave_up)] += 1
        if notes["first_timeout"] is None:
            notes["first_timeout"] = gave_up
        if attempt < retries:
            heapq.heappush(retry_heap, (gave_up, call, attempt + 1))
            return
        failed += 1
        if notes["first_failure"] is None:
            notes["first_failure"] = gave_up
        latency = gave_up - starts[call]
        latencies.append(latency)
        if gave_up < duration:
            failures_in[index(gave_up)] += 1
            latencies_in[index(gave_up)].append(latency)

    percentile = percentile_label(1 - p_timeout)
    events: list[Event] = [
        Event(
            0.0, "setup",
            Text(
                f"Latency lognormal: median {params['median_ms']:g} ms, p99 {math.exp(mu + Z99 * sigma) * 1000:.4g} ms (sigma {sigma:.3f}); the {params['timeout_ms']:g} ms timeout sits at its {percentile}: {p_timeout * 100:.3g} % of attempts will time out",
                f"レイテンシーは対数正規分布です（中央値 {params['median_ms']:g} ms、p99 {math.exp(mu + Z99 * sigma) * 1000:.4g} ms、σ = {sigma:.3f}）。タイムアウト {params['timeout_ms']:g} ms は分布の {percentile} に当たり、試行の {p_timeout * 100:.3g} % がタイムアウトします",
            ),
        )
    ]  # fmt: skip
    if params["p99_ms"] < params["median_ms"]:
        events.append(
            Event(0.0, "fit", Text("p99 below the median cannot be fitted: the latency is taken as constant", "p99 が中央値より小さいため分布を当てはめられません。レイテンシーは一定とみなします"))
        )  # fmt: skip
    saturated = drained = storm = False
    running_at_server = running_waiting = running_abandoned = 0
    call = 0
    for k in range(n_frames):
        end = (k + 1) * step
        # Every send up to this frame's end, new calls and retries in time order.
        while True:
            next_call = starts[call] if call < n else math.inf
            next_retry = retry_heap[0][0] if retry_heap else math.inf
            if min(next_call, next_retry) > end:
                break
            if next_retry <= next_call:
                a, c, attempt = heapq.heappop(retry_heap)
                send(c, attempt, a)
            else:
                calls_in[index(next_call)] += 1
                send(call, 0, next_call)
                call += 1
        if slow_from < duration and k == index(slow_from):
            events.append(
                Event(slow_from, "slow", Text(f"The server slows down {slow_factor:g}x for {slow_to - slow_from:g} s", f"サーバーの処理が {slow_to - slow_from:g} 秒間、{slow_factor:g} 倍遅くなります"))
            )  # fmt: skip
        if slow_from < slow_to < duration and k == index(slow_to):
            events.append(
                Event(slow_to, "fast", Text("The server is back to its normal speed", "サーバーの処理速度が元に戻りました"))
            )  # fmt: skip
        running_at_server += at_server[k]
        running_waiting += waiting[k]
        running_abandoned += abandoned[k]
        if notes["first_timeout"] is not None and notes["first_timeout"] < end:
            events.append(
                Event(notes["first_timeout"], "timeout", Text("First timeout: the client abandons an attempt the server is still working on", "最初のタイムアウトが発生しました。サーバーがまだ処理中の試行を、クライアントが見限りました"))
            )  # fmt: skip
            notes["first_timeout"] = math.inf
        if notes["first_failure"] is not None and notes["first_failure"] < end:
            events.append(
                Event(notes["first_failure"], "failure", Text(f"First failed call: all {retries + 1} attempts timed out", f"最初の呼び出しが失敗しました。{retries + 1} 回の試行がすべてタイムアウトしています"))
            )  # fmt: skip
            notes["first_failure"] = math.inf
        if workers and not saturated and running_waiting > workers:
            saturated = True
            events.append(
                Event(end, "saturated", Text(f"Server saturated: {running_waiting} attempts wait for one of {workers} workers", f"サーバーが飽和しました。{running_waiting} 件の試行が、{workers} 台のワーカーの空きを待っています"))
            )  # fmt: skip
        if saturated and not drained and running_waiting == 0:
            drained = True
            events.append(
                Event(end, "drained", Text("Queue drained: the server has caught up", "キューが空になり、サーバーが追いつきました"))
            )  # fmt: skip
        if not storm and calls_in[k] >= 4 and attempts_in[k] >= 2 * calls_in[k]:
            storm = True
            events.append(
                Event(end, "storm", Text(f"Retries double the load: {attempts_in[k] / step:.0f} attempts/s for {calls_in[k] / step:.0f} calls/s", f"リトライで負荷が 2 倍になりました。毎秒 {calls_in[k] / step:.0f} 件の呼び出しに対して、試行は毎秒 {attempts_in[k] / step:.0f} 件です"))
            )  # fmt: skip
        if attempts_in[k] == 0 and running_at_server == 0:
            server_state = "idle"
        elif running_waiting > workers or running_abandoned * 2 > max(1, running_at_server):
            server_state = "degraded"  # a long queue, or mostly working for callers that left
        elif running_abandoned or (workers and running_at_server >= workers):
            server_state = "busy"
        else:
            server_state = "ok"
        if failures_in[k]:
            client_state = "degraded"
        elif timeouts_in[k]:
            client_state = "busy"
        else:
            client_state = "ok" if calls_in[k] else "idle"
        # Latency over the calls that ended in the last second (a frame alone may hold none).
        recent = [x for j in range(max(0, k - window + 1), k + 1) for x in latencies_in[j]]
        yield Frame(
            t=end,
            progress=end / duration,
            series={
                "calls_rps": round(calls_in[k] / step, 3),
                "attempts_rps": round(attempts_in[k] / step, 3),
                "timeouts_rps": round(timeouts_in[k] / step, 3),
                "failures_rps": round(failures_in[k] / step, 3),
                "p50_ms": percentile_ms(recent, 50),
                "p99_ms": percentile_ms(recent, 99),
                "timeout_ms": params["timeout_ms"],
                "in_flight": running_at_server,
                "abandoned": running_abandoned,
            },
            events=sorted(events, key=lambda e: e.t),
            nodes={"client": client_state, "server": server_state},
        )
        events.clear()
        if k - window + 1 >= 0:
            latencies_in[k - window + 1] = []
    # Follow the calls still under way to their end.
    while retry_heap:
        a, c, attempt = heapq.heappop(retry_heap)
        send(c, attempt, a)

    calls = n
    yield Result(
        {
            "false_timeout_rate": round(timed_out / attempts, 6) if attempts else 0.0,
            "failure_rate": round(failed / calls, 6) if calls else 0.0,
            "extra_load": round((attempts - calls) / calls, 6) if calls else 0.0,
            "p99_ms": percentile_ms(latencies, 99),
            "p50_ms": percentile_ms(latencies, 50),
            "analytic_false_timeout_rate": round(p_timeout, 6),
            "analytic_failure_rate": round(analytic_failure_rate(p_timeout, retries), 9),
            "analytic_extra_load": round(analytic_extra_load(p_timeout, retries), 6),
            "analytic_p99_ms": round(analytic_latency_quantile(0.99, timeout, retries, mu, sigma) * 1000, 3),
            "timeout_percentile": round(100 * (1 - p_timeout), 4),
            "sigma": round(sigma, 6),
            "mean_service_ms": round(mean_service * 1000, 3),
            "wasted_work_share": round(wasted / work, 6) if work else 0.0,
            "server_utilization": round(busy_in_run / (workers * duration), 6) if workers else None,
            "calls": calls,
            "attempts": attempts,
            "timeouts": timed_out,
            "failed": failed,
            "dropped_attempts": dropped,
        }
    )


# Median 50 ms and p99 400 ms put the p99.9 at about 790 ms.
HEALTHY = {
    "median_ms": 50.0,
    "p99_ms": 400.0,
    "timeout_ms": 800.0,
    "retries": 2,
    "request_rate": 200.0,
    "duration_s": 60.0,
    "server_workers": 0,
    "drop_expired": False,
    "slow_at_s": 0.0,
    "slow_for_s": 1.0,
    "slow_factor": 2.0,
}
# 20 workers at a mean service time of 75 ms serve about 270 attempts/s, so 230
# calls/s load them to 86 %. At 20 s the server works twice as slowly for one second.
SLOWDOWN = {
    **HEALTHY,
    "timeout_ms": 400.0,
    "retries": 3,
    "request_rate": 230.0,
    "server_workers": 20,
    "slow_at_s": 20.0,
}

SCENARIO = Scenario(
    slug="timeouts",
    pattern="timeouts",
    title=Text("Timeouts", "タイムアウト"),
    description=Text(
        "A client calls a healthy service whose latency is lognormal, fitted to a median and a p99. Each attempt "
        "gets a timeout; a late attempt is abandoned and retried, though the server still does the work. Compare a "
        "timeout at the median, which times out half the attempts and nearly doubles the load, with one at the "
        "p99.9, and see retries overload a server with a fixed number of workers. The measured rates are checked "
        "against the lognormal's tail probability.",
        "クライアントが健全なサービスを呼び出します。レイテンシーは中央値と p99 に合わせた対数正規分布です。各試行にはタイムアウトがあり、"
        "遅れた試行は見限ってリトライしますが、サーバーはその処理を最後まで続けます。半数の試行がタイムアウトして負荷がほぼ 2 倍になる"
        "中央値のタイムアウトと、p99.9 のタイムアウトを比べ、ワーカー数が固定されたサーバーがリトライで過負荷に陥る様子も確かめられます。"
        "測定した割合は、対数正規分布の裾の確率と照らし合わせます。",
    ),
    params=(
        Param(
            "median_ms",
            "float",
            50.0,
            Text("Median latency", "レイテンシーの中央値"),
            Text(
                "Half of the server's answers take less than this (an unloaded server).",
                "サーバーの応答の半数がこの時間より速く返ります（負荷のかかっていないサーバーの場合）。",
            ),
            unit="ms",
            min=0.1,
            max=10000,
            step=0.1,
        ),
        Param(
            "p99_ms",
            "float",
            400.0,
            Text("p99 latency", "レイテンシーの p99"),
            Text(
                "99 % of the server's answers take less than this. With the median it fixes the lognormal's spread: "
                "sigma = ln(p99 / median) / 2.3263.",
                "サーバーの応答の 99 % がこの時間より速く返ります。中央値と合わせて対数正規分布の広がりが決まります"
                "（σ = ln(p99 / 中央値) / 2.3263）。",
            ),
            unit="ms",
            min=0.1,
            max=60000,
            step=0.1,
        ),
        Param(
            "timeout_ms",
            "float",
            800.0,
            Text("Timeout per attempt", "試行ごとのタイムアウト"),
            Text(
                "The client abandons an attempt not answered within this time. The server is not told and finishes "
                "the work anyway.",
                "この時間内に応答のない試行を、クライアントは見限ります。サーバーはそれを知らされず、処理を最後まで続けます。",
            ),
            unit="ms",
            min=1,
            max=60000,
            step=1,
        ),
        Param(
            "retries",
            "int",
            2,
            Text("Retries", "リトライ回数"),
            Text(
                "How many times a timed-out call is sent again, at once, before it fails.",
                "タイムアウトした呼び出しを、失敗とする前にすぐ送り直す回数です。",
            ),
            min=0,
            max=10,
        ),
        Param(
            "request_rate",
            "float",
            200.0,
            Text("Call rate", "呼び出しレート"),
            Text("Mean rate of new calls (Poisson arrivals).", "新しい呼び出しの平均レートです（ポアソン到着）。"),
            unit="req/s",
            min=1,
            max=1000,
            step=1,
        ),
        Param(
            "duration_s",
            "float",
            60.0,
            Text("Duration", "シミュレーション時間"),
            Text(
                "Simulated time during which calls start; calls under way at the end are followed to their last attempt.",
                "新しい呼び出しを始めるシミュレーション上の時間です。終了時に進行中の呼び出しは、最後の試行まで追跡します。",
            ),
            unit="s",
            min=1,
            max=120,
            step=1,
        ),
        Param(
            "server_workers",
            "int",
            0,
            Text("Server workers", "サーバーのワーカー数"),
            Text(
                "0: the server has room for any load, so latency does not depend on it. Otherwise attempts queue for "
                "this many workers, and the wait adds to their latency.",
                "0 なら、サーバーはどれだけの負荷も受け止められ、レイテンシーは負荷に左右されません。1 以上なら、試行はこの数のワーカーを"
                "キューで待ち、その待ち時間がレイテンシーに加わります。",
            ),
            min=0,
            max=1000,
        ),
        Param(
            "drop_expired",
            "bool",
            False,
            Text("Server drops expired attempts", "期限切れの試行をサーバーが捨てる"),
            Text(
                "With workers: when a worker picks up an attempt whose client has already timed out (the deadline "
                "travels with the request), it drops it without doing the work.",
                "ワーカー数が 1 以上のときに使います。クライアントがすでにタイムアウトした試行をワーカーが取り出したら"
                "（期限はリクエストとともに伝わります）、処理せずに捨てます。",
            ),
        ),
        Param(
            "slow_at_s",
            "float",
            0.0,
            Text("Slowdown at", "減速の開始時刻"),
            Text(
                "From this moment the server works slower, by the slowdown factor for the slowdown length, as during "
                "a garbage-collection pause or a slow disk. 0 means never.",
                "この時刻から「減速の長さ」の間、サーバーの処理が「減速の倍率」倍遅くなります（GC による停止やディスクの遅延などを"
                "想定しています）。0 なら減速しません。",
            ),
            unit="s",
            min=0,
            max=120,
            step=0.1,
        ),
        Param(
            "slow_for_s",
            "float",
            1.0,
            Text("Slowdown length", "減速の長さ"),
            Text("How long the slowdown lasts.", "減速が続く時間です。"),
            unit="s",
            min=0,
            max=120,
            step=0.1,
        ),
        Param(
            "slow_factor",
            "float",
            2.0,
            Text("Slowdown factor", "減速の倍率"),
            Text(
                "Service times of attempts that start during the slowdown are multiplied by this.",
                "減速中に処理を始めた試行の処理時間に、この倍率を掛けます。",
            ),
            min=1,
            max=20,
            step=0.1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="load",
            title=Text("Calls and attempts", "呼び出しと試行"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("per second", "1 秒あたり"),
            series=(
                Series("calls_rps", Text("new calls", "新しい呼び出し")),
                Series(
                    "attempts_rps", Text("attempts at the server (with retries)", "サーバーへの試行（リトライを含む）")
                ),
            ),
        ),
        Chart(
            id="timeouts",
            title=Text("Timeouts and failures", "タイムアウトと失敗"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("per second", "1 秒あたり"),
            series=(
                Series("timeouts_rps", Text("attempts timed out", "タイムアウトした試行")),
                Series(
                    "failures_rps",
                    Text("calls failed (no retries left)", "失敗した呼び出し（リトライを使い切ったもの）"),
                ),
            ),
        ),
        Chart(
            id="latency",
            title=Text("Latency the client sees", "クライアントから見たレイテンシー"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms", "ミリ秒"),
            series=(
                Series("p50_ms", Text("p50", "p50")),
                Series("p99_ms", Text("p99", "p99")),
                Series("timeout_ms", Text("timeout", "タイムアウト")),
            ),
        ),
        Chart(
            id="server",
            title=Text("Work at the server", "サーバー上の処理"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("attempts", "試行数"),
            series=(
                Series("in_flight", Text("at the server (waiting or served)", "サーバー上（待機中・処理中）")),
                Series("abandoned", Text("of which the client gave up", "うちクライアントが見限ったもの")),
            ),
        ),
    ),  # fmt: skip
    run=run,
    results=(
        Measure(
            "false_timeout_rate",
            Text("False timeouts per attempt", "試行あたりの誤タイムアウト率"),
            help=Text(
                "Attempts the client abandoned though the server would have answered (here: every timeout), over all attempts.",
                "サーバーは応答するはずだったのにクライアントが見限った試行（ここではすべてのタイムアウト）の、全試行に対する割合です。",
            ),
        ),
        Measure(
            "failure_rate",
            Text("Calls failed", "失敗した呼び出しの割合"),
            help=Text(
                "Calls whose every attempt timed out, over all calls.",
                "すべての試行がタイムアウトした呼び出しの、全呼び出しに対する割合です。",
            ),
        ),
        Measure(
            "extra_load",
            Text("Extra load from retries", "リトライによる追加負荷"),
            help=Text(
                "Attempts beyond the first, per call: 0.5 means the server saw 1.5 attempts per call.",
                "1 回目を除く試行の数を呼び出し数で割った値です。0.5 なら、サーバーには呼び出しあたり 1.5 回の試行が届きました。",
            ),
        ),
        Measure(
            "p99_ms",
            Text("p99 latency the client sees", "クライアントから見た p99 レイテンシー"),
            "ms",
            Text(
                "Retries included; a failed call counts when the client gives up.",
                "リトライを含みます。失敗した呼び出しは、クライアントが諦めた時点で数えます。",
            ),
        ),
        Measure("p50_ms", Text("p50 latency the client sees", "クライアントから見た p50 レイテンシー"), "ms"),
        Measure(
            "analytic_false_timeout_rate",
            Text("Analytic: timeouts per attempt, P", "理論値：試行あたりのタイムアウト率 P"),
            help=Text(
                "P(X > timeout) for the lognormal, for a server not slowed by load.",
                "対数正規分布の P(X > タイムアウト) です。負荷で遅くならないサーバーの場合の値です。",
            ),
        ),
        Measure(
            "analytic_failure_rate",
            Text("Analytic: calls failed, P^(retries+1)", "理論値：呼び出しの失敗率 P^(リトライ回数+1)"),
        ),
        Measure("analytic_extra_load", Text("Analytic: extra load, P + P² + …", "理論値：追加負荷 P + P² + …")),
        Measure(
            "analytic_p99_ms",
            Text("Analytic: p99 latency the client sees", "理論値：クライアントから見た p99 レイテンシー"),
            "ms",
        ),
        Measure(
            "timeout_percentile",
            Text("Percentile the timeout sits at", "タイムアウトが当たるパーセンタイル"),
            "%",
            Text(
                "Share of attempts an unloaded server answers within the timeout.",
                "負荷のないサーバーがタイムアウト内に応答する試行の割合です。",
            ),
        ),
        Measure("sigma", Text("Lognormal sigma", "対数正規分布の σ")),
        Measure("mean_service_ms", Text("Mean service time", "平均処理時間"), "ms"),
        Measure(
            "wasted_work_share",
            Text("Server work nobody waited for", "誰も待っていなかった処理の割合"),
            help=Text(
                "Share of the server's work spent on attempts whose answer came after the client gave up.",
                "サーバーの処理のうち、クライアントが諦めた後に応答した試行に使われた割合です。",
            ),
        ),
        Measure(
            "server_utilization",
            Text("Server utilization", "サーバーの利用率"),
            help=Text(
                "Busy share of the workers during the run; empty without a worker limit.",
                "実行中にワーカーが処理していた時間の割合です。ワーカー数に上限がなければ値がありません。",
            ),
        ),
        Measure("calls", Text("Calls", "呼び出し数")),
        Measure("attempts", Text("Attempts", "試行数")),
        Measure("timeouts", Text("Attempts timed out", "タイムアウトした試行")),
        Measure("failed", Text("Calls failed", "失敗した呼び出し")),
        Measure(
            "dropped_attempts",
            Text("Attempts the server dropped", "サーバーが捨てた試行"),
            help=Text(
                "Attempts a worker found already expired and skipped (drop_expired).",
                "ワーカーが取り出した時点で期限切れだったため、処理しなかった試行です（「期限切れの試行をサーバーが捨てる」がオンのとき）。",
            ),
        ),
    ),  # fmt: skip
    source=Text(
        "The lognormal tail P(X > t) = 1 − Φ((ln t − μ)/σ) per attempt, P^(retries+1) failed calls and "
        "Σ P^k extra load for independent attempts; the timeout at p99.9 recommended in Brooker, "
        "'Timeouts, retries, and backoff with jitter' (Amazon Builders' Library)",
        "試行ごとの対数正規分布の裾 P(X > t) = 1 − Φ((ln t − μ)/σ)、試行が独立なときの失敗率 P^(リトライ回数+1) と追加負荷 Σ P^k、"
        "Brooker「Timeouts, retries, and backoff with jitter」（Amazon Builders' Library）が勧める p99.9 のタイムアウト",
    ),
    topology=Topology(
        nodes=(
            Node("client", Text("Client (timeout + retries)", "クライアント（タイムアウトとリトライ）"), 0.2, 0.5),
            Node("server", Text("Service", "サービス"), 0.8, 0.5),
        ),
        links=(("client", "server"),),
    ),
    presets=(
        Preset(
            "timeout-at-median",
            Text(
                "Timeout at the median: half time out, load nearly doubles",
                "中央値でのタイムアウト：半数がタイムアウトし、負荷はほぼ 2 倍",
            ),
            {**HEALTHY, "timeout_ms": 50.0, "retries": 3},
        ),
        Preset(
            "timeout-at-p99-9",
            Text("Timeout at the p99.9, as recommended", "推奨どおり p99.9 でのタイムアウト"),
            HEALTHY,
        ),
        Preset(
            "retry-storm",
            Text(
                "A 1 s slowdown, timeout at the p99: retries keep the server from recovering",
                "1 秒間の減速、p99 のタイムアウト：リトライのせいでサーバーが回復できない",
            ),
            SLOWDOWN,
        ),
        Preset(
            "slowdown-at-p99-9",
            Text(
                "The same slowdown, timeout at the p99.9: the queue drains",
                "同じ減速、p99.9 のタイムアウト：キューが空になる",
            ),
            {**SLOWDOWN, "timeout_ms": 800.0},
        ),
        Preset(
            "storm-dropping-expired",
            Text(
                "The same storm, the server dropping expired attempts",
                "同じリトライの嵐で、サーバーが期限切れの試行を捨てる場合",
            ),
            {**SLOWDOWN, "drop_expired": True},
        ),
    ),  # fmt: skip
)
