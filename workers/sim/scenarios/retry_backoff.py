# ruff: noqa: E501 - Japanese text counts double toward the line length
"""retry-backoff: clients contend for one record under optimistic concurrency and back off on conflict.

The model of Marc Brooker's "Exponential Backoff And Jitter" (AWS Architecture
Blog, 2015) and of its simulator: `clients` clients each want to commit one
write to a single record that carries a version number. Every message crosses
the network with a delay drawn from normal(network_mean_ms, network_sd_ms),
clamped at 0. All clients start at t = 0. One attempt:

- the client's read reaches the record at t_read and sees version v;
- the reply comes back and the client sends its write at once, so the write
  reaches the record at t_write = t_read + two network delays;
- the write commits (the version becomes v + 1) if no other write committed in
  (t_read, t_write), i.e. if the version is still v; otherwise it fails, a
  conflict;
- the answer takes one more network delay. After a conflict the client sleeps
  as its algorithm says and starts over, its next read arriving one network
  delay after it wakes. It stops once its write has committed.

The sleep after the (n+1)-th conflict, n = 0, 1, 2… (the first retry uses n = 0,
as the pattern page counts; the study's simulator counts from 1, which doubles
every wait and changes none of the orderings below):

- no_backoff: 0, retry at once;
- exponential: min(cap, base x 2^n);
- full_jitter: uniform(0, min(cap, base x 2^n));
- equal_jitter: v/2 + uniform(0, v/2) with v = min(cap, base x 2^n);
- decorrelated_jitter: min(cap, uniform(base, 3 x previous sleep)), the previous
  sleep starting at base.

Results: total_calls (write attempts by all clients, committed or not; every
attempt also made one read), conflicts (the attempts that failed),
completion_ms (when the last client learned that its write committed: the end
of the study's simulation), mean_done_ms (the same per client, averaged),
calls_per_client and max_attempts (the most writes one client needed).
The study's findings: without backoff or with un-jittered exponential backoff
the work grows badly with the number of clients, because clients that
collided together retry together; every jittered variant cuts it sharply,
full jitter doing the least work and decorrelated jitter finishing a little
sooner, equal jitter a little more work and much later; exponential backoff
without jitter takes by far the longest.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 400
MIN_STEP_MS = 1.0

ALGORITHMS = ("no_backoff", "exponential", "full_jitter", "equal_jitter", "decorrelated_jitter")

# What the heap holds: (time, order, kind, client, version seen by the read).
READ, WRITE = 0, 1


def backoff_sleep(algorithm: str, n: int, previous: float, base: float, cap: float, rng: random.Random) -> float:
    """The sleep (ms) after a conflict; n = 0 for the first retry, previous = the last sleep (base at first)."""
    if algorithm == "no_backoff":
        return 0.0
    if algorithm == "decorrelated_jitter":
        return min(cap, rng.uniform(base, previous * 3))
    ceiling = min(cap, base * 2.0 ** min(n, 1000))  # 2^1000 is still a float; the cap applies anyway
    if algorithm == "exponential":
        return ceiling
    if algorithm == "full_jitter":
        return rng.uniform(0.0, ceiling)
    if algorithm == "equal_jitter":
        return ceiling / 2 + rng.uniform(0.0, ceiling / 2)
    raise ValueError(f"unknown algorithm {algorithm!r}")


@dataclass
class Trace:
    """Everything a run did, in simulated milliseconds."""

    write_times: list[float]  # every write attempt's arrival at the record, in time order
    write_ok: list[bool]  # whether that write committed
    done_times: list[float]  # per client: when its commit's answer arrived (sorted)
    attempts: list[int]  # per client: write attempts it made
    first_commit_at: float  # when the first write committed
    first_round_conflicts: int  # first attempts that failed
    cap_reached_at: float | None  # when a sleep was first limited by the cap (None: never)


def simulate(params: dict[str, Any], rng: random.Random) -> Trace:
    """Run the contention to the end: every client commits exactly once."""
    clients, algorithm = params["clients"], params["algorithm"]
    base, cap = params["base_ms"], params["cap_ms"]
    mean, sd = params["network_mean_ms"], params["network_sd_ms"]

    def delay() -> float:
        return max(0.0, rng.gauss(mean, sd))

    queue: list[tuple[float, int, int, int, int]] = []
    order = 0
    for client in range(clients):
        heapq.heappush(queue, (delay(), order, READ, client, 0))
        order += 1

    version = 0
    conflicts = [0] * clients
    previous = [base] * clients
    write_times: list[float] = []
    write_ok: list[bool] = []
    done_times: list[float] = []
    first_commit_at = math.inf
    first_round_conflicts = 0
    cap_reached_at: float | None = None
    while queue:
        t, _, kind, client, seen = heapq.heappop(queue)
        if kind == READ:
            heapq.heappush(queue, (t + delay() + delay(), order, WRITE, client, version))
            order += 1
            continue
        ok = seen == version
        write_times.append(t)
        write_ok.append(ok)
        if ok:
            version += 1
            first_commit_at = min(first_commit_at, t)
            done_times.append(t + delay())
            continue
        n = conflicts[client]
        conflicts[client] += 1
        if n == 0:
            first_round_conflicts += 1
        woken = t + delay()  # the answer reaches the client, which then sleeps
        sleep = backoff_sleep(algorithm, n, previous[client], base, cap, rng)
        previous[client] = sleep
        if cap_reached_at is None and algorithm != "no_backoff" and _capped(algorithm, n, sleep, base, cap):
            cap_reached_at = woken
        heapq.heappush(queue, (woken + sleep + delay(), order, READ, client, 0))
        order += 1

    return Trace(
        write_times=write_times,
        write_ok=write_ok,
        done_times=sorted(done_times),
        attempts=[c + 1 for c in conflicts],
        first_commit_at=first_commit_at,
        first_round_conflicts=first_round_conflicts,
        cap_reached_at=cap_reached_at,
    )


def _capped(algorithm: str, n: int, sleep: float, base: float, cap: float) -> bool:
    """Whether the cap limited this sleep (for the jittered kinds: the range it was drawn from)."""
    if algorithm == "decorrelated_jitter":
        return sleep >= cap
    return base * 2.0 ** min(n, 1000) >= cap


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = random.Random(seed)
    clients = params["clients"]
    trace = simulate(params, rng)
    completion = trace.done_times[-1]
    n_frames = max(1, min(MAX_FRAMES, math.ceil(completion / MIN_STEP_MS)))
    step = completion / n_frames

    failed_times = [t for t, ok in zip(trace.write_times, trace.write_ok, strict=True) if not ok]
    half_done_at = trace.done_times[(clients - 1) // 2]
    pending = sorted(_events(trace, params, half_done_at), key=lambda e: e.t)

    previous_calls = previous_failed = 0
    for k in range(1, n_frames + 1):
        end = completion if k == n_frames else k * step
        calls = bisect.bisect_right(trace.write_times, end)
        failed = bisect.bisect_right(failed_times, end)
        done = bisect.bisect_right(trace.done_times, end)
        bucket_calls, bucket_failed = calls - previous_calls, failed - previous_failed
        previous_calls, previous_failed = calls, failed
        events = []
        while pending and (k == n_frames or pending[0].t * 1000 <= end + 1e-9):
            events.append(pending.pop(0))
        yield Frame(
            t=end / 1000,
            progress=end / completion,
            series={
                "calls": calls,
                "conflicts": failed,
                "done": done,
                "calls_per_s": round(bucket_calls / (step / 1000), 3),
                "conflicts_per_s": round(bucket_failed / (step / 1000), 3),
            },
            events=events,
            nodes={
                "clients": "idle" if done == clients else "busy",
                "record": _record_state(bucket_calls, bucket_failed),
            },
        )

    total = len(trace.write_times)
    yield Result(
        {
            "total_calls": total,
            "completion_ms": round(completion, 3),
            "conflicts": len(failed_times),
            "calls_per_client": round(total / clients, 6),
            "mean_done_ms": round(sum(trace.done_times) / clients, 3),
            "max_attempts": max(trace.attempts),
        }
    )


def _record_state(calls: int, failed: int) -> str:
    """The record's colour by contention: idle, every write committed, some or most collided."""
    if calls == 0:
        return "idle"
    if failed == 0:
        return "ok"
    return "degraded" if failed * 2 >= calls else "busy"


def _events(trace: Trace, params: dict[str, Any], half_done_at: float) -> list[Event]:
    clients = params["clients"]
    total = len(trace.write_times)
    events = []
    collided = trace.first_round_conflicts
    events.append(
        Event(
            trace.first_commit_at / 1000, "first-commit",
            Text(
                en=f"The first write commits; {collided} of the {clients} first writes collided and back off",
                ja=f"最初の書き込みがコミットされました。各クライアントの最初の書き込み {clients} 件のうち {collided} 件が衝突し、バックオフに入ります",
            ),
        )
    )  # fmt: skip
    if trace.cap_reached_at is not None:
        cap = params["cap_ms"]
        events.append(
            Event(
                trace.cap_reached_at / 1000, "cap",
                Text(
                    en=f"A client's backoff reaches the cap of {cap:g} ms",
                    ja=f"あるクライアントのバックオフが上限の {cap:g} ms に達しました",
                ),
            )
        )  # fmt: skip
    if clients >= 4:
        half = (clients + 1) // 2
        calls_by_then = bisect.bisect_right(trace.write_times, half_done_at)
        events.append(
            Event(
                half_done_at / 1000, "half-done",
                Text(
                    en=f"{half} of {clients} clients have committed, after {calls_by_then} write attempts",
                    ja=f"クライアント {clients} 台のうち {half} 台がコミットを終えました。ここまでの書き込みの試行は {calls_by_then} 回です",
                ),
            )
        )  # fmt: skip
    events.append(
        Event(
            trace.done_times[-1] / 1000, "all-done",
            Text(
                en=f"All {clients} clients have committed: {total} write attempts, {total / clients:.1f} per client; the unluckiest needed {max(trace.attempts)}",
                ja=f"クライアント {clients} 台すべてがコミットしました。書き込みの試行は合計 {total} 回（1 台あたり {total / clients:.1f} 回）で、最も運の悪いクライアントは {max(trace.attempts)} 回かかりました",
            ),
        )
    )  # fmt: skip
    return events


# The study's settings: base 5 ms, cap 2 s, network delay 10 ms ± 2 ms.
STUDY = {"base_ms": 5.0, "cap_ms": 2000.0, "network_mean_ms": 10.0, "network_sd_ms": 2.0}

SCENARIO = Scenario(
    slug="retry-backoff",
    pattern="retry-backoff",
    also_patterns=("jitter",),
    title=Text(
        "Retry with backoff and jitter: clients contending for one record",
        "バックオフとジッターによるリトライ：1 つのレコードを奪い合うクライアント",
    ),
    description=Text(
        "Many clients each want to commit one write to the same record under optimistic concurrency: read the "
        "version, write, and fail if another write landed in between. A client that fails sleeps as its backoff "
        "algorithm says and tries again, until every client has committed. Compare how much work (write attempts) "
        "and how much time each algorithm needs, and watch un-jittered retries arrive in waves.",
        "多数のクライアントが、楽観的同時実行制御のもとで同じレコードに 1 回ずつ書き込もうとします。各クライアントはバージョンを"
        "読んでから書き込み、その間に別の書き込みが入っていれば失敗します。失敗したクライアントはバックオフのアルゴリズムに従って"
        "待ってからやり直し、全員がコミットするまで続けます。アルゴリズムごとに必要な作業量（書き込みの試行回数）と時間を比べ、"
        "ジッターのないリトライが波になって押し寄せる様子を確かめられます。",
    ),
    params=(
        Param(
            "clients",
            "int",
            100,
            Text("Clients", "クライアント数"),
            Text(
                "Clients that each commit one write to the record; all start at once.",
                "レコードに 1 回ずつ書き込むクライアントの数です。全員が同時に始めます。",
            ),
            min=1,
            max=200,
        ),
        Param(
            "algorithm",
            "choice",
            "full_jitter",
            Text("Backoff algorithm", "バックオフのアルゴリズム"),
            Text(
                "How long a client sleeps after a conflict; n counts its retries from 0.",
                "衝突の後にクライアントが待つ時間の決め方です。n はリトライの回数で、0 から数えます。",
            ),
            choices=(
                Choice("no_backoff", Text("No backoff (retry at once)", "バックオフなし（すぐにリトライ）")),
                Choice("exponential", Text("Exponential: min(cap, base·2^n)", "指数バックオフ：min(cap, base·2^n)")),
                Choice(
                    "full_jitter",
                    Text("Full jitter: random(0, min(cap, base·2^n))", "フルジッター：random(0, min(cap, base·2^n))"),
                ),
                Choice(
                    "equal_jitter",
                    Text("Equal jitter: v/2 + random(0, v/2)", "イコールジッター：v/2 + random(0, v/2)"),
                ),
                Choice(
                    "decorrelated_jitter",
                    Text(
                        "Decorrelated jitter: min(cap, random(base, 3·previous))",
                        "非相関ジッター：min(cap, random(base, 3·前回))",
                    ),
                ),
            ),
        ),
        Param(
            "base_ms",
            "float",
            5.0,
            Text("Base", "基準の待ち時間（base）"),
            Text(
                "The first backoff step: before retry n (n = 0 for the first retry) exponential backoff waits base·2^n; decorrelated jitter never waits less than this.",
                "最初のバックオフの長さです。指数バックオフは、リトライ n（最初のリトライが n = 0）の前に base·2^n 待ちます。非相関ジッターがこれより短く待つことはありません。",
            ),
            unit="ms",
            min=0.1,
            max=1000,
            step=0.1,
        ),
        Param(
            "cap_ms",
            "float",
            2000.0,
            Text("Cap", "上限（cap）"),
            Text("No sleep is longer than this.", "待ち時間がこれより長くなることはありません。"),
            unit="ms",
            min=1,
            max=60000,
            step=1,
        ),
        Param(
            "network_mean_ms",
            "float",
            10.0,
            Text("Network delay (mean)", "ネットワーク遅延（平均）"),
            Text(
                "Mean one-way delay of every message: read, its answer, write, its answer.",
                "読み取り、その応答、書き込み、その応答の各メッセージにかかる、片道の平均遅延です。",
            ),
            unit="ms",
            min=0.1,
            max=1000,
            step=0.1,
        ),
        Param(
            "network_sd_ms",
            "float",
            2.0,
            Text("Network delay (std dev)", "ネットワーク遅延（標準偏差）"),
            Text(
                "Spread of each delay (normal, clamped at 0). At 0 every message takes exactly the mean.",
                "各遅延のばらつきです（正規分布で、負の値は 0 にします）。0 ならすべてのメッセージがちょうど平均の時間かかります。",
            ),
            unit="ms",
            min=0,
            max=500,
            step=0.1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="work",
            title=Text("Write attempts so far", "これまでの書き込みの試行回数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("writes", "書き込み数"),
            series=(
                Series("calls", Text("write attempts", "書き込みの試行")),
                Series("conflicts", Text("of which collided", "うち衝突")),
            ),
        ),
        Chart(
            id="done",
            title=Text("Clients done", "完了したクライアント"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("clients", "クライアント数"),
            series=(Series("done", Text("committed", "コミット済み")),),
        ),
        Chart(
            id="rate",
            title=Text("Writes arriving at the record", "レコードに届く書き込み"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("writes/s", "書き込み/秒"),
            series=(
                Series("calls_per_s", Text("write attempts", "書き込みの試行")),
                Series("conflicts_per_s", Text("collided", "衝突")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "total_calls",
            Text("Write attempts", "書き込みの試行回数"),
            help=Text(
                "Every client's write attempts, committed or not; each attempt also made one read.",
                "全クライアントの書き込みの試行回数で、コミットできたものもできなかったものも含みます。試行のたびに読み取りも 1 回行います。",
            ),
        ),
        Measure(
            "completion_ms",
            Text("Time until every client committed", "全クライアントがコミットを終えるまでの時間"),
            "ms",
            Text(
                "When the last client learned that its write had committed.",
                "最後のクライアントが、自分の書き込みがコミットされたと知った時刻です。",
            ),
        ),
        Measure("calls_per_client", Text("Write attempts per client", "1 クライアントあたりの書き込みの試行回数")),
        Measure(
            "conflicts",
            Text("Conflicts (failed writes)", "衝突（失敗した書き込み）"),
            help=Text(
                "Write attempts that failed because another write had committed since the client's read.",
                "クライアントが読み取った後に別の書き込みがコミットされていたために失敗した、書き込みの試行の数です。",
            ),
        ),
        Measure(
            "mean_done_ms",
            Text("Mean time until a client committed", "クライアントがコミットを終えるまでの平均時間"),
            "ms",
            Text(
                "When each client learned that its write had committed, averaged over the clients.",
                "各クライアントが自分の書き込みがコミットされたと知った時刻を、全クライアントで平均したものです。",
            ),
        ),
        Measure(
            "max_attempts",
            Text("Most write attempts by one client", "1 クライアントあたりの書き込みの試行回数（最大）"),
        ),
    ),
    source=Text(
        "Marc Brooker, 'Exponential Backoff And Jitter' (AWS Architecture Blog, 2015): its optimistic-concurrency simulation and findings",
        "Marc Brooker「Exponential Backoff And Jitter」（AWS Architecture Blog、2015 年）の楽観的同時実行制御のシミュレーションとその結果",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.2, 0.5),
            Node("record", Text("Record (database)", "レコード（データベース）"), 0.8, 0.5),
        ),
        links=(("clients", "record"),),
    ),
    presets=(
        Preset(
            "no-backoff",
            Text("100 clients, no backoff", "100 クライアント、バックオフなし"),
            {"clients": 100, "algorithm": "no_backoff", **STUDY},
        ),
        Preset(
            "exponential",
            Text("100 clients, exponential backoff without jitter", "100 クライアント、ジッターなしの指数バックオフ"),
            {"clients": 100, "algorithm": "exponential", **STUDY},
        ),
        Preset(
            "full-jitter",
            Text("100 clients, full jitter", "100 クライアント、フルジッター"),
            {"clients": 100, "algorithm": "full_jitter", **STUDY},
        ),
        Preset(
            "equal-jitter",
            Text("100 clients, equal jitter", "100 クライアント、イコールジッター"),
            {"clients": 100, "algorithm": "equal_jitter", **STUDY},
        ),
        Preset(
            "decorrelated-jitter",
            Text("100 clients, decorrelated jitter", "100 クライアント、非相関ジッター"),
            {"clients": 100, "algorithm": "decorrelated_jitter", **STUDY},
        ),
        Preset(
            "many-clients",
            Text("200 clients, exponential backoff without jitter", "200 クライアント、ジッターなしの指数バックオフ"),
            {"clients": 200, "algorithm": "exponential", **STUDY},
        ),
    ),  # fmt: skip
)
