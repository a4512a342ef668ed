# ruff: noqa: E501 - Japanese text counts double toward the line length
"""map-reduce: map tasks, a barrier (join), reduce tasks, stragglers and backup tasks.

`items` input records are split evenly into `tasks` map tasks (the first
items mod tasks tasks get one record more). `mappers` map workers take tasks
from one list in order; a free worker takes the next task at once. A task of
average size takes `map_task_s` on average, scaled by its size; the time is
drawn from `task_time_dist`: constant, exponential, or lognormal with
sigma = 0.2 in log space (a coefficient of variation of about 0.2: equal
shares of work take similar times).

Stragglers: each attempt at a map task runs, with probability `straggler_prob`,
on a slow machine (Dean and Ghemawat name a bad disk or a busy machine) and
then takes `straggler_factor` times as long.

Backup tasks (`speculative_execution`), as in Dean and Ghemawat, "MapReduce:
Simplified Data Processing on Large Clusters" (OSDI 2004), section 3.6: once
`backup_after_share` of the map tasks have completed and no task is left to
hand out, every free worker starts a backup copy of a task still in progress
(the longest-running first, one backup per task). A backup has its own time
and its own chance of a slow machine. The first copy to finish completes the
task and the other copy is cancelled, freeing its worker. So at most
tasks - ceil(backup_after_share x tasks) backups run.

The barrier: no reduce task starts before the last map task has completed
(the shuffle is taken as instant). Then `reduce_tasks` reduce tasks are handed
to `reducers` reduce workers the same way, each taking `reduce_task_s` on
average (same distribution, no stragglers). With constant times and no
stragglers the makespan is ceil(tasks / mappers) x map_task_s +
ceil(reduce_tasks / reducers) x reduce_task_s exactly (items divisible by tasks).

Results: makespan_s (last reduce task done), map_phase_s (last map task done:
the barrier opens), reduce_phase_s (makespan - map phase), barrier_wait_s (the
mean over map workers of their idle time before the barrier opens: mappers x
map_phase_s minus the busy worker-seconds of every attempt, cancelled ones
included, divided by mappers), straggler_delay_s (map_phase_s minus the map
phase of the same run with the slowdown removed from every slow attempt:
same seed, same times, same backup rule; map_phase_without_stragglers_s holds
it), stragglers (attempts that ran on a slow machine, backups included),
backup_tasks (backups started), backup_wins (tasks a backup completed),
backup_work_share (worker-seconds spent on backups over all map worker-seconds).
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

LOGNORMAL_SIGMA = 0.2
FRAME_STEPS = 300
DRAWN_MAPPERS = 4  # the topology draws mappers 1-3 and one box for the rest
DRAWN_REDUCERS = 3
MAX_NOTED = 4  # straggler, backup and win events noted per run


def unit_sampler(dist: str, rng: random.Random) -> Callable[[], float]:
    """Draws task-time factors with mean 1."""
    if dist == "constant":
        return lambda: 1.0
    if dist == "exponential":
        return lambda: rng.expovariate(1.0)
    mu = -(LOGNORMAL_SIGMA**2) / 2
    return lambda: rng.lognormvariate(mu, LOGNORMAL_SIGMA)


def task_sizes(items: int, tasks: int) -> list[int]:
    """Records per map task when items are split as evenly as they go."""
    base, extra = divmod(items, tasks)
    return [base + 1 if k < extra else base for k in range(tasks)]


@dataclass(frozen=True)
class Draws:
    """Every random number of a run, drawn up front so a run without stragglers or backups reuses them."""

    primary: list[float]
    primary_slow: list[bool]
    backup: list[float]
    backup_slow: list[bool]
    reduce: list[float]


def draw(params: dict[str, Any], seed: int) -> Draws:
    rng = random.Random(seed)
    unit = unit_sampler(params["task_time_dist"], rng)
    p = params["straggler_prob"]
    primary, primary_slow, backup, backup_slow = [], [], [], []
    for _ in range(params["tasks"]):
        primary.append(unit())
        primary_slow.append(rng.random() < p)
        backup.append(unit())
        backup_slow.append(rng.random() < p)
    return Draws(primary, primary_slow, backup, backup_slow, [unit() for _ in range(params["reduce_tasks"])])


@dataclass
class Attempt:
    task: int
    mapper: int
    start: float
    planned_end: float
    end: float  # when it finished or was cancelled
    slow: bool
    backup: bool
    won: bool = False


@dataclass
class MapPhase:
    attempts: list[Attempt]
    done_at: list[float]
    ends_at: float
    backups_from: float | None  # when the completed share first allowed backups


def schedule_map(params: dict[str, Any], draws: Draws, straggle: bool = True) -> MapPhase:
    """Greedy list scheduling of the map tasks, with backups when enabled; `straggle=False` removes every slowdown."""
    tasks, mappers = params["tasks"], params["mappers"]
    sizes = task_sizes(params["items"], tasks)
    mean_size = params["items"] / tasks
    factor = params["straggler_factor"] if straggle else 1.0
    threshold = math.ceil(params["backup_after_share"] * tasks - 1e-9)
    speculative = params["speculative_execution"]

    attempts: list[Attempt] = []
    live: list[bool] = []
    running: dict[int, list[int]] = {}  # task -> its live attempts, in the order the primaries started
    backed: set[int] = set()
    done_at = [math.nan] * tasks
    pending = deque(range(tasks))
    free = list(range(mappers))
    heap: list[tuple[float, int]] = []
    completed = 0
    backups_from: float | None = None

    def start(task: int, now: float, backup: bool) -> None:
        base, slow = (
            (draws.backup[task], draws.backup_slow[task]) if backup else (draws.primary[task], draws.primary_slow[task])
        )
        duration = params["map_task_s"] * sizes[task] / mean_size * base * (factor if slow else 1.0)
        attempts.append(Attempt(task, heapq.heappop(free), now, now + duration, now + duration, slow, backup))
        live.append(True)
        running.setdefault(task, []).append(len(attempts) - 1)
        heapq.heappush(heap, (now + duration, len(attempts) - 1))

    def assign(now: float) -> None:
        nonlocal backups_from
        while free:
            if pending:
                start(pending.popleft(), now, backup=False)
                continue
            if not speculative or completed < threshold:
                return
            if backups_from is None:
                backups_from = now
            task = next((t for t in running if t not in backed), None)
            if task is None:
                return
            backed.add(task)
            start(task, now, backup=True)

    assign(0.0)
    while heap:
        now, index = heapq.heappop(heap)
        if not live[index]:
            continue
        winner = attempts[index]
        winner.won = True
        done_at[winner.task] = now
        completed += 1
        for other in running.pop(winner.task):
            live[other] = False
            attempts[other].end = min(attempts[other].end, now)
            heapq.heappush(free, attempts[other].mapper)
        assign(now)
    return MapPhase(attempts, done_at, max(done_at), backups_from)


def schedule_reduce(params: dict[str, Any], draws: Draws, opens_at: float) -> list[tuple[int, float, float]]:
    """(reducer, start, end) of each reduce task, handed out greedily once the barrier opens."""
    free = [(opens_at, r) for r in range(params["reducers"])]
    runs = []
    for base in draws.reduce:
        at, reducer = heapq.heappop(free)
        end = at + params["reduce_task_s"] * base
        runs.append((reducer, at, end))
        heapq.heappush(free, (end, reducer))
    return runs


@dataclass
class Job:
    map: MapPhase
    reduce: list[tuple[int, float, float]]
    makespan: float
    without_stragglers: float  # map phase with every slowdown removed


def simulate(params: dict[str, Any], seed: int) -> Job:
    draws = draw(params, seed)
    phase = schedule_map(params, draws)
    reduce = schedule_reduce(params, draws, phase.ends_at)
    makespan = max([phase.ends_at, *(end for _, _, end in reduce)])
    return Job(phase, reduce, makespan, schedule_map(params, draws, straggle=False).ends_at)


def summarize(params: dict[str, Any], job: Job) -> dict[str, Any]:
    attempts, barrier = job.map.attempts, job.map.ends_at
    busy = sum(a.end - a.start for a in attempts)
    backup_busy = sum(a.end - a.start for a in attempts if a.backup)
    return {
        "makespan_s": round(job.makespan, 6),
        "map_phase_s": round(barrier, 6),
        "reduce_phase_s": round(job.makespan - barrier, 6),
        "barrier_wait_s": round((params["mappers"] * barrier - busy) / params["mappers"], 6),
        "straggler_delay_s": round(barrier - job.without_stragglers, 6),
        "map_phase_without_stragglers_s": round(job.without_stragglers, 6),
        "stragglers": sum(1 for a in attempts if a.slow),
        "backup_tasks": sum(1 for a in attempts if a.backup),
        "backup_wins": sum(1 for a in attempts if a.backup and a.won),
        "backup_work_share": round(backup_busy / busy, 6) if busy > 0 else 0.0,
    }


class Steps:
    """A step function built from (time, +/-1) changes: its value and its integral at any time."""

    def __init__(self, changes: list[tuple[float, int]]) -> None:
        changes.sort()
        self.times = [t for t, _ in changes]
        self.values: list[int] = []
        self.areas: list[float] = []
        value, area, last = 0, 0.0, 0.0
        for t, delta in changes:
            area += value * (t - last)
            value += delta
            last = t
            self.values.append(value)
            self.areas.append(area)

    def value(self, t: float) -> int:
        i = bisect.bisect_right(self.times, t) - 1
        return self.values[i] if i >= 0 else 0

    def integral(self, t: float) -> float:
        i = bisect.bisect_right(self.times, t) - 1
        return self.areas[i] + self.values[i] * (t - self.times[i]) if i >= 0 else 0.0


def job_events(params: dict[str, Any], job: Job, result: dict[str, Any]) -> list[Event]:
    """The moments worth a line, in time order."""
    events: list[Event] = []
    tasks = params["tasks"]
    finished = sorted(job.map.done_at)
    for share in (0.5, 0.9):
        k = max(1, math.ceil(share * tasks))
        pct = round(100 * share)
        events.append(
            Event(finished[k - 1], "map_progress", Text(f"Map phase {pct} % done ({k} of {tasks} tasks)", f"map フェーズが {pct} % 終わりました（{tasks} 個中 {k} 個のタスク）"))
        )  # fmt: skip
    factor = params["straggler_factor"]
    for a in [a for a in job.map.attempts if a.slow][:MAX_NOTED]:
        what = Text("a backup copy", "バックアップ") if a.backup else Text("its first attempt", "最初の試行")
        events.append(
            Event(
                a.start, "straggler",
                Text(
                    f"Task {a.task + 1}: {what.en} runs on a slow machine ({factor:g}× slower)",
                    f"タスク {a.task + 1} の{what.ja}が遅いマシンで動いています（{factor:g} 倍遅い）",
                ),
            )
        )  # fmt: skip
    launches: dict[float, list[int]] = {}
    for a in job.map.attempts:
        if a.backup:
            launches.setdefault(a.start, []).append(a.task + 1)
    for at, launched in list(launches.items())[:MAX_NOTED]:
        names = ", ".join(str(t) for t in launched[:8]) + (" …" if len(launched) > 8 else "")
        events.append(
            Event(
                at, "backups",
                Text(
                    f"Backup copies started for {len(launched)} task(s) still running: {names}",
                    f"まだ実行中の {len(launched)} 個のタスクについてバックアップを開始しました（タスク {names}）",
                ),
            )
        )  # fmt: skip
    wins = [a for a in job.map.attempts if a.backup and a.won]
    primaries = {a.task: a for a in job.map.attempts if not a.backup}
    for a in wins[:MAX_NOTED]:
        saved = primaries[a.task].planned_end - a.end
        events.append(
            Event(
                a.end, "backup_won",
                Text(
                    f"Task {a.task + 1}: the backup finished first, {saved:.1f} s before the first attempt would have; that attempt is cancelled",
                    f"タスク {a.task + 1} はバックアップが先に終わりました。最初の試行が終わるはずの時刻より {saved:.1f} 秒早く、その試行は取り消されます",
                ),
            )
        )  # fmt: skip
    barrier = job.map.ends_at
    events.append(
        Event(
            barrier, "barrier",
            Text(
                f"All {tasks} map tasks done: the barrier opens and {params['reduce_tasks']} reduce task(s) start; the map workers waited {result['barrier_wait_s']:.1f} s each on average",
                f"{tasks} 個の map タスクがすべて終わり、バリアが開いて {params['reduce_tasks']} 個の reduce タスクが始まります。map ワーカーは平均 {result['barrier_wait_s']:.1f} 秒待ちました",
            ),
        )
    )  # fmt: skip
    events.append(
        Event(
            job.makespan, "done",
            Text(
                f"Job done in {job.makespan:.1f} s; stragglers delayed the map phase by {result['straggler_delay_s']:.1f} s",
                f"ジョブが {job.makespan:.1f} 秒で完了しました。ストラグラーによる map フェーズの遅れは {result['straggler_delay_s']:.1f} 秒です",
            ),
        )
    )  # fmt: skip
    return sorted(events, key=lambda e: e.t)


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    job = simulate(params, seed)
    result = summarize(params, job)
    attempts, barrier, makespan = job.map.attempts, job.map.ends_at, job.makespan
    mappers = params["mappers"]
    busy = Steps([c for a in attempts for c in ((a.start, 1), (a.end, -1))])
    slow = Steps([c for a in attempts if a.slow for c in ((a.start, 1), (a.end, -1))])
    reducing = Steps([c for _, start, end in job.reduce for c in ((start, 1), (end, -1))])
    map_done = sorted(job.map.done_at)
    reduce_done = sorted(end for _, _, end in job.reduce)
    backup_starts = sorted(a.start for a in attempts if a.backup)
    by_start = sorted(attempts, key=lambda a: a.start)
    reduce_by_start = sorted(job.reduce, key=lambda r: r[1])
    events = job_events(params, job, result)

    step = makespan / FRAME_STEPS
    prev = 0.0
    next_attempt = next_reduce = 0
    active: list[Attempt] = []
    active_reduce: list[tuple[int, float, float]] = []
    for k in range(1, FRAME_STEPS + 1):
        t = makespan if k == FRAME_STEPS else k * step
        width = t - prev
        cut = min(t, barrier)
        idle = (
            max(0.0, (mappers * (cut - prev) - (busy.integral(cut) - busy.integral(prev))) / width)
            if prev < barrier
            else 0.0
        )
        series = {
            "map_done": bisect.bisect_right(map_done, t),
            "reduce_done": bisect.bisect_right(reduce_done, t),
            "mappers_busy": round((busy.integral(t) - busy.integral(prev)) / width, 4),
            "mappers_idle_at_barrier": round(idle, 4),
            "reducers_busy": round((reducing.integral(t) - reducing.integral(prev)) / width, 4),
            "backups_launched": bisect.bisect_right(backup_starts, t),
            "stragglers_running": slow.value(t),
        }
        while next_attempt < len(by_start) and by_start[next_attempt].start <= t:
            active.append(by_start[next_attempt])
            next_attempt += 1
        active = [a for a in active if a.end > t]
        while next_reduce < len(reduce_by_start) and reduce_by_start[next_reduce][1] <= t:
            active_reduce.append(reduce_by_start[next_reduce])
            next_reduce += 1
        active_reduce = [r for r in active_reduce if r[2] > t]
        nodes = {
            "input": "ok",
            "barrier": "busy" if t < barrier else "ok",
            "output": "ok" if t >= makespan else "idle",
        }
        for i in range(DRAWN_MAPPERS):
            mine = [a for a in active if (a.mapper == i if i < DRAWN_MAPPERS - 1 else a.mapper >= i)]
            if any(a.slow for a in mine):
                nodes[f"mapper{i + 1}"] = "degraded"
            elif mine:
                nodes[f"mapper{i + 1}"] = "busy"
            else:
                nodes[f"mapper{i + 1}"] = "idle" if t < barrier or i >= mappers else "ok"
        for i in range(DRAWN_REDUCERS):
            mine = [r for r in active_reduce if (r[0] == i if i < DRAWN_REDUCERS - 1 else r[0] >= i)]
            nodes[f"reducer{i + 1}"] = "busy" if mine else "idle"
        due = [e for e in events if prev < e.t <= t or (k == 1 and e.t == 0)]
        yield Frame(t=t, progress=t / makespan, series=series, events=due, nodes=nodes)
        prev = t
    yield Result(result)


BASE = {
    "items": 40000,
    "tasks": 40,
    "mappers": 10,
    "reducers": 3,
    "reduce_tasks": 3,
    "map_task_s": 10.0,
    "reduce_task_s": 8.0,
    "task_time_dist": "lognormal",
    "straggler_prob": 0.0,
    "straggler_factor": 8.0,
    "speculative_execution": False,
    "backup_after_share": 0.9,
}
STRAGGLING = {**BASE, "straggler_prob": 0.05}

SCENARIO = Scenario(
    slug="map-reduce",
    pattern="coordinated-batch",
    title=Text("MapReduce: the barrier and its stragglers", "MapReduce：バリアとストラグラー"),
    description=Text(
        "Map workers work through a list of map tasks; a barrier (the join) holds the reduce tasks until the last map "
        "task is done. A few tasks land on slow machines and hold everyone at the barrier. Turn on backup tasks, as "
        "Dean and Ghemawat's MapReduce does, and watch idle workers rerun the last tasks in progress so that the first "
        "copy to finish wins.",
        "map ワーカーが map タスクの一覧を順に処理し、バリア（合流）は最後の map タスクが終わるまで reduce タスクを待たせます。"
        "遅いマシンに当たった少数のタスク（ストラグラー）が、全員をバリアで待たせます。Dean と Ghemawat の MapReduce と"
        "同じようにバックアップタスクを有効にすると、手の空いたワーカーが実行中の最後のタスクを重ねて実行し、先に終わったほうが採用される"
        "様子を確かめられます。",
    ),
    params=(
        Param(
            "items",
            "int",
            BASE["items"],
            Text("Input records", "入力レコード数"),
            Text(
                "Records split as evenly as they go into the map tasks; a task's time scales with its share.",
                "map タスクにできるだけ均等に分けるレコードの数です。タスクの処理時間は受け持つ件数に比例します。",
            ),
            min=1,
            max=10_000_000,
        ),
        Param(
            "tasks",
            "int",
            BASE["tasks"],
            Text("Map tasks", "map タスク数"),
            Text("How many map tasks the input is cut into.", "入力をいくつの map タスクに分けるかです。"),
            min=1,
            max=2000,
        ),
        Param(
            "mappers",
            "int",
            BASE["mappers"],
            Text("Map workers", "map ワーカー数"),
            Text(
                "Workers running map tasks; a free worker takes the next task at once.",
                "map タスクを実行するワーカーの数です。手の空いたワーカーはすぐ次のタスクを取ります。",
            ),
            min=1,
            max=500,
        ),
        Param(
            "reducers",
            "int",
            BASE["reducers"],
            Text("Reduce workers", "reduce ワーカー数"),
            Text(
                "Workers running reduce tasks once the barrier opens.",
                "バリアが開いた後に reduce タスクを実行するワーカーの数です。",
            ),
            min=1,
            max=200,
        ),
        Param(
            "reduce_tasks",
            "int",
            BASE["reduce_tasks"],
            Text("Reduce tasks", "reduce タスク数"),
            Text(
                "Partitions of the map output, one reduce task each.",
                "map の出力を分けるパーティションの数で、1 つにつき 1 個の reduce タスクです。",
            ),
            min=1,
            max=1000,
        ),
        Param(
            "map_task_s",
            "float",
            BASE["map_task_s"],
            Text("Map task time", "map タスクの処理時間"),
            Text(
                "Mean time of a map task of average size on a normal machine.",
                "平均的な大きさの map タスクが、通常のマシンでかかる平均時間です。",
            ),
            unit="s",
            min=0.1,
            max=3600,
            step=0.1,
        ),
        Param(
            "reduce_task_s",
            "float",
            BASE["reduce_task_s"],
            Text("Reduce task time", "reduce タスクの処理時間"),
            Text("Mean time of one reduce task.", "reduce タスク 1 個にかかる平均時間です。"),
            unit="s",
            min=0.1,
            max=3600,
            step=0.1,
        ),
        Param(
            "task_time_dist",
            "choice",
            BASE["task_time_dist"],
            Text("Task time distribution", "処理時間の分布"),
            Text(
                "How task times vary around their mean: not at all, exponentially, or lognormally with a coefficient of variation of about 0.2.",
                "処理時間が平均のまわりでどうばらつくかです。ばらつかない、指数分布、変動係数が約 0.2 の対数正規分布から選びます。",
            ),
            choices=(
                Choice("constant", Text("Constant", "一定")),
                Choice("exponential", Text("Exponential", "指数分布")),
                Choice("lognormal", Text("Lognormal (CV 0.2)", "対数正規分布（変動係数 0.2）")),
            ),
        ),
        Param(
            "straggler_prob",
            "float",
            STRAGGLING["straggler_prob"],
            Text("Straggler probability", "ストラグラーになる確率"),
            Text(
                "Chance that a map task attempt runs on a slow machine.",
                "map タスクの 1 回の試行が遅いマシンで動く確率です。",
            ),
            min=0,
            max=1,
            step=0.01,
        ),
        Param(
            "straggler_factor",
            "float",
            BASE["straggler_factor"],
            Text("Straggler slowdown", "ストラグラーの減速倍率"),
            Text("A slow machine takes this many times as long.", "遅いマシンでは処理時間がこの倍数になります。"),
            unit="×",
            min=1,
            max=100,
            step=0.5,
        ),
        Param(
            "speculative_execution",
            "bool",
            BASE["speculative_execution"],
            Text("Backup tasks (speculative execution)", "バックアップタスク（投機的実行）"),
            Text(
                "Near the end of the map phase, free workers run a second copy of each task still in progress; the first to finish wins.",
                "map フェーズの終盤に、手の空いたワーカーが実行中の各タスクをもう 1 つ実行し、先に終わったほうを採用します。",
            ),
        ),
        Param(
            "backup_after_share",
            "float",
            BASE["backup_after_share"],
            Text("Start backups after", "バックアップを始める時点"),
            Text(
                "Share of map tasks completed before backups may start (and only once no task is left to hand out).",
                "バックアップを始めるのに必要な、完了済みの map タスクの割合です（配るタスクが残っていないことも条件です）。",
            ),
            min=0,
            max=1,
            step=0.05,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="progress",
            title=Text("Tasks done", "完了したタスク"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("tasks", "タスク数"),
            series=(
                Series("map_done", Text("map tasks", "map タスク")),
                Series("reduce_done", Text("reduce tasks", "reduce タスク")),
            ),
        ),
        Chart(
            id="workers",
            title=Text("Workers busy and waiting at the barrier", "処理中のワーカーとバリアで待つワーカー"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("workers", "ワーカー数"),
            series=(
                Series("mappers_busy", Text("map workers busy", "処理中の map ワーカー")),
                Series("mappers_idle_at_barrier", Text("map workers idle at the barrier", "バリアで待つ map ワーカー")),
                Series("reducers_busy", Text("reduce workers busy", "処理中の reduce ワーカー")),
            ),
        ),
        Chart(
            id="backups",
            title=Text("Stragglers and backups", "ストラグラーとバックアップ"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("attempts", "試行数"),
            series=(
                Series("stragglers_running", Text("attempts on slow machines running", "遅いマシンで実行中の試行")),
                Series("backups_launched", Text("backups launched (total)", "開始したバックアップ（累計）")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "makespan_s",
            Text("Makespan", "メイクスパン"),
            "s",
            Text("Until the last reduce task is done.", "最後の reduce タスクが終わるまでの時間です。"),
        ),
        Measure(
            "map_phase_s",
            Text("Map phase", "map フェーズ"),
            "s",
            Text(
                "Until the last map task is done and the barrier opens.",
                "最後の map タスクが終わり、バリアが開くまでの時間です。",
            ),
        ),
        Measure(
            "reduce_phase_s",
            Text("Reduce phase", "reduce フェーズ"),
            "s",
            Text(
                "From the barrier opening to the last reduce task done.",
                "バリアが開いてから最後の reduce タスクが終わるまでの時間です。",
            ),
        ),
        Measure(
            "barrier_wait_s",
            Text("Mean wait at the barrier per map worker", "map ワーカー 1 台あたりのバリアでの平均待ち時間"),
            "s",
            Text(
                "Each map worker's idle time before the barrier opens, averaged over the workers.",
                "バリアが開くまでに各 map ワーカーが何もせずに待っていた時間の、ワーカー全体での平均です。",
            ),
        ),
        Measure(
            "straggler_delay_s",
            Text("Delay caused by stragglers", "ストラグラーによる遅れ"),
            "s",
            Text(
                "How much later the map phase ended than the same run with every slowdown removed.",
                "すべての遅さを取り除いた同じ実行と比べて、map フェーズがどれだけ遅く終わったかです。",
            ),
        ),
        Measure(
            "map_phase_without_stragglers_s",
            Text("Map phase without stragglers", "ストラグラーがない場合の map フェーズ"),
            "s",
            Text(
                "The same seed, task times and backup rule, with no slow machines.",
                "同じシード、同じ処理時間、同じバックアップの規則で、遅いマシンがない場合です。",
            ),
        ),
        Measure("stragglers", Text("Attempts on slow machines", "遅いマシンで動いた試行"), "attempts"),
        Measure("backup_tasks", Text("Backup tasks started", "開始したバックアップタスク"), "tasks"),
        Measure("backup_wins", Text("Tasks a backup completed", "バックアップが完了させたタスク"), "tasks"),
        Measure(
            "backup_work_share",
            Text("Share of map work spent on backups", "map の作業のうちバックアップに使った割合"),
            help=Text(
                "Worker-seconds of backup attempts over all map worker-seconds.",
                "バックアップの試行に使ったワーカー秒を、map のワーカー秒全体で割った値です。",
            ),
        ),
    ),  # fmt: skip
    source=Text(
        "Dean and Ghemawat, 'MapReduce: Simplified Data Processing on Large Clusters' (OSDI 2004), §3.6 backup tasks; "
        "Burns, Designing Distributed Systems (2018), ch. 12; the maximum of n exponentials, S × H_n",
        "Dean、Ghemawat「MapReduce: Simplified Data Processing on Large Clusters」（OSDI 2004）3.6 節のバックアップタスク、"
        "Burns『Designing Distributed Systems』（2018 年）12 章、n 個の指数分布の最大値の期待値 S × H_n",
    ),
    topology=Topology(
        nodes=(
            Node("input", Text("Input", "入力"), 0.05, 0.5),
            Node("mapper1", Text("Mapper 1", "map ワーカー 1"), 0.27, 0.14),
            Node("mapper2", Text("Mapper 2", "map ワーカー 2"), 0.27, 0.38),
            Node("mapper3", Text("Mapper 3", "map ワーカー 3"), 0.27, 0.62),
            Node("mapper4", Text("Mappers 4+", "map ワーカー 4 以降"), 0.27, 0.86),
            Node("barrier", Text("Barrier (shuffle)", "バリア（シャッフル）"), 0.5, 0.5),
            Node("reducer1", Text("Reducer 1", "reduce ワーカー 1"), 0.73, 0.22),
            Node("reducer2", Text("Reducer 2", "reduce ワーカー 2"), 0.73, 0.5),
            Node("reducer3", Text("Reducers 3+", "reduce ワーカー 3 以降"), 0.73, 0.78),
            Node("output", Text("Output", "出力"), 0.95, 0.5),
        ),
        links=(
            *((("input", f"mapper{i}")) for i in range(1, DRAWN_MAPPERS + 1)),
            *((f"mapper{i}", "barrier") for i in range(1, DRAWN_MAPPERS + 1)),
            *(("barrier", f"reducer{i}") for i in range(1, DRAWN_REDUCERS + 1)),
            *((f"reducer{i}", "output") for i in range(1, DRAWN_REDUCERS + 1)),
        ),
    ),
    presets=(
        Preset("no-stragglers", Text("No stragglers", "ストラグラーなし"), dict(BASE)),
        Preset(
            "straggler-holds-barrier",
            Text("A straggler holds the barrier", "ストラグラーがバリアを足止めする"),
            dict(STRAGGLING),
        ),
        Preset(
            "speculative-rescues",
            Text("Backup tasks rescue the job", "バックアップタスクでジョブを救う"),
            {**STRAGGLING, "speculative_execution": True},
        ),
        Preset(
            "many-stragglers",
            Text("Many mappers, many stragglers", "多数の map ワーカーと多数のストラグラー"),
            {
                **STRAGGLING,
                "items": 1_000_000,
                "tasks": 1000,
                "mappers": 200,
                "reducers": 20,
                "reduce_tasks": 40,
                "straggler_prob": 0.02,
                "straggler_factor": 5.0,
            },
        ),
    ),  # fmt: skip
)
