# ruff: noqa: E501 - Japanese text counts double toward the line length
"""deployment: a new version rolls out over a serving fleet; alarms and bake time decide whether it rolls back.

A fleet of `fleet` instances sits behind a load balancer. Requests arrive as a
Poisson stream of `request_rate` per second and are spread evenly over the
instances that take traffic (a canary: by weight). Each request fails with its
version's failure probability: its error rate e, or a response slower than
`timeout_ms` when latencies are exponential with mean L, so
p = 1 - (1 - e)(1 - exp(-timeout / L)). The old version has
e = baseline_error_rate and L = latency_ms; a bad new version has
e = bad_error_rate and L = latency_ms x bad_latency_factor; a good new version
behaves like the old one.

The deployment starts one monitor window into the run, so the alarm's window
holds only the old version. With S = instance_start_s and B = bake_time_s every
step brings instances up (S) and is then watched for B, so a rollout that is not
rolled back takes steps x (S + B):

- all_at_once: every instance restarts with the new version at once; nothing
  serves for S. One step.
- rolling: batches of ceil(fleet x batch_pct / 100) instances. Without surge a
  batch is replaced in place (it stops serving while it restarts, so capacity
  dips); with surge it starts beside the old instances, which leave once it is up.
- one_box: one extra new instance beside the fleet (1/(fleet+1) of traffic),
  then rolling batches over the fleet; the extra box leaves at the end.
- waves: one box, then ceil(10 %) of the fleet, then the rest split over
  waves - 2 waves; each wave is replaced like a rolling batch.
- blue_green: a second full fleet (green) starts; once it is up all traffic
  switches to it; blue is removed when the bake ends. One step.
- canary: ceil(fleet x canary_pct / 100) new instances take canary_pct % of the
  traffic by weight; then the new fleet grows to full size and takes all of it;
  the old fleet is removed when that bake ends. Two steps.

Alarm: requests are counted in buckets of monitor_window_s / 60 (coarser for
very long runs); at the end of every bucket the error rate over the last
monitor_window_s is compared with rollback_error_threshold, once the window
holds at least alarm_min_requests requests. It watches the instances'
responses; requests that find no instance at all (during an all-at-once
restart) fail, but the load balancer's own 503s are not part of this alarm.
alarm_scope 'fleet' watches every instance, so a one-box drowns in the fleet
average: a bad share s of traffic lifts the windowed rate to
p_old + s (p_bad - p_old) min(t, W) / W, which crosses the threshold after
t = W (threshold - p_old) / (s (p_bad - p_old)), or never when that exceeds W.
'new_version' watches only the new version's requests. A canary always watches
the canary's own requests against the same absolute threshold; it does not
subtract the stable fleet's rate, which is plotted beside it.

The alarm is armed from the start of the deployment and fires once. During the
rollout (its steps and bakes) with auto_rollback it stops the rollout and rolls
back. Otherwise (auto rollback off, or an alarm after the rollout completed) it
pages a human who rolls back human_response_s later; with 0 nobody acts.

Rollback replaces instances the way the rollout did. Pending steps are
cancelled, new instances still starting are dropped, and old-version instances
start for every one the old fleet is missing, taking S. In place (all_at_once;
rolling, waves and one_box without surge) the new instances stop serving at
once and restart with the old version, so an all-at-once rollback is a second
outage of S. Beside them (surge, blue_green, canary) the new instances keep
serving until the old ones are up, as an ECS rollback does. Where the old fleet
still stands (one_box before its rolling phase, canary, blue_green before blue
is removed) the new version leaves at once: blue/green switches back.

Results: failed_requests (all failures, old version and unserved requests
included) and failed_on_bad_version; time_to_detect_s from the first request a
bad instance serves to the alarm; time_to_rollback_s from then until no bad
instance serves; deploy_duration_s from the start until the rollout completed
or, rolled back first, until the old version ran on every instance again;
peak_capacity_pct counts every instance that exists (starting or serving) and
min_capacity_pct only the instances ready to serve, both as % of the fleet.
expected_failed_requests is the model's mean for the schedule that happened.
Load does not limit capacity: the remaining instances absorb any share.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 300
BUCKETS_PER_WINDOW = 60
MAX_BUCKETS = 40000


def failure_probability(error_rate: float, latency_ms: float, timeout_ms: float) -> float:
    """P(a request fails): an error, or an exponential latency of mean latency_ms beyond timeout_ms."""
    return 1.0 - (1.0 - error_rate) * (1.0 - math.exp(-timeout_ms / latency_ms))


def share_of(fleet: int, pct: float) -> int:
    """ceil(fleet x pct / 100) instances, at least one."""
    return max(1, math.ceil(fleet * pct / 100 - 1e-9))


def batches(total: int, size: int) -> list[int]:
    """total split into batches of size, the last one smaller."""
    return [min(size, total - start) for start in range(0, total, size)]


def wave_sizes(fleet: int, waves: int) -> list[int]:
    """One box, then 10 % of the fleet, then the rest split as evenly as possible over the remaining waves."""
    if fleet == 1:
        return [1]
    rest = fleet - 1
    if waves <= 2:
        return [1, rest]
    second = min(rest, share_of(fleet, 10))
    rest -= second
    parts = min(waves - 2, rest)
    tail = [rest // parts + (1 if i < rest % parts else 0) for i in range(parts)] if parts else []
    return [1, second, *tail]


@dataclass(frozen=True)
class Step:
    """One step of a rollout: `add` new instances come up, `retire` old ones leave."""

    add: int
    retire: int
    in_place: bool  # the retired ones stop at the start (and restart as new) rather than when the new ones are up
    weight: float | None = None  # canary: the new version's share of traffic once this step is up
    switch: bool = False  # blue/green: all traffic moves to the new version once it is up


def plan(params: dict[str, Any]) -> list[Step]:
    """The rollout's steps for a strategy; every step takes instance_start_s + bake_time_s."""
    n, strategy, in_place = params["fleet"], params["strategy"], not params["surge"]
    rolling = [Step(k, k, in_place) for k in batches(n, share_of(n, params["batch_pct"]))]
    if strategy == "all_at_once":
        return [Step(n, n, True)]
    if strategy == "one_box":
        return [Step(1, 0, False), *rolling]
    if strategy == "waves":
        return [Step(k, k, in_place) for k in wave_sizes(n, params["waves"])]
    if strategy == "blue_green":
        return [Step(n, 0, False, switch=True)]
    if strategy == "canary":
        k = min(n, share_of(n, params["canary_pct"]))
        first = Step(k, 0, False, weight=params["canary_pct"] / 100)
        return [first, Step(n - k, 0, False, weight=1.0)] if n > k else [first]
    return rolling


@dataclass
class Fleet:
    """Instance counts by version and state, and how the load balancer routes between versions."""

    old_up: int
    new_up: int = 0
    old_starting: int = 0
    new_starting: int = 0
    mode: str = "even"  # even (by instance count), weight (canary) or new_only (blue/green after the switch)
    weight: float = 0.0

    def new_share(self) -> float | None:
        """The new version's share of traffic; None when no instance can serve."""
        if self.old_up + self.new_up == 0:
            return None
        if self.new_up == 0:
            return 0.0
        if self.old_up == 0:
            return 1.0
        if self.mode == "new_only":
            return 1.0
        if self.mode == "weight":
            return self.weight
        return self.new_up / (self.old_up + self.new_up)

    def existing(self) -> int:
        return self.old_up + self.new_up + self.old_starting + self.new_starting

    def ready(self) -> int:
        return self.old_up + self.new_up


@dataclass
class Tally:
    requests_old: int = 0
    failed_old: int = 0
    requests_new: int = 0
    failed_new: int = 0
    unserved: int = 0

    def add(self, other: Tally, sign: int = 1) -> None:
        self.requests_old += sign * other.requests_old
        self.failed_old += sign * other.failed_old
        self.requests_new += sign * other.requests_new
        self.failed_new += sign * other.failed_new
        self.unserved += sign * other.unserved


@dataclass
class Tick:
    """The state at the end of one metric bucket, kept for the frames."""

    t: float
    old: int
    new: int
    bad: int
    starting: int
    alarm_rate: float | None
    new_rate: float | None
    old_rate: float | None
    failed: int
    failed_bad: int
    unserved: int
    states: dict[str, str]


@dataclass
class Outcome:
    ticks: list[Tick] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


def _r(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


def _pct(x: float) -> str:
    return f"{100 * x:.3g} %"


def _rate(x: float) -> str:
    """An error rate with two decimals, so a value just over its threshold does not print as equal."""
    return f"{100 * x:.2f} %"


STRATEGY_NAMES = {
    "all_at_once": ("all at once", "一括入れ替え"),
    "one_box": ("one-box, then rolling", "ワンボックスの後にローリング"),
    "rolling": ("rolling", "ローリング"),
    "blue_green": ("blue/green", "ブルー/グリーン"),
    "canary": ("canary", "カナリア"),
    "waves": ("waves", "ウェーブ"),
}


def simulate(params: dict[str, Any], seed: int) -> Outcome:
    """Run the deployment to its end; the frames are cut from the returned buckets afterwards."""
    rng = np.random.default_rng(seed)
    out = Outcome()
    n, rate = params["fleet"], params["request_rate"]
    start_s, bake_s, window_s = params["instance_start_s"], params["bake_time_s"], params["monitor_window_s"]
    human_s, threshold = params["human_response_s"], params["rollback_error_threshold"]
    strategy, bad = params["strategy"], params["bad_version"]
    p_old = failure_probability(params["baseline_error_rate"], params["latency_ms"], params["timeout_ms"])
    p_bad = failure_probability(
        params["bad_error_rate"], params["latency_ms"] * params["bad_latency_factor"], params["timeout_ms"]
    )
    p_new = p_bad if bad else p_old
    scope_new = strategy == "canary" or params["alarm_scope"] == "new_version"
    # A rollback replaces instances the way the rollout did: in place, or beside them.
    in_place_rollback = strategy == "all_at_once" or (
        strategy in ("rolling", "waves", "one_box") and not params["surge"]
    )
    steps = plan(params)
    t0 = window_s
    planned = len(steps) * (start_s + bake_s)
    cap = t0 + planned + 3 * window_s + start_s + human_s
    bucket = max(window_s / BUCKETS_PER_WINDOW, cap / MAX_BUCKETS)
    window_buckets = max(1, round(window_s / bucket))

    fleet = Fleet(old_up=n)
    queue: list[tuple[float, int, str, int, int]] = []  # (time, order, kind, step index, generation)
    order = itertools.count()
    generation = 0
    state = {
        "completed_at": None,
        "rollback_started_at": None,
        "rollback_done_at": None,
        "rollback_by": None,
        "alarm_at": None,
        "first_bad_at": None,
        "human_at": None,
        "new_gone_at": None,
    }
    peak_existing, min_ready = n, n

    def schedule(at: float, kind: str, index: int = 0) -> None:
        heapq.heappush(queue, (at, next(order), kind, index, generation))

    def note(at: float, kind: str, en: str, ja: str) -> None:
        out.events.append(Event(round(at, 3), kind, Text(en, ja)))

    def count_capacity() -> None:
        nonlocal peak_existing, min_ready
        peak_existing = max(peak_existing, fleet.existing())
        min_ready = min(min_ready, fleet.ready())

    def start_step(at: float, i: int) -> None:
        step = steps[i]
        label_en, label_ja = f"Step {i + 1}/{len(steps)}", f"ステップ {i + 1}/{len(steps)}"
        if step.in_place:
            fleet.old_up -= step.retire
        fleet.new_starting += step.add
        if strategy == "blue_green":
            note(at, "step", f"{label_en}: the green fleet of {step.add} instances starts the new version",
                 f"{label_ja}：グリーン側の {step.add} 台で新バージョンを起動します")  # fmt: skip
        elif strategy == "canary" and step.weight is not None and step.weight < 1:
            note(at, "step", f"{label_en}: {step.add} canary instance(s) start for {_pct(step.weight)} of traffic",
                 f"{label_ja}：トラフィックの {_pct(step.weight)} を受けるカナリアを {step.add} 台起動します")  # fmt: skip
        elif step.in_place:
            note(at, "step", f"{label_en}: {step.add} instance(s) restart with the new version in place",
                 f"{label_ja}：{step.add} 台をその場で新バージョンに入れ替えます")  # fmt: skip
        else:
            note(at, "step", f"{label_en}: {step.add} new instance(s) start beside the old ones",
                 f"{label_ja}：旧バージョンの隣で新バージョンを {step.add} 台起動します")  # fmt: skip
        schedule(at + start_s, "ready", i)
        count_capacity()

    def step_ready(at: float, i: int) -> None:
        step = steps[i]
        fleet.new_starting -= step.add
        fleet.new_up += step.add
        if not step.in_place:
            fleet.old_up -= step.retire
        if step.weight is not None:
            fleet.mode, fleet.weight = "weight", step.weight
        if step.switch:
            fleet.mode = "new_only"
            note(
                at,
                "switch",
                "All traffic switched to green (the new version)",
                "全トラフィックをグリーン（新バージョン）に切り替えました",
            )
        share = fleet.new_share() or 0.0
        note(at, "baking", f"Step {i + 1}/{len(steps)} serving {_pct(share)} of traffic; baking for {bake_s:g} s",
             f"ステップ {i + 1}/{len(steps)} がトラフィックの {_pct(share)} を受けています。{bake_s:g} 秒ベイクします")  # fmt: skip
        schedule(at + bake_s, "step" if i + 1 < len(steps) else "complete", i + 1)
        count_capacity()

    def complete(at: float) -> None:
        fleet.old_up, fleet.new_up, fleet.mode = 0, n, "even"
        state["completed_at"] = at
        note(at, "complete", "Deployment complete: every instance runs the new version",
             "デプロイが完了しました。すべてのインスタンスが新バージョンです")  # fmt: skip
        count_capacity()

    def start_rollback(at: float, by: str) -> None:
        nonlocal generation
        generation += 1  # cancels the steps still queued
        state["rollback_started_at"], state["rollback_by"] = at, by
        fleet.new_starting, fleet.mode = 0, "even"
        needed = n - fleet.old_up
        if by == "automatic":
            note(at, "rollback", "Automatic rollback starts", "自動ロールバックを開始します")
        else:
            note(at, "rollback", "The on-call engineer starts a rollback", "オンコール担当者がロールバックを開始します")
        if needed <= 0 or in_place_rollback:
            fleet.new_up = 0
            state["new_gone_at"] = at
        if needed <= 0:
            finish_rollback(at)
            return
        fleet.old_starting += needed
        if in_place_rollback:
            note(at, "rollback", f"The new version stops serving; {needed} instance(s) restart with the old version in place",
                 f"新バージョンは応答をやめ、{needed} 台をその場で旧バージョンに戻して再起動します")  # fmt: skip
        else:
            note(at, "rollback", f"{needed} old-version instance(s) start; the new ones serve until they are up",
                 f"旧バージョンを {needed} 台起動します。起動するまで新バージョンが応答を続けます")  # fmt: skip
        schedule(at + start_s, "rollback_ready")
        count_capacity()

    def finish_rollback(at: float) -> None:
        fleet.old_up += fleet.old_starting
        fleet.old_starting = 0
        if fleet.new_up:
            fleet.new_up = 0
            state["new_gone_at"] = at
        state["rollback_done_at"] = at
        note(
            at,
            "rolled_back",
            "Rollback finished: only the old version serves",
            "ロールバックが完了しました。旧バージョンだけが応答しています",
        )
        count_capacity()

    def handle(at: float, kind: str, index: int) -> None:
        if kind == "step":
            start_step(at, index)
        elif kind == "ready":
            step_ready(at, index)
        elif kind == "complete":
            complete(at)
        elif kind == "rollback_ready":
            finish_rollback(at)
        elif kind == "human" and state["rollback_started_at"] is None:
            start_rollback(at, "human")

    tally = Tally()
    totals = Tally()
    expected = 0.0
    failed_bad = 0
    requests_bad = 0

    def serve(a: float, b: float) -> None:
        nonlocal expected, failed_bad, requests_bad
        mean = rate * (b - a)
        share = fleet.new_share()
        if share is None:
            tally.unserved += int(rng.poisson(mean))
            expected += mean
            return
        if bad and share > 0 and state["first_bad_at"] is None:
            state["first_bad_at"] = a
        to_new = int(rng.poisson(mean * share))
        to_old = int(rng.poisson(mean * (1 - share)))
        fail_new = int(rng.binomial(to_new, p_new))
        fail_old = int(rng.binomial(to_old, p_old))
        tally.requests_new += to_new
        tally.failed_new += fail_new
        tally.requests_old += to_old
        tally.failed_old += fail_old
        if bad:
            requests_bad += to_new
            failed_bad += fail_new
        expected += mean * (share * p_new + (1 - share) * p_old)

    window: deque[Tally] = deque()
    sums = Tally()

    def close_bucket() -> tuple[float | None, float | None, float | None, int]:
        closed = Tally(tally.requests_old, tally.failed_old, tally.requests_new, tally.failed_new, tally.unserved)
        window.append(closed)
        sums.add(closed)
        totals.add(closed)
        if len(window) > window_buckets:
            sums.add(window.popleft(), -1)
        tally.add(closed, -1)
        old_rate = sums.failed_old / sums.requests_old if sums.requests_old else None
        new_rate = sums.failed_new / sums.requests_new if sums.requests_new else None
        if scope_new:
            watched, failed = sums.requests_new, sums.failed_new
        else:
            watched, failed = sums.requests_old + sums.requests_new, sums.failed_old + sums.failed_new
        return (failed / watched if watched else None), new_rate, old_rate, watched

    def alarm(at: float, rate_seen: float) -> None:
        state["alarm_at"] = at
        scope = "the new version's requests" if scope_new else "the fleet"
        scope_ja = "新バージョンのリクエスト" if scope_new else "フリート全体"
        note(at, "alarm", f"Alarm: error rate {_rate(rate_seen)} over the last {window_s:g} s ({scope}) exceeds {_rate(threshold)}",
             f"アラーム：直近 {window_s:g} 秒のエラー率（{scope_ja}）が {_rate(rate_seen)} で、閾値 {_rate(threshold)} を超えました")  # fmt: skip
        in_rollout = state["completed_at"] is None and state["rollback_started_at"] is None
        if params["auto_rollback"] and in_rollout:
            start_rollback(at, "automatic")
        elif human_s > 0:
            state["human_at"] = at + human_s
            schedule(at + human_s, "human")
            note(at, "paged", f"On-call paged; a human rolls back {human_s:g} s from now",
                 f"オンコール担当者を呼び出しました。{human_s:g} 秒後に人手でロールバックします")  # fmt: skip
        else:
            note(at, "ignored", "Nobody rolls back: no automatic rollback and no one acts within the run",
                 "ロールバックする人はいません。自動ロールバックがなく、この実行の間に誰も対応しません")  # fmt: skip

    def node_states(at: float) -> dict[str, str]:
        share = fleet.new_share()
        rolling_back = state["rollback_started_at"] is not None and state["rollback_done_at"] is None
        if at < t0:
            pipeline = "idle"
        elif rolling_back:
            pipeline = "down"
        elif state["alarm_at"] is not None and state["rollback_done_at"] is None:
            pipeline = "degraded"
        elif state["completed_at"] is not None or state["rollback_done_at"] is not None:
            pipeline = "ok"
        else:
            pipeline = "busy"
        if fleet.new_up and bad:
            new = "down" if state["alarm_at"] is not None else "degraded"
        elif fleet.new_up:
            new = "ok"
        else:
            new = "busy" if fleet.new_starting else "idle"
        old = "ok" if fleet.old_up else ("busy" if fleet.old_starting else "idle")
        clients = "down" if share is None else ("degraded" if bad and share > 0 else "ok")
        return {
            "clients": clients,
            "lb": "down" if share is None else "ok",
            "old": old,
            "new": new,
            "pipeline": pipeline,
        }

    note(0.0, "steady", f"{n} instances serve the old version", f"{n} 台のインスタンスが旧バージョンで応答しています")
    schedule(t0, "begin")
    t = 0.0
    k = 0
    while True:
        k += 1
        end = k * bucket
        while True:
            upcoming = queue[0][0] if queue else math.inf
            stop = min(upcoming, end)
            if stop > t:
                serve(t, stop)
                t = stop
            if upcoming > end:
                break
            at, _, kind, index, gen = heapq.heappop(queue)
            if kind == "begin":
                name_en, name_ja = STRATEGY_NAMES[strategy]
                note(at, "deploy", f"Deployment starts: {name_en}, {len(steps)} step(s) of {start_s:g} s start + {bake_s:g} s bake",
                     f"デプロイを開始します（{name_ja}、{len(steps)} ステップ、各ステップは起動 {start_s:g} 秒とベイク {bake_s:g} 秒）")  # fmt: skip
                start_step(at, 0)
            elif gen == generation or kind in ("rollback_ready", "human"):
                handle(at, kind, index)
        alarm_rate, new_rate, old_rate, watched = close_bucket()
        if (
            state["alarm_at"] is None
            and end >= t0
            and alarm_rate is not None
            and watched >= params["alarm_min_requests"]
            and alarm_rate > threshold
        ):
            alarm(end, alarm_rate)
        out.ticks.append(
            Tick(
                t=end,
                old=fleet.old_up,
                new=0 if bad else fleet.new_up,
                bad=fleet.new_up if bad else 0,
                starting=fleet.old_starting + fleet.new_starting,
                alarm_rate=alarm_rate,
                new_rate=new_rate,
                old_rate=old_rate,
                failed=totals.failed_old + totals.failed_new + totals.unserved,
                failed_bad=failed_bad,
                unserved=totals.unserved,
                states=node_states(end),
            )
        )
        settled = state["rollback_done_at"] if state["rollback_done_at"] is not None else state["completed_at"]
        waiting = state["human_at"] is not None and state["rollback_done_at"] is None
        if (settled is not None and not waiting and end >= settled + 2 * window_s) or end >= cap:
            break

    completed_at, done_at, first_bad = state["completed_at"], state["rollback_done_at"], state["first_bad_at"]
    gone_at = state["new_gone_at"]
    alarm_at = state["alarm_at"]
    if completed_at is not None:
        duration = completed_at - t0
    elif done_at is not None:
        duration = done_at - t0
    else:
        duration = None
    failed = totals.failed_old + totals.failed_new + totals.unserved
    out.result = {
        "failed_requests": failed,
        "rolled_back": int(state["rollback_started_at"] is not None),
        "time_to_detect_s": _r(alarm_at - first_bad)
        if first_bad is not None and alarm_at is not None and alarm_at >= first_bad
        else None,
        "time_to_rollback_s": _r(gone_at - first_bad) if first_bad is not None and gone_at is not None else None,
        "deploy_duration_s": _r(duration),
        "peak_capacity_pct": _r(100 * peak_existing / n, 3),
        "min_capacity_pct": _r(100 * min_ready / n, 3),
        "failed_on_bad_version": failed_bad,
        "requests_on_bad_version": requests_bad,
        "unserved_requests": totals.unserved,
        "total_requests": totals.requests_old + totals.requests_new + totals.unserved,
        "expected_failed_requests": _r(expected, 3),
        "completed": int(completed_at is not None),
        "rollback_by": state["rollback_by"],
        "alarm_at_s": _r(alarm_at),
        "steps": len(steps),
        "planned_duration_s": _r(planned),
        "deploy_started_at_s": _r(t0),
        "old_version_failure_rate": _r(p_old),
        "new_version_failure_rate": _r(p_new),
        "simulated_s": _r(t),
    }
    return out


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    outcome = simulate(params, seed)
    ticks = outcome.ticks
    per_frame = math.ceil(len(ticks) / MAX_FRAMES)
    end = ticks[-1].t
    threshold_pct = round(100 * params["rollback_error_threshold"], 6)
    events = sorted(outcome.events, key=lambda e: e.t)
    next_event = 0

    def pct(x: float | None) -> float | None:
        return None if x is None else round(100 * x, 4)

    for i in range(per_frame - 1, len(ticks) + per_frame - 1, per_frame):
        tick = ticks[min(i, len(ticks) - 1)]
        due = []
        while next_event < len(events) and events[next_event].t <= tick.t + 1e-9:
            due.append(events[next_event])
            next_event += 1
        yield Frame(
            t=tick.t,
            progress=tick.t / end,
            series={
                "old": tick.old,
                "new": tick.new,
                "bad": tick.bad,
                "starting": tick.starting,
                "alarm_rate": pct(tick.alarm_rate),
                "new_rate": pct(tick.new_rate),
                "old_rate": pct(tick.old_rate),
                "threshold": threshold_pct,
                "failed": tick.failed,
                "failed_bad": tick.failed_bad,
                "unserved": tick.unserved,
            },
            events=due,
            nodes=dict(tick.states),
        )
    yield Result(outcome.result)


def _params() -> tuple[Param, ...]:
    return (
        Param(
            "strategy",
            "choice",
            "rolling",
            Text("Strategy", "デプロイ方式"),
            Text(
                "How the new version replaces the old one: all instances at once, one extra box and then rolling batches, rolling batches, a second full fleet switched over (blue/green), a weighted canary, or waves that grow.",
                "新バージョンで旧バージョンを置き換える方法です。全台を一度に、1 台だけ追加してからバッチで順に、バッチで順に、もう 1 組のフリートへ一度に切り替え（ブルー/グリーン）、重み付きのカナリア、規模を広げていくウェーブから選びます。",
            ),
            choices=(
                Choice("all_at_once", Text("All at once", "一括入れ替え")),
                Choice("one_box", Text("One-box, then rolling", "ワンボックスの後にローリング")),
                Choice("rolling", Text("Rolling", "ローリング")),
                Choice("blue_green", Text("Blue/green", "ブルー/グリーン")),
                Choice("canary", Text("Canary", "カナリア")),
                Choice("waves", Text("Waves", "ウェーブ")),
            ),
        ),
        Param(
            "fleet",
            "int",
            10,
            Text("Fleet size", "フリートの台数"),
            Text("Instances that serve the old version before the deployment.", "デプロイ前に旧バージョンで応答しているインスタンスの数です。"),
            unit="instances",
            min=2,
            max=100,
        ),
        Param(
            "batch_pct",
            "float",
            20.0,
            Text("Batch size", "バッチサイズ"),
            Text(
                "Share of the fleet replaced per rolling step (rounded up to whole instances). Used by rolling and by the rolling phase after a one-box.",
                "ローリングの 1 ステップで入れ替えるフリートの割合です（台数は切り上げ）。ローリングと、ワンボックスの後のローリングで使います。",
            ),
            unit="%",
            min=1,
            max=100,
            step=1,
        ),
        Param(
            "surge",
            "bool",
            False,
            Text("Surge (start new beside old)", "サージ（旧版の隣に新版を起動）"),
            Text(
                "On: each batch starts beside the old instances, which leave once it is up (capacity above 100 %). Off: each batch is replaced in place and stops serving while it restarts (capacity below 100 %). Rolling and waves.",
                "オンなら各バッチを旧インスタンスの隣で起動し、起動し終えたら旧インスタンスを外します（容量は 100 % を超えます）。オフならその場で入れ替え、再起動の間は応答しません（容量は 100 % を下回ります）。ローリングとウェーブで使います。",
            ),
        ),
        Param(
            "waves",
            "int",
            4,
            Text("Waves", "ウェーブ数"),
            Text(
                "Number of waves for the waves strategy: one box, then 10 % of the fleet, then the rest split evenly over the remaining waves.",
                "ウェーブ方式のウェーブ数です。まず 1 台、次にフリートの 10 %、残りを残りのウェーブに均等に分けます。",
            ),
            min=2,
            max=10,
        ),
        Param(
            "canary_pct",
            "float",
            10.0,
            Text("Canary traffic share", "カナリアへのトラフィック割合"),
            Text(
                "Share of traffic the canary receives by weight in its first step; the next step moves all traffic.",
                "カナリアが最初のステップで重みに従って受けるトラフィックの割合です。次のステップで全トラフィックを移します。",
            ),
            unit="%",
            min=1,
            max=50,
            step=1,
        ),
        Param(
            "bad_version",
            "bool",
            True,
            Text("New version is bad", "新バージョンに不具合がある"),
            Text(
                "On: the new version fails more often or is slower, as set below. Off: it behaves exactly like the old one.",
                "オンなら、新バージョンは下の設定どおりに失敗が多いか遅くなります。オフなら旧バージョンとまったく同じに振る舞います。",
            ),
        ),
        Param(
            "bad_error_rate",
            "float",
            0.2,
            Text("Bad version's error rate", "不具合版のエラー率"),
            Text("Share of the bad version's requests that fail (timeouts come on top).", "不具合のある新バージョンで失敗するリクエストの割合です（タイムアウトは別に加わります）。"),
            min=0,
            max=1,
        ),
        Param(
            "bad_latency_factor",
            "float",
            1.0,
            Text("Bad version's latency factor", "不具合版のレイテンシー倍率"),
            Text(
                "The bad version's mean latency as a multiple of the old one's; slower responses fail more often through the timeout.",
                "不具合のある新バージョンの平均レイテンシーが旧バージョンの何倍かです。遅くなるほどタイムアウトで失敗しやすくなります。",
            ),
            unit="×",
            min=1,
            max=20,
        ),
        Param(
            "latency_ms",
            "float",
            100.0,
            Text("Mean latency", "平均レイテンシー"),
            Text("Mean response time of the old version; latencies are exponential.", "旧バージョンの平均応答時間です。レイテンシーは指数分布に従います。"),
            unit="ms",
            min=1,
            max=5000,
        ),
        Param(
            "timeout_ms",
            "float",
            1000.0,
            Text("Client timeout", "クライアントのタイムアウト"),
            Text("A response slower than this counts as a failed request.", "これより遅い応答は失敗したリクエストとして数えます。"),
            unit="ms",
            min=10,
            max=60000,
        ),
        Param(
            "baseline_error_rate",
            "float",
            0.001,
            Text("Baseline error rate", "平常時のエラー率"),
            Text("Share of the old version's requests that fail.", "旧バージョンで失敗するリクエストの割合です。"),
            min=0,
            max=0.5,
        ),
        Param(
            "bake_time_s",
            "float",
            120.0,
            Text("Bake time", "ベイクタイム"),
            Text(
                "How long each step is watched, once its instances serve, before the next step (and before the deployment counts as complete).",
                "各ステップのインスタンスが応答し始めてから、次のステップへ進む前（最後はデプロイ完了とみなす前）に監視し続ける時間です。",
            ),
            unit="s",
            min=0,
            max=3600,
        ),
        Param(
            "rollback_error_threshold",
            "float",
            0.01,
            Text("Rollback alarm threshold", "ロールバックアラームの閾値"),
            Text(
                "The alarm fires when the error rate over the monitor window exceeds this share.",
                "監視ウィンドウのエラー率がこの割合を超えるとアラームが鳴ります。",
            ),
            min=0.0001,
            max=1,
        ),
        Param(
            "alarm_scope",
            "choice",
            "fleet",
            Text("Alarm watches", "アラームの監視対象"),
            Text(
                "Fleet: the error rate of every instance together, where one new box is diluted. New version: only the new version's requests. A canary always watches its own requests.",
                "フリート全体なら全インスタンスをまとめたエラー率で、新しい 1 台の影響は薄まります。新バージョンなら新バージョンのリクエストだけを見ます。カナリアは常に自身のリクエストを見ます。",
            ),
            choices=(
                Choice("fleet", Text("Whole fleet", "フリート全体")),
                Choice("new_version", Text("New version only", "新バージョンのみ")),
            ),
        ),
        Param(
            "alarm_min_requests",
            "int",
            100,
            Text("Alarm minimum requests", "アラームの最低リクエスト数"),
            Text(
                "The alarm judges only once the watched requests in the window reach this many.",
                "ウィンドウ内の監視対象リクエストがこの件数に達して初めてアラームが判定します。",
            ),
            unit="req",
            min=1,
            max=100000,
        ),
        Param(
            "monitor_window_s",
            "float",
            60.0,
            Text("Monitor window", "監視ウィンドウ"),
            Text("The alarm's error rate covers this many trailing seconds.", "アラームのエラー率は直近のこの秒数を対象にします。"),
            unit="s",
            min=5,
            max=600,
        ),
        Param(
            "auto_rollback",
            "bool",
            True,
            Text("Automatic rollback", "自動ロールバック"),
            Text(
                "On: an alarm during the rollout or its bakes stops it and rolls back at once. Off: the rollout goes on and the alarm only pages a human.",
                "オンなら、ロールアウト中やベイク中のアラームでデプロイを止め、すぐにロールバックします。オフならロールアウトは続き、アラームは担当者を呼び出すだけです。",
            ),
        ),
        Param(
            "human_response_s",
            "float",
            900.0,
            Text("Human response time", "人手での対応時間"),
            Text(
                "Time from a page to a human's rollback, for alarms the automation does not act on; 0 means nobody acts within the run.",
                "自動化が対処しないアラームで、呼び出しから人がロールバックするまでの時間です。0 ならこの実行の間は誰も対応しません。",
            ),
            unit="s",
            min=0,
            max=7200,
        ),
        Param(
            "request_rate",
            "float",
            200.0,
            Text("Request rate", "リクエストレート"),
            Text("Mean rate of the Poisson request stream across the fleet.", "フリート全体に届くポアソン到着のリクエストの平均レートです。"),
            unit="req/s",
            min=1,
            max=5000,
        ),
        Param(
            "instance_start_s",
            "float",
            30.0,
            Text("Instance start time", "インスタンスの起動時間"),
            Text("Time from starting an instance until it is ready to serve.", "インスタンスを起動してから応答できるようになるまでの時間です。"),
            unit="s",
            min=1,
            max=600,
        ),
    )  # fmt: skip


BASE = {
    "fleet": 10,
    "batch_pct": 20.0,
    "surge": False,
    "waves": 4,
    "canary_pct": 10.0,
    "bad_version": True,
    "bad_error_rate": 0.2,
    "bad_latency_factor": 1.0,
    "latency_ms": 100.0,
    "timeout_ms": 1000.0,
    "baseline_error_rate": 0.001,
    "bake_time_s": 120.0,
    "rollback_error_threshold": 0.01,
    "alarm_scope": "fleet",
    "alarm_min_requests": 100,
    "monitor_window_s": 60.0,
    "auto_rollback": True,
    "human_response_s": 900.0,
    "request_rate": 200.0,
    "instance_start_s": 30.0,
}

SCENARIO = Scenario(
    slug="deployment",
    pattern="rolling-deployment",
    also_patterns=("blue-green-deployment", "canary-release", "automatic-rollback", "staggered-deployment"),
    title=Text("Deployment strategies and automatic rollback", "デプロイ方式と自動ロールバック"),
    description=Text(
        "A fleet behind a load balancer serves steady traffic while a new version rolls out: all at once, one box "
        "first, in rolling batches, in waves, as a blue/green switch or as a weighted canary. The new version may "
        "be bad (more errors, or slower responses that time out). An alarm watches the error rate over a window; "
        "with automatic rollback it stops the rollout and brings the old version back, otherwise it pages a human. "
        "Watch how many requests fail, how long the bad version serves, and what each strategy costs in time and "
        "capacity.",
        "ロードバランサーの後ろのフリートが一定のトラフィックに応答している間に、新バージョンをロールアウトします。全台を一度に、"
        "まず 1 台だけ、バッチで順に、ウェーブで、ブルー/グリーンの切り替えで、あるいは重み付きのカナリアで入れ替えます。"
        "新バージョンには不具合があるかもしれません（エラーが増える、または応答が遅くなってタイムアウトする）。アラームはウィンドウ内の"
        "エラー率を見張り、自動ロールバックが有効ならロールアウトを止めて旧バージョンに戻し、無効なら担当者を呼び出します。"
        "失敗するリクエストの数、不具合版が応答し続ける時間、各方式にかかる時間と容量を確かめられます。",
    ),
    params=_params(),
    charts=(
        Chart(
            id="instances",
            title=Text("Instances by version", "バージョン別のインスタンス数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("instances", "インスタンス数"),
            series=(
                Series("old", Text("old version", "旧バージョン")),
                Series("new", Text("new version (good)", "新バージョン（正常）")),
                Series("bad", Text("new version (bad)", "新バージョン（不具合）")),
                Series("starting", Text("starting", "起動中")),
            ),
        ),
        Chart(
            id="error_rate",
            title=Text("Error rate over the monitor window", "監視ウィンドウのエラー率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("error rate (%)", "エラー率（%）"),
            series=(
                Series("alarm_rate", Text("what the alarm watches", "アラームの監視値")),
                Series("new_rate", Text("new version", "新バージョン")),
                Series("old_rate", Text("old version", "旧バージョン")),
                Series("threshold", Text("threshold", "閾値")),
            ),
        ),
        Chart(
            id="failed",
            title=Text("Failed requests (cumulative)", "失敗したリクエスト（累計）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests", "リクエスト数"),
            series=(
                Series("failed", Text("all failed", "失敗の合計")),
                Series("failed_bad", Text("failed on the bad version", "不具合版での失敗")),
                Series("unserved", Text("no instance to serve", "応答できるインスタンスなし")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "failed_requests",
            Text("Failed requests", "失敗したリクエスト"),
            "req",
            Text(
                "Every failure in the run: the old version's baseline, the new version's and requests no instance could serve.",
                "実行中のすべての失敗です。旧バージョンの平常時の失敗、新バージョンでの失敗、応答できるインスタンスがなかったリクエストを含みます。",
            ),
        ),
        Measure("failed_on_bad_version", Text("Failed on the bad version", "不具合版で失敗したリクエスト"), "req"),
        Measure("rolled_back", Text("Rolled back (1 = yes)", "ロールバックした（1 = はい）")),
        Measure(
            "time_to_detect_s",
            Text("Time to detect", "検知までの時間"),
            "s",
            Text(
                "From the first request a bad instance serves until the alarm; empty if it never fired.",
                "不具合のあるインスタンスが最初のリクエストに応答してからアラームが鳴るまでです。鳴らなければ値がありません。",
            ),
        ),
        Measure(
            "time_to_rollback_s",
            Text("Time to roll back", "ロールバックまでの時間"),
            "s",
            Text(
                "From the first request a bad instance serves until no bad instance serves; empty if that never happened.",
                "不具合のあるインスタンスが最初のリクエストに応答してから、不具合のあるインスタンスが 1 台も応答しなくなるまでです。そうならなければ値がありません。",
            ),
        ),
        Measure(
            "deploy_duration_s",
            Text("Deployment duration", "デプロイにかかった時間"),
            "s",
            Text(
                "From the start until the rollout completed or, if it was rolled back first, until the old version ran on every instance again.",
                "開始から、ロールアウトが完了するまで、または先にロールバックした場合は全台が旧バージョンに戻るまでです。",
            ),
        ),
        Measure(
            "peak_capacity_pct",
            Text("Peak instances", "最大インスタンス数"),
            "%",
            Text(
                "Most instances in existence at once (starting or serving), as a share of the fleet: what you need room and quota for.",
                "同時に存在したインスタンス（起動中と応答中）の最大数をフリートに対する割合で示します。必要な空き容量やクォータにあたります。",
            ),
        ),
        Measure(
            "min_capacity_pct",
            Text("Minimum ready instances", "応答可能なインスタンスの最小数"),
            "%",
            Text(
                "Fewest instances ready to serve at once, as a share of the fleet.",
                "応答できる状態のインスタンスが最も少なかったときの数を、フリートに対する割合で示します。",
            ),
        ),
        Measure(
            "requests_on_bad_version", Text("Requests served by the bad version", "不具合版が受けたリクエスト"), "req"
        ),
        Measure(
            "unserved_requests",
            Text("Requests with no instance to serve them", "応答できるインスタンスがなかったリクエスト"),
            "req",
        ),
        Measure("total_requests", Text("Requests", "リクエスト数"), "req"),
        Measure(
            "expected_failed_requests",
            Text("Expected failed requests for this schedule", "このスケジュールでの失敗数の期待値"),
            "req",
            Text(
                "The model's mean failures given when each version served, to compare with the count.",
                "各バージョンがいつ応答していたかを前提にしたモデル上の平均の失敗数です。実際の件数と比べるためのものです。",
            ),
        ),
        Measure("completed", Text("Rollout completed (1 = yes)", "ロールアウトが完了した（1 = はい）")),
        Measure(
            "rollback_by",
            Text("Rolled back by", "ロールバックの実行者"),
            help=Text(
                "automatic, human, or empty.",
                "automatic（自動）か human（人手）です。ロールバックしなかった場合は値がありません。",
            ),
        ),
        Measure("alarm_at_s", Text("Alarm at", "アラームの時刻"), "s"),
        Measure("steps", Text("Steps in the plan", "計画のステップ数")),
        Measure(
            "planned_duration_s",
            Text("Planned duration", "計画上の所要時間"),
            "s",
            Text(
                "Steps × (instance start + bake time).", "ステップ数 ×（インスタンスの起動時間 + ベイクタイム）です。"
            ),
        ),
        Measure("deploy_started_at_s", Text("Deployment started at", "デプロイの開始時刻"), "s"),
        Measure(
            "old_version_failure_rate",
            Text("Old version's failure probability", "旧バージョンの失敗確率"),
            help=Text(
                "Its error rate combined with the chance of exceeding the timeout.",
                "エラー率とタイムアウトを超える確率を合わせたものです。",
            ),
        ),
        Measure(
            "new_version_failure_rate",
            Text("New version's failure probability", "新バージョンの失敗確率"),
            help=Text(
                "Its error rate combined with the chance of exceeding the timeout.",
                "エラー率とタイムアウトを超える確率を合わせたものです。",
            ),
        ),
        Measure("simulated_s", Text("Simulated time", "シミュレーション時間"), "s"),
    ),  # fmt: skip
    source=Text(
        "Clare Liguori, 'Automating safe, hands-off deployments' (Amazon Builders' Library, 2020): one-box, waves, bake time, "
        "automatic rollback on alarms; the blast radius rate × share × time × error rate, checked against the schedule",
        "Clare Liguori「Automating safe, hands-off deployments」（Amazon Builders' Library、2020 年）のワンボックス、ウェーブ、"
        "ベイクタイム、アラームによる自動ロールバック。影響範囲をレート × 割合 × 時間 × エラー率として求め、スケジュールと照らし合わせる",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.08, 0.5),
            Node("lb", Text("Load balancer", "ロードバランサー"), 0.35, 0.5),
            Node("old", Text("Old version", "旧バージョン"), 0.65, 0.25),
            Node("new", Text("New version", "新バージョン"), 0.65, 0.75),
            Node("pipeline", Text("Deployment pipeline and alarm", "デプロイパイプラインとアラーム"), 0.92, 0.5),
        ),
        links=(("clients", "lb"), ("lb", "old"), ("lb", "new"), ("pipeline", "old"), ("pipeline", "new")),
    ),
    presets=(
        Preset(
            "all-at-once-bad",
            Text("All at once with a bad version", "不具合版を一括で入れ替える"),
            {**BASE, "strategy": "all_at_once", "auto_rollback": False},
        ),
        Preset(
            "one-box-bake",
            Text("One box + bake time catches it", "ワンボックスとベイクタイムで食い止める"),
            {**BASE, "strategy": "one_box", "alarm_scope": "new_version", "bake_time_s": 300.0},
        ),
        Preset(
            "rolling-20",
            Text("Rolling 20 %", "20 % ずつのローリング"),
            {**BASE, "strategy": "rolling"},
        ),
        Preset(
            "blue-green-switch-back",
            Text("Blue/green switch and switch back", "ブルー/グリーンで切り替えて切り戻す"),
            {**BASE, "strategy": "blue_green"},
        ),
        Preset(
            "canary-auto-rollback",
            Text("Canary with automatic rollback", "自動ロールバック付きのカナリア"),
            {**BASE, "strategy": "canary", "alarm_scope": "new_version"},
        ),
        Preset(
            "waves-good",
            Text("Waves (good version)", "ウェーブ（正常な新バージョン）"),
            {**BASE, "strategy": "waves", "bad_version": False, "bake_time_s": 60.0},
        ),
    ),
)
