# ruff: noqa: E501 - Japanese text counts double toward the line length
"""failover: a primary dies, health checks notice, the standby is promoted and DNS moves the clients.

A primary takes writes from `clients` clients, a Poisson stream of `write_rate`
writes per second in all, each from a client picked at random. The primary
acknowledges a write at once and ships it to the standby, where it lands after
its own replication lag: exactly `replication_lag_ms`, or exponential with that
mean (`lag_distribution`). A lag of 0 is synchronous replication. Each write
travels on its own, so exponential lags can land out of order (as with
per-record replication); a log-shipping database applies writes in order, which
the constant lag matches exactly. At `fail_at_s` the primary dies.

- Detection: a health checker probes the primary every
  `health_check_interval_s` at a phase drawn at random per seed. A probe sent
  while the primary is dead fails when its `check_timeout_s` runs out. After
  `unhealthy_threshold` failed probes in a row the primary is declared dead, so
  detection takes (threshold - 1) x interval + timeout plus the wait for the
  first probe, uniform on [0, interval): (threshold - 0.5) x interval + timeout
  on average.
- Promotion: the standby takes `promotion_s` to become the primary; then DNS
  answers with the new primary.
- DNS caches: each client re-resolves the name every `dns_ttl_s` at its own
  random phase, so it moves to the new primary at its first lookup after the
  update: uniform on [0, ttl) later, the last client at most one TTL later.
- Clients: a client sends one write at a time to the address it has cached.
  While that is the dead primary the write fails (a failed write); the client
  retries it every `retry_interval_s`, and at once when its cache picks up the
  new address. Writes that arise meanwhile queue behind it, and the whole queue
  is acknowledged by the new primary the moment the client switches over.

Results:
- rto_s: from the failure until every client's writes succeed again, i.e. until
  the last client has switched to the new primary (None if that is after
  duration_s). rto_mean_s is the same time averaged over clients, and
  first_write_ok_s the time until the first write after the failure is
  acknowledged. detection_s and failover_s (failure to DNS updated) split it up.
- lost_writes: writes the old primary acknowledged that had not reached the
  standby when it died, i.e. acknowledged in (fail_at - lag, fail_at]; with a
  constant lag L there are write_rate x L of them on average, and with any lag
  distribution write_rate x E[lag] (Little's law: that many are in flight).
- rpo_s: the window of lost data, from the oldest lost write to the failure
  (0 when nothing was lost); at most L for a constant lag.
- failed_writes counts failed attempts, retries included; delayed_writes the
  writes that waited in a client and were acknowledged by the new primary;
  acknowledged_writes every write acknowledged in the run, the lost ones
  included; unacknowledged_writes those still waiting when the run ends;
  max_write_wait_s the longest a write waited to be acknowledged.
- rto_bound_s: the worst case, threshold x interval + timeout + promotion + TTL.

The old primary is dead, not cut off, so split brain and fencing are not
modelled; nor is the write latency that synchronous replication costs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 400
MIN_STEP_S = 0.1


@dataclass(frozen=True)
class Timeline:
    """When each step of the failover happens, in simulated seconds."""

    fail_at: float
    check_failures: tuple[float, ...]  # when each failed probe's timeout ran out
    detected_at: float
    promoted_at: float  # the standby is the primary and DNS answers with it
    switch_at: np.ndarray  # per client: its first DNS lookup at or after promoted_at


def next_tick(t: float, phase: np.ndarray | float, period: float) -> np.ndarray | float:
    """The first of the times phase + j x period (j any integer) that is at or after t."""
    tick = phase + np.ceil((t - phase) / period) * period
    return np.maximum(tick, t)  # rounding must not put a tick before t


def failover_timeline(params: dict[str, Any], rng: np.random.Generator) -> Timeline:
    """Draw the probe phase and the clients' lookup phases, and time the failover from them."""
    fail_at = params["fail_at_s"]
    interval = params["health_check_interval_s"]
    check_phase = rng.uniform(0.0, interval)
    lookup_phase = rng.random(params["clients"]) * params["dns_ttl_s"]
    first_failed_probe = float(next_tick(fail_at, check_phase, interval))
    check_failures = tuple(
        first_failed_probe + i * interval + params["check_timeout_s"] for i in range(params["unhealthy_threshold"])
    )
    detected_at = check_failures[-1]
    promoted_at = detected_at + params["promotion_s"]
    if params["dns_ttl_s"] > 0:
        switch_at = np.asarray(next_tick(promoted_at, lookup_phase, params["dns_ttl_s"]), dtype=float)
    else:
        switch_at = np.full(params["clients"], promoted_at)
    return Timeline(fail_at, check_failures, detected_at, promoted_at, switch_at)


def attempts_by(t: float | np.ndarray, first: np.ndarray, total: np.ndarray, every: float) -> np.ndarray:
    """Attempts made up to time t by clients whose attempts start at `first`, every `every` s, `total` in all."""
    made = np.floor(np.subtract.outer(t, first) / every + 1e-9) + 1
    return np.where(made > 0, np.minimum(made, total), 0)


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    """Time the failover, place every write, then play it back frame by frame."""
    rng = np.random.default_rng(seed)
    duration, clients = params["duration_s"], params["clients"]
    fail_at = params["fail_at_s"]
    fails = fail_at < duration
    timeline = failover_timeline(params, rng)
    switch_at = timeline.switch_at if fails else np.full(clients, math.inf)

    # Writes: a Poisson stream (count, then uniform times), each from a random client.
    n = int(rng.poisson(params["write_rate"] * duration))
    times = np.sort(rng.uniform(0.0, duration, n))
    who = rng.integers(0, clients, n)
    unit_lags = rng.exponential(1.0, n)  # drawn either way, so the lag choice leaves the writes alone
    lag_s = params["replication_lag_ms"] / 1000
    lags = lag_s * unit_lags if params["lag_distribution"] == "exponential" else np.full(n, lag_s)

    before = times < fail_at
    replicated_at = np.sort(times[before] + lags[before])
    lost = before & (times + lags > fail_at) & fails
    lost_writes = int(lost.sum())
    rpo = fail_at - float(times[lost].min()) if lost_writes else 0.0

    # After the failure a client's writes wait until it switches; then they all go through.
    client_switch = switch_at[who]
    queued = ~before & (times < client_switch)
    acked_at = np.where(queued, client_switch, times)
    acked = acked_at <= duration
    blocked_from = np.full(clients, math.inf)
    np.minimum.at(blocked_from, who[queued], times[queued])
    waits = np.isfinite(blocked_from)
    retry = params["retry_interval_s"]
    attempt_end = np.minimum(switch_at, duration)
    attempts = np.zeros(clients)
    attempts[waits] = np.ceil((attempt_end[waits] - blocked_from[waits]) / retry - 1e-9)
    failed_writes = int(attempts.sum())

    n_frames = max(1, min(MAX_FRAMES, math.ceil(duration / MIN_STEP_S)))
    step = duration / n_frames
    ends = duration * np.arange(1, n_frames + 1) / n_frames
    offered_by = np.searchsorted(times, ends, side="right")  # cumulative counts at each frame's end
    acked_by = np.searchsorted(np.sort(acked_at[acked]), ends, side="right")
    failed_by = attempts_by(ends, blocked_from[waits], attempts[waits], retry).sum(axis=1)
    down = (ends >= fail_at) & fails
    series = {
        "offered": np.diff(offered_by, prepend=0) / step,
        "acknowledged": np.diff(acked_by, prepend=0) / step,
        "failed": np.diff(failed_by, prepend=0) / step,
        # Before the failure: written but not on the standby; after it the old primary is gone.
        "unreplicated": np.where(down, 0, offered_by - np.searchsorted(replicated_at, ends, side="right")),
        "lost": np.where(down, lost_writes, 0),
        "on_new_primary": 100 * (np.subtract.outer(ends, switch_at) >= 0).mean(axis=1),
        "waiting": 100
        * ((np.subtract.outer(ends, blocked_from) >= 0) & (np.subtract.outer(ends, switch_at) < 0)).mean(axis=1),
    }
    columns = {name: np.round(values, 3).tolist() for name, values in series.items()}

    last_switch = float(switch_at.max())
    after_acks = acked_at[~before & acked]
    first_ok = float(after_acks.min()) if fails and after_acks.size else None
    events_by_frame: dict[int, list[Event]] = {}
    if fails:
        for event in _events(params, timeline, lost_writes, rpo, first_ok, last_switch):
            if event.t <= duration:
                events_by_frame.setdefault(int(np.searchsorted(ends, event.t)), []).append(event)

    for i, end in enumerate(ends.tolist()):
        values = {name: column[i] for name, column in columns.items()}
        yield Frame(
            t=end,
            progress=end / duration,
            series=values,
            events=events_by_frame.get(i, []),
            nodes=_states(timeline, fails, end, last_switch, values["waiting"], values["failed"]),
        )

    recovered = fails and last_switch <= duration

    def after_failure(t: float) -> float | None:
        return _round(t - fail_at) if fails and t <= duration else None

    yield Result(
        {
            "rto_s": _round(last_switch - fail_at) if recovered else None,
            "rto_mean_s": _round(float(switch_at.mean()) - fail_at) if recovered else None,
            "first_write_ok_s": None if first_ok is None else _round(first_ok - fail_at),
            "detection_s": after_failure(timeline.detected_at),
            "failover_s": after_failure(timeline.promoted_at),
            "rpo_s": _round(rpo),
            "lost_writes": lost_writes,
            "failed_writes": failed_writes,
            "delayed_writes": int((queued & acked).sum()),
            "unacknowledged_writes": int((~acked).sum()),
            "acknowledged_writes": int(acked.sum()),
            "offered_writes": n,
            "max_write_wait_s": _round(float((acked_at - times)[acked].max()) if acked.any() else 0.0),
            "rto_bound_s": _round(
                params["unhealthy_threshold"] * params["health_check_interval_s"]
                + params["check_timeout_s"]
                + params["promotion_s"]
                + params["dns_ttl_s"]
            ),
        }
    )


def _states(
    timeline: Timeline, fails: bool, t: float, last_switch: float, waiting_pct: float, failed_per_s: float
) -> dict[str, str]:
    if not fails or t < timeline.fail_at:
        return {"clients": "ok", "dns": "ok", "primary": "ok", "standby": "idle"}
    if t < timeline.detected_at:
        standby = "idle"
    elif t < timeline.promoted_at:
        standby = "busy"
    else:
        standby = "ok"
    if t < timeline.promoted_at:
        dns = "degraded"  # still answering with the dead primary
    elif t < last_switch:
        dns = "busy"  # updated, but some clients still hold the old answer
    else:
        dns = "ok"
    clients = "down" if waiting_pct >= 100 else "degraded" if waiting_pct > 0 or failed_per_s > 0 else "ok"
    return {"clients": clients, "dns": dns, "primary": "down", "standby": standby}


def _events(
    params: dict[str, Any], timeline: Timeline, lost: int, rpo: float, first_ok: float | None, last_switch: float
) -> list[Event]:
    threshold = params["unhealthy_threshold"]
    events = [Event(timeline.fail_at, "primary-failed", Text(en="Primary failed", ja="プライマリが停止しました"))]
    for i, at in enumerate(timeline.check_failures, start=1):
        events.append(
            Event(
                at, "check-failed",
                Text(en=f"Health check failed ({i}/{threshold})", ja=f"ヘルスチェックが失敗しました（{i}/{threshold}）"),
            )
        )  # fmt: skip
    events.append(
        Event(
            timeline.detected_at, "failover-started",
            Text(en="Primary declared down: promoting the standby", ja="プライマリを停止と判定し、待機系の昇格を始めました"),
        )
    )  # fmt: skip
    promoted = timeline.promoted_at
    events.append(
        Event(promoted, "promoted", Text(en="Failover: standby promoted", ja="フェイルオーバー：待機系が昇格しました"))
    )
    events.append(
        Event(
            promoted, "dns-updated",
            Text(en="DNS updated: the name now points at the new primary", ja="DNS を更新し、名前が新しいプライマリを指すようになりました"),
        )
    )  # fmt: skip
    if lost:
        text = Text(
            en=f"{lost} acknowledged writes lost (the last {rpo:.2f} s before the failure)",
            ja=f"受け付け済みの書き込み {lost} 件が失われました（障害前の最後の {rpo:.2f} 秒分）",
        )
    else:
        text = Text(
            en="No acknowledged write lost: the standby had every one",
            ja="受け付け済みの書き込みは失われていません。待機系がすべて受け取っていました",
        )
    events.append(Event(promoted, "writes-lost", text))
    if first_ok is not None:
        events.append(
            Event(
                first_ok, "first-write-ok",
                Text(en="First write acknowledged by the new primary", ja="新しいプライマリが最初の書き込みを受け付けました"),
            )
        )  # fmt: skip
    events.append(
        Event(
            last_switch, "all-switched",
            Text(en="All clients on the new primary", ja="すべてのクライアントが新しいプライマリに切り替わりました"),
        )
    )  # fmt: skip
    events.sort(key=lambda e: e.t)  # stable: same-time events keep the order above
    return events


DEFAULTS = {
    "health_check_interval_s": 10.0,
    "unhealthy_threshold": 3,
    "check_timeout_s": 2.0,
    "promotion_s": 10.0,
    "dns_ttl_s": 60.0,
    "replication_lag_ms": 500.0,
    "lag_distribution": "constant",
    "write_rate": 50.0,
    "clients": 50,
    "retry_interval_s": 1.0,
    "fail_at_s": 30.0,
    "duration_s": 180.0,
}

SCENARIO = Scenario(
    slug="failover",
    pattern="failover",
    also_patterns=("recovery-objectives",),
    title=Text("Failover with DNS and asynchronous replication", "DNS と非同期レプリケーションによるフェイルオーバー"),
    description=Text(
        "A primary database takes writes from many clients and ships each one to a standby asynchronously. At a set "
        "moment the primary dies. After several health checks in a row fail, the standby is promoted and DNS is "
        "updated to point at it; each client keeps its cached answer until its TTL runs out, so the clients move over "
        "spread across one TTL. Watch how long writes keep failing (the recovery time) and how many acknowledged "
        "writes never reached the standby (the recovery point).",
        "プライマリのデータベースが多数のクライアントから書き込みを受け付け、1 件ずつ非同期で待機系に送ります。設定した時刻にプライマリが停止します。"
        "ヘルスチェックが続けて失敗すると待機系が昇格し、DNS が新しいプライマリを指すように更新されます。"
        "各クライアントはキャッシュした DNS の応答を TTL が切れるまで使い続けるので、クライアントの切り替わりは TTL 1 つ分の時間にばらけます。"
        "書き込みが失敗し続ける時間（復旧時間）と、受け付け済みなのに待機系に届かなかった書き込みの量（復旧時点）を確かめられます。",
    ),
    params=(
        Param(
            "health_check_interval_s",
            "float",
            DEFAULTS["health_check_interval_s"],
            Text("Health check interval", "ヘルスチェックの間隔"),
            Text("Seconds between two probes of the primary.", "プライマリへのヘルスチェックの間隔（秒）です。"),
            unit="s",
            min=0.5,
            max=120,
            step=0.5,
        ),
        Param(
            "unhealthy_threshold",
            "int",
            DEFAULTS["unhealthy_threshold"],
            Text("Unhealthy threshold", "異常と判定する失敗回数"),
            Text(
                "Failed probes in a row before the primary is declared down and failover starts.",
                "ヘルスチェックがこの回数続けて失敗すると、プライマリを停止と判定してフェイルオーバーを始めます。",
            ),
            min=1,
            max=10,
        ),
        Param(
            "check_timeout_s",
            "float",
            DEFAULTS["check_timeout_s"],
            Text("Check timeout", "ヘルスチェックのタイムアウト"),
            Text(
                "How long a probe waits for an answer; a probe of the dead primary fails only when this runs out.",
                "1 回のヘルスチェックが応答を待つ時間です。停止したプライマリへのチェックは、この時間が過ぎて初めて失敗になります。",
            ),
            unit="s",
            min=0,
            max=30,
            step=0.5,
        ),
        Param(
            "promotion_s",
            "float",
            DEFAULTS["promotion_s"],
            Text("Promotion time", "昇格にかかる時間"),
            Text(
                "Time from the failover decision until the standby accepts writes as the new primary; DNS is updated then.",
                "フェイルオーバーを決めてから、待機系が新しいプライマリとして書き込みを受け付けるまでの時間です。その時点で DNS を更新します。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "dns_ttl_s",
            "float",
            DEFAULTS["dns_ttl_s"],
            Text("DNS TTL", "DNS の TTL"),
            Text(
                "How long a client keeps a DNS answer; each client looks the name up again every TTL, at its own moment. 0 means every write looks it up.",
                "クライアントが DNS の応答をキャッシュしておく時間です。各クライアントはそれぞれのタイミングで TTL ごとに名前を引き直します。0 なら書き込みのたびに引きます。",
            ),
            unit="s",
            min=0,
            max=900,
            step=1,
        ),
        Param(
            "replication_lag_ms",
            "float",
            DEFAULTS["replication_lag_ms"],
            Text("Replication lag", "レプリケーションの遅れ"),
            Text(
                "Time from the primary acknowledging a write until the standby has it (the mean, if exponential). 0 is synchronous replication.",
                "プライマリが書き込みを受け付けてから待機系に届くまでの時間です（指数分布なら平均）。0 は同期レプリケーションです。",
            ),
            unit="ms",
            min=0,
            max=60000,
            step=10,
        ),
        Param(
            "lag_distribution",
            "choice",
            DEFAULTS["lag_distribution"],
            Text("Lag distribution", "遅れの分布"),
            Text(
                "Whether every write takes exactly the replication lag, or a random time exponentially distributed around it.",
                "どの書き込みもちょうどレプリケーションの遅れだけかかるか、それを平均とする指数分布のランダムな時間がかかるかです。",
            ),
            choices=(
                Choice("constant", Text("Constant", "一定")),
                Choice("exponential", Text("Exponential", "指数分布")),
            ),
        ),
        Param(
            "write_rate",
            "float",
            DEFAULTS["write_rate"],
            Text("Write rate", "書き込みレート"),
            Text(
                "Mean writes per second from all clients together (Poisson).",
                "全クライアント合計の 1 秒あたりの平均書き込み数です（ポアソン到着）。",
            ),
            unit="writes/s",
            min=0.1,
            max=500,
            step=1,
        ),
        Param(
            "clients",
            "int",
            DEFAULTS["clients"],
            Text("Clients", "クライアント数"),
            Text(
                "Clients sharing the writes; each caches DNS on its own and sends one write at a time.",
                "書き込みを分け合うクライアントの数です。各クライアントは DNS を個別にキャッシュし、書き込みを 1 件ずつ送ります。",
            ),
            min=1,
            max=500,
        ),
        Param(
            "retry_interval_s",
            "float",
            DEFAULTS["retry_interval_s"],
            Text("Retry interval", "リトライの間隔"),
            Text(
                "A client retries a failed write this often (and at once when it learns the new address); later writes wait behind it.",
                "クライアントは失敗した書き込みをこの間隔でリトライします（新しいアドレスを知ったときはすぐに送ります）。後続の書き込みは、その書き込みが終わるまで待ちます。",
            ),
            unit="s",
            min=0.1,
            max=60,
            step=0.1,
        ),
        Param(
            "fail_at_s",
            "float",
            DEFAULTS["fail_at_s"],
            Text("Primary fails at", "プライマリの停止時刻"),
            Text(
                "When the primary dies; it does not come back.",
                "プライマリが停止する時刻です。停止したまま戻りません。",
            ),
            unit="s",
            min=0,
            max=1800,
            step=1,
        ),
        Param(
            "duration_s",
            "float",
            DEFAULTS["duration_s"],
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=10,
            max=1800,
            step=10,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="writes",
            title=Text("Writes per second", "1 秒あたりの書き込み数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("writes/s", "書き込み/秒"),
            series=(
                Series("offered", Text("sent by clients", "クライアントの送信分")),
                Series("acknowledged", Text("acknowledged", "受け付け済み")),
                Series("failed", Text("failed attempts", "失敗した試行")),
            ),
        ),
        Chart(
            id="replication",
            title=Text("Writes not yet on the standby", "待機系にまだ届いていない書き込み"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("writes", "書き込み数"),
            series=(
                Series("unreplicated", Text("acknowledged, not replicated", "受け付け済み・未複製")),
                Series("lost", Text("lost in the failover", "フェイルオーバーで消失")),
            ),
        ),
        Chart(
            id="clients",
            title=Text("Clients", "クライアント"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("% of clients", "クライアントの割合（%）"),
            series=(
                Series("on_new_primary", Text("pointing at the new primary", "新しいプライマリを参照")),
                Series("waiting", Text("holding a failed write", "失敗した書き込みを保留中")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "rto_s",
            Text("Recovery time (RTO)", "復旧時間（RTO）"),
            "s",
            Text(
                "From the failure until every client's writes succeed again, i.e. until the last client has switched to the new primary; none if that is after the end of the run.",
                "障害から、すべてのクライアントの書き込みが再び成功するまで、つまり最後のクライアントが新しいプライマリに切り替わるまでの時間です。実行の終了までに切り替わらなければ値がありません。",
            ),
        ),
        Measure(
            "rpo_s",
            Text("Recovery point (RPO)", "復旧時点（RPO）"),
            "s",
            Text(
                "The window of lost data, from the oldest lost write to the failure; 0 when nothing was lost.",
                "失われたデータの時間幅で、失われた最古の書き込みから障害までの時間です。何も失われなければ 0 です。",
            ),
        ),
        Measure(
            "lost_writes",
            Text("Acknowledged writes lost", "失われた受け付け済みの書き込み"),
            help=Text(
                "Writes the old primary acknowledged that had not reached the standby when it died; on average write rate × mean lag (Little's law).",
                "プライマリが受け付けたものの、停止した時点で待機系に届いていなかった書き込みです。平均すると書き込みレート × 平均の遅れになります（リトルの法則）。",
            ),
        ),
        Measure(
            "rto_mean_s",
            Text("Recovery time, mean over clients", "復旧時間（クライアントの平均）"),
            "s",
            Text(
                "From the failure until a client has switched to the new primary, averaged over the clients.",
                "障害からクライアントが新しいプライマリに切り替わるまでの時間を、クライアント全体で平均した値です。",
            ),
        ),
        Measure(
            "first_write_ok_s",
            Text("Time to the first acknowledged write", "最初の書き込みが受け付けられるまでの時間"),
            "s",
            Text(
                "From the failure until the new primary acknowledges the first write sent after it.",
                "障害から、その後に送られた書き込みを新しいプライマリが初めて受け付けるまでの時間です。",
            ),
        ),
        Measure(
            "detection_s",
            Text("Detection time", "検知までの時間"),
            "s",
            Text(
                "From the failure until enough health checks in a row have failed to declare the primary down.",
                "障害から、ヘルスチェックが決めた回数だけ続けて失敗し、プライマリを停止と判定するまでの時間です。",
            ),
        ),
        Measure(
            "failover_s",
            Text("Time until DNS is updated", "DNS が更新されるまでの時間"),
            "s",
            Text(
                "From the failure until the standby is promoted and DNS answers with it: detection plus promotion.",
                "障害から、待機系が昇格して DNS が新しいプライマリを返すようになるまでの時間です。検知と昇格の時間を合わせたものです。",
            ),
        ),
        Measure(
            "rto_bound_s",
            Text("Worst-case recovery time", "最悪の場合の復旧時間"),
            "s",
            Text(
                "Unhealthy threshold × health check interval + check timeout + promotion time + DNS TTL.",
                "異常と判定する失敗回数 × ヘルスチェックの間隔 + ヘルスチェックのタイムアウト + 昇格にかかる時間 + DNS の TTL です。",
            ),
        ),
        Measure(
            "failed_writes",
            Text("Failed write attempts", "失敗した書き込みの試行"),
            help=Text(
                "Attempts sent to the dead primary, retries included.",
                "停止したプライマリに送られて失敗した試行の数で、リトライも含みます。",
            ),
        ),
        Measure(
            "delayed_writes",
            Text("Writes delayed by the failover", "フェイルオーバーで待たされた書き込み"),
            help=Text(
                "Writes that waited in a client and were then acknowledged by the new primary.",
                "クライアントで待たされた後、新しいプライマリに受け付けられた書き込みです。",
            ),
        ),
        Measure(
            "max_write_wait_s",
            Text("Longest wait for a write", "書き込みの最長待ち時間"),
            "s",
            Text(
                "The longest any acknowledged write waited from being sent until it was acknowledged.",
                "受け付けられた書き込みのうち、送られてから受け付けられるまでに最も長く待ったものの待ち時間です。",
            ),
        ),
        Measure(
            "acknowledged_writes",
            Text("Acknowledged writes", "受け付けた書き込み"),
            help=Text(
                "Every write acknowledged in the run, the lost ones included.",
                "実行中に受け付けたすべての書き込みで、失われたものも含みます。",
            ),
        ),
        Measure(
            "unacknowledged_writes",
            Text("Writes still waiting at the end", "終了時にまだ待っている書き込み"),
        ),
        Measure("offered_writes", Text("Writes sent by clients", "クライアントが送った書き込み")),
    ),
    source=Text(
        "RTO and RPO as defined in AWS, 'Disaster Recovery of Workloads on AWS' (2021); detection after threshold × interval as in "
        "Route 53 health checks; lost writes = rate × lag by Little's law; Beyer et al., Site Reliability Engineering (2016), ch. 23 and 26",
        "AWS「Disaster Recovery of Workloads on AWS」（2021 年）の RTO と RPO の定義、Route 53 のヘルスチェックと同じく失敗回数 × 間隔で検知、"
        "リトルの法則による消失件数 = レート × 遅れ、Beyer ほか『Site Reliability Engineering』（2016 年）23 章・26 章",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.12, 0.5),
            Node("dns", Text("DNS", "DNS"), 0.45, 0.12),
            Node("primary", Text("Primary", "プライマリ"), 0.8, 0.3),
            Node("standby", Text("Standby", "待機系"), 0.8, 0.78),
        ),
        links=(("clients", "dns"), ("clients", "primary"), ("clients", "standby"), ("primary", "standby")),
    ),
    presets=(
        Preset(
            "async-short-ttl",
            Text("Async replication, short TTL", "非同期レプリケーション、短い TTL"),
            {**DEFAULTS, "dns_ttl_s": 15.0, "duration_s": 120.0},
        ),
        Preset(
            "long-ttl",
            Text("Long DNS TTL (RTO dominated by caches)", "長い DNS の TTL（RTO の大半を DNS キャッシュが占める）"),
            {**DEFAULTS, "dns_ttl_s": 300.0, "duration_s": 420.0},
        ),
        Preset(
            "sync-replication",
            Text("Synchronous replication (RPO 0)", "同期レプリケーション（RPO 0）"),
            {**DEFAULTS, "replication_lag_ms": 0.0, "dns_ttl_s": 15.0, "duration_s": 120.0},
        ),
        Preset(
            "slow-detection",
            Text("Slow detection (long interval, high threshold)", "遅い検知（長い間隔、多い失敗回数）"),
            {
                **DEFAULTS,
                "health_check_interval_s": 30.0,
                "unhealthy_threshold": 5,
                "check_timeout_s": 4.0,
                "dns_ttl_s": 15.0,
                "duration_s": 240.0,
            },
        ),
        Preset(
            "jittery-lag",
            Text(
                "Jittery lag: the oldest lost write is older than the mean lag",
                "遅れのばらつき：失われた最古の書き込みは平均の遅れよりも古い",
            ),
            {
                **DEFAULTS,
                "replication_lag_ms": 1000.0,
                "lag_distribution": "exponential",
                "dns_ttl_s": 15.0,
                "duration_s": 120.0,
            },
        ),
    ),  # fmt: skip
)
