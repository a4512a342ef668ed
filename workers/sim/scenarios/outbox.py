# ruff: noqa: E501 - Japanese text counts double toward the line length
"""outbox: a service writes an order and must publish an event, through crashes and a broker outage.

Orders arrive as a Poisson stream at `order_rate` until `orders` have arrived.
Each order is one database transaction that commits at once, or rolls back with
probability `rollback_prob` (a constraint violation, a deadlock). Publishing one
event takes PUBLISH_MS (2 ms) until the broker acknowledges it, and the consumer
receives it DELIVERY_MS (10 ms) later. The broker refuses every publish from
`broker_outage_at_s` for `broker_outage_s`. Each order's handling has one crash
point, where the process crashes with probability `crash_prob`:

- dual_write, commit_first: commit, then publish. A crash between the two, or a
  publish refused by the broker, leaves a committed order with no event: lost.
- dual_write, publish_first: publish, then commit. A crash between the two, or
  a rollback, leaves an event for an order that does not exist: a phantom.
  While the broker is down, the service refuses the order.
  A crashed service is back at once: only the order in hand is affected.
- outbox: the order and its event row commit in the same transaction. A relay
  polls every `relay_interval_ms`, claims the unsent rows (oldest first, at most
  BATCH_ROWS = 100), publishes them one by one and marks them sent in one
  commit at the end of the batch. The crash point is after publishing a row for
  the first time and before that commit: the relay restarts RESTART_S (1 s)
  later and publishes every row of the interrupted batch again (duplicates). A
  publish the broker refuses ends the batch the same way; the relay tries again
  at its next poll.
- cdc: the commit is appended to the database log; a connector reads each entry
  LOG_DELAY_MS (20 ms) after its commit, publishes it, and commits its log
  offset every `relay_interval_ms`, and after BATCH_ROWS entries at the latest
  (a source connector hands its records over in batches). The crash point is
  after publishing an entry for the first time: the connector restarts
  RESTART_S later from the last committed offset and publishes every entry
  after it again. While the broker is down it retries every CONNECTOR_RETRY_S
  (0.5 s).

Crash points are per order: an event republished after a crash gets no second
chance to crash, so every run ends with the outbox and the log drained, and a
crash republishes at most BATCH_ROWS events. The consumer applies every
delivery, or, with `idempotent_consumer`, keeps the ids it has processed and
skips a delivery it has seen.

Results: lost_events (committed orders whose event never reached the consumer),
phantom_events (events delivered for orders that were never committed),
duplicate_deliveries (deliveries of an event already delivered),
duplicates_applied (applications of an event already applied), max_lag_ms and
mean_lag_ms (commit to first delivery), and the counts behind them: orders
committed, rolled back and refused, orders that arrived while the broker was
down, events published, deliveries, crashes, losses by cause, the largest
backlog and the time the run took.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 300
PUBLISH_MS = 2.0  # one publish, until the broker acknowledges it
DELIVERY_MS = 10.0  # broker to consumer
LOG_DELAY_MS = 20.0  # a commit shows up in the log the connector reads
RESTART_S = 1.0  # a crashed relay or connector is back after this long
CONNECTOR_RETRY_S = 0.5  # the connector's retry interval while the broker refuses
BATCH_ROWS = 100  # rows the relay claims per poll (LIMIT 100); entries per connector offset commit, at most
CRASH_EVENTS = 3  # crashes described one by one; the rest are counted

PUBLISH_S, DELIVERY_S, LOG_DELAY_S = PUBLISH_MS / 1000, DELIVERY_MS / 1000, LOG_DELAY_MS / 1000


def outage_window(params: dict[str, Any]) -> tuple[float, float] | None:
    """(start, end) of the broker outage, or None."""
    if params["broker_outage_s"] <= 0:
        return None
    start = params["broker_outage_at_s"]
    return start, start + params["broker_outage_s"]


@dataclass
class Outcome:
    """What happened to every order and event, before the consumer reads the deliveries."""

    commit_times: list[float] = field(default_factory=list)  # committed orders, in commit order
    committed_ids: list[int] = field(default_factory=list)
    deliveries: list[tuple[float, int]] = field(default_factory=list)  # (arrives at consumer, order id)
    first_publish: dict[int, float] = field(default_factory=dict)
    # (when, what): the order for a dual write; the events to publish again for the relay or connector.
    crashes: list[tuple[float, int]] = field(default_factory=list)
    restarts: list[tuple[float, float]] = field(default_factory=list)  # relay/connector down windows
    lost: list[tuple[float, int, str]] = field(default_factory=list)  # (when, order, "crash" | "outage")
    refused: int = 0

    def publish(self, event: int, acked: float) -> None:
        self.deliveries.append((acked + DELIVERY_S, event))
        self.first_publish.setdefault(event, acked)


class Pipeline:
    """The orders, the database and whichever process carries events to the broker."""

    def __init__(self, params: dict[str, Any], seed: int) -> None:
        self.p = params
        master = random.Random(seed)
        # Separate streams, so the same seed gives every mode the same orders and rollbacks.
        self.arrival_rng = random.Random(master.getrandbits(64))
        self.order_rng = random.Random(master.getrandbits(64))
        self.crash_rng = random.Random(master.getrandbits(64))
        self.window = outage_window(params)
        self.arrivals: list[float] = []
        t = 0.0
        for _ in range(params["orders"]):
            t += self.arrival_rng.expovariate(params["order_rate"])
            self.arrivals.append(t)
        self.rolls_back = [self.order_rng.random() < params["rollback_prob"] for _ in self.arrivals]
        self.out = Outcome()

    def down(self, t: float) -> bool:
        return self.window is not None and self.window[0] <= t < self.window[1]

    def crashes(self) -> bool:
        return self.crash_rng.random() < self.p["crash_prob"]

    # -- the three ways to get an event out -------------------------------

    def dual_write(self) -> None:
        out, commit_first = self.out, self.p["dual_write_order"] == "commit_first"
        for order, t in enumerate(self.arrivals):
            if commit_first:
                if self.rolls_back[order]:
                    continue
                out.commit_times.append(t)
                out.committed_ids.append(order)
                if self.crashes():
                    out.crashes.append((t, order))
                    out.lost.append((t, order, "crash"))
                elif self.down(t):
                    out.lost.append((t, order, "outage"))
                else:
                    out.publish(order, t + PUBLISH_S)
            else:
                if self.down(t):
                    out.refused += 1
                    continue
                out.publish(order, t + PUBLISH_S)
                acked = t + PUBLISH_S
                if self.crashes():
                    out.crashes.append((acked, order))
                elif not self.rolls_back[order]:
                    out.commit_times.append(acked)
                    out.committed_ids.append(order)

    def commit_all(self) -> None:
        """Outbox and CDC: an order and its event commit together, or neither does."""
        for order, t in enumerate(self.arrivals):
            if not self.rolls_back[order]:
                self.out.commit_times.append(t)
                self.out.committed_ids.append(order)

    def relay(self) -> None:
        out = self.out
        rows, ids = out.commit_times, out.committed_ids
        interval = self.p["relay_interval_ms"] / 1000
        crash_points = set(range(len(rows)))  # rows whose first publish is still to come
        sent, t = 0, interval
        while sent < len(rows):
            if t < rows[sent]:  # idle polls until a row is there
                t += math.ceil((rows[sent] - t) / interval) * interval
            end = bisect.bisect_right(rows, t, sent, min(len(rows), sent + BATCH_ROWS))
            clock, published, crashed, refused = t, 0, False, False
            for row in range(sent, end):
                if self.down(clock):
                    refused = True  # the batch's transaction rolls back: its rows stay unsent
                    break
                clock += PUBLISH_S
                out.publish(ids[row], clock)
                published += 1
                if row in crash_points:
                    crash_points.discard(row)
                    if self.crashes():
                        crashed = True
                        break
            if crashed:
                out.crashes.append((clock, published))
                out.restarts.append((clock, clock + RESTART_S))
                t = clock + RESTART_S
                continue
            if not refused:
                sent = end
            t = max(t + interval, clock)

    def connector(self) -> None:
        out = self.out
        rows, ids = out.commit_times, out.committed_ids
        interval = self.p["relay_interval_ms"] / 1000
        crash_points = set(range(len(rows)))
        position, offset = 0, 0  # next entry to publish; entries before `offset` are committed
        t, next_flush = 0.0, interval
        while position < len(rows):
            t = max(t, rows[position] + LOG_DELAY_S)
            if next_flush <= t:
                offset = position  # everything published so far
                next_flush += (math.floor((t - next_flush) / interval) + 1) * interval
            if self.down(t):
                t += CONNECTOR_RETRY_S
                continue
            t += PUBLISH_S
            out.publish(ids[position], t)
            if position in crash_points:
                crash_points.discard(position)
                if self.crashes():
                    out.crashes.append((t, position + 1 - offset))
                    out.restarts.append((t, t + RESTART_S))
                    t += RESTART_S
                    position, next_flush = offset, t + interval
                    continue
            position += 1
            if position - offset >= BATCH_ROWS:
                offset = position  # a full batch commits its offset at once


@dataclass
class Consumed:
    """What the consumer saw: (time, order id) lists, in time order."""

    first_delivery: dict[int, float] = field(default_factory=dict)
    duplicates: list[tuple[float, int]] = field(default_factory=list)
    duplicates_applied: list[tuple[float, int]] = field(default_factory=list)
    phantoms: list[tuple[float, int]] = field(default_factory=list)
    lags: list[tuple[float, float]] = field(default_factory=list)  # (first delivery, lag), committed orders only


def consume(out: Outcome, idempotent: bool) -> Consumed:
    """Replay the deliveries in time order through the consumer."""
    committed_at = dict(zip(out.committed_ids, out.commit_times, strict=True))
    applied: set[int] = set()
    seen = Consumed()
    for at, event in sorted(out.deliveries):
        if event in seen.first_delivery:
            seen.duplicates.append((at, event))
            if idempotent:
                continue  # its id is in the processed-ids table: skip
        else:
            seen.first_delivery[event] = at
            if event in committed_at:
                seen.lags.append((at, at - committed_at[event]))
            else:
                seen.phantoms.append((at, event))
        if event in applied:
            seen.duplicates_applied.append((at, event))
        applied.add(event)
    return seen


def count_until(times: list[float], t: float) -> int:
    return bisect.bisect_right(times, t)


def max_backlog(out: Outcome) -> int:
    """The most committed events waiting for their first publish at any moment."""
    changes = sorted(
        [(t, 1) for t in out.commit_times]
        + [(out.first_publish[o], -1) for o in out.committed_ids if o in out.first_publish]
    )
    level = best = 0
    for _, change in changes:
        level += change
        best = max(best, level)
    return best


def story(params: dict[str, Any], sim: Pipeline, seen: Consumed, end: float) -> list[Event]:
    """The moments worth a line in the log, in time order."""
    mode, out, window = params["mode"], sim.out, sim.window
    commit_first = params["dual_write_order"] == "commit_first"
    events: list[Event] = []
    if window and window[0] < end:
        start, stop = window
        events.append(Event(start, "broker-down", Text(f"Broker down for {stop - start:g} s: every publish is refused", f"ブローカーが {stop - start:g} 秒間停止しました。その間の発行はすべて拒否されます")))  # fmt: skip
        if stop <= end:
            if mode == "dual_write" and commit_first:
                n = sum(1 for _, _, cause in out.lost if cause == "outage")
                text = Text(
                    f"Broker back up; {n} events were lost while it was down",
                    f"ブローカーが復旧しました。停止中に {n} 件のイベントが失われました",
                )
            elif mode == "dual_write":
                text = Text(
                    f"Broker back up; {out.refused} orders were refused while it was down",
                    f"ブローカーが復旧しました。停止中に {out.refused} 件の注文を拒否しました",
                )
            else:
                held = count_until(out.commit_times, stop) - sum(
                    1 for o in out.committed_ids if out.first_publish.get(o, math.inf) <= stop
                )
                where = Text("outbox", "アウトボックス") if mode == "outbox" else Text("log", "ログ")
                text = Text(
                    f"Broker back up; {held} events are waiting in the {where.en}",
                    f"ブローカーが復旧しました。{where.ja}で {held} 件のイベントが待っています",
                )
            events.append(Event(stop, "broker-up", text))
            held_rows = count_until(out.commit_times, stop)
            if mode != "dual_write" and held_rows:
                last_held = out.committed_ids[held_rows - 1]
                caught_up = out.first_publish[last_held]
                if caught_up > stop:
                    who = Text("relay", "リレー") if mode == "outbox" else Text("connector", "コネクター")
                    events.append(Event(caught_up, "caught-up", Text(f"The {who.en} has caught up: every event held during the outage is published", f"{who.ja}が追いつきました。停止中にたまったイベントはすべて発行されました")))  # fmt: skip
    for n, (at, detail) in enumerate(out.crashes[:CRASH_EVENTS]):
        if mode == "dual_write" and commit_first:
            text = Text(
                f"The service crashed after committing order #{detail + 1} and before publishing its event: the event is lost",
                f"サービスが注文 #{detail + 1} をコミットした後、イベントを発行する前にクラッシュしました。イベントは失われます",
            )
        elif mode == "dual_write":
            text = Text(
                f"The service crashed after publishing the event of order #{detail + 1} and before committing it: the event describes an order that does not exist",
                f"サービスが注文 #{detail + 1} のイベントを発行した後、コミットする前にクラッシュしました。発行済みのイベントは存在しない注文を表しています",
            )
        elif mode == "outbox":
            text = Text(
                f"The relay crashed before marking its batch sent; back in {RESTART_S:g} s, it publishes {detail} rows again",
                f"リレーがバッチに送信済みの印を付ける前にクラッシュしました。{RESTART_S:g} 秒後に復帰し、{detail} 行を再び発行します",
            )
        else:
            text = Text(
                f"The connector crashed before committing its log offset; back in {RESTART_S:g} s, it re-reads {detail} events from the last committed offset",
                f"コネクターがログのオフセットをコミットする前にクラッシュしました。{RESTART_S:g} 秒後に復帰し、最後にコミットしたオフセットから {detail} 件のイベントを読み直します",
            )
        if n == CRASH_EVENTS - 1 and len(out.crashes) > CRASH_EVENTS:
            text = Text(
                text.en + " (further crashes are counted, not listed)",
                text.ja + "（以降のクラッシュは件数だけを数え、ここには表示しません）",
            )
        events.append(Event(at, "crash", text))
    if out.lost:
        at, order, cause = out.lost[0]
        if cause == "outage":
            text = Text(
                f"First lost event: order #{order + 1} is committed, but the broker refused its event",
                f"最初のイベント消失：注文 #{order + 1} はコミットされましたが、ブローカーがイベントを拒否しました",
            )
        else:
            text = Text(
                f"First lost event: order #{order + 1} is committed and no one will ever hear of it",
                f"最初のイベント消失：注文 #{order + 1} はコミットされましたが、そのことは誰にも伝わりません",
            )
        events.append(Event(at, "lost", text))
    if seen.phantoms:
        at, order = seen.phantoms[0]
        events.append(Event(at, "phantom", Text(f"First phantom event: the consumer acts on order #{order + 1}, which was never committed", f"最初の架空のイベント：コンシューマーが、コミットされなかった注文 #{order + 1} に基づいて処理しました")))  # fmt: skip
    if seen.duplicates:
        at, order = seen.duplicates[0]
        if params["idempotent_consumer"]:
            text = Text(
                f"First duplicate: the event of order #{order + 1} arrives again and the consumer skips it",
                f"最初の重複：注文 #{order + 1} のイベントが再び届き、コンシューマーは読み飛ばしました",
            )
        else:
            text = Text(
                f"First duplicate: the event of order #{order + 1} arrives again and is applied a second time",
                f"最初の重複：注文 #{order + 1} のイベントが再び届き、もう一度適用されました",
            )
        events.append(Event(at, "duplicate", text))
    lost = len(out.committed_ids) - sum(1 for o in out.committed_ids if o in seen.first_delivery)
    events.append(Event(end, "done", Text(f"Done: {len(out.committed_ids)} orders committed; {lost} events lost, {len(seen.phantoms)} phantom, {len(seen.duplicates)} duplicate deliveries ({len(seen.duplicates_applied)} applied)", f"終了：コミットされた注文 {len(out.committed_ids)} 件、失われたイベント {lost} 件、架空のイベント {len(seen.phantoms)} 件、重複配信 {len(seen.duplicates)} 件（うち適用 {len(seen.duplicates_applied)} 件）")))  # fmt: skip
    return sorted(events, key=lambda event: event.t)


def in_window(starts: list[float], ends: list[float], lo: float, hi: float) -> bool:
    """Whether one of the non-overlapping windows (sorted) overlaps (lo, hi]."""
    k = bisect.bisect_right(starts, hi) - 1
    return k >= 0 and ends[k] > lo


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    mode = params["mode"]
    sim = Pipeline(params, seed)
    if mode == "dual_write":
        sim.dual_write()
    else:
        sim.commit_all()
        if mode == "outbox":
            sim.relay()
        else:
            sim.connector()
    out, window = sim.out, sim.window
    seen = consume(out, params["idempotent_consumer"])
    never_arrived = [o for o in out.committed_ids if o not in seen.first_delivery]

    end = max([sim.arrivals[-1], *(at for at, _ in out.deliveries)])
    if window and window[0] < sim.arrivals[-1]:
        end = max(end, window[1])
    # A dual write loses an event when it crashes or the broker refuses; an event that
    # merely never arrived (there should be none) counts as lost at the end.
    lost_times = sorted(t for t, _, _ in out.lost) + [end] * max(0, len(never_arrived) - len(out.lost))
    published_times = sorted(out.first_publish.values())
    first_publish_by_row = [out.first_publish.get(o, math.inf) for o in out.committed_ids]
    lags = sorted(seen.lags)
    lag_times = [at for at, _ in lags]
    delivery_times = sorted(at for at, _ in out.deliveries)
    phantom_times = [at for at, _ in seen.phantoms]
    duplicate_times = [at for at, _ in seen.duplicates]
    applied_twice_times = [at for at, _ in seen.duplicates_applied]
    crash_times = [at for at, _ in out.crashes]
    restart_starts = [a for a, _ in out.restarts]
    restart_ends = [b for _, b in out.restarts]
    events = story(params, sim, seen, end)

    step = end / MAX_FRAMES
    e = 0
    before = {"arrived": 0, "committed": 0, "delivered": 0, "applied_twice": 0, "crashes": 0}
    for k in range(1, MAX_FRAMES + 1):
        frame_end = end if k == MAX_FRAMES else k * step
        frame_start = frame_end - step
        now = {
            "arrived": count_until(sim.arrivals, frame_end),
            "committed": count_until(out.commit_times, frame_end),
            "delivered": count_until(delivery_times, frame_end),
            "applied_twice": count_until(applied_twice_times, frame_end),
            "crashes": count_until(crash_times, frame_end),
        }
        # Relay and connector publish rows in commit order, so the first row not yet
        # published is the oldest one waiting.
        first_waiting = count_until(first_publish_by_row, frame_end) if mode != "dual_write" else 0
        waiting = now["committed"] - first_waiting if mode != "dual_write" else 0
        oldest = frame_end - out.commit_times[first_waiting] if waiting > 0 else 0.0
        lo, hi = count_until(lag_times, frame_start), count_until(lag_times, frame_end)
        frame_lag = max((lag for _, lag in lags[lo:hi]), default=0.0)
        grew = {key: now[key] > before[key] for key in now}

        broker_down = window is not None and window[0] < frame_end and window[1] > frame_start
        restarting = in_window(restart_starts, restart_ends, frame_start, frame_end)
        nodes = {
            "service": "idle"
            if now["arrived"] == len(sim.arrivals) and not grew["arrived"]
            else "busy"
            if grew["arrived"]
            else "ok",
            "database": "busy" if grew["committed"] else "ok",
            "relay": "idle"
            if mode == "dual_write"
            else "down"
            if restarting
            else "degraded"
            if waiting and broker_down
            else "busy"
            if waiting
            else "ok",
            "broker": "down" if broker_down else "busy" if grew["delivered"] else "ok",
            "consumer": "degraded" if grew["applied_twice"] else "busy" if grew["delivered"] else "ok",
        }
        if mode == "dual_write" and grew["crashes"]:
            nodes["service"] = "degraded"
        frame_events = []
        while e < len(events) and events[e].t <= frame_end:
            frame_events.append(events[e])
            e += 1
        yield Frame(
            t=frame_end,
            progress=frame_end / end,
            series={
                "committed": now["committed"],
                "published": count_until(published_times, frame_end),
                "lag_ms": round(1000 * frame_lag, 3),
                "oldest_waiting_ms": round(1000 * oldest, 3),
                "lost": count_until(lost_times, frame_end),
                "phantom": count_until(phantom_times, frame_end),
                "duplicates": count_until(duplicate_times, frame_end),
                "duplicates_applied": now["applied_twice"],
            },
            events=frame_events,
            nodes=nodes,
        )
        before = now

    lag_values = [lag for _, lag in lags]
    yield Result(
        {
            "lost_events": len(never_arrived),
            "phantom_events": len(seen.phantoms),
            "duplicate_deliveries": len(seen.duplicates),
            "duplicates_applied": len(seen.duplicates_applied),
            "max_lag_ms": round(1000 * max(lag_values), 3) if lag_values else None,
            "mean_lag_ms": round(1000 * sum(lag_values) / len(lag_values), 3) if lag_values else None,
            "orders_committed": len(out.commit_times),
            "rolled_back": sum(sim.rolls_back),
            "orders_refused": out.refused,
            "orders_during_outage": sum(1 for t in sim.arrivals if sim.down(t)),
            "events_published": len(out.first_publish),
            "deliveries": len(out.deliveries),
            "crashes": len(out.crashes),
            "lost_to_crash": sum(1 for _, _, cause in out.lost if cause == "crash"),
            "lost_to_outage": sum(1 for _, _, cause in out.lost if cause == "outage"),
            "max_backlog": max_backlog(out) if mode != "dual_write" else 0,
            "duration_s": round(end, 3),
        }
    )


MODES = (
    Choice("dual_write", Text("Dual write", "二重書き込み")),
    Choice(
        "outbox", Text("Transactional outbox (polling relay)", "トランザクショナルアウトボックス（ポーリングリレー）")
    ),
    Choice("cdc", Text("Change data capture (log tailing)", "変更データキャプチャ（ログの追跡）")),
)

COMMON = {
    "dual_write_order": "commit_first",
    "crash_prob": 0.02,
    "rollback_prob": 0.02,
    "broker_outage_s": 10.0,
    "broker_outage_at_s": 20.0,
    "relay_interval_ms": 500.0,
    "idempotent_consumer": True,
    "orders": 1000,
    "order_rate": 20.0,
}

SCENARIO = Scenario(
    slug="outbox",
    pattern="transactional-outbox",
    title=Text(
        "Transactional outbox: no lost or phantom events",
        "トランザクショナルアウトボックス：イベントを失わず、架空のイベントも出さない",
    ),
    description=Text(
        "A service commits orders and must publish an event for each one, while processes crash and the broker goes down for a while. "
        "Write to the database and the broker separately (a dual write), or put the event in an outbox table in the same transaction "
        "and let a polling relay or a change data capture connector publish it. Count the events lost or invented, the duplicates "
        "the consumer receives and applies, and how long events wait.",
        "サービスは注文をコミットし、注文ごとにイベントを発行しなければなりません。その間にプロセスはクラッシュし、ブローカーはしばらく停止します。"
        "データベースとブローカーに別々に書き込む（二重書き込み）か、同じトランザクションでイベントをアウトボックステーブルに書き、"
        "ポーリングするリレーや変更データキャプチャのコネクターに発行させるかを選べます。失われたイベント、架空のイベント（存在しない注文の"
        "イベント）、コンシューマーに届いた重複と適用された重複を数え、イベントの待ち時間を測ります。",
    ),
    params=(
        Param(
            "mode",
            "choice",
            "outbox",
            Text("How the event gets out", "イベントの出し方"),
            Text(
                "Dual write: the service writes the database and the broker one after the other. Outbox: the event row commits with the order and a relay polls the table. CDC: a connector reads the database log.",
                "二重書き込みでは、サービスがデータベースとブローカーに順に書き込みます。アウトボックスでは、イベントの行を注文と一緒にコミットし、リレーがテーブルをポーリングします。CDC では、コネクターがデータベースのログを読みます。",
            ),
            choices=MODES,
        ),
        Param(
            "dual_write_order",
            "choice",
            "commit_first",
            Text("Dual write order", "二重書き込みの順序"),
            Text(
                "Commit first: commit, then publish (a crash in between loses the event). Publish first: publish, then commit (a crash or rollback in between leaves a phantom event). Only the dual write uses it.",
                "コミットが先なら、コミットしてから発行します（間でクラッシュするとイベントが失われます）。発行が先なら、発行してからコミットします（間でクラッシュやロールバックが起きると架空のイベントが残ります）。二重書き込みでのみ使います。",
            ),
            choices=(
                Choice("commit_first", Text("Commit, then publish", "コミットしてから発行")),
                Choice("publish_first", Text("Publish, then commit", "発行してからコミット")),
            ),
        ),
        Param(
            "crash_prob",
            "float",
            0.02,
            Text("Crash probability", "クラッシュの確率"),
            Text(
                "Probability that a process crashes at the one crash point of each order: the service between its two writes (dual write), the relay after publishing a row and before marking its batch sent (outbox), the connector after publishing an entry and before committing its log offset (CDC).",
                "注文ごとに 1 か所あるクラッシュ地点で、プロセスがクラッシュする確率です。二重書き込みでは 2 つの書き込みの間のサービス、アウトボックスでは行を発行した後でバッチに送信済みの印を付ける前のリレー、CDC ではエントリーを発行した後でログのオフセットをコミットする前のコネクターです。",
            ),
            min=0,
            max=0.5,
            step=0.01,
        ),
        Param(
            "rollback_prob",
            "float",
            0.02,
            Text("Rollback probability", "ロールバックの確率"),
            Text(
                "Probability that an order's transaction fails to commit (a constraint violation, a deadlock).",
                "注文のトランザクションがコミットに失敗する確率です（制約違反やデッドロックなど）。",
            ),
            min=0,
            max=0.5,
            step=0.01,
        ),
        Param(
            "broker_outage_s",
            "float",
            10.0,
            Text("Broker outage", "ブローカーの停止時間"),
            Text(
                "How long the broker refuses every publish; 0 for no outage.",
                "ブローカーがすべての発行を拒否する時間です。0 なら停止しません。",
            ),
            unit="s",
            min=0,
            max=300,
            step=1,
        ),
        Param(
            "broker_outage_at_s",
            "float",
            20.0,
            Text("Outage starts at", "停止の開始時刻"),
            Text("When the broker goes down.", "ブローカーが停止する時刻です。"),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "relay_interval_ms",
            "float",
            500.0,
            Text("Relay interval", "リレーの間隔"),
            Text(
                "Outbox: how often the relay polls the table. CDC: how often the connector commits its log offset (it reads the log continuously, about 20 ms behind).",
                "アウトボックスでは、リレーがテーブルをポーリングする間隔です。CDC では、コネクターがログのオフセットをコミットする間隔です（ログは約 20 ms 遅れで常に読み続けます）。",
            ),
            unit="ms",
            min=10,
            max=10000,
            step=10,
        ),
        Param(
            "idempotent_consumer",
            "bool",
            True,
            Text("Idempotent consumer", "冪等なコンシューマー"),
            Text(
                "The consumer keeps the ids of the events it has processed and skips any it has seen.",
                "コンシューマーが処理済みのイベント ID を記録し、すでに受け取ったイベントを読み飛ばします。",
            ),
        ),
        Param(
            "orders",
            "int",
            1000,
            Text("Orders", "注文数"),
            Text(
                "How many orders arrive; the run lasts until every published event has been delivered.",
                "到着する注文の数です。発行されたイベントがすべて届くまで実行を続けます。",
            ),
            min=1,
            max=20000,
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
    ),  # fmt: skip
    charts=(
        Chart(
            id="flow",
            title=Text("Orders committed and events published", "コミットされた注文と発行されたイベント"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("cumulative count", "累計"),
            series=(
                Series("committed", Text("orders committed", "コミットされた注文")),
                Series("published", Text("events published", "発行されたイベント")),
            ),
        ),
        Chart(
            id="lag",
            title=Text("How long events wait", "イベントの待ち時間"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms", "ミリ秒"),
            series=(
                Series(
                    "lag_ms",
                    Text("worst commit-to-delivery lag, per step", "コミットから配信までの最大の遅れ（区間ごと）"),
                ),
                Series(
                    "oldest_waiting_ms",
                    Text("age of the oldest unpublished event", "未発行で最も古いイベントの経過時間"),
                ),
            ),
        ),
        Chart(
            id="anomalies",
            title=Text("Lost, phantom and duplicate events", "失われたイベント、架空のイベント、重複"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("cumulative count", "累計"),
            series=(
                Series("lost", Text("lost", "消失")),
                Series("phantom", Text("phantom", "架空のイベント")),
                Series("duplicates", Text("duplicate deliveries", "重複配信")),
                Series("duplicates_applied", Text("duplicates applied", "適用された重複")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "lost_events",
            Text("Lost events", "失われたイベント"),
            "events",
            Text(
                "Committed orders whose event never reached the consumer.",
                "コミットされたのに、イベントがコンシューマーに届かなかった注文です。",
            ),
        ),
        Measure(
            "phantom_events",
            Text("Phantom events", "架空のイベント"),
            "events",
            Text(
                "Events delivered for orders that were never committed.",
                "コミットされなかった注文について届いたイベントです。",
            ),
        ),
        Measure(
            "duplicate_deliveries",
            Text("Duplicate deliveries", "重複配信"),
            "events",
            Text(
                "Deliveries of an event the consumer had already received.",
                "コンシューマーがすでに受け取っていたイベントの配信です。",
            ),
        ),
        Measure(
            "duplicates_applied",
            Text("Duplicates applied", "適用された重複"),
            "events",
            Text(
                "Times the consumer applied an event it had already applied; 0 when it is idempotent.",
                "コンシューマーが適用済みのイベントをもう一度適用した回数です。冪等なら 0 です。",
            ),
        ),
        Measure(
            "max_lag_ms",
            Text("Worst lag", "最大の遅れ"),
            "ms",
            Text(
                "Longest time from an order's commit to its event's first delivery.",
                "注文のコミットから、そのイベントが初めて届くまでの時間の最大値です。",
            ),
        ),
        Measure(
            "mean_lag_ms",
            Text("Mean lag", "平均の遅れ"),
            "ms",
            Text(
                "Mean time from commit to first delivery, over the events that arrived.",
                "届いたイベントについて、コミットから初めて届くまでの平均時間です。",
            ),
        ),
        Measure("orders_committed", Text("Orders committed", "コミットされた注文"), "orders"),
        Measure("rolled_back", Text("Transactions rolled back", "ロールバックされたトランザクション"), "orders"),
        Measure(
            "orders_refused",
            Text("Orders refused", "拒否した注文"),
            "orders",
            Text(
                "Publish first: orders refused because the broker was down.",
                "発行が先の二重書き込みで、ブローカーの停止中に拒否した注文です。",
            ),
        ),
        Measure("orders_during_outage", Text("Orders during the outage", "停止中に到着した注文"), "orders"),
        Measure(
            "events_published",
            Text("Events published", "発行されたイベント"),
            "events",
            Text(
                "Distinct events the broker accepted at least once.",
                "ブローカーが少なくとも 1 回受け付けた、異なるイベントの数です。",
            ),
        ),
        Measure(
            "deliveries",
            Text("Deliveries", "配信数"),
            "events",
            Text(
                "Every delivery to the consumer, duplicates included.",
                "重複を含む、コンシューマーへのすべての配信です。",
            ),
        ),
        Measure(
            "crashes",
            Text("Crashes", "クラッシュ回数"),
            help=Text(
                "Of the service (dual write), the relay (outbox) or the connector (CDC).",
                "二重書き込みではサービス、アウトボックスではリレー、CDC ではコネクターのクラッシュです。",
            ),
        ),
        Measure("lost_to_crash", Text("Lost to a crash", "クラッシュで失われたイベント"), "events"),
        Measure(
            "lost_to_outage",
            Text("Lost to the outage", "ブローカーの停止で失われたイベント"),
            "events",
            Text(
                "Commit first: events whose publish the broker refused.",
                "コミットが先の二重書き込みで、ブローカーが発行を拒否したイベントです。",
            ),
        ),
        Measure(
            "max_backlog",
            Text("Largest backlog", "滞留の最大数"),
            "events",
            Text(
                "Most committed events waiting for the relay or connector at one time.",
                "リレーやコネクターを同時に待っていた、コミット済みイベントの最大数です。",
            ),
        ),
        Measure("duration_s", Text("Run length", "シミュレーション時間"), "s"),
    ),  # fmt: skip
    source=Text(
        "Richardson, microservices.io 'Transactional outbox' and 'Transaction log tailing'; Debezium docs on at-least-once delivery; Helland, 'Idempotence Is Not a Medical Condition' (2012)",
        "Richardson の microservices.io「Transactional outbox」と「Transaction log tailing」、at-least-once 配信についての Debezium のドキュメント、Helland「Idempotence Is Not a Medical Condition」（2012 年）",
    ),
    topology=Topology(
        nodes=(
            Node("service", Text("Order service", "注文サービス"), 0.08, 0.3),
            Node("database", Text("Database (orders + outbox)", "データベース（注文 + アウトボックス）"), 0.3, 0.75),
            Node("relay", Text("Relay / CDC connector", "リレー / CDC コネクター"), 0.55, 0.75),
            Node("broker", Text("Broker", "ブローカー"), 0.7, 0.3),
            Node("consumer", Text("Consumer", "コンシューマー"), 0.92, 0.3),
        ),
        links=(
            ("service", "database"),
            ("service", "broker"),
            ("database", "relay"),
            ("relay", "broker"),
            ("broker", "consumer"),
        ),
    ),
    presets=(
        Preset(
            "dual-write-crashes",
            Text("Dual write: crashes and an outage lose events", "二重書き込み：クラッシュと停止でイベントが失われる"),
            {**COMMON, "mode": "dual_write"},
        ),
        Preset(
            "dual-write-publish-first",
            Text("Dual write, publish first: phantom events", "発行が先の二重書き込み：架空のイベント"),
            {**COMMON, "mode": "dual_write", "dual_write_order": "publish_first"},
        ),
        Preset(
            "outbox-crash-outage",
            Text(
                "Outbox: crashes and an outage, nothing lost", "アウトボックス：クラッシュと停止があっても何も失わない"
            ),
            {**COMMON, "mode": "outbox"},
        ),
        Preset(
            "cdc",
            Text(
                "Change data capture: low lag, replays after a crash",
                "変更データキャプチャ：遅れは小さく、クラッシュ後は読み直す",
            ),
            {**COMMON, "mode": "cdc", "relay_interval_ms": 1000.0},
        ),
        Preset(
            "outbox-not-idempotent",
            Text(
                "Outbox without an idempotent consumer: duplicates applied",
                "アウトボックスと冪等でないコンシューマー：重複が適用される",
            ),
            {**COMMON, "mode": "outbox", "broker_outage_s": 0.0, "idempotent_consumer": False},
        ),
    ),
)
