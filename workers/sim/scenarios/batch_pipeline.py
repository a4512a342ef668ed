# ruff: noqa: E501 - Japanese text counts double toward the line length
"""batch-pipeline: an event-driven batch workflow of work queues joined by routing stages.

`items` input items arrive as a Poisson stream at `input_rate`. Up to four
stages process them; each stage is a work queue (FIFO) served by
`stageK_workers` workers, and a worker spends an exponential time with mean
`stageK_service_s` on each message. Between the stages sit Burns's routing
stages (Designing Distributed Systems, 2018, ch. 11), which take no time:

- copier: stage 1 (check the upload) -> copier -> stage 2 (HD transcode) and
  stage 3 (SD transcode), each getting its own copy -> merger -> stage 4
  (publish), which handles both copies. Two messages leave per input item.
- filter_splitter: stage 1 (check) -> filter (keeps `filter_pass_share`, drops
  the rest) -> splitter (sends `split_share` of the kept items to stage 2, the
  rest to stage 3) -> merger -> stage 4 (publish). filter_pass_share messages
  leave per input item.
- sharder_merger: stage 1 (ingest) -> sharder (cuts each item into `shards`
  pieces, piece j to shard queue j of stage 2; every shard queue has
  stage2_workers workers and a piece takes stage2_service_s) -> merger (joins
  an item once all its pieces are done: its merge time is the latest of its
  pieces' completion times) -> stage 4 (assemble and publish). Stage 3 is not
  used. One message leaves per input item.

Routing draws (filter, splitter) are independent per item, so the first two
graphs are open Jackson networks (Jackson 1957): with every offered load below
1, stage 1 is M/M/c and, by Burke's theorem (1956), its departures are again a
Poisson stream, so each later stage is M/M/c too and its mean wait is Erlang C.
A copier's two copies are not independent, so the stream into stage 4 of the
copier graph (and after the sharder's join) is not Poisson.

Offered load of stage k: rho_k = lambda_k * S_k / c_k, where lambda_k is the
rate into one of its queues (copier: lambda for stages 1-3 and 2 lambda for
stage 4; filter_splitter: lambda, lambda p q, lambda p (1 - q), lambda p;
sharder_merger: lambda into stage 1, into each shard queue and into stage 4).
The stage with the largest rho is the bottleneck: it does the most work per
worker, so its measured utilisation is the highest. Below saturation the sink
emits input_rate x (messages out per item); when a stage is overloaded its
backlog grows at lambda_k - c_k / S_k while input lasts, and the sink emits
c_k / S_k times what one message at stage k becomes downstream.

The run ends when the last message leaves (or is dropped). Results:
throughput_per_s (messages out of the sink / makespan_s), makespan_s (time the
last message left), bottleneck_stage (number of the stage with the highest
measured utilisation), utilization_by_stage (busy worker-seconds / (workers x
makespan)), offered_load_by_stage (rho from the formula above),
max_backlog_by_stage and max_backlog_stage1..4 (most messages waiting in the
stage's queues at once, not counting those in service), mean_wait_by_stage
(mean time a message waits in the stage's queue), items_in, items_out
(messages out of the sink), dropped (items the filter dropped),
in_flight_at_end (items still inside: 0 unless the bookkeeping is broken),
input_span_s (arrival time of the last input item) and, for the sharder,
mean_merge_wait_s (from an item's first piece finishing to its last). Values
for a stage the graph does not use are None.
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

STAGES = 4
FRAME_STEPS = 300
ARRIVE, DONE = 0, 1
# A stage's backlog is worth an event once it holds this many messages per worker.
BACKLOG_EVENT_PER_WORKER = 10


def used_stages(graph: str) -> tuple[int, ...]:
    """Stage numbers (1-4) the graph uses."""
    return (1, 2, 4) if graph == "sharder_merger" else (1, 2, 3, 4)


def queues_per_stage(params: dict[str, Any]) -> list[int]:
    """How many separate queues each stage has (0 for an unused stage)."""
    if params["graph"] == "sharder_merger":
        return [1, params["shards"], 0, 1]
    return [1, 1, 1, 1]


def arrival_rates(params: dict[str, Any]) -> list[float]:
    """Mean rate of messages into one queue of each stage (items/s)."""
    rate, graph = params["input_rate"], params["graph"]
    if graph == "copier":
        return [rate, rate, rate, 2 * rate]
    if graph == "filter_splitter":
        kept = rate * params["filter_pass_share"]
        return [rate, kept * params["split_share"], kept * (1 - params["split_share"]), kept]
    return [rate, rate, 0.0, rate]


def messages_out_per_item(params: dict[str, Any]) -> float:
    """Messages that leave the sink per input item, on average."""
    graph = params["graph"]
    if graph == "copier":
        return 2.0
    if graph == "filter_splitter":
        return params["filter_pass_share"]
    return 1.0


def offered_loads(params: dict[str, Any]) -> list[float | None]:
    """rho_k = lambda_k * S_k / c_k for each stage; None for a stage the graph does not use."""
    rates = arrival_rates(params)
    used = used_stages(params["graph"])
    return [
        rates[k - 1] * params[f"stage{k}_service_s"] / params[f"stage{k}_workers"] if k in used else None
        for k in range(1, STAGES + 1)
    ]


def expected_throughput(params: dict[str, Any]) -> float:
    """Sink rate of the fluid model: the input rate, cut to the tightest stage's capacity, times the output multiplicity.

    A stage k with capacity c_k / S_k per queue, reached by lambda_k / lambda messages
    per queue per input item, lets at most c_k / S_k * lambda / lambda_k items per second through.
    """
    rate = params["input_rate"]
    limit = rate
    for rho in offered_loads(params):
        if rho:
            limit = min(limit, rate / rho)
    return limit * messages_out_per_item(params)


@dataclass
class Queue:
    """One FIFO work queue and its workers."""

    workers: int
    mean_s: float
    waiting: deque[tuple[int, float]] = field(default_factory=deque)  # (item, enqueued at)
    serving: list[int] = field(default_factory=list)


@dataclass
class StageStats:
    busy: int = 0  # workers busy across the stage's queues
    busy_area: float = 0.0  # busy worker-seconds up to `changed`
    changed: float = 0.0
    waiting: int = 0
    max_waiting: int = 0
    max_waiting_at: float = 0.0
    started: int = 0
    wait_sum: float = 0.0
    last_done: float = 0.0
    flagged: bool = False  # a backlog event was emitted


class Pipeline:
    """The simulation state; `run_until` advances it and the counters describe it."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.p = params
        self.graph = params["graph"]
        self.rng = random.Random(seed)
        self.arrivals: list[float] = []
        t = 0.0
        for _ in range(params["items"]):
            t += self.rng.expovariate(params["input_rate"])
            self.arrivals.append(t)
        counts = queues_per_stage(params)
        self.queues = [
            [Queue(params[f"stage{k}_workers"], params[f"stage{k}_service_s"]) for _ in range(counts[k - 1])]
            for k in range(1, STAGES + 1)
        ]
        self.stats = [StageStats() for _ in range(STAGES)]
        self.now = 0.0
        self.heap: list[tuple[float, int, int, int, int, int]] = []  # (t, seq, kind, stage, queue, item)
        self.seq = 0
        for item, at in enumerate(self.arrivals):
            self._push(at, ARRIVE, 0, 0, item)

        self.inside = [0] * params["items"]  # messages of each item still in the pipeline
        self.delivered = [0] * params["items"]  # messages of each item that left the sink
        self.pieces_done: dict[int, int] = {}  # sharder: pieces finished per item not yet merged
        self.first_piece_at: dict[int, float] = {}
        self.piece_done_at: list[list[float]] = [[] for _ in range(params["items"])]
        self.merged_at: list[float | None] = [None] * params["items"]
        self.merge_wait_sum = 0.0
        self.arrived = self.out = self.dropped = self.done = 0
        self.finished_at = 0.0
        self.announced = [False] * STAGES
        self.events: list[Event] = []
        self._announce_graph()

    # -- event plumbing -------------------------------------------------------

    def _push(self, at: float, kind: int, stage: int, queue: int, item: int) -> None:
        heapq.heappush(self.heap, (at, self.seq, kind, stage, queue, item))
        self.seq += 1

    def _account(self, stage: int) -> StageStats:
        stats = self.stats[stage]
        stats.busy_area += stats.busy * (self.now - stats.changed)
        stats.changed = self.now
        return stats

    def busy_area(self, stage: int, at: float) -> float:
        """Busy worker-seconds of a stage (0-based) from 0 to `at` (>= the last event handled)."""
        stats = self.stats[stage]
        return stats.busy_area + stats.busy * (at - stats.changed)

    def run_until(self, t_end: float) -> None:
        """Handle every event due up to and including t_end."""
        while self.heap and self.heap[0][0] <= t_end:
            at, _, kind, stage, queue, item = heapq.heappop(self.heap)
            self.now = at
            if kind == ARRIVE:
                self.arrived += 1
                self.inside[item] += 1
                if self.arrived == len(self.arrivals):
                    n = self.arrived
                    self.events.append(
                        Event(at, "input_done", Text(f"All {n} input items have arrived", f"入力の {n} 件がすべて届きました"))
                    )  # fmt: skip
                self._enqueue(0, 0, item)
            else:
                self._finish(stage, queue, item)

    def finish(self) -> float:
        """Run to the end; the makespan."""
        self.run_until(math.inf)
        return self.finished_at

    # -- queues ---------------------------------------------------------------

    def _enqueue(self, stage: int, queue: int, item: int) -> None:
        q = self.queues[stage][queue]
        stats = self._account(stage)
        if len(q.serving) < q.workers:
            self._start(stage, queue, item, self.now)
            return
        q.waiting.append((item, self.now))
        stats.waiting += 1
        if stats.waiting > stats.max_waiting:
            stats.max_waiting, stats.max_waiting_at = stats.waiting, self.now
        workers = q.workers * len(self.queues[stage])
        if not stats.flagged and stats.waiting >= BACKLOG_EVENT_PER_WORKER * workers:
            stats.flagged = True
            k, rho = stage + 1, offered_loads(self.p)[stage]
            self.events.append(
                Event(
                    self.now, "backlog",
                    Text(
                        f"Stage {k} has {stats.waiting} messages waiting ({BACKLOG_EVENT_PER_WORKER} per worker); its offered load is {rho:.2f}",
                        f"ステージ {k} の滞留が {stats.waiting} 件（ワーカー 1 台あたり {BACKLOG_EVENT_PER_WORKER} 件）に達しました。このステージの負荷は {rho:.2f} です",
                    ),
                )
            )  # fmt: skip

    def _start(self, stage: int, queue: int, item: int, enqueued_at: float) -> None:
        q = self.queues[stage][queue]
        stats = self.stats[stage]  # accounted by the caller
        q.serving.append(item)
        stats.busy += 1
        stats.started += 1
        stats.wait_sum += self.now - enqueued_at
        self._push(self.now + self.rng.expovariate(1 / q.mean_s), DONE, stage, queue, item)

    def _finish(self, stage: int, queue: int, item: int) -> None:
        q = self.queues[stage][queue]
        stats = self._account(stage)
        q.serving.remove(item)
        stats.busy -= 1
        stats.last_done = self.now
        if q.waiting:
            waiting_item, enqueued_at = q.waiting.popleft()
            stats.waiting -= 1
            self._start(stage, queue, waiting_item, enqueued_at)
        self._route(stage, item)
        if self.arrived == len(self.arrivals):
            self._announce_drained()

    def _announce_drained(self) -> None:
        """Note each stage once nothing is left in it and nothing can reach it any more."""
        for stage in range(STAGES):
            stats = self.stats[stage]
            if self.announced[stage] or stage + 1 not in used_stages(self.graph) or not self._empty(stage):
                continue
            if stage == 3 and (self.pieces_done or not all(self._empty(s) for s in range(3))):
                continue
            if stage in (1, 2) and not self._empty(0):
                continue
            self.announced[stage] = True
            k = stage + 1
            self.events.append(
                Event(
                    self.now, "stage_done",
                    Text(
                        f"Stage {k} is done: its last message left at t={stats.last_done:.1f} s; its backlog peaked at {stats.max_waiting} at t={stats.max_waiting_at:.1f} s",
                        f"ステージ {k} の処理が終わりました。最後のメッセージが出たのは {stats.last_done:.1f} 秒の時点で、滞留は {stats.max_waiting_at:.1f} 秒の時点で最大の {stats.max_waiting} 件でした",
                    ),
                )
            )  # fmt: skip

    def _empty(self, stage: int) -> bool:
        return self.stats[stage].busy == 0 and self.stats[stage].waiting == 0

    # -- routing --------------------------------------------------------------

    def _route(self, stage: int, item: int) -> None:
        """Where a message goes after `stage` (0-based) finishes it."""
        graph = self.graph
        if stage == 3:
            self.out += 1
            self.delivered[item] += 1
            self._leave(item)
            return
        if graph == "copier":
            if stage == 0:
                self.inside[item] += 1  # the copier makes a second message
                self._enqueue(1, 0, item)
                self._enqueue(2, 0, item)
            else:
                self._enqueue(3, 0, item)
        elif graph == "filter_splitter":
            if stage == 0:
                # Both draws are made for every item so the random stream does not depend on the shares.
                keep = self.rng.random() < self.p["filter_pass_share"]
                branch = 1 if self.rng.random() < self.p["split_share"] else 2
                if not keep:
                    self.dropped += 1
                    self._leave(item)
                else:
                    self._enqueue(branch, 0, item)
            else:
                self._enqueue(3, 0, item)
        else:
            if stage == 0:
                shards = self.p["shards"]
                self.inside[item] += shards - 1  # the sharder cuts it into pieces
                for j in range(shards):
                    self._enqueue(1, j, item)
            else:
                self._piece_done(item)

    def _piece_done(self, item: int) -> None:
        """The merger: hold an item's pieces until the last one is done, then pass the item on."""
        shards = self.p["shards"]
        self.piece_done_at[item].append(self.now)
        done = self.pieces_done.get(item, 0) + 1
        if done == 1:
            self.first_piece_at[item] = self.now
        if done < shards:
            self.pieces_done[item] = done
            return
        self.pieces_done.pop(item, None)
        self.merged_at[item] = self.now
        waited = self.now - self.first_piece_at.pop(item)
        self.merge_wait_sum += waited
        self.inside[item] -= shards - 1  # the merger joins the pieces into one message
        if item == 0:
            self.events.append(
                Event(
                    self.now, "merged",
                    Text(
                        f"Item 1 merged when its last of {shards} pieces finished, {waited:.2f} s after its first",
                        f"項目 1 は {shards} 個のピースの最後が終わった時点でマージされました。最初のピースが終わってから {waited:.2f} 秒後です",
                    ),
                )
            )  # fmt: skip
        self._enqueue(3, 0, item)

    def _leave(self, item: int) -> None:
        self.inside[item] -= 1
        self.finished_at = self.now
        if self.inside[item] == 0 and self.delivered[item]:
            self.done += 1

    # -- reading the state ----------------------------------------------------

    def in_flight_items(self) -> set[int]:
        """Items with a message in some queue, in service, or held by the merger, counted from the queues."""
        found: set[int] = set(self.pieces_done)
        for stage in self.queues:
            for q in stage:
                found.update(item for item, _ in q.waiting)
                found.update(q.serving)
        return found

    def backlog(self, stage: int) -> int:
        return self.stats[stage].waiting

    def workers(self, stage: int) -> int:
        return sum(q.workers for q in self.queues[stage])

    def result(self) -> dict[str, Any]:
        used = used_stages(self.graph)
        makespan = self.finished_at

        def per_stage(value) -> list[Any]:
            return [value(k - 1) if k in used else None for k in range(1, STAGES + 1)]

        utilization = per_stage(
            lambda s: round(self.busy_area(s, makespan) / (self.workers(s) * makespan), 6) if makespan > 0 else 0.0
        )
        backlog = per_stage(lambda s: self.stats[s].max_waiting)
        waits = per_stage(
            lambda s: round(self.stats[s].wait_sum / self.stats[s].started, 6) if self.stats[s].started else 0.0
        )
        loads = [None if rho is None else round(rho, 6) for rho in offered_loads(self.p)]
        bottleneck = max(used, key=lambda k: utilization[k - 1])
        merged = sum(1 for at in self.merged_at if at is not None)
        return {
            "throughput_per_s": round(self.out / makespan, 6) if makespan > 0 else 0.0,
            "makespan_s": round(makespan, 6),
            "bottleneck_stage": bottleneck,
            "max_backlog_by_stage": backlog,
            "max_backlog_stage1": backlog[0],
            "max_backlog_stage2": backlog[1],
            "max_backlog_stage3": backlog[2],
            "max_backlog_stage4": backlog[3],
            "utilization_by_stage": utilization,
            "offered_load_by_stage": loads,
            "mean_wait_by_stage": waits,
            "items_in": self.arrived,
            "items_out": self.out,
            "dropped": self.dropped,
            "in_flight_at_end": len(self.in_flight_items()),
            "input_span_s": round(self.arrivals[-1], 6) if self.arrivals else 0.0,
            "expected_throughput_per_s": round(expected_throughput(self.p), 6),
            "mean_merge_wait_s": round(self.merge_wait_sum / merged, 6) if merged else None,
        }

    def _announce_graph(self) -> None:
        graph, p = self.graph, self.p
        if graph == "copier":
            text = Text(
                "Copier graph: stage 1 checks each upload; the copier sends one copy to stage 2 (HD transcode) and one to stage 3 (SD transcode); stage 4 publishes both copies.",
                "コピーのグラフです。ステージ 1 が各アップロードを確認し、コピーが 1 部をステージ 2（HD トランスコード）へ、もう 1 部をステージ 3（SD トランスコード）へ送ります。ステージ 4 が両方を公開します。",
            )
        elif graph == "filter_splitter":
            keep, split = round(100 * p["filter_pass_share"]), round(100 * p["split_share"])
            text = Text(
                f"Filter and splitter: stage 1 checks each item; the filter keeps {keep} % of them; the splitter sends {split} % of those to stage 2 (HD) and the rest to stage 3 (SD); stage 4 publishes.",
                f"フィルターとスプリッターのグラフです。ステージ 1 が各項目を確認し、フィルターが {keep} % を残します。スプリッターがそのうち {split} % をステージ 2（HD）へ、残りをステージ 3（SD）へ送り、ステージ 4 が公開します。",
            )
        else:
            n = p["shards"]
            text = Text(
                f"Sharder and merger: stage 1 ingests each item; the sharder cuts it into {n} pieces, one per shard queue of stage 2; the merger joins an item once all its pieces are done; stage 4 publishes. Stage 3 is not used.",
                f"シャーダーとマージャーのグラフです。ステージ 1 が各項目を取り込み、シャーダーが {n} 個のピースに分けてステージ 2 の各シャードのキューへ 1 つずつ送ります。マージャーはすべてのピースが終わった項目を 1 つに合わせ、ステージ 4 が公開します。ステージ 3 は使いません。",
            )
        self.events.append(Event(0.0, "graph", text))


def node_state(pipe: Pipeline, stage: int) -> str:
    if stage + 1 not in used_stages(pipe.graph):
        return "idle"
    stats, workers = pipe.stats[stage], pipe.workers(stage)
    if stats.busy == 0 and stats.waiting == 0:
        return "idle"
    if stats.waiting <= workers:
        return "ok"
    if stats.waiting <= BACKLOG_EVENT_PER_WORKER * workers:
        return "busy"
    return "degraded"


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    # A first pass finds the makespan, so the frames can split the run into equal steps.
    makespan = Pipeline(params, seed).finish()
    step = makespan / FRAME_STEPS
    pipe = Pipeline(params, seed)
    prev_t, prev_in, prev_out, prev_dropped = 0.0, 0, 0, 0
    prev_busy = [0.0] * STAGES
    for k in range(1, FRAME_STEPS + 1):
        t = makespan if k == FRAME_STEPS else k * step
        pipe.run_until(t)
        width = t - prev_t
        series: dict[str, float] = {
            "rate_in": round((pipe.arrived - prev_in) / width, 4),
            "rate_out": round((pipe.out - prev_out) / width, 4),
            "rate_dropped": round((pipe.dropped - prev_dropped) / width, 4),
        }
        for s in range(STAGES):
            busy = pipe.busy_area(s, t)
            workers = pipe.workers(s)
            series[f"backlog_stage{s + 1}"] = pipe.backlog(s)
            series[f"util_stage{s + 1}"] = round((busy - prev_busy[s]) / (workers * width), 4) if workers else 0.0
            prev_busy[s] = busy
        nodes = {f"stage{s + 1}": node_state(pipe, s) for s in range(STAGES)}
        nodes["input"] = "busy" if pipe.arrived < len(pipe.arrivals) else "idle"
        nodes["output"] = "ok" if pipe.out > prev_out else "idle"
        events = [e for e in pipe.events if e.t <= t]
        pipe.events = [e for e in pipe.events if e.t > t]
        if k == FRAME_STEPS:
            result = pipe.result()
            events.append(
                Event(
                    t, "done",
                    Text(
                        f"Pipeline done: {pipe.out} messages out in {t:.1f} s ({result['throughput_per_s']:.2f} per s); the busiest stage was stage {result['bottleneck_stage']}",
                        f"パイプラインが完了しました。{t:.1f} 秒で {pipe.out} 件のメッセージが出ました（毎秒 {result['throughput_per_s']:.2f} 件）。最も忙しかったのはステージ {result['bottleneck_stage']} です",
                    ),
                )
            )  # fmt: skip
        yield Frame(t=t, progress=t / makespan, series=series, events=events, nodes=nodes)
        prev_t, prev_in, prev_out, prev_dropped = t, pipe.arrived, pipe.out, pipe.dropped
    yield Result(pipe.result())


STAGE_ROLES = {
    1: Text(
        "Stage 1 checks every input item (in the sharder and merger graph it ingests it).",
        "ステージ 1 は、すべての入力項目を確認します（シャーダーとマージャーのグラフでは取り込みます）。",
    ),
    2: Text(
        "Stage 2 is the HD transcode (copier), branch A of the splitter (filter and splitter) or the shard queues, one per shard, each with this many workers (sharder and merger).",
        "ステージ 2 は、HD トランスコード（コピー）、スプリッターの分岐 A（フィルターとスプリッター）、またはシャードごとのキュー（シャーダーとマージャー。各キューにこの数のワーカーがいます）です。",
    ),
    3: Text(
        "Stage 3 is the SD transcode (copier) or branch B of the splitter (filter and splitter); the sharder and merger graph does not use it.",
        "ステージ 3 は、SD トランスコード（コピー）またはスプリッターの分岐 B（フィルターとスプリッター）です。シャーダーとマージャーのグラフでは使いません。",
    ),
    4: Text(
        "Stage 4 publishes what reaches the end: both copies (copier), the kept items (filter and splitter) or the merged items (sharder and merger).",
        "ステージ 4 は、最後まで届いたものを公開します。コピーでは両方の複製、フィルターとスプリッターでは残った項目、シャーダーとマージャーではマージ済みの項目です。",
    ),
}


def stage_params(k: int, workers: int, service_s: float) -> tuple[Param, Param]:
    role = STAGE_ROLES[k]
    return (
        Param(
            f"stage{k}_workers",
            "int",
            workers,
            Text(f"Stage {k} workers", f"ステージ {k} のワーカー数"),
            Text(f"Workers taking messages from the stage's queue. {role.en}", f"このステージのキューからメッセージを取り出すワーカーの数です。{role.ja}"),
            min=1,
            max=64,
        ),
        Param(
            f"stage{k}_service_s",
            "float",
            service_s,
            Text(f"Stage {k} service time", f"ステージ {k} の処理時間"),
            Text(
                f"Mean time one worker spends on one message (exponentially distributed); for the shard queues, on one piece. {role.en}",
                f"1 台のワーカーが 1 件のメッセージ（シャードのキューでは 1 ピース）にかける平均時間です（指数分布）。{role.ja}",
            ),
            unit="s",
            min=0.01,
            max=600,
            step=0.01,
        ),
    )  # fmt: skip


def stage_series(prefix: str) -> tuple[Series, ...]:
    return tuple(Series(f"{prefix}_stage{k}", Text(f"stage {k}", f"ステージ {k}")) for k in range(1, STAGES + 1))


COPIER = {
    "graph": "copier",
    "items": 800,
    "input_rate": 4.0,
    "filter_pass_share": 0.6,
    "split_share": 0.3,
    "shards": 4,
    "stage1_workers": 2,
    "stage1_service_s": 0.25,
    "stage2_workers": 4,
    "stage2_service_s": 0.8,
    "stage3_workers": 2,
    "stage3_service_s": 0.35,
    "stage4_workers": 2,
    "stage4_service_s": 0.15,
}

SCENARIO = Scenario(
    slug="batch-pipeline",
    pattern="event-driven-batch",
    also_patterns=("event-based-pipeline",),
    title=Text("Event-driven batch pipeline", "イベント駆動のバッチパイプライン"),
    description=Text(
        "A batch of items arrives as a Poisson stream and flows through up to four work queues joined by routing stages: "
        "a copier that sends every item to two transcodes, a filter and a splitter that drop and route items, or a sharder "
        "that cuts each item into pieces and a merger that joins them again. Each stage has its own workers. Watch which "
        "stage's backlog grows, how busy each stage is, and how the output rate follows the input until one stage saturates.",
        "項目のバッチがポアソン到着で届き、振り分け段でつながれた最大 4 つのワークキューを流れます。振り分け段は、すべての項目を 2 つの"
        "トランスコードへ送るコピー、項目を捨てたり振り分けたりするフィルターとスプリッター、または各項目をピースに分けるシャーダーと、"
        "それを 1 つに戻すマージャーです。ステージごとに専用のワーカーがいます。どのステージの滞留が伸びるか、各ステージがどれだけ"
        "忙しいか、どこかのステージが飽和するまで出力のレートが入力に追従する様子を確かめられます。",
    ),
    params=(
        Param(
            "graph",
            "choice",
            "copier",
            Text("Stage graph", "ステージのグラフ"),
            Text(
                "Which fixed graph of stages and routing stages the items flow through.",
                "項目が流れる、ステージと振り分け段の固定のグラフです。",
            ),
            choices=(
                Choice(
                    "copier", Text("Copier: two transcodes in parallel", "コピー：2 つのトランスコードを並行して実行")
                ),
                Choice(
                    "filter_splitter",
                    Text("Filter, then splitter into two branches", "フィルターの後、スプリッターで 2 つに分岐"),
                ),
                Choice(
                    "sharder_merger",
                    Text("Sharder into N shards, then merger", "シャーダーで N 個に分け、マージャーで合わせる"),
                ),
            ),
        ),
        Param(
            "items",
            "int",
            800,
            Text("Input items", "入力項目数"),
            Text(
                "Items that enter the pipeline; the run ends when the last one has left.",
                "パイプラインに入る項目の数です。最後の項目が出た時点で実行が終わります。",
            ),
            min=1,
            max=5000,
        ),
        Param(
            "input_rate",
            "float",
            4.0,
            Text("Input rate", "入力レート"),
            Text("Mean rate of the Poisson stream of input items.", "入力項目のポアソン到着の平均レートです。"),
            unit="items/s",
            min=0.01,
            max=1000,
            step=0.1,
        ),
        Param(
            "filter_pass_share",
            "float",
            0.6,
            Text("Share the filter keeps", "フィルターを通る割合"),
            Text(
                "Share of the items the filter passes on after stage 1; it drops the rest. Only the filter and splitter graph uses it.",
                "ステージ 1 の後でフィルターが先へ流す項目の割合です。残りは捨てます。フィルターとスプリッターのグラフだけが使います。",
            ),
            min=0,
            max=1,
            step=0.05,
        ),
        Param(
            "split_share",
            "float",
            0.3,
            Text("Share the splitter sends to stage 2", "スプリッターがステージ 2 へ送る割合"),
            Text(
                "Share of the kept items the splitter routes to stage 2 (branch A); the rest go to stage 3 (branch B). Only the filter and splitter graph uses it.",
                "残った項目のうち、スプリッターがステージ 2（分岐 A）へ送る割合です。残りはステージ 3（分岐 B）へ送ります。フィルターとスプリッターのグラフだけが使います。",
            ),
            min=0,
            max=1,
            step=0.05,
        ),
        Param(
            "shards",
            "int",
            4,
            Text("Shards", "シャード数"),
            Text(
                "Pieces the sharder cuts each item into, one per shard queue of stage 2. Only the sharder and merger graph uses it.",
                "シャーダーが各項目を分けるピースの数で、ステージ 2 のシャードのキュー 1 つにつき 1 個です。シャーダーとマージャーのグラフだけが使います。",
            ),
            min=2,
            max=8,
        ),
        *stage_params(1, 2, 0.25),
        *stage_params(2, 4, 0.8),
        *stage_params(3, 2, 0.35),
        *stage_params(4, 2, 0.15),
    ),  # fmt: skip
    charts=(
        Chart(
            id="backlog",
            title=Text("Backlog per stage", "ステージごとの滞留"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("messages waiting", "待っているメッセージ数"),
            series=stage_series("backlog"),
        ),
        Chart(
            id="throughput",
            title=Text("Throughput in and out", "入力と出力のスループット"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("per second", "1 秒あたり"),
            series=(
                Series("rate_in", Text("items in", "入力された項目")),
                Series("rate_out", Text("messages out", "出力されたメッセージ")),
                Series("rate_dropped", Text("dropped by the filter", "フィルターで捨てた項目")),
            ),
        ),
        Chart(
            id="utilization",
            title=Text("Utilisation per stage", "ステージごとの利用率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share of workers busy", "処理中のワーカーの割合"),
            series=stage_series("util"),
        ),
    ),
    run=run,
    results=(
        Measure(
            "throughput_per_s",
            Text("Throughput", "スループット"),
            "msg/s",
            Text(
                "Messages out of the last stage divided by the makespan; a copier counts both copies.",
                "最後のステージから出たメッセージ数をメイクスパンで割った値です。コピーでは両方の複製を数えます。",
            ),
        ),
        Measure(
            "expected_throughput_per_s",
            Text("Throughput the flow model predicts", "流量モデルによるスループットの予測"),
            "msg/s",
            Text(
                "The input rate, capped by the tightest stage's capacity, times the messages each item becomes at the end.",
                "入力レートを最も余裕のないステージの処理能力で頭打ちにし、1 項目が最後に何件のメッセージになるかを掛けた値です。",
            ),
        ),
        Measure(
            "makespan_s",
            Text("Makespan", "メイクスパン"),
            "s",
            Text(
                "Time until the last message left the pipeline.", "最後のメッセージがパイプラインを出るまでの時間です。"
            ),
        ),
        Measure(
            "bottleneck_stage",
            Text("Bottleneck stage", "ボトルネックのステージ"),
            help=Text(
                "Number of the stage with the highest measured utilisation; it is the one with the highest offered load λS/c.",
                "測定した利用率が最も高いステージの番号です。負荷 λS/c が最も大きいステージと一致します。",
            ),
        ),
        Measure(
            "utilization_by_stage",
            Text("Utilisation per stage", "ステージごとの利用率"),
            help=Text(
                "Busy worker-seconds over workers × makespan, for stages 1-4 (null for a stage the graph does not use).",
                "処理中のワーカー秒を、ワーカー数 × メイクスパンで割った値です。ステージ 1〜4 の順で、使わないステージには値がありません。",
            ),
        ),
        Measure(
            "offered_load_by_stage",
            Text("Offered load per stage (λS/c)", "ステージごとの負荷（λS/c）"),
            help=Text(
                "Rate into one of the stage's queues × mean service time / workers; above 1 the stage cannot keep up.",
                "ステージのキュー 1 つへの到着レート × 平均処理時間 ÷ ワーカー数です。1 を超えるとそのステージは処理が追いつきません。",
            ),
        ),
        Measure(
            "max_backlog_by_stage",
            Text("Peak backlog per stage", "ステージごとの最大滞留"),
            "msg",
            Text(
                "Most messages waiting in each stage's queues at once, not counting those in service.",
                "各ステージのキューで同時に待っていたメッセージの最大数です。処理中のものは含みません。",
            ),
        ),
        Measure("max_backlog_stage1", Text("Peak backlog, stage 1", "最大滞留（ステージ 1）"), "msg"),
        Measure("max_backlog_stage2", Text("Peak backlog, stage 2", "最大滞留（ステージ 2）"), "msg"),
        Measure("max_backlog_stage3", Text("Peak backlog, stage 3", "最大滞留（ステージ 3）"), "msg"),
        Measure("max_backlog_stage4", Text("Peak backlog, stage 4", "最大滞留（ステージ 4）"), "msg"),
        Measure(
            "mean_wait_by_stage",
            Text("Mean wait per stage", "ステージごとの平均待ち時間"),
            "s",
            Text(
                "Mean time a message waited in each stage's queue before a worker took it.",
                "各ステージのキューで、ワーカーに取り出されるまでメッセージが待った平均時間です。",
            ),
        ),
        Measure("items_in", Text("Items in", "入力された項目"), "items"),
        Measure("items_out", Text("Messages out", "出力されたメッセージ"), "msg"),
        Measure("dropped", Text("Dropped by the filter", "フィルターで捨てた項目"), "items"),
        Measure(
            "in_flight_at_end",
            Text("Items still inside at the end", "終了時に残っていた項目"),
            "items",
            Text(
                "Items with a message still queued, in service or held by the merger; 0 unless items were lost.",
                "メッセージがまだキューにあるか、処理中か、マージャーに保持されている項目です。取りこぼしがなければ 0 です。",
            ),
        ),
        Measure("input_span_s", Text("Last input arrival", "最後の入力の到着時刻"), "s"),
        Measure(
            "mean_merge_wait_s",
            Text("Mean wait for the last shard", "最後のシャードを待つ平均時間"),
            "s",
            Text(
                "Sharder and merger only: from an item's first piece finishing to its last, the time the merger holds it.",
                "シャーダーとマージャーのグラフのみです。項目の最初のピースが終わってから最後のピースが終わるまで、マージャーが保持する時間です。",
            ),
        ),
    ),  # fmt: skip
    source=Text(
        "Burns, Designing Distributed Systems (2018), ch. 11; each stage an M/M/c queue in a Jackson network (Jackson 1957; Burke 1956), "
        "mean wait by Erlang C, bottleneck at the highest λS/c",
        "Burns『Designing Distributed Systems』（2018 年）11 章。各ステージをジャクソンネットワーク（Jackson、1957 年。Burke、1956 年）の"
        "M/M/c 待ち行列とみなし、平均待ち時間はアーラン C 式、ボトルネックは λS/c が最大のステージ",
    ),
    topology=Topology(
        nodes=(
            Node("input", Text("Input", "入力"), 0.06, 0.5),
            Node("stage1", Text("Stage 1 (check)", "ステージ 1（確認）"), 0.27, 0.5),
            Node("stage2", Text("Stage 2 (HD / branch A / shards)", "ステージ 2（HD・分岐 A・シャード）"), 0.5, 0.22),
            Node("stage3", Text("Stage 3 (SD / branch B)", "ステージ 3（SD・分岐 B）"), 0.5, 0.78),
            Node("stage4", Text("Stage 4 (publish)", "ステージ 4（公開）"), 0.73, 0.5),
            Node("output", Text("Output", "出力"), 0.94, 0.5),
        ),
        links=(
            ("input", "stage1"),
            ("stage1", "stage2"),
            ("stage1", "stage3"),
            ("stage2", "stage4"),
            ("stage3", "stage4"),
            ("stage4", "output"),
        ),
    ),
    presets=(
        Preset(
            "copier-two-transcodes",
            Text("Copier: two transcodes in parallel", "コピー：2 つのトランスコードを並行して実行"),
            dict(COPIER),
        ),
        Preset(
            "filter-and-splitter",
            Text("Filter and splitter", "フィルターとスプリッター"),
            {
                **COPIER,
                "graph": "filter_splitter",
                "items": 1200,
                "input_rate": 6.0,
                "filter_pass_share": 0.6,
                "split_share": 0.3,
                "stage1_workers": 2,
                "stage1_service_s": 0.2,
                "stage2_workers": 2,
                "stage2_service_s": 1.2,
                "stage3_workers": 2,
                "stage3_service_s": 0.5,
                "stage4_workers": 1,
                "stage4_service_s": 0.2,
            },
        ),
        Preset(
            "sharder-and-merger",
            Text("Sharder and merger", "シャーダーとマージャー"),
            {
                **COPIER,
                "graph": "sharder_merger",
                "items": 600,
                "input_rate": 3.0,
                "shards": 4,
                "stage1_workers": 2,
                "stage1_service_s": 0.3,
                "stage2_workers": 1,
                "stage2_service_s": 0.25,
                "stage4_workers": 1,
                "stage4_service_s": 0.2,
            },
        ),
        Preset(
            "bottleneck",
            Text("A bottleneck stage (the backlog grows)", "ボトルネックのステージ（滞留が伸び続ける）"),
            {**COPIER, "stage2_workers": 2},
        ),
    ),  # fmt: skip
)
