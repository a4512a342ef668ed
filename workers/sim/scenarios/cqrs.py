# ruff: noqa: E501 - Japanese text counts double toward the line length
"""cqrs: the command side commits writes at once; a projector brings the read model up to date later.

Writes (commands) arrive as a Poisson stream at `write_rate`, each from one of
`clients` clients chosen at random. A write commits at once on the command side,
gets the next version number (1, 2, ...) and appends its event to the event log.
One projector applies the events to the read model in log order (FIFO), each in
an exponential time with mean 1 / `projector_rate`. The log and the projector
are therefore an M/M/1 queue with lambda = write_rate and mu = projector_rate.
The projection lag of a write is the time from its commit until the read model
has applied it: its time in that queue.

From `projector_pause_at_s` (0 = never) the projector stops for
`projector_pause_s`; the event it was applying continues where it stopped
(preemptive resume; with exponential service this is the same, in distribution,
as starting it over). Every write committed during the run counts towards the lag
figures, also one the projector applies after the run has ended (it keeps
working; nothing new arrives then).

Reads arrive as a Poisson stream at `read_rate`, each from a client chosen at
random. At time t the read model holds versions 1..applied(t); the latest
committed version is committed(t).

- any_replica: every read goes to the read model.
- read_your_writes: the client carries the version of its last write as a
  session token (Terry et al. 1994). When the read model has applied it, the read
  goes there; otherwise it falls back to the command side, which is always
  current. The fallback costs a read on the write model (command_side_reads).

A read is stale when the state it returns is older than the latest committed
write at that instant (returned version < committed(t)); stale_read_fraction is
the share of all reads that were stale. A read misses its own write when the
returned version is older than the reader's last write; own_write_misses counts
those, and is 0 with read_your_writes by construction of the routing.

What the queueing theory says (Kleinrock 1975), without a pause and with rho =
lambda / mu < 1: the lag is exponential with rate mu - lambda, so its mean is
1 / (mu - lambda), its median ln 2 / (mu - lambda) and its p99
ln 100 / (mu - lambda). A read at a random instant finds the queue non-empty,
hence the read model stale, with probability rho (Poisson arrivals see time
averages). A reader whose last write happened at age A ~ Exp(lambda / clients)
misses it when that write's lag exceeds A, which happens with probability
(lambda / clients) / (lambda / clients + mu - lambda). After a pause of length
P the backlog (lambda P plus the rho / (1 - rho) already waiting on average)
drains at mu - lambda: the projector catches up in a mean
(lambda P + rho / (1 - rho)) / (mu - lambda) after it resumes.

Results: stale_read_fraction, own_write_misses, p99_lag_ms, max_lag_ms,
mean_lag_ms, p50_lag_ms, own_write_miss_fraction (misses among reads by clients
that had written before), command_side_reads, backlog_max (most events waiting
at once), backlog_at_resume and recovery_s (from resumption until the backlog
first empties; None without a pause or when it has not emptied by the end),
and the counts behind the shares.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterator
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset
from ..stats import percentile

MAX_FRAMES = 400
# The backlog is "busy" once it holds more than this many seconds of the projector's work.
BUSY_BACKLOG_S = 1.0
# Lag alarms: raised when the oldest waiting event is this old, cleared below half of it.
LAG_ALARM_S = 1.0
LAG_EVENTS = 10


def apply_time(commit: float, service: float, free_at: float, pause_start: float, pause_end: float) -> float:
    """When the projector finishes applying an event (FIFO, one at a time, stopped during the pause).

    It starts once the event is committed and the previous one is done (free_at);
    work that falls into [pause_start, pause_end) waits for the end of the pause.
    """
    start = max(commit, free_at)
    if pause_start <= start < pause_end:
        start = pause_end
    done = start + service
    if start < pause_start < done:
        done += pause_end - pause_start
    return done


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = random.Random(seed)
    duration = params["duration_s"]
    write_rate, read_rate, mu = params["write_rate"], params["read_rate"], params["projector_rate"]
    clients = params["clients"]
    ryw = params["read_strategy"] == "read_your_writes"
    paused = params["projector_pause_at_s"] > 0 and params["projector_pause_s"] > 0
    pause_start = params["projector_pause_at_s"] if paused else math.inf
    pause_end = pause_start + params["projector_pause_s"] if paused else math.inf

    n_frames = min(MAX_FRAMES, max(1, round(duration / 0.1)))
    step = duration / n_frames

    last_version = [0] * clients  # each client's session token: the version of its last write
    pending: deque[tuple[float, float]] = deque()  # (commit, applied at) of events not yet applied
    committed = applied = 0
    free_at = 0.0
    lags: list[float] = []
    reads = stale = misses = after_own_write = command_side = 0
    backlog_max = 0
    backlog_at_resume: int | None = None
    recovered_at: float | None = None

    events: list[Event] = []
    step_lag_max: float | None = None
    step_reads = step_stale = step_misses = step_fallback = step_writes = 0
    first_miss_told = first_fallback_told = False
    lag_alarm = False
    lag_events = 0

    def apply_until(t: float) -> None:
        """Take every event the projector has finished by time t off the backlog."""
        nonlocal applied, step_lag_max, recovered_at
        while pending and pending[0][1] <= t:
            commit, done = pending.popleft()
            applied += 1
            lag = done - commit
            lags.append(lag)
            step_lag_max = lag if step_lag_max is None else max(step_lag_max, lag)
            if not pending and recovered_at is None and done >= pause_end:
                recovered_at = done
                events.append(
                    Event(
                        round(done, 3), "drained",
                        Text(
                            f"Backlog drained {done - pause_end:.1f} s after the projector resumed: the read model has caught up",
                            f"プロジェクターの再開から {done - pause_end:.1f} 秒で滞留が解消し、読み取りモデルが追いつきました",
                        ),
                    )
                )  # fmt: skip

    def frame(k: int) -> Frame:
        nonlocal step_lag_max, step_reads, step_stale, step_misses, step_fallback, step_writes, lag_alarm, lag_events
        at = k * step
        apply_until(at)
        backlog = len(pending)
        oldest = at - pending[0][0] if pending else 0.0
        if not lag_alarm and oldest >= LAG_ALARM_S and lag_events < LAG_EVENTS:
            lag_alarm = True
            lag_events += 1
            events.append(
                Event(
                    round(at, 3), "lag",
                    Text(
                        f"Projection lag passed {LAG_ALARM_S:g} s ({_events(backlog)} waiting)",
                        f"投影の遅れが {LAG_ALARM_S:g} 秒を超えました（{backlog} 件のイベントが待っています）",
                    ),
                )
            )  # fmt: skip
        elif lag_alarm and oldest < LAG_ALARM_S / 2:
            lag_alarm = False
        is_paused = pause_start <= at < pause_end
        stale_share = step_stale / step_reads if step_reads else None
        states = {
            "writers": "ok" if step_writes else "idle",
            "command": "busy" if step_fallback else "ok",
            "log": "idle" if not backlog else "busy" if backlog > BUSY_BACKLOG_S * mu else "ok",
            "projector": "down" if is_paused else "busy" if backlog > BUSY_BACKLOG_S * mu else "ok",
            "read_model": "degraded" if oldest >= LAG_ALARM_S else "ok",
            "readers": "degraded" if step_misses else "ok" if step_reads else "idle",
        }
        made = Frame(
            t=at,
            progress=k / n_frames,
            series={
                "lag_max_ms": None if step_lag_max is None else round(step_lag_max * 1000, 3),
                "oldest_unapplied_ms": round(oldest * 1000, 3),
                "backlog": backlog,
                "stale_share": None if stale_share is None else round(stale_share, 4),
                "own_miss_share": round(step_misses / step_reads, 4) if step_reads else None,
                "fallback_share": round(step_fallback / step_reads, 4) if step_reads else None,
            },
            events=list(events),
            nodes=states,
        )
        events.clear()
        step_lag_max = None
        step_reads = step_stale = step_misses = step_fallback = step_writes = 0
        return made

    def pass_marks(x: float) -> None:
        """Note the pause and the resumption once the clock reaches them."""
        nonlocal pause_told, resume_told, backlog_at_resume, recovered_at
        if paused and not pause_told and pause_start <= x:
            pause_told = True
            apply_until(pause_start)
            events.append(Event(pause_start, "paused", _pause_text(len(pending))))
        if paused and not resume_told and pause_end <= x:
            resume_told = True
            apply_until(pause_end)
            backlog_at_resume = len(pending)
            if not pending:
                recovered_at = pause_end
            events.append(Event(pause_end, "resumed", _resume_text(backlog_at_resume)))

    # Reads and writes together are one Poisson stream at write_rate + read_rate;
    # each arrival is a write with probability write_rate / (write_rate + read_rate).
    total_rate = write_rate + read_rate
    write_share = write_rate / total_rate
    k = 1
    pause_told = resume_told = False
    t = rng.expovariate(total_rate)
    while True:
        while k <= n_frames and (t >= duration or k * step <= t):
            pass_marks(k * step)
            yield frame(k)
            k += 1
        if t >= duration:
            break
        pass_marks(t)
        apply_until(t)
        client = rng.randrange(clients)
        if rng.random() < write_share:
            committed += 1
            last_version[client] = committed
            free_at = apply_time(t, rng.expovariate(mu), free_at, pause_start, pause_end)
            pending.append((t, free_at))
            backlog_max = max(backlog_max, len(pending))
            step_writes += 1
        else:
            token = last_version[client]
            if ryw and applied < token:
                returned = committed  # the command side always has the latest write
                command_side += 1
                step_fallback += 1
                if not first_fallback_told:
                    first_fallback_told = True
                    events.append(
                        Event(
                            round(t, 3), "fallback",
                            Text(
                                f"Client {client + 1}'s write (version {token}) is not in the read model yet: its read goes to the command side",
                                f"クライアント {client + 1} の書き込み（バージョン {token}）はまだ読み取りモデルにないため、読み取りをコマンド側へ回しました",
                            ),
                        )
                    )  # fmt: skip
            else:
                returned = applied
            reads += 1
            step_reads += 1
            if token:
                after_own_write += 1
            if returned < committed:
                stale += 1
                step_stale += 1
            if returned < token:
                misses += 1
                step_misses += 1
                if not first_miss_told:
                    first_miss_told = True
                    events.append(
                        Event(
                            round(t, 3), "own-write-miss",
                            Text(
                                f"Client {client + 1} read the read model before its own write (version {token}) reached it",
                                f"クライアント {client + 1} が、自分の書き込み（バージョン {token}）がまだ反映されていない読み取りモデルを読みました",
                            ),
                        )
                    )  # fmt: skip
        t += rng.expovariate(total_rate)

    # The projector keeps going after the run: the writes still waiting get their lag too.
    recovered_before_end = recovered_at
    apply_until(math.inf)
    lags.sort()
    yield Result(
        {
            "stale_read_fraction": round(stale / reads, 6) if reads else 0.0,
            "own_write_misses": misses,
            "p99_lag_ms": round(percentile(lags, 0.99) * 1000, 3),
            "max_lag_ms": round(lags[-1] * 1000, 3) if lags else 0.0,
            "mean_lag_ms": round(sum(lags) / len(lags) * 1000, 3) if lags else 0.0,
            "p50_lag_ms": round(percentile(lags, 0.5) * 1000, 3),
            "own_write_miss_fraction": round(misses / after_own_write, 6) if after_own_write else 0.0,
            "command_side_reads": command_side,
            "backlog_max": backlog_max,
            "backlog_at_resume": backlog_at_resume,
            "recovery_s": None if recovered_before_end is None else round(recovered_before_end - pause_end, 6),
            "writes": committed,
            "reads": reads,
            "reads_after_own_write": after_own_write,
            "stale_reads": stale,
            "projector_load": round(write_rate / mu, 6),
        }
    )


def _events(n: int) -> str:
    return f"{n} event" if n == 1 else f"{n} events"


def _pause_text(backlog: int) -> Text:
    return Text(
        f"Projector paused ({_events(backlog)} waiting); new writes pile up in the event log",
        f"プロジェクターが停止しました（待ちイベント {backlog} 件）。新しい書き込みはイベントログにたまっていきます",
    )


def _resume_text(backlog: int) -> Text:
    return Text(
        f"Projector resumed with {_events(backlog)} to catch up on",
        f"プロジェクターが再開しました。追いつくべきイベントが {backlog} 件あります",
    )


HEALTHY = {
    "write_rate": 25.0,
    "read_rate": 100.0,
    "projector_rate": 50.0,
    "projector_pause_at_s": 0.0,
    "projector_pause_s": 10.0,
    "read_strategy": "any_replica",
    "duration_s": 60.0,
    "clients": 20,
}
PAUSE = {**HEALTHY, "projector_pause_at_s": 15.0, "projector_pause_s": 10.0}

SCENARIO = Scenario(
    slug="cqrs",
    pattern="cqrs",
    also_patterns=("eventual-consistency", "read-replicas"),
    title=Text("CQRS: projection lag and read-your-writes", "CQRS：投影の遅れと自分の書き込みの読み取り"),
    description=Text(
        "Clients send writes to the command side, which commits each one at once and appends its event to a log. "
        "A single projector applies the events to the read model in order, so the read model trails the write model "
        "by the time an event waits in that queue. Clients also read from the read model. Watch how often a read "
        "returns an out-of-date state, how often a client misses its own write, how the lag grows while the "
        "projector is paused and how long the backlog takes to drain, and how carrying a version token "
        "(read-your-writes) hides the lag from the writer.",
        "クライアントはコマンド側に書き込みを送り、コマンド側はそれをすぐにコミットしてイベントをログに追加します。"
        "1 つのプロジェクターがイベントを順に読み取りモデルへ反映するので、読み取りモデルはイベントがこのキューで待つ時間だけ"
        "書き込みモデルより遅れます。クライアントは読み取りモデルからの読み取りも行います。読み取りが古い状態を返す頻度、"
        "クライアントが自分の書き込みを読めない頻度、プロジェクターの停止中に遅れがどう伸び、滞留の解消にどれだけかかるか、"
        "そしてバージョントークンを持ち歩く方式（read-your-writes）が、書き込んだ本人から遅れをどう隠すかを確かめられます。",
    ),
    params=(
        Param(
            "write_rate",
            "float",
            25.0,
            Text("Write rate", "書き込みレート"),
            Text(
                "Mean rate of writes (commands) arriving at the command side, a Poisson stream.",
                "コマンド側に届く書き込み（コマンド）の平均レートです。到着はポアソン過程です。",
            ),
            unit="writes/s",
            min=0.1,
            max=1000,
            step=1,
        ),
        Param(
            "read_rate",
            "float",
            100.0,
            Text("Read rate", "読み取りレート"),
            Text(
                "Mean rate of reads (queries), a Poisson stream; each comes from a client chosen at random.",
                "読み取り（クエリ）の平均レートです。到着はポアソン過程で、それぞれランダムに選んだクライアントから届きます。",
            ),
            unit="reads/s",
            min=0,
            max=2000,
            step=1,
        ),
        Param(
            "projector_rate",
            "float",
            50.0,
            Text("Projector speed", "プロジェクターの処理速度"),
            Text(
                "Events per second the projector can apply on average; each takes an exponential time. Below the write rate, the lag grows without bound.",
                "プロジェクターが 1 秒あたりに反映できるイベントの平均数です。1 件あたりの時間は指数分布に従います。書き込みレートを下回ると、遅れは際限なく伸びます。",
            ),
            unit="events/s",
            min=1,
            max=2000,
            step=1,
        ),
        Param(
            "projector_pause_at_s",
            "float",
            0.0,
            Text("Projector pauses at", "プロジェクターの停止時刻"),
            Text(
                "When the projector stops (a crash or a deploy); 0 means it never stops.",
                "プロジェクターが止まる時刻です（クラッシュやデプロイを想定しています）。0 なら止まりません。",
            ),
            unit="s",
            min=0,
            max=300,
            step=1,
        ),
        Param(
            "projector_pause_s",
            "float",
            10.0,
            Text("Pause length", "停止時間"),
            Text(
                "How long the projector stays stopped; writes keep committing and pile up in the event log meanwhile.",
                "プロジェクターが止まっている時間です。その間も書き込みはコミットされ、イベントログにたまっていきます。",
            ),
            unit="s",
            min=0,
            max=300,
            step=1,
        ),
        Param(
            "read_strategy",
            "choice",
            "any_replica",
            Text("Read strategy", "読み取りの方式"),
            Text(
                "any_replica: every read goes to the read model. read_your_writes: the client carries the version of its last write; if the read model has not applied it yet, the read goes to the command side instead.",
                "「任意のレプリカ」では、すべての読み取りを読み取りモデルに送ります。「自分の書き込みの読み取り」では、クライアントが最後の書き込みのバージョンを持ち歩き、読み取りモデルがまだそれを反映していなければ、代わりにコマンド側から読みます。",
            ),
            choices=(
                Choice("any_replica", Text("Any replica (read model only)", "任意のレプリカ（読み取りモデルのみ）")),
                Choice(
                    "read_your_writes",
                    Text("Read your writes (version token)", "自分の書き込みの読み取り（バージョントークン）"),
                ),
            ),
        ),
        Param(
            "duration_s",
            "float",
            60.0,
            Text("Duration", "シミュレーション時間"),
            Text(
                "Simulated time during which writes and reads arrive.",
                "書き込みと読み取りが届く、シミュレーション上の時間です。",
            ),
            unit="s",
            min=5,
            max=300,
            step=1,
        ),
        Param(
            "clients",
            "int",
            20,
            Text("Clients", "クライアント数"),
            Text(
                "Writes and reads are spread evenly over this many clients; the fewer there are, the sooner a client reads after its own write.",
                "書き込みと読み取りを、この数のクライアントに均等に割り振ります。少ないほど、各クライアントは自分の書き込みの後すぐに読み取るようになります。",
            ),
            min=1,
            max=10000,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="lag",
            title=Text("Projection lag", "投影の遅れ"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("lag (ms)", "遅れ（ミリ秒）"),
            series=(
                Series(
                    "lag_max_ms",
                    Text("longest lag of the events applied in the step", "その区間に反映したイベントの最大の遅れ"),
                ),
                Series(
                    "oldest_unapplied_ms",
                    Text("age of the oldest event not yet applied", "未反映のうち最も古いイベントの経過時間"),
                ),
            ),
        ),
        Chart(
            id="backlog",
            title=Text("Backlog in the event log", "イベントログの滞留"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("events", "イベント数"),
            series=(Series("backlog", Text("committed, not yet applied", "コミット済みで未反映")),),
        ),
        Chart(
            id="reads",
            title=Text("What reads saw", "読み取りの結果"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share of reads", "読み取りに占める割合"),
            series=(
                Series("stale_share", Text("stale (older than the latest write)", "古い（最新の書き込みより前）")),
                Series("own_miss_share", Text("missed the reader's own write", "自分の書き込みが見えない")),
                Series("fallback_share", Text("sent to the command side", "コマンド側へ回した")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "stale_read_fraction",
            Text("Share of stale reads", "古い読み取りの割合"),
            help=Text(
                "Reads that returned a state older than the latest committed write at that instant, over all reads.",
                "その時点で最新のコミット済みの書き込みより古い状態を返した読み取りが、全読み取りに占める割合です。",
            ),
        ),
        Measure(
            "own_write_misses",
            Text("Reads that missed the reader's own write", "自分の書き込みが見えなかった読み取り"),
            "",
            Text(
                "Reads whose state was older than the reader's last write; always 0 with read-your-writes.",
                "読み手自身の最後の書き込みより古い状態を返した読み取りの数です。read-your-writes では常に 0 になります。",
            ),
        ),
        Measure(
            "p99_lag_ms",
            Text("Projection lag, 99th percentile", "投影の遅れ（99 パーセンタイル）"),
            "ms",
            Text(
                "Time from a write's commit until the read model applied it, over every write of the run.",
                "書き込みのコミットから読み取りモデルへの反映までの時間で、実行中のすべての書き込みについて求めます。",
            ),
        ),
        Measure("max_lag_ms", Text("Longest projection lag", "投影の遅れの最大値"), "ms"),
        Measure("mean_lag_ms", Text("Mean projection lag", "投影の遅れの平均"), "ms"),
        Measure("p50_lag_ms", Text("Median projection lag", "投影の遅れの中央値"), "ms"),
        Measure(
            "own_write_miss_fraction",
            Text("Share of own-write misses", "自分の書き込みが見えなかった割合"),
            help=Text(
                "Own-write misses over the reads by clients that had written before.",
                "以前に書き込んだことのあるクライアントによる読み取りのうち、自分の書き込みが見えなかったものの割合です。",
            ),
        ),
        Measure(
            "command_side_reads",
            Text("Reads sent to the command side", "コマンド側へ回した読み取り"),
            "",
            Text(
                "Read-your-writes only: reads whose client's last write had not reached the read model yet.",
                "read-your-writes のときだけ生じます。クライアントの最後の書き込みがまだ読み取りモデルに届いていなかった読み取りです。",
            ),
        ),
        Measure("backlog_max", Text("Largest backlog", "滞留の最大数"), "events"),
        Measure(
            "backlog_at_resume",
            Text("Backlog when the projector resumed", "プロジェクター再開時の滞留"),
            "events",
        ),
        Measure(
            "recovery_s",
            Text("Catch-up time after the pause", "停止後に追いつくまでの時間"),
            "s",
            Text(
                "From the projector's resumption until the backlog first empties; empty when there was no pause or it did not empty before the end.",
                "プロジェクターの再開から、滞留が初めて空になるまでの時間です。停止がなかったときや、終了までに空にならなかったときは値がありません。",
            ),
        ),
        Measure("writes", Text("Writes committed", "コミットした書き込み")),
        Measure("reads", Text("Reads", "読み取り数")),
        Measure(
            "reads_after_own_write",
            Text("Reads by clients that had written", "書き込んだことのあるクライアントによる読み取り"),
            "",
        ),
        Measure("stale_reads", Text("Stale reads", "古い読み取り")),
        Measure(
            "projector_load",
            Text("Projector load (write rate / projector speed)", "プロジェクターの負荷（書き込みレート ÷ 処理速度）"),
            help=Text(
                "rho of the M/M/1 queue; without a pause it is also the expected share of stale reads with any_replica.",
                "M/M/1 キューの ρ です。停止がなければ、「任意のレプリカ」での古い読み取りの割合の期待値でもあります。",
            ),
        ),
    ),
    source=Text(
        "The M/M/1 queue (Kleinrock, Queueing Systems, 1975): exponential lag with rate mu − lambda and stale reads "
        "with probability rho; session guarantees (Terry et al., 1994); Martin Fowler, 'CQRS' (2011)",
        "M/M/1 キュー（Kleinrock『Queueing Systems』、1975 年）：遅れは率 μ − λ の指数分布、古い読み取りの確率は ρ。"
        "セッション保証（Terry ほか、1994 年）、Martin Fowler「CQRS」（2011 年）",
    ),
    topology=Topology(
        nodes=(
            Node("writers", Text("Clients (writes)", "クライアント（書き込み）"), 0.08, 0.2),
            Node("command", Text("Command side (write model)", "コマンド側（書き込みモデル）"), 0.35, 0.2),
            Node("log", Text("Event log", "イベントログ"), 0.62, 0.2),
            Node("projector", Text("Projector", "プロジェクター"), 0.9, 0.5),
            Node("read_model", Text("Read model", "読み取りモデル"), 0.62, 0.8),
            Node("readers", Text("Clients (reads)", "クライアント（読み取り）"), 0.08, 0.8),
        ),
        links=(
            ("writers", "command"),
            ("command", "log"),
            ("log", "projector"),
            ("projector", "read_model"),
            ("readers", "read_model"),
            ("readers", "command"),
        ),
    ),
    presets=(
        Preset("healthy", Text("Healthy projector at 50 % load", "負荷 50 % の健全なプロジェクター"), dict(HEALTHY)),
        Preset(
            "near-saturation",
            Text("Projector near saturation (90 %)", "飽和寸前のプロジェクター（負荷 90 %）"),
            {**HEALTHY, "write_rate": 45.0, "duration_s": 120.0},
        ),
        Preset("projector-pause", Text("Projector pauses for 10 s", "プロジェクターが 10 秒止まる"), dict(PAUSE)),
        Preset(
            "read-your-writes",
            Text(
                "Read-your-writes hides the lag from the writer",
                "read-your-writes なら書き込んだ本人には遅れが見えない",
            ),
            {**PAUSE, "read_strategy": "read_your_writes"},
        ),
    ),
)
