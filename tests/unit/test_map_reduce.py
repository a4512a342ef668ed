"""map-reduce against list scheduling, order statistics and the MapReduce paper.

References: Jeffrey Dean and Sanjay Ghemawat, "MapReduce: Simplified Data Processing
on Large Clusters", OSDI 2004 (section 3.6, backup tasks: disabling them made a sort
take 44 % longer, at a cost of a few percent more resources); Brendan Burns,
*Designing Distributed Systems* (O'Reilly, 2018), ch. 12 "Coordinated Batch
Processing" (join as a barrier, then reduce); the maximum of n independent
exponentials with mean S has mean S x H_n and variance S^2 x sum 1/k^2 (Rényi's
representation of exponential order statistics, 1953).
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.map_reduce import SCENARIO, simulate, summarize, task_sizes

REQUIRED = {"makespan_s", "barrier_wait_s", "straggler_delay_s", "backup_tasks", "map_phase_s", "reduce_phase_s"}


def params(**changes):
    return SCENARIO.with_defaults({**SCENARIO.preset("no-stragglers").values, **changes})


def result(seed=1, **changes):
    p = params(**changes)
    return summarize(p, simulate(p, seed))


def test_records_are_split_as_evenly_as_they_go():
    assert task_sizes(10, 4) == [3, 3, 2, 2]
    assert task_sizes(12, 4) == [3, 3, 3, 3]
    assert sum(task_sizes(1_000_003, 7)) == 1_000_003


@pytest.mark.parametrize(
    ("tasks", "mappers", "reduce_tasks", "reducers"),
    [(40, 10, 3, 3), (41, 10, 7, 3), (7, 20, 1, 4), (100, 7, 12, 5), (1, 1, 1, 1)],
)
@pytest.mark.parametrize("speculative", [False, True])
def test_with_constant_times_and_no_stragglers_the_makespan_is_waves_times_task_time(
    tasks, mappers, reduce_tasks, reducers, speculative
):
    # Backups of equal-length tasks never finish first, and they only use workers that have
    # nothing else to do, so the exact wave formula holds with them too.
    r = result(
        task_time_dist="constant", straggler_prob=0.0, tasks=tasks, items=tasks * 50, mappers=mappers,
        reduce_tasks=reduce_tasks, reducers=reducers, map_task_s=10.0, reduce_task_s=4.0,
        speculative_execution=speculative,
    )  # fmt: skip
    map_phase = math.ceil(tasks / mappers) * 10.0
    assert r["map_phase_s"] == pytest.approx(map_phase, rel=1e-12)
    assert r["makespan_s"] == pytest.approx(map_phase + math.ceil(reduce_tasks / reducers) * 4.0, rel=1e-12)
    assert r["straggler_delay_s"] == 0


def test_one_wave_of_exponential_tasks_ends_after_s_times_the_harmonic_number():
    n, s, runs = 16, 10.0, 400
    p = params(task_time_dist="exponential", straggler_prob=0.0, tasks=n, mappers=n, items=n * 100, map_task_s=s)
    phases = [simulate(p, seed).map.ends_at for seed in range(1, runs + 1)]
    mean = s * sum(1 / k for k in range(1, n + 1))  # 33.8 s
    variance = s**2 * sum(1 / k**2 for k in range(1, n + 1))  # sd 12.6 s
    # 400 runs: standard error sqrt(variance / 400) = 0.63 s; 4 of them.
    assert statistics.mean(phases) == pytest.approx(mean, abs=4 * math.sqrt(variance / runs))
    # The spread follows too. The relative sd of a sample sd is sqrt((kurtosis - 1) / (4 n)); the
    # maximum of 16 exponentials is near-Gumbel (kurtosis ~5.4), so 0.052 for n = 400; 3 of them.
    assert statistics.stdev(phases) == pytest.approx(math.sqrt(variance), rel=0.15)


def test_one_straggler_in_a_wave_holds_the_barrier_for_the_whole_slowdown():
    n, s, f, p, runs = 20, 10.0, 6.0, 0.05, 500
    settings = params(
        task_time_dist="constant", tasks=n, mappers=n, items=n * 10, map_task_s=s,
        straggler_prob=p, straggler_factor=f, speculative_execution=False,
    )  # fmt: skip
    held = 0
    for seed in range(1, runs + 1):
        r = summarize(settings, simulate(settings, seed))
        slow = r["stragglers"]
        held += slow > 0
        # Exact, run by run: the wave ends with its slowest task, and every worker on a normal
        # machine waits (f - 1) S for it.
        assert r["map_phase_s"] == pytest.approx(f * s if slow else s)
        assert r["straggler_delay_s"] == pytest.approx((f - 1) * s if slow else 0.0)
        assert r["barrier_wait_s"] == pytest.approx((n - slow) * (f - 1) * s / n if slow else 0.0)
    # P(at least one straggler among 20) = 1 - 0.95^20 = 0.642; over 500 runs the share has
    # sd sqrt(0.642 x 0.358 / 500) = 0.021; 4 sd.
    expected = 1 - (1 - p) ** n
    assert held / runs == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / runs))


def test_backup_tasks_cut_the_makespan_substantially_for_a_few_percent_more_work():
    # Five waves of 20 mappers, 5 % of attempts on machines 8 times slower. The paper saw a sort
    # take 44 % longer with backups disabled; this model gives ~55 % with a standard error of
    # ~5 % over 40 seeds (common random numbers: the same draws with and without backups), so
    # "at least 30 % longer" holds with 5 standard errors to spare and fails if backups do little.
    settings = params(
        tasks=100, mappers=20, items=10_000, straggler_prob=0.05, straggler_factor=8.0, backup_after_share=0.9
    )
    without, with_backups, shares = [], [], []
    for seed in range(1, 41):
        off = summarize(settings, simulate({**settings, "speculative_execution": False}, seed))
        on = summarize(settings, simulate({**settings, "speculative_execution": True}, seed))
        without.append(off["makespan_s"])
        with_backups.append(on["makespan_s"])
        shares.append(on["backup_work_share"])
        assert off["backup_tasks"] == 0
        # Backups start only after 90 of the 100 tasks completed: at most 10 of them.
        assert on["backup_tasks"] <= 100 - math.ceil(0.9 * 100)
        assert on["backup_wins"] <= on["backup_tasks"]
    assert statistics.mean(without) >= 1.3 * statistics.mean(with_backups)
    # The extra work: at most 10 backups of ~one normal task time each, against at least 100 task
    # times of map work, so about 10 % at most on average; the paper reports "a few percent".
    assert statistics.mean(shares) <= 0.10
    assert statistics.mean(shares) > 0


@pytest.mark.parametrize("share", [0.5, 0.75, 0.9, 0.97, 1.0])
def test_backups_never_outnumber_the_tasks_left_when_they_may_start(share):
    for seed in range(1, 6):
        r = result(
            seed, tasks=37, mappers=12, items=3700, straggler_prob=0.2, straggler_factor=4.0,
            speculative_execution=True, backup_after_share=share, task_time_dist="exponential",
        )  # fmt: skip
        assert r["backup_tasks"] <= 37 - math.ceil(share * 37)


@pytest.mark.parametrize("name", [p.name for p in SCENARIO.presets])
def test_nothing_reduces_before_the_last_map_task_and_no_worker_runs_two_attempts_at_once(name):
    p = SCENARIO.preset(name).values
    for seed in (1, 2, 3):
        job = simulate(p, seed)
        assert all(not math.isnan(t) for t in job.map.done_at)
        assert min(start for _, start, _ in job.reduce) >= max(job.map.done_at) == job.map.ends_at
        assert sum(a.won for a in job.map.attempts) == p["tasks"]  # every task completed exactly once
        by_mapper = {}
        for a in job.map.attempts:
            by_mapper.setdefault(a.mapper, []).append((a.start, a.end))
        for spans in by_mapper.values():
            spans.sort()
            assert all(prev_end <= start for (_, prev_end), (start, _) in zip(spans, spans[1:], strict=False))


def test_frames_add_up_to_the_result():
    playback = play(SCENARIO, SCENARIO.preset("speculative-rescues").values, 1)
    frames = list(playback)
    r = playback.result
    p = SCENARIO.preset("speculative-rescues").values
    assert len(frames) <= 400
    last = frames[-1]["series"]
    assert (last["map_done"], last["reduce_done"]) == (p["tasks"], p["reduce_tasks"])
    assert last["backups_launched"] == r["backup_tasks"] > 0
    # Busy plus idle worker-seconds before the barrier is mappers x map phase; idle is the barrier wait.
    widths = [b["t"] - a["t"] for a, b in zip([{"t": 0.0}, *frames], frames, strict=False)]
    idle = sum(f["series"]["mappers_idle_at_barrier"] * w for f, w in zip(frames, widths, strict=True))
    assert idle == pytest.approx(r["barrier_wait_s"] * p["mappers"], rel=1e-3)
    assert frames[-1]["progress"] == 1.0
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert {"map_progress", "backups", "barrier", "done"} <= set(kinds)
    assert kinds[-1] == "done" and len(kinds) < 30
    assert "degraded" in {f["nodes"]["mapper4"] for f in frames}


def test_every_preset_runs_and_returns_every_required_key():
    for preset in SCENARIO.presets:
        playback = play(SCENARIO, preset.values, 1)
        frames = list(playback)
        assert 0 < len(frames) <= 400
        assert set(playback.result) >= REQUIRED, preset.name


def test_the_same_seed_gives_the_same_run():
    values = SCENARIO.preset("many-stragglers").values

    def run(seed):
        playback = play(SCENARIO, values, seed)
        return list(playback), playback.result

    assert run(7) == run(7)
    assert run(7)[1] != run(8)[1]
