# ruff: noqa: E501 - Japanese text counts double toward the line length
"""fan-out: one publisher, a topic, and one queue per subscriber, each drained at its own pace.

The publisher publishes messages as a Poisson stream at `publish_rate` for
`duration_s`. The topic copies every message into each of the `subscribers`
queues at once. Each queue has one consumer that takes the message at the head
and works on it for an exponential time with mean 1 / rate (an M/M/1 queue per
subscriber). `consumer_rates` picks the rates: "equal" gives every consumer
`consumer_rate`; "one_slow" gives the last subscriber `slow_consumer_rate`;
"one_failing" stops the last subscriber's consumer from `outage_at_s` for
`outage_s` (it finishes the message in hand, then receives nothing until it is
back at `consumer_rate`).

A message is poison with probability `poison_prob`, for every subscriber alike
(a malformed body): each receive of it fails, and the message goes back to the
end of its queue. The receive that reaches `max_receives` moves it to the
subscriber's dead-letter queue instead, as SQS does with maxReceiveCount.
Receive counts are kept per subscriber, as each queue keeps its own.

Each subscriber draws its processing times from its own random stream, so one
subscriber's speed or outage cannot change what happens in another queue: the
isolation the pattern promises holds exactly, not only on average.

Results (lists are per subscriber, the last one is the slow or failing one):
delivered, max_lag_s (the age of the oldest message not yet delivered or
dead-lettered, at its worst), dead_lettered (total), pending (still queued or in
hand at the end), lost (published x subscribers - delivered - dead-lettered -
pending: 0 unless a message went missing), lag_at_end_s, mean_latency_s
(publish to delivery), max_depth, dead_letter_receives_min/max (receives a
dead-lettered message had: always max_receives) and caught_up_at_s (when the
failing subscriber's queue first emptied after its outage).

Topology states: a queue is ok while its oldest message is under 2 s old, busy
under 30 s, degraded beyond; a consumer is down in its outage and degraded when
slower than the publish rate; the dead-letter queue is degraded once it holds a
message (its alarm should fire). Nodes for subscribers that do not exist are
idle. Five subscribers are drawn: with more, the first four and the last.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Iterator
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_SUBSCRIBERS = 10
STEPS = 300
DRAWN = 5  # subscribers drawn in the topology; past five, the fifth node is the last subscriber
LAG_MARKS = (10.0, 60.0, 600.0)

PUBLISH, DONE, STOP, START = range(4)


def consumer_rates(params: dict[str, Any]) -> list[float]:
    """Each subscriber's consumer rate (a failing consumer keeps the normal rate when up)."""
    rates = [float(params["consumer_rate"])] * params["subscribers"]
    if params["consumer_rates"] == "one_slow":
        rates[-1] = float(params["slow_consumer_rate"])
    return rates


def outage(params: dict[str, Any]) -> tuple[float, float] | None:
    """(start, end) of the last consumer's outage, or None."""
    if params["consumer_rates"] != "one_failing" or params["outage_s"] <= 0:
        return None
    start = params["outage_at_s"]
    return (start, start + params["outage_s"]) if start < params["duration_s"] else None


class FanOut:
    """The simulation state; `run_until` advances it, `frame` reads it."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.p = params
        master = random.Random(seed)
        self.publish_rng = random.Random(master.getrandbits(64))
        # One stream per possible subscriber, drawn whatever their number, so each queue's
        # randomness is its own.
        self.consumer_rngs = [random.Random(master.getrandbits(64)) for _ in range(MAX_SUBSCRIBERS)]
        n = params["subscribers"]
        self.n = n
        self.rates = consumer_rates(params)
        self.outage = outage(params)
        self.duration = params["duration_s"]

        self.now = 0.0
        self.heap: list[tuple[float, int, int, int]] = []
        self.seq = 0
        self.published: list[float] = []
        self.poison: list[bool] = []
        self.queues: list[deque[int]] = [deque() for _ in range(n)]
        self.in_hand = [-1] * n
        self.down = [False] * n
        self.receives: list[dict[int, int]] = [{} for _ in range(n)]
        self.finished = [bytearray() for _ in range(n)]
        self.oldest = [0] * n
        self.delivered = [0] * n
        self.dead = [0] * n
        self.latency = [0.0] * n
        self.max_lag = [0.0] * n
        self.max_depth = [0] * n
        self.dead_receives: list[int] = []
        self.caught_up_at: float | None = None
        self.lag_mark = [0] * n

        self.step_published = 0
        self.step_delivered = [0] * n
        self.events: list[Event] = []

        self._schedule(self.publish_rng.expovariate(params["publish_rate"]), PUBLISH, -1)
        if self.outage:
            self._schedule(self.outage[0], STOP, n - 1)
            if self.outage[1] < self.duration:
                self._schedule(self.outage[1], START, n - 1)

    def _schedule(self, at: float, kind: int, sub: int) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, sub))

    def run_until(self, t_end: float) -> None:
        heap = self.heap
        while heap and heap[0][0] <= t_end:
            at, _, kind, sub = heapq.heappop(heap)
            self.now = at
            if kind == PUBLISH:
                self._publish()
            elif kind == DONE:
                self._done(sub)
            elif kind == STOP:
                self._stop(sub)
            else:
                self._restart(sub)
        self.now = t_end

    # -- messages --------------------------------------------------------

    def _publish(self) -> None:
        m = len(self.published)
        self.published.append(self.now)
        self.poison.append(self.publish_rng.random() < self.p["poison_prob"])
        self.step_published += 1
        for i in range(self.n):
            self.finished[i].append(0)
            self.queues[i].append(m)
            if self.in_hand[i] < 0 and not self.down[i]:
                self._receive(i)
            depth = self.depth(i)
            if depth > self.max_depth[i]:
                self.max_depth[i] = depth
        gap = self.publish_rng.expovariate(self.p["publish_rate"])
        if self.now + gap <= self.duration:
            self._schedule(self.now + gap, PUBLISH, -1)

    def _receive(self, i: int) -> None:
        m = self.queues[i].popleft()
        self.in_hand[i] = m
        self.receives[i][m] = self.receives[i].get(m, 0) + 1
        self._schedule(self.now + self.consumer_rngs[i].expovariate(self.rates[i]), DONE, i)

    def _done(self, i: int) -> None:
        m = self.in_hand[i]
        self.in_hand[i] = -1
        if self.poison[m]:
            count = self.receives[i][m]
            if count >= self.p["max_receives"]:
                self.dead[i] += 1
                self.dead_receives.append(count)
                if self.dead[i] == 1:
                    self.events.append(
                        Event(
                            self.now, "dead-letter",
                            Text(f"Subscriber {i + 1}: a poison message went to the dead-letter queue after {count} receives", f"サブスクライバー {i + 1}：毒メッセージが {count} 回受信された後、デッドレターキューに移されました"),
                        )
                    )  # fmt: skip
                self._settle(i, m)
            else:
                self.queues[i].append(m)  # the receive failed: visible again, at the back
        else:
            self.delivered[i] += 1
            self.step_delivered[i] += 1
            self.latency[i] += self.now - self.published[m]
            self._settle(i, m)
        if not self.down[i] and self.queues[i]:
            self._receive(i)
        if (
            self.outage
            and i == self.n - 1
            and self.caught_up_at is None
            and self.now >= self.outage[1]
            and not self.depth(i)
        ):
            self._caught_up(i)

    def _settle(self, i: int, m: int) -> None:
        """m left subscriber i's queue for good: the lag peaks just before the oldest goes."""
        oldest = self.oldest[i]
        self.max_lag[i] = max(self.max_lag[i], self.now - self.published[oldest])
        self.receives[i].pop(m, None)
        finished = self.finished[i]
        finished[m] = 1
        while oldest < len(finished) and finished[oldest]:
            oldest += 1
        self.oldest[i] = oldest

    # -- the failing consumer --------------------------------------------

    def _stop(self, i: int) -> None:
        self.down[i] = True
        self.events.append(
            Event(
                self.now, "outage",
                Text(f"Subscriber {i + 1}'s consumer stops; its queue keeps every message", f"サブスクライバー {i + 1} のコンシューマーが止まりました。キューはメッセージをすべて保持します"),
            )
        )  # fmt: skip

    def _restart(self, i: int) -> None:
        self.down[i] = False
        backlog = self.depth(i)
        self.events.append(
            Event(
                self.now, "recovered",
                Text(f"Subscriber {i + 1}'s consumer is back with {backlog:,} messages to work through", f"サブスクライバー {i + 1} のコンシューマーが復帰しました。処理待ちのメッセージは {backlog:,} 件です"),
            )
        )  # fmt: skip
        if self.in_hand[i] < 0 and self.queues[i]:
            self._receive(i)
        elif not backlog:
            self._caught_up(i)

    def _caught_up(self, i: int) -> None:
        self.caught_up_at = self.now
        self.events.append(
            Event(
                self.now, "caught-up",
                Text(f"Subscriber {i + 1} has caught up: its queue is empty", f"サブスクライバー {i + 1} が追いつきました。キューは空です"),
            )
        )  # fmt: skip

    # -- reading the state -----------------------------------------------

    def depth(self, i: int) -> int:
        """Messages in subscriber i's queue, counting the one in hand."""
        return len(self.queues[i]) + (self.in_hand[i] >= 0)

    def lag(self, i: int) -> float:
        """Age of subscriber i's oldest message not yet delivered or dead-lettered."""
        oldest = self.oldest[i]
        return self.now - self.published[oldest] if oldest < len(self.published) else 0.0

    def _note_lag(self, i: int) -> None:
        lag = self.lag(i)
        while self.lag_mark[i] < len(LAG_MARKS) and lag >= LAG_MARKS[self.lag_mark[i]]:
            mark = LAG_MARKS[self.lag_mark[i]]
            self.lag_mark[i] += 1
            self.events.append(
                Event(
                    self.published[self.oldest[i]] + mark, "lag",
                    Text(f"Subscriber {i + 1}'s oldest message is {mark:g} s old", f"サブスクライバー {i + 1} の最も古いメッセージが {mark:g} 秒滞留しています"),
                )
            )  # fmt: skip

    def node_states(self) -> dict[str, str]:
        states = {"publisher": "ok" if self.now < self.duration else "idle", "topic": "ok"}
        for k in range(1, DRAWN + 1):
            states[f"queue_{k}"] = states[f"consumer_{k}"] = "idle"
        # Subscribers 1..5 each have a node; past five, the fifth node shows the last one.
        drawn = list(range(self.n)) if self.n <= DRAWN else [*range(DRAWN - 1), self.n - 1]
        for k, i in enumerate(drawn, start=1):
            lag = self.lag(i)
            states[f"queue_{k}"] = "ok" if lag < 2 else "busy" if lag < 30 else "degraded"
            states[f"consumer_{k}"] = (
                "down" if self.down[i] else "degraded" if self.rates[i] < self.p["publish_rate"] else "ok"
            )
        states["dlq"] = "degraded" if sum(self.dead) else "idle"
        return states

    def frame(self, at: float, width: float) -> Frame:
        for i in range(self.n):
            self._note_lag(i)
        last = self.n - 1
        others = range(last)
        depths = [self.depth(i) for i in others]
        made = Frame(
            t=at,
            progress=at / self.duration,
            series={
                "depth_last": self.depth(last),
                "depth_others_max": max(depths, default=0),
                "depth_others_mean": round(sum(depths) / len(depths), 3) if depths else 0.0,
                "published_per_s": round(self.step_published / width, 3),
                "delivered_last_per_s": round(self.step_delivered[last] / width, 3),
                "delivered_others_per_s": round(sum(self.step_delivered[i] for i in others) / width / last, 3)
                if last
                else 0.0,
                "lag_last": round(self.lag(last), 3),
                "lag_others_max": round(max((self.lag(i) for i in others), default=0.0), 3),
                "dead_lettered": sum(self.dead),
                "poison_copies": sum(self.poison) * self.n,
            },
            events=sorted(self.events, key=lambda e: e.t),
            nodes=self.node_states(),
        )
        self.events.clear()
        self.step_published = 0
        self.step_delivered = [0] * self.n
        return made

    def result(self) -> dict[str, Any]:
        published = len(self.published)
        pending = [self.depth(i) for i in range(self.n)]
        for i in range(self.n):  # messages still waiting at the end may be the oldest yet
            self.max_lag[i] = max(self.max_lag[i], self.lag(i))
        lost = sum(published - self.delivered[i] - self.dead[i] - pending[i] for i in range(self.n))
        return {
            "published": published,
            "poison_published": sum(self.poison),
            "delivered": list(self.delivered),
            "max_lag_s": [round(x, 4) for x in self.max_lag],
            "dead_lettered": sum(self.dead),
            "dead_lettered_by_subscriber": list(self.dead),
            "pending": pending,
            "lost": lost,
            "lag_at_end_s": [round(self.lag(i), 4) for i in range(self.n)],
            "mean_latency_s": [
                round(self.latency[i] / self.delivered[i], 6) if self.delivered[i] else None for i in range(self.n)
            ],
            "max_depth": list(self.max_depth),
            "consumer_rates_per_s": self.rates,
            "dead_letter_receives_min": min(self.dead_receives, default=None),
            "dead_letter_receives_max": max(self.dead_receives, default=None),
            "caught_up_at_s": round(self.caught_up_at, 4) if self.caught_up_at is not None else None,
        }


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    sim = FanOut(params, seed)
    step = params["duration_s"] / STEPS
    for k in range(1, STEPS + 1):
        t = params["duration_s"] if k == STEPS else k * step
        sim.run_until(t)
        yield sim.frame(t, step)
    yield Result(sim.result())


BASE = {
    "subscribers": 3,
    "publish_rate": 20.0,
    "consumer_rates": "one_slow",
    "consumer_rate": 30.0,
    "slow_consumer_rate": 10.0,
    "poison_prob": 0.0,
    "max_receives": 5,
    "duration_s": 300.0,
    "outage_at_s": 60.0,
    "outage_s": 60.0,
}

SCENARIO = Scenario(
    slug="fan-out",
    pattern="fan-out",
    also_patterns=("publish-subscribe", "message-queue"),
    title=Text("Fan-out", "ファンアウト"),
    description=Text(
        "A publisher publishes each message once to a topic, which copies it into one queue per subscriber. Each "
        "subscriber's consumer drains its own queue at its own speed. Make the last subscriber slow or take it down "
        "for a while: its queue grows and its oldest message ages, while every other subscriber keeps its short lag. "
        "Add poison messages to watch each queue move them to the dead-letter queue after a fixed number of receives, "
        "and check that every published message is delivered, dead-lettered or still queued.",
        "パブリッシャーは各メッセージをトピックに 1 回だけ発行し、トピックがそれをサブスクライバーごとのキューにコピーします。"
        "各サブスクライバーのコンシューマーは、自分のキューを自分の速さで処理します。最後のサブスクライバーを遅くしたり、"
        "しばらく止めたりすると、そのキューだけが伸びて最も古いメッセージの待ち時間が増えていきますが、他のサブスクライバーの"
        "遅れは短いままです。毒メッセージを混ぜると、各キューが決まった回数の受信の後にデッドレターキューへ移す様子が見られます。"
        "発行したメッセージがすべて、配信済み・デッドレター・キューに残っているもののいずれかとして数えられることも確かめられます。",
    ),
    params=(
        Param(
            "subscribers",
            "int",
            BASE["subscribers"],
            Text("Subscribers", "サブスクライバー数"),
            Text(
                "Queues subscribed to the topic, each with one consumer.",
                "トピックを購読するキューの数です。キューごとにコンシューマーが 1 つずつあります。",
            ),
            min=1,
            max=MAX_SUBSCRIBERS,
        ),
        Param(
            "publish_rate",
            "float",
            BASE["publish_rate"],
            Text("Publish rate", "発行レート"),
            Text(
                "Mean rate of the Poisson stream of published messages.",
                "発行されるメッセージ（ポアソン到着）の平均レートです。",
            ),
            unit="msg/s",
            min=0.1,
            max=50,
            step=0.1,
        ),
        Param(
            "consumer_rates",
            "choice",
            BASE["consumer_rates"],
            Text("Consumer speeds", "コンシューマーの速さ"),
            Text(
                "Equal: every consumer runs at the consumer rate. One slow: the last subscriber runs at the slow rate. One failing: the last subscriber's consumer stops during the outage.",
                "「均等」では、すべてのコンシューマーが標準の処理レートで動きます。「1 つが遅い」では、最後のサブスクライバーだけが遅いレートで動きます。「1 つがしばらく故障」では、最後のサブスクライバーのコンシューマーが停止期間中に止まります。",
            ),
            choices=(
                Choice("equal", Text("Equal", "均等")),
                Choice("one_slow", Text("One slow", "1 つが遅い")),
                Choice("one_failing", Text("One failing for a while", "1 つがしばらく故障")),
            ),
        ),
        Param(
            "consumer_rate",
            "float",
            BASE["consumer_rate"],
            Text("Consumer rate", "標準の処理レート"),
            Text(
                "Messages per second a normal consumer processes on average (exponential processing times).",
                "通常のコンシューマーが 1 秒あたりに処理する平均メッセージ数です（処理時間は指数分布）。",
            ),
            unit="msg/s",
            min=0.1,
            max=200,
            step=0.1,
        ),
        Param(
            "slow_consumer_rate",
            "float",
            BASE["slow_consumer_rate"],
            Text("Slow consumer rate", "遅いコンシューマーの処理レート"),
            Text(
                "The last subscriber's rate when one consumer is slow; below the publish rate its queue grows without bound.",
                "「1 つが遅い」ときの最後のサブスクライバーのレートです。発行レートより小さいと、そのキューは際限なく伸びます。",
            ),
            unit="msg/s",
            min=0.1,
            max=200,
            step=0.1,
        ),
        Param(
            "poison_prob",
            "float",
            BASE["poison_prob"],
            Text("Poison probability", "毒メッセージの確率"),
            Text(
                "Probability that a message is poison: processing it always fails, for every subscriber.",
                "メッセージが毒メッセージである確率です。毒メッセージの処理はどのサブスクライバーでも必ず失敗します。",
            ),
            min=0,
            max=0.5,
            step=0.001,
        ),
        Param(
            "max_receives",
            "int",
            BASE["max_receives"],
            Text("Max receives", "最大受信回数"),
            Text(
                "A message whose processing has failed on this many receives goes to the dead-letter queue (SQS maxReceiveCount).",
                "この回数の受信で処理に失敗したメッセージは、デッドレターキューに移されます（SQS の maxReceiveCount）。",
            ),
            min=1,
            max=20,
        ),
        Param(
            "duration_s",
            "float",
            BASE["duration_s"],
            Text("Duration", "シミュレーション時間"),
            Text(
                "How long the publisher publishes; the run ends then, and what is still queued counts as pending.",
                "パブリッシャーが発行を続ける時間です。実行はその時点で終わり、キューに残ったメッセージは未処理として数えます。",
            ),
            unit="s",
            min=10,
            max=600,
            step=10,
        ),
        Param(
            "outage_at_s",
            "float",
            BASE["outage_at_s"],
            Text("Outage at", "停止の開始時刻"),
            Text(
                "When the failing consumer stops (one failing only).",
                "故障するコンシューマーが止まる時刻です（「1 つがしばらく故障」のときだけ使います）。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "outage_s",
            "float",
            BASE["outage_s"],
            Text("Outage length", "停止の長さ"),
            Text(
                "How long the failing consumer stays down; then it works through its queue at the consumer rate.",
                "故障したコンシューマーが止まっている時間です。その後は標準の処理レートでキューを処理していきます。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="depth",
            title=Text("Queue depth", "キューの深さ"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("messages", "メッセージ数"),
            series=(
                Series("depth_last", Text("last subscriber (slow or failing)", "最後のサブスクライバー（遅い・故障）")),
                Series("depth_others_max", Text("deepest of the others", "他のサブスクライバーで最も深いキュー")),
                Series("depth_others_mean", Text("others on average", "他のサブスクライバーの平均")),
            ),
        ),
        Chart(
            id="deliveries",
            title=Text("Deliveries per second", "1 秒あたりの配信数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("messages/s", "メッセージ/秒"),
            series=(
                Series("published_per_s", Text("published", "発行")),
                Series(
                    "delivered_last_per_s", Text("delivered to the last subscriber", "最後のサブスクライバーへの配信")
                ),
                Series(
                    "delivered_others_per_s",
                    Text("delivered to each other subscriber", "他のサブスクライバー 1 つあたりの配信"),
                ),
            ),
        ),
        Chart(
            id="lag",
            title=Text("Age of the oldest undelivered message", "未配信で最も古いメッセージの経過時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("seconds", "秒"),
            series=(
                Series("lag_last", Text("last subscriber", "最後のサブスクライバー")),
                Series("lag_others_max", Text("worst of the others", "他のサブスクライバーでの最大")),
            ),
        ),
        Chart(
            id="dead-letters",
            title=Text("Dead letters (cumulative)", "デッドレター（累計）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("messages", "メッセージ数"),
            series=(
                Series("dead_lettered", Text("in the dead-letter queues", "デッドレターキュー内")),
                Series("poison_copies", Text("poison copies published", "発行された毒メッセージのコピー")),
            ),
        ),
    ),
    results=(
        Measure("published", Text("Published", "発行数"), "msg"),
        Measure("poison_published", Text("Poison messages published", "発行された毒メッセージ"), "msg"),
        Measure("delivered", Text("Delivered, per subscriber", "サブスクライバーごとの配信数"), "msg"),
        Measure(
            "max_lag_s",
            Text("Worst lag, per subscriber", "サブスクライバーごとの最大の遅れ"),
            "s",
            Text(
                "The age of the oldest message not yet delivered or dead-lettered, at its worst.",
                "まだ配信もデッドレターへの移動もされていない最も古いメッセージの経過時間の最大値です。",
            ),
        ),
        Measure(
            "dead_lettered",
            Text("Dead-lettered", "デッドレターキューに移された数"),
            "msg",
            Text(
                "Copies moved to a dead-letter queue, over all subscribers.",
                "デッドレターキューに移されたコピーの、全サブスクライバーでの合計です。",
            ),
        ),
        Measure(
            "dead_lettered_by_subscriber",
            Text("Dead-lettered, per subscriber", "サブスクライバーごとのデッドレター数"),
            "msg",
        ),
        Measure(
            "pending",
            Text("Pending at the end, per subscriber", "終了時の未処理数（サブスクライバーごと）"),
            "msg",
            Text(
                "Still queued or in hand when publishing stopped.",
                "発行が終わった時点で、まだキューにあるか処理中のメッセージです。",
            ),
        ),
        Measure(
            "lost",
            Text("Lost", "失われたメッセージ"),
            "msg",
            Text(
                "Published × subscribers − delivered − dead-lettered − pending: 0 when no copy went missing.",
                "発行数 × サブスクライバー数 − 配信数 − デッドレター数 − 未処理数です。コピーが 1 つも失われなければ 0 です。",
            ),
        ),
        Measure("lag_at_end_s", Text("Lag at the end, per subscriber", "終了時の遅れ（サブスクライバーごと）"), "s"),
        Measure(
            "mean_latency_s",
            Text("Mean time to delivery, per subscriber", "配信までの平均時間（サブスクライバーごと）"),
            "s",
            Text(
                "From publish to delivery; 1/(μ − λ) for a healthy M/M/1 subscriber.",
                "発行から配信までの時間です。正常な M/M/1 のサブスクライバーなら 1/(μ − λ) です。",
            ),
        ),
        Measure(
            "max_depth", Text("Deepest queue, per subscriber", "最大のキューの深さ（サブスクライバーごと）"), "msg"
        ),
        Measure(
            "consumer_rates_per_s",
            Text("Consumer rates, per subscriber", "コンシューマーの処理レート（サブスクライバーごと）"),
            "msg/s",
        ),
        Measure(
            "dead_letter_receives_min",
            Text("Fewest receives before dead-lettering", "デッドレターキューに移るまでの受信回数（最小）"),
            help=Text(
                "Equals max receives when the redrive rule holds.",
                "リドライブポリシー（maxReceiveCount）のとおりに動いていれば、最大受信回数と等しくなります。",
            ),
        ),
        Measure(
            "dead_letter_receives_max",
            Text("Most receives before dead-lettering", "デッドレターキューに移るまでの受信回数（最大）"),
        ),
        Measure(
            "caught_up_at_s",
            Text("Caught up at", "追いついた時刻"),
            "s",
            Text(
                "When the failing subscriber's queue first emptied after its outage.",
                "故障したサブスクライバーのキューが、停止の後に初めて空になった時刻です。",
            ),
        ),
    ),  # fmt: skip
    run=run,
    source=Text(
        "Conservation of messages (delivered + dead-lettered + pending = published × subscribers); the M/M/1 mean time in system 1/(μ − λ) (Kleinrock, Queueing Systems Vol. 1, 1975); the fluid approximation of an overloaded queue; SQS maxReceiveCount",
        "メッセージの保存則（配信済み + デッドレター + 未処理 = 発行数 × サブスクライバー数）、M/M/1 の平均系内時間 1/(μ − λ)（Kleinrock『Queueing Systems Vol. 1』、1975 年）、過負荷の待ち行列の流体近似、SQS の maxReceiveCount",
    ),
    topology=Topology(
        nodes=(
            Node("publisher", Text("Publisher", "パブリッシャー"), 0.07, 0.42),
            Node("topic", Text("Topic", "トピック"), 0.25, 0.42),
            *(
                Node(f"queue_{k}", Text(f"Queue {k}", f"キュー {k}"), 0.5, 0.08 + 0.2 * (k - 1))
                for k in range(1, DRAWN)
            ),
            Node(
                f"queue_{DRAWN}",
                Text(f"Queue {DRAWN} (or the last)", f"キュー {DRAWN}（または最後のキュー）"),
                0.5,
                0.88,
            ),
            *(
                Node(f"consumer_{k}", Text(f"Consumer {k}", f"コンシューマー {k}"), 0.8, 0.08 + 0.2 * (k - 1))
                for k in range(1, DRAWN)
            ),
            Node(
                f"consumer_{DRAWN}",
                Text(f"Consumer {DRAWN} (or the last)", f"コンシューマー {DRAWN}（または最後のコンシューマー）"),
                0.8,
                0.88,
            ),
            Node("dlq", Text("Dead-letter queue", "デッドレターキュー"), 0.25, 0.85),
        ),
        links=(
            ("publisher", "topic"),
            *(("topic", f"queue_{k}") for k in range(1, DRAWN + 1)),
            *((f"queue_{k}", f"consumer_{k}") for k in range(1, DRAWN + 1)),
            *((f"queue_{k}", "dlq") for k in range(1, DRAWN + 1)),
        ),
    ),  # fmt: skip
    presets=(
        Preset("all-healthy", Text("All healthy", "すべて正常"), {**BASE, "consumer_rates": "equal"}),
        Preset("one-slow", Text("One slow subscriber", "遅いサブスクライバーが 1 つ"), dict(BASE)),
        Preset(
            "poison-dlq",
            Text("Poison messages go to the DLQ", "毒メッセージは DLQ へ"),
            {**BASE, "consumer_rates": "equal", "consumer_rate": 40.0, "poison_prob": 0.05},
        ),
        Preset(
            "failing-catches-up",
            Text("A consumer fails for a while and catches up", "コンシューマーがしばらく止まり、その後追いつく"),
            {**BASE, "consumer_rates": "one_failing"},
        ),
    ),
)
