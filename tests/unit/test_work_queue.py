"""work-queue against queueing theory.

References: A. K. Erlang, "Solution of some problems in the theory of
probabilities of significance in automatic telephone exchanges" (1917), the
Erlang C formula for the M/M/c queue, and L. Kleinrock, *Queueing Systems,
Vol. 1: Theory* (Wiley, 1975), sec. 3.5 (M/M/c) and sec. 5.7 (the
Pollaczek-Khinchine mean-value formula for M/G/1); J. D. C. Little, "A Proof
for the Queuing Formula L = lambda W", Operations Research 9(3), 1961. The
redelivery and scale-in behaviour follows the Amazon SQS visibility timeout and
ECS task scale-in protection as the work-queue and graceful-scale-in pages
describe them.

Waiting times of successive jobs are autocorrelated, so a standard error from
one run's jobs would be too small. The statistical tests use independent
replications instead: each seed is one run that starts empty, and the standard
error comes from the spread of the per-run means across seeds.
"""

import math
import random
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.work_queue import (
    BASE,
    LOGNORMAL_SIGMA,
    SCALE_IN_LOAD,
    md1_mean_wait,
    mmc_mean_wait,
    service_sampler,
)
from workers.sim.stats import erlang_c

SCENARIO = get("work-queue")
REQUIRED = {
    "p_wait", "mean_wait_s", "mean_time_in_system_s", "mean_in_system", "utilization", "throughput_per_s",
    "max_backlog", "lost_jobs", "interrupted_jobs",
}  # fmt: skip
NODE_STATES = {"ok", "busy", "degraded", "down", "idle"}


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def results(seeds, **params):
    return [run(seed, **params)[1] for seed in seeds]


def mean_and_error(values):
    """Mean over independent runs and its standard error."""
    return statistics.mean(values), statistics.stdev(values) / math.sqrt(len(values))


def test_erlang_c_matches_the_textbook_formula():
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # one server: P(wait) = rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(10, 10.0) == 1.0
    c, a = 10, 8.0
    top = a**c / math.factorial(c) * c / (c - a)
    direct = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    assert erlang_c(c, a) == pytest.approx(direct, rel=1e-12)
    assert mmc_mean_wait(10, 8.0, 1.0) == pytest.approx(direct / 2)  # C / (c mu - lambda)
    assert md1_mean_wait(0.7, 1.0) == pytest.approx(0.7 / 0.6)


def test_lognormal_processing_times_have_the_stated_mean_and_spread():
    rng = random.Random(3)
    draw = service_sampler("lognormal", 2.0, rng)
    n = 40000
    samples = [draw() for _ in range(n)]
    # Lognormal with mean m and sigma s: E[X^2] = m^2 e^(s^2), E[X^4] = m^4 e^(6 s^2).
    second, fourth = 4 * math.exp(LOGNORMAL_SIGMA**2), 16 * math.exp(6 * LOGNORMAL_SIGMA**2)
    sd = math.sqrt(second - 4)
    # 4 standard errors of a mean of n draws: 4 * sd / sqrt(n) = 0.053 for the mean,
    # 4 * sqrt(E[X^4] - E[X^2]^2) / sqrt(n) = 1.6 for the second moment (a heavy tail).
    assert statistics.fmean(samples) == pytest.approx(2.0, abs=4 * sd / math.sqrt(n))
    assert statistics.fmean(x * x for x in samples) == pytest.approx(
        second, abs=4 * math.sqrt(fourth - second**2) / math.sqrt(n)
    )


@pytest.fixture(scope="module")
def mmc_runs():
    # M/M/10 at a = 8 erlangs (80 %): 10 independent runs of 4000 jobs each.
    return results(range(1, 11), **SCENARIO.preset("mmc-80").values)


def test_mm_c_waits_as_often_as_erlang_c_says(mmc_runs):
    expected = erlang_c(10, 8.0)  # 0.409
    mean, error = mean_and_error([r["p_wait"] for r in mmc_runs])
    assert error < 0.02  # ~0.007 expected: the replications are long enough to mean something
    # 4 standard errors of the mean over 10 runs (about 0.03).
    assert mean == pytest.approx(expected, abs=4 * error)
    assert mmc_runs[0]["erlang_c_p_wait"] == pytest.approx(expected, abs=1e-6)


def test_mm_c_mean_wait_is_erlang_c_over_the_spare_capacity(mmc_runs):
    expected = mmc_mean_wait(10, 8.0, 1.0)  # C / (c mu - lambda) = 0.205 s
    mean, error = mean_and_error([r["mean_wait_s"] for r in mmc_runs])
    assert error < 0.1 * expected
    assert mean == pytest.approx(expected, abs=4 * error)  # 4 standard errors over 10 runs


def test_mm_c_utilization_is_the_load_per_worker(mmc_runs):
    mean, error = mean_and_error([r["utilization"] for r in mmc_runs])
    # 4 standard errors over 10 runs (~0.018). The pool idles while the last jobs drain,
    # a few seconds of ~500, which pulls utilization down by ~0.5 %: inside the tolerance.
    assert error < 0.01
    assert mean == pytest.approx(8.0 / 10, abs=4 * error)


@pytest.mark.parametrize(
    ("dist", "rate", "second_moment"),
    [("constant", 0.7, 1.0), ("lognormal", 0.5, math.exp(LOGNORMAL_SIGMA**2))],
)
def test_one_worker_waits_follow_pollaczek_khinchine(dist, rate, second_moment):
    # M/G/1 with mean processing time 1 s: Wq = lambda E[S^2] / (2 (1 - rho)); for constant
    # times that is rho S / (2 (1 - rho)) = 1.167 s at rho = 0.7; the lognormal's E[S^2] = e
    # gives 1.36 s at only rho = 0.5: variability alone makes jobs wait.
    runs = results(range(1, 9), arrival_rate=rate, workers=1, service_dist=dist, jobs=3000)
    expected = rate * second_moment / (2 * (1 - rate))
    if dist == "constant":
        assert expected == pytest.approx(md1_mean_wait(0.7, 1.0))
    mean, error = mean_and_error([r["mean_wait_s"] for r in runs])
    assert error < 0.1 * expected
    assert mean == pytest.approx(expected, abs=4 * error)  # 4 standard errors over 8 runs
    # One worker: an arrival waits exactly when the worker is busy, which Poisson
    # arrivals see with probability rho (PASTA). 4 standard errors over 8 runs.
    mean, error = mean_and_error([r["p_wait"] for r in runs])
    assert mean == pytest.approx(rate, abs=4 * error)


@pytest.mark.parametrize(
    "params",
    [
        SCENARIO.preset("mmc-80").values,
        SCENARIO.preset("overloaded").values,
        SCENARIO.preset("autoscale-burst").values,
        SCENARIO.preset("scale-in-unprotected").values,
        SCENARIO.preset("crashing-workers").values,
    ],
    ids=["mmc", "overloaded", "autoscale", "scale-in", "crashes"],
)
def test_littles_law_holds_over_every_run(params):
    # The run starts and ends empty and the averages are over [0, last completion], so
    # L = lambda W is an identity: the time-average of the jobs present (integrated from
    # the pool's state) must equal throughput x mean time in system (summed per job).
    # The only slack is rounding of the three results to 6 decimals.
    _frames, result = run(2, **params)
    assert result["mean_in_system"] == pytest.approx(
        result["throughput_per_s"] * result["mean_time_in_system_s"], rel=1e-5
    )


def test_past_capacity_the_backlog_grows_at_the_excess_rate():
    # 4000 jobs at 12/s for 10 workers of 1/s: by the last arrival (~333 s) about
    # 4000 - 10 x 333 - 10 = 657 jobs wait (fluid approximation). Noise: departures are
    # ~Poisson(3333), sd 58, and the last arrival time has sd 333/sqrt(4000) = 5.3 s,
    # worth 53 departures: sd ~78 per run, 35 for the mean of 5 runs; 4 sd = 140.
    runs = results(range(1, 6), **SCENARIO.preset("overloaded").values)
    expected = 4000 - 10 * 4000 / 12 - 10
    assert statistics.mean(r["max_backlog"] for r in runs) == pytest.approx(expected, abs=140)
    for r in runs:
        assert r["utilization"] > 0.97  # the pool is never idle while the backlog lasts
        assert r["lost_jobs"] == 0 and r["completed_jobs"] == 4000


def test_scale_in_without_protection_interrupts_jobs_and_with_it_none():
    for seed in (1, 2, 3):
        _frames, unprotected = run(seed, **{**SCALE_IN_LOAD, "scale_in_protection": False})
        _frames, protected = run(seed, **{**SCALE_IN_LOAD, "scale_in_protection": True})
        assert unprotected["interrupted_jobs"] > 0
        assert protected["interrupted_jobs"] == 0
        for result in (unprotected, protected):
            assert result["lost_jobs"] == 0  # every interrupted job was redelivered
            assert result["completed_jobs"] == SCALE_IN_LOAD["jobs"]


def test_the_autoscaler_keeps_the_pool_within_its_bounds():
    for name in ("autoscale-burst", "scale-in-unprotected"):
        params = SCENARIO.preset(name).values
        frames, result = run(1, **params)
        pools = [f["series"]["pool"] for f in frames]
        assert min(pools) >= params["min_workers"]
        assert max(pools) <= params["max_workers"]
        assert result["peak_workers"] <= params["max_workers"]


def test_autoscaling_sizes_the_pool_to_a_burst_and_beats_a_fixed_pool_of_the_same_average_size():
    params = SCENARIO.preset("autoscale-burst").values
    for seed in (1, 2):
        _frames, scaled = run(seed, **params)
        # The burst offers 20 jobs/s x 2 s = 40 erlangs: the pool must reach at least that.
        assert scaled["peak_workers"] >= 40
        same_cost = round(scaled["mean_workers"])
        _frames, fixed = run(seed, **{**params, "autoscale": False, "workers": same_cost})
        assert scaled["mean_wait_s"] < fixed["mean_wait_s"]


def test_crashes_follow_their_rate_and_redelivery_keeps_every_job():
    params = dict(arrival_rate=6.0, workers=10, worker_crash_rate=60.0, worker_start_s=5.0, visibility_timeout_s=10.0)
    runs = results(range(1, 6), **params)
    crashes = sum(r["crashes"] for r in runs)
    exposure = sum(r["ready_worker_seconds"] for r in runs) / 3600  # worker-hours
    # Crashes are a Poisson process over ready worker-time: ~520 expected; 4 sd = 4 sqrt(520) = 91.
    assert crashes == pytest.approx(60 * exposure, abs=4 * math.sqrt(60 * exposure))
    # A crash lands on a busy worker with probability = utilization (Poisson crash times
    # see time averages). Binomial over ~520 crashes at p ~ 0.65: 4 sd = 4 sqrt(.65 x .35 / 520) = 0.084.
    busy_share = sum(r["crashed_jobs"] for r in runs) / crashes
    utilization = statistics.mean(r["utilization"] for r in runs)
    assert busy_share == pytest.approx(utilization, abs=4 * math.sqrt(utilization * (1 - utilization) / crashes))
    for r in runs:
        assert r["crashed_jobs"] > 0
        assert r["lost_jobs"] == 0 and r["completed_jobs"] == BASE["jobs"] and r["pending_jobs"] == 0


def test_redelivered_jobs_wait_at_least_the_visibility_timeout():
    _frames, calm = run(4, arrival_rate=6.0, jobs=2000)
    _frames, crashing = run(4, arrival_rate=6.0, jobs=2000, worker_crash_rate=60.0, visibility_timeout_s=60.0)
    # Each crashed job sits hidden for 60 s before it can restart: the mean time in
    # system must grow by at least that share of 60 s.
    extra = crashing["crashed_jobs"] / 2000 * 60
    assert crashing["mean_time_in_system_s"] >= calm["mean_time_in_system_s"] + 0.8 * extra


def test_frames_are_bounded_complete_and_add_up():
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    node_ids = {n.id for n in SCENARIO.topology.nodes}
    for preset in SCENARIO.presets:
        frames, result = run(1, **preset.values)
        assert len(frames) <= 400
        progress = [f["progress"] for f in frames]
        assert progress == sorted(progress) and progress[-1] == 1.0
        previous = 0.0
        completed = 0.0
        for frame in frames:
            assert set(frame["series"]) == names
            assert set(frame["nodes"]) == node_ids and set(frame["nodes"].values()) <= NODE_STATES
            completed += frame["series"]["completed"] * (frame["t"] - previous)
            previous = frame["t"]
        assert round(completed) == result["completed_jobs"], preset.name
        assert 1 <= sum(len(f["events"]) for f in frames) <= 60


def test_topology_shows_busy_starting_and_replaced_workers():
    frames, _result = run(1, **SCENARIO.preset("crashing-workers").values)
    states = {f["nodes"]["w1"] for f in frames} | {f["nodes"]["w5"] for f in frames}
    assert {"busy", "ok", "down"} <= states
    frames, _result = run(1, **SCENARIO.preset("autoscale-burst").values)
    assert "degraded" in {f["nodes"]["w8"] for f in frames}  # workers starting after a scale-out
    assert {f["nodes"]["autoscaler"] for f in frames} == {"ok", "busy"}


@pytest.mark.parametrize("preset", SCENARIO.presets, ids=lambda p: p.name)
def test_every_preset_runs_and_returns_every_result(preset):
    assert set(preset.values) == {p.name for p in SCENARIO.params}  # presets set every parameter
    frames, result = run(1, **preset.values)
    assert set(result) >= REQUIRED
    assert result["lost_jobs"] == 0
    assert result["completed_jobs"] == preset.values["jobs"]


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("crashing-workers").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
