# ruff: noqa: E501 - Japanese text counts double toward the line length
"""feature-flags: a flag rolls a feature out by percentage; a kill switch turns it off when it misbehaves.

`users` users send requests, a Poisson stream of `request_rate` per second in
all, each from a user picked at random and load balanced over `instances`
instances. Every user is hashed once to a bucket 0..99 (a 64-bit mix of the
user id and a per-flag salt, here the seed), and a user sees the feature where
the flag's percentage p is above their bucket: a user exposed at 5 % stays
exposed at 25 % (sticky percentage rollout, as LaunchDarkly and Unleash do it).
The share of users exposed at p is binomial around p / 100.

Schedule: the flag goes up in `rollout_steps` steps, the last ones of
1, 5, 25, 50, 100 % (5 steps: all of them; 2: 50 then 100; 1: 100 % at once),
one every `step_interval_s`, starting one monitor window into the run. The
flag service only publishes: each instance polls it every `poll_interval_s` at
its own random phase and serves what it fetched last, so a change reaches an
instance uniformly within one poll interval (the continuous configuration of
AWS AppConfig and its agent). With n instances the last one follows
poll_interval x n / (n + 1) after a change on average (the largest of n
uniforms), and the average instance after half an interval.

A request with the feature fails with fault_error_rate when the feature is
`faulty` and with baseline_error_rate otherwise; without it, with
baseline_error_rate. Kill switch: at the end of every metric bucket
(monitor_window_s / 60, at most half a poll interval) the error rate among the
flagged requests of the last monitor_window_s is compared with
kill_switch_threshold, once the window holds kill_min_requests flagged
requests. Above it, the flag service flips the kill switch: the flag is off for
everyone, the remaining steps are cancelled, and each instance stops serving
the feature at its next poll.

Results: exposed_user_share is the share of users' requests that get the
feature at the end (the mean over instances of the share of users below the
percentage each instance holds), max_exposed_user_share its largest value;
time_to_detect_s runs from the first instance serving the faulty feature to the
flip, time_to_kill_s from the flip to the last instance off and
mean_time_to_kill_s averages that over the instances that were serving it.
expected_failed_requests is the model's mean for the exposure that happened.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Param, Preset

MAX_FRAMES = 300
BUCKETS_PER_WINDOW = 60
MAX_BUCKETS = 40000
LADDER = (1, 5, 25, 50, 100)
DRAWN_INSTANCES = 6
STATE_ORDER = ("idle", "ok", "busy", "degraded", "down")


def schedule(steps: int) -> list[int]:
    """The percentages the flag goes through: the last `steps` of 1, 5, 25, 50, 100."""
    return list(LADDER[len(LADDER) - steps :])


def user_buckets(users: int, salt: int) -> np.ndarray:
    """Bucket 0..99 of users 0..users-1: a splitmix64 hash of (salt, user id), the same on every call."""
    with np.errstate(over="ignore"):
        z = np.arange(users, dtype=np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(11)).astype(np.float64) * (100 / 2**53)).astype(np.int64)


def exposed(buckets: np.ndarray, percent: float) -> np.ndarray:
    """Which users see the feature at this percentage: those whose bucket is below it."""
    return buckets < percent


@dataclass
class Tick:
    """The state at the end of one metric bucket, kept for the frames."""

    t: float
    target: float
    users_exposed: float
    flagged: int
    requests: int
    flagged_rate: float | None
    unflagged_rate: float | None
    failed: int
    failed_flagged: int
    states: dict[str, str]


@dataclass
class Outcome:
    ticks: list[Tick] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


def _r(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


def _worst(states: list[str]) -> str:
    return max(states, key=STATE_ORDER.index) if states else "idle"


def simulate(params: dict[str, Any], seed: int) -> Outcome:
    """Run the rollout to its end; the frames are cut from the returned buckets afterwards."""
    rng = np.random.default_rng(seed)
    out = Outcome()
    n, rate, poll = params["instances"], params["request_rate"], params["poll_interval_s"]
    window_s, interval = params["monitor_window_s"], params["step_interval_s"]
    threshold, faulty = params["kill_switch_threshold"], params["faulty"]
    p_flagged = params["fault_error_rate"] if faulty else params["baseline_error_rate"]
    p_plain = params["baseline_error_rate"]
    percents = schedule(params["rollout_steps"])
    counts = np.bincount(user_buckets(params["users"], seed), minlength=100)
    # share_at[p]: the share of users exposed at p %, for p = 0..100.
    share_at = [0.0, *(np.cumsum(counts) / params["users"]).tolist()]
    t0 = window_s
    step_times = [t0 + k * interval for k in range(len(percents))]
    planned_end = t0 + len(percents) * interval + poll
    cap = planned_end + poll + window_s
    bucket = max(min(window_s / BUCKETS_PER_WINDOW, poll / 2), cap / MAX_BUCKETS)
    window_buckets = max(1, round(window_s / bucket))

    # Instance i polls at phase[i] + m x poll; only polls after a change can alter what it serves,
    # so each change queues one pickup per instance, at its first poll after the change.
    phase = rng.uniform(0, poll, n).tolist()
    held = [0] * n  # the percentage each instance serves
    pickups: list[tuple[float, int]] = []
    kill_at: float | None = None
    first_on: float | None = None
    max_held = 0
    exposed_sum = 0.0  # sum over instances of the user share each one exposes

    def note(at: float, kind: str, en: str, ja: str) -> None:
        out.events.append(Event(round(at, 3), kind, Text(en, ja)))

    def first_poll_after(at: float, i: int) -> float:
        return at + (phase[i] - at) % poll

    def published(at: float) -> int:
        """The percentage the flag service hands out at this time."""
        if kill_at is not None and at >= kill_at:
            return 0
        index = bisect.bisect_right(step_times, at) - 1
        return percents[index] if index >= 0 else 0

    def change(at: float) -> None:
        for i in range(n):
            heapq.heappush(pickups, (first_poll_after(at, i), i))

    def expose(a: float, b: float) -> float:
        """Apply the pickups in [a, b); the user share x seconds served, summed over instances."""
        nonlocal exposed_sum, first_on, max_held
        served, cursor = 0.0, a
        while pickups and pickups[0][0] < b:
            at, i = heapq.heappop(pickups)
            served += exposed_sum * (at - cursor)
            cursor = at
            fetched = published(at)
            if held[i] == 0 and share_at[fetched] > 0 and first_on is None:
                first_on = at
            held[i] = fetched
            exposed_sum = sum(share_at[p] for p in held)  # summed afresh: no rounding drift below 0
            max_held = max(max_held, fetched)
        return served + exposed_sum * (b - cursor)

    # When every instance has fetched each step: its first poll after the change, unless the
    # next step (or the kill switch) comes first.
    propagated = []
    note(0.0, "steady", f"{n} instance(s) poll the flag every {poll:g} s; the feature is off",
         f"{n} 台のインスタンスが {poll:g} 秒ごとにフラグを取得しています。機能はオフです")  # fmt: skip
    for at in step_times:
        propagated.append(max(first_poll_after(at, i) for i in range(n)))
    steps_due = list(step_times)

    window: deque[tuple[int, int, int, int]] = deque()
    sums = [0, 0, 0, 0]  # flagged, flagged failed, unflagged, unflagged failed
    failed = failed_flagged = flagged_total = requests_total = 0
    expected = max_share = time_to_kill = mean_time_to_kill = 0.0
    last_off = math.inf
    kill_pct: int | None = None
    states: dict[str, str] = {}
    t = 0.0
    k = 0
    while True:
        k += 1
        end = k * bucket
        while steps_due and steps_due[0] < end and kill_at is None:
            at, step = steps_due.pop(0), len(step_times) - len(steps_due)
            change(at)
            note(at, "step", f"Flag set to {percents[step - 1]} % (step {step}/{len(percents)})",
                 f"フラグを {percents[step - 1]} % にしました（ステップ {step}/{len(percents)}）")  # fmt: skip
        mean_total = rate * (end - t)
        mean_flagged = rate / n * expose(t, end)
        flagged = int(rng.poisson(mean_flagged))
        plain = int(rng.poisson(max(0.0, mean_total - mean_flagged)))
        fail_flagged = int(rng.binomial(flagged, p_flagged))
        fail_plain = int(rng.binomial(plain, p_plain))
        expected += mean_flagged * p_flagged + (mean_total - mean_flagged) * p_plain
        t = end
        failed += fail_flagged + fail_plain
        failed_flagged += fail_flagged
        flagged_total += flagged
        requests_total += flagged + plain
        closed = (flagged, fail_flagged, plain, fail_plain)
        window.append(closed)
        sums = [s + c for s, c in zip(sums, closed, strict=True)]
        if len(window) > window_buckets:
            sums = [s - g for s, g in zip(sums, window.popleft(), strict=True)]
        flagged_rate = sums[1] / sums[0] if sums[0] else None
        unflagged_rate = sums[3] / sums[2] if sums[2] else None
        max_share = max(max_share, exposed_sum / n)

        if (
            kill_at is None
            and flagged_rate is not None
            and sums[0] >= params["kill_min_requests"]
            and flagged_rate > threshold
        ):
            kill_pct = published(end)
            kill_at = end
            waits = [first_poll_after(end, i) - end for i in range(n) if held[i] > 0]
            time_to_kill = max(waits, default=0.0)
            mean_time_to_kill = sum(waits) / len(waits) if waits else 0.0
            last_off = end + time_to_kill
            change(end)
            note(end, "kill", f"Kill switch flipped at {kill_pct} %: error rate among flagged requests {100 * flagged_rate:.2f} % > {100 * threshold:.2f} %",
                 f"{kill_pct} % の段階でキルスイッチを入れました。フラグ対象リクエストのエラー率が {100 * flagged_rate:.2f} % で、閾値 {100 * threshold:.2f} % を超えています")  # fmt: skip
            note(last_off, "off", f"Last instance turned the feature off, {time_to_kill:.3g} s after the flip",
                 f"最後のインスタンスが機能をオフにしました（キルスイッチから {time_to_kill:.3g} 秒後）")  # fmt: skip

        published_now = published(end)
        states = _states(held, faulty, kill_at, end, t0, published_now, percents[-1])
        out.ticks.append(
            Tick(
                t=end,
                target=float(published_now),
                users_exposed=exposed_sum / n,
                flagged=flagged,
                requests=flagged + plain,
                flagged_rate=flagged_rate,
                unflagged_rate=unflagged_rate,
                failed=failed,
                failed_flagged=failed_flagged,
                states=states,
            )
        )
        if (kill_at is not None and end >= last_off + window_s) or (kill_at is None and end >= planned_end):
            break
        if end >= cap:
            break

    for k, (pct, at) in enumerate(zip(percents, propagated, strict=True)):
        last = k == len(percents) - 1
        if (kill_at is not None and at >= kill_at) or (not last and at >= step_times[k + 1]):
            continue
        note(at, "complete" if last else "propagated",
             f"Every instance serves {pct} %, {at - step_times[k]:.3g} s after the change" + (": rollout complete" if last else ""),
             f"全インスタンスが {pct} % で応答しています（変更から {at - step_times[k]:.3g} 秒後）" + ("。展開が完了しました" if last else ""))  # fmt: skip
    killed = kill_at is not None
    out.result = {
        "exposed_user_share": _r(exposed_sum / n),
        "max_exposed_user_share": _r(max_share),
        "failed_requests": failed,
        "time_to_kill_s": _r(time_to_kill) if killed else None,
        "mean_time_to_kill_s": _r(mean_time_to_kill) if killed else None,
        "time_to_detect_s": _r(kill_at - first_on) if killed and faulty and first_on is not None else None,
        "killed": int(killed),
        "kill_at_s": _r(kill_at),
        "kill_at_percent": kill_pct,
        "failed_on_flagged": failed_flagged,
        "flagged_requests": flagged_total,
        "total_requests": requests_total,
        "expected_failed_requests": _r(expected, 3),
        "ever_exposed_user_share": _r(share_at[max_held]),
        "schedule_pct": percents,
        "step_user_shares": [_r(share_at[p]) for p in percents],
        "rollout_started_at_s": _r(t0),
        "simulated_s": _r(t),
    }
    return out


def _states(
    held: list[int], faulty: bool, kill_at: float | None, at: float, t0: float, published_now: int, top: int
) -> dict[str, str]:
    def state_of(pct: int) -> str:
        if pct == 0:
            return "ok"
        if not faulty:
            return "busy"
        return "down" if kill_at is not None else "degraded"

    per_instance = [state_of(p) for p in held]
    nodes = {f"inst{j + 1}": (per_instance[j] if j < len(held) else "idle") for j in range(DRAWN_INSTANCES - 1)}
    nodes[f"inst{DRAWN_INSTANCES}"] = _worst(per_instance[DRAWN_INSTANCES - 1 :])
    if kill_at is not None:
        flags = "down"
    elif at < t0:
        flags = "idle"
    elif published_now == top and all(p == top for p in held):
        flags = "ok"
    else:
        flags = "busy"
    nodes["flags"] = flags
    nodes["users"] = "degraded" if faulty and any(held) else "ok"
    return nodes


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    outcome = simulate(params, seed)
    ticks = outcome.ticks
    per_frame = math.ceil(len(ticks) / MAX_FRAMES)
    end = ticks[-1].t
    threshold_pct = round(100 * params["kill_switch_threshold"], 6)
    events = sorted(outcome.events, key=lambda e: e.t)
    next_event = 0

    def pct(x: float | None) -> float | None:
        return None if x is None else round(100 * x, 4)

    for first in range(0, len(ticks), per_frame):
        group = ticks[first : first + per_frame]
        tick = group[-1]
        requests = sum(g.requests for g in group)
        due = []
        while next_event < len(events) and events[next_event].t <= tick.t + 1e-9:
            due.append(events[next_event])
            next_event += 1
        yield Frame(
            t=tick.t,
            progress=tick.t / end,
            series={
                "target": tick.target,
                "users_exposed": pct(tick.users_exposed),
                "requests_flagged": pct(sum(g.flagged for g in group) / requests) if requests else None,
                "flagged_rate": pct(tick.flagged_rate),
                "unflagged_rate": pct(tick.unflagged_rate),
                "threshold": threshold_pct,
                "failed": tick.failed,
                "failed_flagged": tick.failed_flagged,
            },
            events=due,
            nodes=dict(tick.states),
        )
    yield Result(outcome.result)


BASE = {
    "rollout_steps": 5,
    "step_interval_s": 120.0,
    "faulty": True,
    "fault_error_rate": 0.2,
    "baseline_error_rate": 0.001,
    "kill_switch_threshold": 0.02,
    "kill_min_requests": 200,
    "monitor_window_s": 60.0,
    "poll_interval_s": 30.0,
    "instances": 6,
    "users": 20000,
    "request_rate": 200.0,
}

SCENARIO = Scenario(
    slug="feature-flags",
    pattern="feature-flags",
    title=Text("Feature flag rollout and kill switch", "フィーチャーフラグの段階的展開とキルスイッチ"),
    description=Text(
        "A new feature is already deployed behind a flag. The flag goes up step by step (1, 5, 25, 50, 100 % of "
        "users, each user sticky to a hashed bucket), and the instances pick every change up by polling the flag "
        "service. If the feature is faulty, a kill switch flips automatically once the error rate among flagged "
        "requests crosses a threshold, and the feature goes dark as each instance polls again. Watch how many "
        "users were exposed, how many requests failed, and how the poll interval bounds the time to kill.",
        "新しい機能はすでにフラグの裏にデプロイされています。フラグを段階的に上げ（利用者の 1、5、25、50、100 %。各利用者はハッシュで"
        "決まるバケットに固定）、インスタンスはフラグサービスをポーリングして変更を取り込みます。機能に不具合があれば、フラグ対象の"
        "リクエストのエラー率が閾値を超えた時点でキルスイッチが自動で入り、各インスタンスが次にポーリングした時点で機能がオフになります。"
        "何割の利用者が影響を受けたか、何件のリクエストが失敗したか、ポーリング間隔がキルまでの時間をどう決めるかを確かめられます。",
    ),
    params=(
        Param(
            "rollout_steps",
            "int",
            5,
            Text("Rollout steps", "展開のステップ数"),
            Text(
                "How many steps of the ladder 1, 5, 25, 50, 100 % the flag takes, counted from the top: 5 runs all of them, 3 runs 25, 50, 100 %, 1 turns 100 % on at once.",
                "1、5、25、50、100 % という段階のうち、上から数えていくつを使うかです。5 ならすべて、3 なら 25、50、100 %、1 なら一度に 100 % にします。",
            ),
            unit="steps",
            min=1,
            max=5,
        ),
        Param(
            "step_interval_s",
            "float",
            120.0,
            Text("Time between steps", "ステップの間隔"),
            Text("The flag service raises the percentage this often.", "フラグサービスが割合を引き上げる間隔です。"),
            unit="s",
            min=10,
            max=3600,
        ),
        Param(
            "faulty",
            "bool",
            True,
            Text("Feature is faulty", "機能に不具合がある"),
            Text(
                "On: requests that get the feature fail with the fault error rate. Off: they fail like any other request.",
                "オンなら、機能が有効なリクエストは不具合時のエラー率で失敗します。オフなら他のリクエストと同じ割合で失敗します。",
            ),
        ),
        Param(
            "fault_error_rate",
            "float",
            0.2,
            Text("Fault error rate", "不具合時のエラー率"),
            Text(
                "Share of the faulty feature's requests that fail.",
                "不具合のある機能が有効なリクエストのうち、失敗する割合です。",
            ),
            min=0,
            max=1,
        ),
        Param(
            "baseline_error_rate",
            "float",
            0.001,
            Text("Baseline error rate", "平常時のエラー率"),
            Text(
                "Share of requests that fail without the feature (and with a healthy one).",
                "機能が無効なとき（および正常な機能）に失敗するリクエストの割合です。",
            ),
            min=0,
            max=0.5,
        ),
        Param(
            "kill_switch_threshold",
            "float",
            0.02,
            Text("Kill switch threshold", "キルスイッチの閾値"),
            Text(
                "The kill switch flips automatically when the error rate among flagged requests over the monitor window exceeds this share.",
                "監視ウィンドウ内のフラグ対象リクエストのエラー率がこの割合を超えると、キルスイッチが自動で入ります。",
            ),
            min=0.0001,
            max=1,
        ),
        Param(
            "kill_min_requests",
            "int",
            200,
            Text("Kill switch minimum requests", "キルスイッチの最低リクエスト数"),
            Text(
                "The kill switch judges only once the window holds this many flagged requests; a small step may never get there.",
                "ウィンドウ内のフラグ対象リクエストがこの件数に達して初めて判定します。小さなステップではそこまで届かないこともあります。",
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
            Text(
                "The kill switch's error rate covers this many trailing seconds.",
                "キルスイッチが見るエラー率は、直近のこの秒数を対象にします。",
            ),
            unit="s",
            min=5,
            max=600,
        ),
        Param(
            "poll_interval_s",
            "float",
            30.0,
            Text("Poll interval", "ポーリング間隔"),
            Text(
                "How often each instance fetches the flag configuration, at its own random phase; a change reaches every instance within one interval.",
                "各インスタンスがフラグの設定を取得する間隔です（タイミングはインスタンスごとにランダム）。変更は 1 間隔以内に全インスタンスへ届きます。",
            ),
            unit="s",
            min=1,
            max=600,
        ),
        Param(
            "instances",
            "int",
            6,
            Text("Instances", "インスタンス数"),
            Text(
                "Instances serving the users; requests are spread evenly over them.",
                "利用者に応答するインスタンスの数です。リクエストは均等に振り分けます。",
            ),
            min=1,
            max=100,
        ),
        Param(
            "users",
            "int",
            20000,
            Text("Users", "利用者数"),
            Text(
                "Users hashed to buckets 0..99; each request comes from one of them at random.",
                "バケット 0〜99 にハッシュで割り当てる利用者の数です。各リクエストはその中の誰かから届きます。",
            ),
            min=100,
            max=1000000,
        ),
        Param(
            "request_rate",
            "float",
            200.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of the Poisson request stream over all users.",
                "全利用者からのポアソン到着のリクエストの平均レートです。",
            ),
            unit="req/s",
            min=1,
            max=5000,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="exposure",
            title=Text("Exposure", "機能が有効な割合"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share (%)", "割合（%）"),
            series=(
                Series("target", Text("flag setting (target)", "フラグの設定値（目標）")),
                Series(
                    "users_exposed", Text("users exposed (instances' view)", "対象の利用者（インスタンスの取得値）")
                ),
                Series("requests_flagged", Text("requests with the feature", "機能が有効なリクエスト")),
            ),
        ),
        Chart(
            id="error_rate",
            title=Text("Error rate over the monitor window", "監視ウィンドウのエラー率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("error rate (%)", "エラー率（%）"),
            series=(
                Series("flagged_rate", Text("flagged requests", "フラグ対象のリクエスト")),
                Series("unflagged_rate", Text("other requests", "それ以外のリクエスト")),
                Series("threshold", Text("kill switch threshold", "キルスイッチの閾値")),
            ),
        ),
        Chart(
            id="failed",
            title=Text("Failed requests (cumulative)", "失敗したリクエスト（累計）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests", "リクエスト数"),
            series=(
                Series("failed", Text("all failed", "失敗の合計")),
                Series("failed_flagged", Text("failed with the feature", "機能が有効で失敗")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "exposed_user_share",
            Text("Share of users exposed at the end", "最後に機能が有効だった利用者の割合"),
            help=Text(
                "Averaged over the instances, each with the percentage it fetched last; 0 after a kill.",
                "各インスタンスが最後に取得した割合をもとに、インスタンス全体で平均したものです。キルスイッチの後は 0 です。",
            ),
        ),
        Measure("max_exposed_user_share", Text("Largest share of users exposed", "機能が有効だった利用者の最大割合")),
        Measure("failed_requests", Text("Failed requests", "失敗したリクエスト"), "req"),
        Measure(
            "time_to_detect_s",
            Text("Time to detect", "検知までの時間"),
            "s",
            Text(
                "From the first instance serving the faulty feature until the kill switch flips; empty if it never does.",
                "不具合のある機能を最初のインスタンスが提供し始めてから、キルスイッチが入るまでです。入らなければ値がありません。",
            ),
        ),
        Measure(
            "time_to_kill_s",
            Text("Time to kill", "キルまでの時間"),
            "s",
            Text(
                "From the kill switch flip until the last instance stops serving the feature: at most one poll interval.",
                "キルスイッチが入ってから、最後のインスタンスが機能の提供をやめるまでです。最大でポーリング間隔 1 回分です。",
            ),
        ),
        Measure(
            "mean_time_to_kill_s",
            Text("Mean time to kill per instance", "インスタンスごとのキルまでの平均時間"),
            "s",
            Text(
                "Averaged over the instances serving the feature at the flip; half a poll interval on average.",
                "キルスイッチが入ったときに機能を提供していたインスタンスで平均したものです。平均するとポーリング間隔の半分です。",
            ),
        ),
        Measure("killed", Text("Kill switch flipped (1 = yes)", "キルスイッチが入った（1 = はい）")),
        Measure("kill_at_percent", Text("Flag setting when killed", "キル時のフラグ設定値"), "%"),
        Measure("kill_at_s", Text("Kill switch flipped at", "キルスイッチが入った時刻"), "s"),
        Measure("failed_on_flagged", Text("Failed with the feature", "機能が有効で失敗したリクエスト"), "req"),
        Measure("flagged_requests", Text("Requests with the feature", "機能が有効なリクエスト"), "req"),
        Measure("total_requests", Text("Requests", "リクエスト数"), "req"),
        Measure(
            "expected_failed_requests",
            Text("Expected failed requests for this exposure", "この公開状況での失敗数の期待値"),
            "req",
            Text(
                "The model's mean failures given when each instance served the feature, to compare with the count.",
                "各インスタンスがいつ機能を提供していたかを前提にしたモデル上の平均の失敗数です。実際の件数と比べるためのものです。",
            ),
        ),
        Measure(
            "ever_exposed_user_share",
            Text("Share of users ever exposed", "一度でも対象になった利用者の割合"),
            help=Text(
                "Users below the highest percentage any instance served.",
                "いずれかのインスタンスが提供した最大の割合より下のバケットに入る利用者です。",
            ),
        ),
        Measure("schedule_pct", Text("Rollout schedule", "展開の段階"), "%"),
        Measure(
            "step_user_shares",
            Text("Share of users exposed at each step", "各段階で対象になる利用者の割合"),
            help=Text(
                "The hashed buckets make these binomial around the percentages.",
                "ハッシュによるバケットのため、設定した割合のまわりで二項分布に従ってばらつきます。",
            ),
        ),
        Measure("rollout_started_at_s", Text("Rollout started at", "展開の開始時刻"), "s"),
        Measure("simulated_s", Text("Simulated time", "シミュレーション時間"), "s"),
    ),  # fmt: skip
    source=Text(
        "Pete Hodgson, 'Feature Toggles (aka Feature Flags)' (martinfowler.com, 2017); AWS AppConfig deployment strategies "
        "and rollback on alarms; the time to kill as the last of n uniform poll phases (n / (n + 1) of an interval on average)",
        "Pete Hodgson「Feature Toggles (aka Feature Flags)」（martinfowler.com、2017 年）、AWS AppConfig のデプロイ戦略とアラームによる"
        "ロールバック。キルまでの時間を決める、n 個の一様なポーリング位相の最大値（平均で間隔の n / (n + 1)）",
    ),
    topology=Topology(
        nodes=(
            Node("flags", Text("Flag service", "フラグサービス"), 0.1, 0.5),
            *(
                Node(
                    f"inst{j}",
                    Text(f"Instance {j}", f"インスタンス {j}")
                    if j < DRAWN_INSTANCES
                    else Text(f"Instance {j} and the rest", f"インスタンス {j} 以降"),
                    0.5,
                    0.08 + 0.84 * (j - 1) / (DRAWN_INSTANCES - 1),
                )
                for j in range(1, DRAWN_INSTANCES + 1)
            ),
            Node("users", Text("Users", "利用者"), 0.9, 0.5),
        ),
        links=tuple(("flags", f"inst{j}") for j in range(1, DRAWN_INSTANCES + 1))
        + tuple((f"inst{j}", "users") for j in range(1, DRAWN_INSTANCES + 1)),
    ),
    presets=(
        Preset(
            "healthy-gradual",
            Text("Gradual rollout of a healthy feature", "正常な機能を段階的に展開する"),
            {**BASE, "faulty": False},
        ),
        Preset(
            "faulty-killed-at-5",
            Text("Faulty feature killed automatically at 5 %", "不具合のある機能が 5 % で自動停止する"),
            dict(BASE),
        ),
        Preset(
            "slow-polling",
            Text("Slow polling delays the kill", "遅いポーリングがキルを遅らせる"),
            {**BASE, "poll_interval_s": 300.0, "step_interval_s": 600.0},
        ),
        Preset(
            "big-bang-faulty",
            Text("Big-bang 100 % with a faulty feature", "不具合のある機能を一度に 100 % 公開する"),
            {**BASE, "rollout_steps": 1},
        ),
    ),
)
