# ruff: noqa: E501 - Japanese text counts double toward the line length
"""saga: orders that run a sequence of local transactions, undone in reverse when one fails.

Orders arrive as a Poisson stream at `order_rate` until `orders` have arrived.
Each order is a saga of `steps` local transactions T1..Tn, one per service, run
in sequence. A local transaction takes an exponential time with mean
`step_latency_ms` and fails with probability `step_failure_prob`; a failed one
changes nothing (it rolls back inside its own service). Every message takes
`message_latency_ms` to arrive. Services have no queue: the model is about
consistency, not load.

When Tk fails, the saga undoes T(k-1)..T1 in reverse order with compensating
transactions. Each compensation takes the same time as a step and fails with
probability `compensation_failure_prob`; a failed compensation is retried until
it succeeds, after a backoff of `retry_backoff_ms` doubling with each failure of
the same compensation (capped at 32 x retry_backoff_ms). Nothing ever gives up,
so every saga ends with all steps applied (completed) or none (compensated).

- orchestration: an orchestrator sends each service a command and waits for its
  reply, for steps and compensations alike; it also runs the retries.
  Messages = 2 x step attempts + 2 x compensation attempts.
- choreography: no orchestrator. Each service publishes one event per local
  transaction (done or failed) on an event bus; the next service reacts to
  "done", the previous service reacts to "failed" by compensating, and each
  successful compensation publishes "compensated", which the service before it
  reacts to. The last event of a saga (the final "done", the failure of T1, or
  the compensation of T1) goes to the order's requester. A service retries its
  own failed compensation without sending anything.
  Messages = step attempts + compensations (successful ones).
- none: a naive caller calls each service in turn (request and response) and
  stops at the first failure; the steps already applied stay applied.
  Messages = 2 x step attempts.

Each service keeps a ledger of the orders whose step it has applied; a
compensation removes the order from it. An order counts as completed when every
ledger holds it, compensated when none does and inconsistent otherwise, read
from the ledgers at the end of the run (which lasts until every saga has
settled). With a first failure at step k, probability (1 - p)^(k-1) p, naive
calls leave k - 1 steps applied, so the share left inconsistent is
(1 - p) - (1 - p)^n; a saga leaves none whatever p and the compensation failure
rate.

Results: completed, compensated, inconsistent, messages, mean_latency_ms (order
arrival to the saga's end, over every order), mean_latency_completed_ms (a
completed order takes n x (step + 2 x message) with orchestration and naive
calls, n x (step + message) with choreography), the counts the message formulas
use (step_attempts, step_failures, compensations, compensation_attempts,
compensation_retries), max_compensation_attempts (the most attempts one
compensation needed), completed_share with its expected value (1 - p)^n,
inconsistent_share_expected and duration_s.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 300
DRAWN = 4  # services 1-4 get nodes of their own; the last service gets the fifth
BACKOFF_CAP = 32  # the wait before a retry doubles up to 32 x retry_backoff_ms
STREAK_MARKS = (3, 6, 10, 20, 40)  # failures in a row of one compensation worth an event, when a new record

# What a timeline record says happened: (t, seq, kind, order, service, extra).
ARRIVE, APPLY, UNAPPLY, MSG, COMP_MSG, ABORT, SETTLE, RETRY, RESEND, START, END = range(11)

Record = tuple[float, int, int, int, int, int]


def backoff_s(failures: int, base_ms: float) -> float:
    """The wait after a compensation's `failures`-th failure in a row: base x 2^(failures-1), capped."""
    return base_ms * min(2 ** (failures - 1), BACKOFF_CAP) / 1000.0


def expected_completed_share(p: float, steps: int) -> float:
    """P(all steps succeed) = (1 - p)^steps."""
    return (1.0 - p) ** steps


def expected_inconsistent_share(p: float, steps: int) -> float:
    """Naive calls: P(first failure at step k >= 2) = sum_{k=2..n} (1-p)^(k-1) p = (1 - p) - (1 - p)^n."""
    return (1.0 - p) - (1.0 - p) ** steps


def message_formula(mode: str, step_attempts: int, compensations: int, compensation_attempts: int) -> int:
    """The messages a run must have exchanged, given what it executed (see the module docstring)."""
    if mode == "orchestration":
        return 2 * step_attempts + 2 * compensation_attempts
    if mode == "choreography":
        return step_attempts + compensations
    return 2 * step_attempts


@dataclass
class Tally:
    step_attempts: int = 0
    step_failures: int = 0
    compensations: int = 0
    compensation_attempts: int = 0
    max_attempts: int = 0


class Timeline:
    """Every order's saga, worked out one order at a time (the services never queue)."""

    def __init__(self, params: dict[str, Any], rng: random.Random) -> None:
        self.mode = params["mode"]
        self.n = params["steps"]
        self.p = params["step_failure_prob"]
        self.q = params["compensation_failure_prob"]
        self.step_s = params["step_latency_ms"] / 1000.0
        self.hop = params["message_latency_ms"] / 1000.0
        self.backoff_ms = params["retry_backoff_ms"]
        self.rng = rng
        self.records: list[Record] = []
        self.seq = itertools.count()
        self.tally = Tally()
        self.arrivals: list[float] = []
        self.settled: list[float] = []
        self.completed_latency: list[float] = []

    def add(self, t: float, kind: int, order: int, service: int = -1, extra: int = 0) -> None:
        self.records.append((t, next(self.seq), kind, order, service, extra))

    def local_transaction(self, t: float, order: int, service: int, fail_prob: float) -> tuple[float, bool]:
        """Run one local transaction at `service` starting at t: (when it ends, whether it committed)."""
        duration = self.rng.expovariate(1.0 / self.step_s)
        ok = self.rng.random() >= fail_prob
        self.add(t, START, order, service)
        self.add(t + duration, END, order, service)
        return t + duration, ok

    def order(self, order: int, arrival: float) -> None:
        self.arrivals.append(arrival)
        self.add(arrival, ARRIVE, order)
        tally, hop = self.tally, self.hop
        # Orchestration and naive calls cost a request and a reply per step;
        # choreography one event, published when the step ends.
        forward_hops = 1 if self.mode == "choreography" else 2
        t, failed_at = arrival, -1
        for i in range(self.n):
            tally.step_attempts += 1
            if forward_hops == 2:
                self.add(t, MSG, order, i)  # the command
                t += hop
            t, ok = self.local_transaction(t, order, i, self.p)
            if ok:
                self.add(t, APPLY, order, i)
            self.add(t, MSG, order, i)  # the reply, or the event
            t += hop
            if not ok:
                failed_at = i
                break
        if failed_at < 0:
            self.completed_latency.append(t - arrival)
        else:
            tally.step_failures += 1
            self.add(t, ABORT, order, failed_at)
            if self.mode != "none":
                t = self.compensate(order, failed_at, t)
        self.add(t, SETTLE, order)
        self.settled.append(t)

    def compensate(self, order: int, failed_at: int, t: float) -> float:
        """Undo steps failed_at-1 .. 0 in reverse, each retried until it succeeds; returns when done."""
        tally, hop = self.tally, self.hop
        orchestrated = self.mode == "orchestration"
        for j in range(failed_at - 1, -1, -1):
            failures = 0
            while True:
                tally.compensation_attempts += 1
                if orchestrated:
                    self.add(t, COMP_MSG, order, j)  # the compensate command
                    t += hop
                t, ok = self.local_transaction(t, order, j, self.q)
                if ok:
                    self.add(t, UNAPPLY, order, j)
                if orchestrated:
                    self.add(t, COMP_MSG, order, j)  # the reply
                    t += hop
                if ok:
                    break
                failures += 1
                self.add(t, RETRY, order, j, failures)
                t += backoff_s(failures, self.backoff_ms)
                self.add(t, RESEND, order, j)
            tally.compensations += 1
            tally.max_attempts = max(tally.max_attempts, failures + 1)
            if not orchestrated:
                self.add(t, COMP_MSG, order, j)  # "compensated", for the service before
                t += hop
        return t


def service_node(i: int, steps: int) -> str | None:
    """The topology node that draws service i (0-based), or None when it is not drawn."""
    if i < DRAWN:
        return f"service_{i + 1}"
    return "service_last" if i == steps - 1 else None


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = random.Random(seed)
    mode, n, total = params["mode"], params["steps"], params["orders"]
    timeline = Timeline(params, rng)
    t = 0.0
    for order in range(total):
        t += rng.expovariate(params["order_rate"])
        timeline.order(order, t)
    records = sorted(timeline.records)
    end = max(timeline.settled)
    step = end / MAX_FRAMES

    applied: list[set[int]] = [set() for _ in range(n)]
    held = [0] * total  # steps applied per order, read from the services' ledgers
    orphans = [0] * n  # steps an inconsistent order left behind, per service
    running = compensating = completed = compensated = inconsistent = 0
    retries = backing_off = 0
    most_failures = 0
    active = [0] * n
    frame_messages = frame_comp_messages = 0
    frame_busy = [False] * n
    frame_retry = [False] * n
    frame_retries = frame_arrivals = 0
    events: list[Event] = []
    firsts: set[str] = set()

    def first(key: str) -> bool:
        if key in firsts:
            return False
        firsts.add(key)
        return True

    def apply(record: Record) -> None:
        nonlocal running, compensating, completed, compensated, inconsistent, retries, backing_off, most_failures
        nonlocal frame_messages, frame_comp_messages, frame_retries, frame_arrivals
        at, _, kind, order, service, extra = record
        if kind == ARRIVE:
            running += 1
            frame_arrivals += 1
        elif kind == START:
            active[service] += 1
            frame_busy[service] = True
        elif kind == END:
            active[service] -= 1
        elif kind == APPLY:
            applied[service].add(order)
            held[order] += 1
        elif kind == UNAPPLY:
            applied[service].remove(order)  # KeyError: a compensation undid a step never applied
            held[order] -= 1
            if first("compensated-step"):
                events.append(Event(at, "compensation", Text(f"First compensating transaction committed: step {service + 1} of order #{order + 1} undone", f"最初の補償トランザクションがコミットされました。注文 #{order + 1} のステップ {service + 1} が取り消されています")))  # fmt: skip
        elif kind == MSG:
            frame_messages += 1
        elif kind == COMP_MSG:
            frame_messages += 1
            frame_comp_messages += 1
        elif kind == ABORT:
            running -= 1
            if mode != "none":
                compensating += 1
            if first("failure"):
                if mode == "none":
                    text = Text(
                        f"Step {service + 1} of order #{order + 1} failed; naive calls stop there and leave the earlier steps applied",
                        f"注文 #{order + 1} のステップ {service + 1} が失敗しました。単純な呼び出しはそこで止まり、それまでのステップは適用されたまま残ります",
                    )
                elif service == 0:
                    text = Text(
                        f"Step 1 of order #{order + 1} failed; nothing to compensate yet",
                        f"注文 #{order + 1} のステップ 1 が失敗しました。まだ補償するものはありません",
                    )
                else:
                    text = Text(
                        f"Step {service + 1} of order #{order + 1} failed; compensating steps {service}..1 in reverse",
                        f"注文 #{order + 1} のステップ {service + 1} が失敗しました。ステップ {service} から 1 まで逆順に補償します",
                    )
                events.append(Event(at, "step-failed", text))
        elif kind == RETRY:
            retries += 1
            backing_off += 1
            frame_retries += 1
            frame_retry[service] = True
            wait_ms = round(backoff_s(extra, params["retry_backoff_ms"]) * 1000)
            if first("retry"):
                events.append(Event(at, "retry", Text(f"A compensation failed (step {service + 1} of order #{order + 1}); retrying in {wait_ms} ms", f"補償トランザクションが失敗しました（注文 #{order + 1} のステップ {service + 1}）。{wait_ms} ms 後にリトライします")))  # fmt: skip
                most_failures = extra
            elif extra > most_failures:
                most_failures = extra
                if extra in STREAK_MARKS:
                    events.append(Event(at, "retry-streak", Text(f"Compensating step {service + 1} of order #{order + 1} has failed {extra} times in a row; retrying in {wait_ms} ms", f"注文 #{order + 1} のステップ {service + 1} の補償が {extra} 回続けて失敗しました。{wait_ms} ms 後にリトライします")))  # fmt: skip
        elif kind == RESEND:
            backing_off -= 1
        elif kind == SETTLE:
            if held[order] == n:
                running -= 1
                completed += 1
                return
            if mode != "none":
                compensating -= 1
            if held[order] == 0:
                compensated += 1
            else:
                inconsistent += 1
                for i in range(n):
                    if order in applied[i]:
                        orphans[i] += 1
                if first("inconsistent"):
                    events.append(Event(at, "inconsistent", Text(f"Order #{order + 1} is left half-done: {held[order]} of {n} steps applied and never undone", f"注文 #{order + 1} が中途半端なまま残りました。{n} ステップのうち {held[order]} ステップが適用されたままで、取り消されません")))  # fmt: skip

    def nodes_now() -> dict[str, str]:
        in_flight = running + compensating
        states = {
            "orders": "busy" if frame_arrivals else "idle",
            "orchestrator": "idle",
            "bus": "idle",
            **{f"service_{k + 1}": "idle" for k in range(DRAWN)},
            "service_last": "idle",
        }
        coordinator = "bus" if mode == "choreography" else "orchestrator"
        # The orchestrator runs the retries; in choreography each service retries its own.
        if coordinator == "orchestrator" and (frame_retries or backing_off):
            states[coordinator] = "degraded"
        else:
            states[coordinator] = "busy" if in_flight or frame_messages else "ok"
        for i in range(n):
            node = service_node(i, n)
            if node is None:
                continue
            if frame_retry[i] or orphans[i]:
                states[node] = "degraded"
            elif frame_busy[i] or active[i]:
                states[node] = "busy"
            else:
                states[node] = "ok"
        return states

    index = 0
    for k in range(1, MAX_FRAMES + 1):
        frame_end = end if k == MAX_FRAMES else k * step
        while index < len(records) and records[index][0] <= frame_end:
            apply(records[index])
            index += 1
        if k == MAX_FRAMES:
            events.append(Event(end, "settled", Text(f"All orders settled: {completed} completed, {compensated} compensated, {inconsistent} inconsistent", f"すべての注文が決着しました。完了 {completed} 件、補償済み {compensated} 件、不整合 {inconsistent} 件です")))  # fmt: skip
        yield Frame(
            t=frame_end,
            progress=frame_end / end,
            series={
                "running": running,
                "compensating": compensating,
                "completed": completed,
                "compensated": compensated,
                "inconsistent": inconsistent,
                "messages": round(frame_messages / step, 3),
                "compensation_messages": round(frame_comp_messages / step, 3),
                "retries": retries,
                "backing_off": backing_off,
            },
            events=list(events),
            nodes=nodes_now(),
        )
        events.clear()
        frame_messages = frame_comp_messages = frame_retries = frame_arrivals = 0
        frame_busy = [False] * n
        frame_retry = [False] * n

    # The verdict comes from the services' ledgers, not from the sagas' own bookkeeping.
    final_completed = sum(1 for h in held if h == n)
    final_compensated = sum(1 for h in held if h == 0)
    tally = timeline.tally
    latencies = [s - a for a, s in zip(timeline.arrivals, timeline.settled, strict=True)]
    p = params["step_failure_prob"]
    yield Result(
        {
            "completed": final_completed,
            "compensated": final_compensated,
            "inconsistent": total - final_completed - final_compensated,
            "messages": sum(1 for r in records if r[2] in (MSG, COMP_MSG)),
            "mean_latency_ms": round(1000 * sum(latencies) / total, 3),
            "mean_latency_completed_ms": (
                round(1000 * sum(timeline.completed_latency) / len(timeline.completed_latency), 3)
                if timeline.completed_latency
                else None
            ),
            "completed_share": round(final_completed / total, 6),
            "completed_share_expected": round(expected_completed_share(p, n), 6),
            "inconsistent_share_expected": round(expected_inconsistent_share(p, n) if mode == "none" else 0.0, 6),
            "step_attempts": tally.step_attempts,
            "step_failures": tally.step_failures,
            "compensations": tally.compensations,
            "compensation_attempts": tally.compensation_attempts,
            "compensation_retries": tally.compensation_attempts - tally.compensations,
            "max_compensation_attempts": tally.max_attempts,
            "duration_s": round(end, 3),
        }
    )


MODES = (
    Choice("orchestration", Text("Orchestration", "オーケストレーション")),
    Choice("choreography", Text("Choreography", "コレオグラフィー")),
    Choice("none", Text("None: naive calls, no compensation", "なし：補償しない単純な呼び出し")),
)

COMMON = {
    "steps": 4,
    "step_failure_prob": 0.15,
    "compensation_failure_prob": 0.2,
    "orders": 1000,
    "order_rate": 20.0,
    "step_latency_ms": 50.0,
    "message_latency_ms": 5.0,
    "retry_backoff_ms": 100.0,
}

SCENARIO = Scenario(
    slug="saga",
    pattern="saga",
    also_patterns=("choreography",),
    title=Text("Saga: compensating a failed order", "サーガ：失敗した注文の補償"),
    description=Text(
        "Each order runs a sequence of local transactions, one per service (order, payment, inventory, shipping…). "
        "Any step may fail; the saga then undoes the steps already done, in reverse order, with compensating "
        "transactions that are themselves retried until they succeed. Compare an orchestrator, choreography over an "
        "event bus, and naive calls with no compensation: count the orders left half-done and the messages each way costs.",
        "各注文は、サービスごとのローカルトランザクション（注文、決済、在庫、配送…）を順に実行します。どのステップも失敗することがあり、"
        "そのときサーガは、すでに終えたステップを補償トランザクションで逆順に取り消します。補償トランザクション自体も、成功するまでリトライします。"
        "オーケストレーター、イベントバスを使ったコレオグラフィー、補償しない単純な呼び出しを比べ、中途半端なまま残る注文の数と、"
        "それぞれの方式にかかるメッセージの数を確かめられます。",
    ),
    params=(
        Param(
            "mode",
            "choice",
            "orchestration",
            Text("Coordination", "調整の方式"),
            Text(
                "Orchestration: an orchestrator sends commands and waits for replies. Choreography: services react to each other's events on a bus. None: a caller calls each service in turn and does not undo anything when a step fails.",
                "オーケストレーションでは、オーケストレーターがコマンドを送って応答を待ちます。コレオグラフィーでは、各サービスがイベントバス上で互いのイベントに反応します。「なし」では、呼び出し側が各サービスを順に呼ぶだけで、ステップが失敗しても何も取り消しません。",
            ),
            choices=MODES,
        ),
        Param(
            "steps",
            "int",
            4,
            Text("Steps", "ステップ数"),
            Text(
                "Local transactions per order, each in its own service, run in sequence.",
                "1 件の注文が順に実行するローカルトランザクションの数です。それぞれ別のサービスで実行します。",
            ),
            min=2,
            max=10,
        ),
        Param(
            "step_failure_prob",
            "float",
            0.1,
            Text("Step failure probability", "ステップの失敗確率"),
            Text(
                "Probability that one local transaction fails (and changes nothing), for every step alike.",
                "1 つのローカルトランザクションが失敗する（そして何も変更しない）確率です。すべてのステップで同じです。",
            ),
            min=0,
            max=1,
            step=0.01,
        ),
        Param(
            "compensation_failure_prob",
            "float",
            0.2,
            Text("Compensation failure probability", "補償の失敗確率"),
            Text(
                "Probability that one attempt at a compensating transaction fails; it is then retried with backoff until it succeeds.",
                "補償トランザクションの 1 回の試行が失敗する確率です。失敗した補償は、成功するまでバックオフを挟んでリトライします。",
            ),
            min=0,
            max=0.95,
            step=0.01,
        ),
        Param(
            "orders",
            "int",
            1000,
            Text("Orders", "注文数"),
            Text(
                "How many orders arrive; the run lasts until every one of them has settled.",
                "到着する注文の数です。すべての注文が決着するまで実行を続けます。",
            ),
            min=1,
            max=10000,
        ),
        Param(
            "order_rate",
            "float",
            20.0,
            Text("Order rate", "注文の到着率"),
            Text("Mean arrival rate of orders (a Poisson stream).", "注文の平均到着率です（ポアソン到着）。"),
            unit="orders/s",
            min=0.1,
            max=1000,
            step=0.1,
        ),
        Param(
            "step_latency_ms",
            "float",
            50.0,
            Text("Local transaction time", "ローカルトランザクションの時間"),
            Text(
                "Mean time one local transaction or compensation takes (exponentially distributed).",
                "ローカルトランザクションや補償トランザクション 1 回にかかる平均時間です（指数分布）。",
            ),
            unit="ms",
            min=1,
            max=5000,
            step=1,
        ),
        Param(
            "message_latency_ms",
            "float",
            5.0,
            Text("Message latency", "メッセージの遅延"),
            Text(
                "Time one command, reply or event takes to arrive.",
                "コマンド、応答、イベントがそれぞれ 1 通届くまでにかかる時間です。",
            ),
            unit="ms",
            min=0,
            max=1000,
            step=1,
        ),
        Param(
            "retry_backoff_ms",
            "float",
            100.0,
            Text("Retry backoff", "リトライのバックオフ"),
            Text(
                "Wait before retrying a failed compensation; it doubles with each failure of the same compensation, up to 32 times this value.",
                "失敗した補償をリトライするまでの待ち時間です。同じ補償が失敗するたびに 2 倍になり、この値の 32 倍で頭打ちになります。",
            ),
            unit="ms",
            min=1,
            max=10000,
            step=1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="orders",
            title=Text("Orders by state", "状態ごとの注文数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("orders", "注文数"),
            series=(
                Series("running", Text("running forward", "前進中")),
                Series("compensating", Text("compensating", "補償中")),
                Series("completed", Text("completed", "完了")),
                Series("compensated", Text("compensated", "補償済み")),
                Series("inconsistent", Text("inconsistent (half-done)", "不整合（中途半端）")),
            ),
        ),
        Chart(
            id="messages",
            title=Text("Messages per second", "1 秒あたりのメッセージ数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("messages/s", "メッセージ/秒"),
            series=(
                Series("messages", Text("all messages", "すべてのメッセージ")),
                Series("compensation_messages", Text("for compensations", "補償のためのメッセージ")),
            ),
        ),
        Chart(
            id="retries",
            title=Text("Compensation retries", "補償のリトライ"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("compensations", "補償数"),
            series=(
                Series("retries", Text("failed attempts, cumulative", "失敗した試行（累計）")),
                Series("backing_off", Text("waiting to retry now", "リトライ待ち")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "completed",
            Text("Completed orders", "完了した注文"),
            "orders",
            Text("Every step applied.", "すべてのステップが適用された注文です。"),
        ),
        Measure(
            "compensated",
            Text("Compensated orders", "補償済みの注文"),
            "orders",
            Text(
                "No step left applied: the steps done were undone (or the first step failed).",
                "適用されたまま残るステップがない注文です。実行済みのステップがすべて取り消されたか、最初のステップで失敗しています。",
            ),
        ),
        Measure(
            "inconsistent",
            Text("Inconsistent orders (half-done)", "不整合な注文（中途半端）"),
            "orders",
            Text(
                "Orders with some steps applied and not undone at the end of the run, read from the services' ledgers.",
                "実行の終了時に、一部のステップが適用されたまま取り消されていない注文です。各サービスの記録から数えます。",
            ),
        ),
        Measure(
            "messages",
            Text("Messages exchanged", "やり取りしたメッセージ数"),
            "msg",
            Text(
                "Orchestration: a command and a reply per step attempt and per compensation attempt. Choreography: one event per step attempt and per compensation done. None: a request and a response per step attempt.",
                "オーケストレーションでは、ステップと補償の試行ごとにコマンドと応答が 1 通ずつです。コレオグラフィーでは、ステップの試行ごと、完了した補償ごとにイベントが 1 通です。「なし」では、ステップの試行ごとにリクエストと応答が 1 通ずつです。",
            ),
        ),
        Measure(
            "mean_latency_ms",
            Text("Mean time to settle", "決着までの平均時間"),
            "ms",
            Text(
                "From an order's arrival to the end of its saga, over every order.",
                "注文の到着からサーガの終了までの時間を、すべての注文で平均したものです。",
            ),
        ),
        Measure(
            "mean_latency_completed_ms",
            Text("Mean time of a completed order", "完了した注文の平均所要時間"),
            "ms",
            Text(
                "Expected: steps × (local transaction + 2 × message) with orchestration or naive calls, steps × (local transaction + message) with choreography.",
                "期待値は、オーケストレーションと単純な呼び出しではステップ数 ×（ローカルトランザクション + 2 × メッセージ）、コレオグラフィーではステップ数 ×（ローカルトランザクション + メッセージ）です。",
            ),
        ),
        Measure("completed_share", Text("Share completed", "完了した割合")),
        Measure(
            "completed_share_expected",
            Text("Share completed, expected", "完了する割合の期待値"),
            help=Text("(1 − step failure probability)^steps.", "（1 − ステップの失敗確率）^ステップ数 です。"),
        ),
        Measure(
            "inconsistent_share_expected",
            Text("Share inconsistent, expected", "不整合になる割合の期待値"),
            help=Text(
                "Naive calls: (1 − p) − (1 − p)^steps, the chance that the first failure comes at step 2 or later. 0 for a saga.",
                "単純な呼び出しでは (1 − p) − (1 − p)^ステップ数 で、最初の失敗がステップ 2 以降で起きる確率です。サーガでは 0 です。",
            ),
        ),
        Measure("step_attempts", Text("Local transactions run", "実行したローカルトランザクション"), "tx"),
        Measure(
            "step_failures",
            Text("Failed steps", "失敗したステップ"),
            "tx",
            Text(
                "At most one per order: the saga stops going forward at its first failure.",
                "注文ごとに多くても 1 回です。サーガは最初の失敗で前進をやめます。",
            ),
        ),
        Measure("compensations", Text("Steps compensated", "補償したステップ"), "tx"),
        Measure("compensation_attempts", Text("Compensation attempts", "補償の試行回数"), "tx"),
        Measure(
            "compensation_retries",
            Text("Compensation retries", "補償のリトライ回数"),
            "tx",
            Text("Attempts that failed and were retried.", "失敗してリトライされた試行の数です。"),
        ),
        Measure(
            "max_compensation_attempts",
            Text("Most attempts for one compensation", "1 つの補償にかかった最大の試行回数"),
            "tx",
        ),
        Measure("duration_s", Text("Time until every order settled", "すべての注文が決着するまでの時間"), "s"),
    ),  # fmt: skip
    source=Text(
        "Garcia-Molina and Salem, 'Sagas' (SIGMOD 1987): T1…Tn, or T1…Tj then Cj…C1; Richardson, Microservices Patterns (2018), ch. 4; P(complete) = (1 − p)^n",
        "Garcia-Molina、Salem「Sagas」（SIGMOD 1987）の、T1…Tn か、T1…Tj の後に Cj…C1 のどちらかになるという保証、Richardson『Microservices Patterns』（2018 年）4 章、完了する確率 (1 − p)^n",
    ),
    topology=Topology(
        nodes=(
            Node("orders", Text("Orders", "注文"), 0.08, 0.5),
            Node(
                "orchestrator",
                Text("Orchestrator (or naive caller)", "オーケストレーター（または単純な呼び出し側）"),
                0.38,
                0.2,
            ),
            Node("bus", Text("Event bus", "イベントバス"), 0.38, 0.8),
            *(
                Node(f"service_{k}", Text(f"Service {k}", f"サービス {k}"), 0.82, 0.08 + 0.21 * (k - 1))
                for k in range(1, DRAWN + 1)
            ),
            Node("service_last", Text("Service N (last)", "サービス N（最後）"), 0.82, 0.92),
        ),
        links=(
            ("orders", "orchestrator"),
            ("orders", "bus"),
            *(("orchestrator", f"service_{k}") for k in range(1, DRAWN + 1)),
            ("orchestrator", "service_last"),
            *(("bus", f"service_{k}") for k in range(1, DRAWN + 1)),
            ("bus", "service_last"),
        ),
    ),  # fmt: skip
    presets=(
        Preset(
            "orchestration-with-failures",
            Text("Orchestration: failures compensated", "オーケストレーション：失敗を補償する"),
            {"mode": "orchestration", **COMMON},
        ),
        Preset(
            "choreography-with-failures",
            Text("Choreography: the same failures, fewer messages", "コレオグラフィー：同じ失敗を、少ないメッセージで"),
            {"mode": "choreography", **COMMON},
        ),
        Preset(
            "naive-no-compensation",
            Text("Naive calls: failures leave orders half-done", "単純な呼び出し：失敗した注文が中途半端なまま残る"),
            {"mode": "none", **COMMON},
        ),
        Preset(
            "flaky-compensations",
            Text("Flaky compensations, retried until they succeed", "失敗しやすい補償を、成功するまでリトライする"),
            {
                "mode": "orchestration",
                "steps": 5,
                "step_failure_prob": 0.2,
                "compensation_failure_prob": 0.7,
                "orders": 500,
                "order_rate": 10.0,
                "step_latency_ms": 50.0,
                "message_latency_ms": 5.0,
                "retry_backoff_ms": 200.0,
            },
        ),
    ),
)
