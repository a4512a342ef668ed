"""cqrs against the M/M/1 queue and the read-your-writes session guarantee.

References: L. Kleinrock, *Queueing Systems, Volume 1: Theory* (Wiley, 1975),
ch. 3: in the M/M/1 queue the time in system is exponential with rate mu - lambda
and the server is busy a share rho = lambda / mu of the time; R. W. Wolff,
"Poisson Arrivals See Time Averages", Operations Research 30(2), 1982 (PASTA);
the busy period of M/M/1 started by n customers lasts n / (mu - lambda) on
average (Kleinrock 1975, section 5.9). D. B. Terry, A. J. Demers, K. Petersen,
M. J. Spreitzer, M. M. Theimer, B. B. Welch, "Session Guarantees for Weakly
Consistent Replicated Data", PDIS 1994 (read-your-writes). Martin Fowler,
"CQRS" (2011), for the command side / read model split.

Autocorrelation: successive lags of an M/M/1 queue are correlated, so the
tolerances below come from the spread between independent runs (each seed is
one batch: the method of batch means), not from the number of writes.
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.cqrs import SCENARIO, apply_time
from workers.sim.stats import percentile

REQUIRED = {"stale_read_fraction", "own_write_misses", "p99_lag_ms", "max_lag_ms"}
INF = math.inf


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def results(seeds, **params):
    return [run(seed, **params)[1] for seed in seeds]


def assert_near(values, expected, sigmas=4.0):
    """The mean over independent runs lies within `sigmas` standard errors of `expected`.

    The standard error is the spread between runs over sqrt(runs); with 20-40 runs a
    4-sigma band is wrong by chance about once in a few thousand (Student t).
    """
    mean = statistics.fmean(values)
    error = statistics.stdev(values) / math.sqrt(len(values))
    assert abs(mean - expected) <= sigmas * error, (mean, expected, error)
    return error


def test_the_projector_applies_in_order_and_stops_during_the_pause():
    assert apply_time(1.0, 0.5, 0.0, INF, INF) == 1.5  # idle projector: starts at commit
    assert apply_time(1.0, 0.5, 2.0, INF, INF) == 2.5  # busy: starts when the previous one is done
    assert apply_time(5.0, 1.0, 0.0, 4.0, 10.0) == 11.0  # committed during the pause: waits for its end
    assert apply_time(3.5, 1.0, 0.0, 4.0, 10.0) == 10.5  # interrupted after 0.5 s, resumes at 10
    assert apply_time(1.0, 1.0, 0.0, 4.0, 10.0) == 2.0  # done before the pause
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile([0.0, 10.0], 0.99) == pytest.approx(9.9)


# lambda = 25/s, mu = 50/s: rho = 0.5, lag ~ Exp(25/s). 20 runs of 200 s hold about
# 5,000 writes and 10,000 reads each.
LAMBDA, MU, CLIENTS = 25.0, 50.0, 10
STEADY = dict(
    write_rate=LAMBDA, projector_rate=MU, read_rate=50.0, clients=CLIENTS, duration_s=200.0,
    projector_pause_at_s=0.0, read_strategy="any_replica",
)  # fmt: skip


@pytest.fixture(scope="module")
def steady():
    return results(range(1, 21), **STEADY)


def test_the_lag_is_exponential_with_rate_mu_minus_lambda(steady):
    # Mean 1/(mu - lambda) = 40 ms, median ln 2/(mu - lambda) = 27.7 ms, p99 ln 100/(mu - lambda)
    # = 184 ms (Kleinrock 1975). Three quantiles of the same exponential pin its shape.
    rate = MU - LAMBDA
    errors = [
        assert_near([r["mean_lag_ms"] for r in steady], 1000 / rate),
        assert_near([r["p50_lag_ms"] for r in steady], 1000 * math.log(2) / rate),
        assert_near([r["p99_lag_ms"] for r in steady], 1000 * math.log(100) / rate),
    ]
    # The bands are narrow enough to tell a wrong model apart: an M/D/1 projector
    # (Pollaczek-Khinchine mean 30 ms) or one ignoring the wait (20 ms) falls far outside.
    assert errors[0] < 1.0 and errors[1] < 1.0 and errors[2] < 8.0, errors


def test_a_read_at_a_random_instant_is_stale_with_probability_rho(steady):
    # PASTA: a Poisson read sees the queue as a time average; the read model is
    # behind exactly while the queue is non-empty, which is a share rho of the time.
    error = assert_near([r["stale_read_fraction"] for r in steady], LAMBDA / MU)
    assert error < 0.01


def test_a_lighter_load_gives_fewer_stale_reads_in_proportion():
    light = results(range(1, 11), **{**STEADY, "write_rate": 10.0})  # rho = 0.2
    assert_near([r["stale_read_fraction"] for r in light], 0.2)


def test_a_reader_misses_its_own_write_as_often_as_the_lag_outlasts_its_last_write(steady):
    # A client writes at lambda/n = 2.5/s; the age A of its last write at a random read
    # is Exp(2.5) and the write's lag T is Exp(25), independent (FIFO lag depends only on
    # the past). P(T > A) = 2.5 / (2.5 + 25) = 0.0909.
    per_client = LAMBDA / CLIENTS
    expected = per_client / (per_client + MU - LAMBDA)
    assert_near([r["own_write_miss_fraction"] for r in steady], expected)
    assert all(r["own_write_misses"] > 0 for r in steady)


@pytest.mark.parametrize("seed", range(1, 6))
def test_read_your_writes_never_misses_and_falls_back_exactly_where_any_replica_missed(seed):
    # The routing draws no random numbers, so both runs see the same writes and reads:
    # the reads sent to the command side are exactly the ones any_replica got wrong.
    params = {**SCENARIO.preset("projector-pause").values, "clients": 5}
    _frames, any_replica = run(seed, **{**params, "read_strategy": "any_replica"})
    _frames, ryw = run(seed, **{**params, "read_strategy": "read_your_writes"})
    assert ryw["own_write_misses"] == 0
    assert any_replica["own_write_misses"] > 0
    assert ryw["command_side_reads"] == any_replica["own_write_misses"]
    assert any_replica["command_side_reads"] == 0
    # The fallback returns the latest state, so read-your-writes is never staler.
    assert ryw["stale_reads"] == any_replica["stale_reads"] - any_replica["own_write_misses"]


PAUSE_S = 10.0
PAUSED = {**STEADY, "read_rate": 20.0, "duration_s": 50.0, "projector_pause_at_s": 10.0, "projector_pause_s": PAUSE_S}


@pytest.fixture(scope="module")
def paused():
    return results(range(1, 41), **PAUSED)


def test_after_a_pause_the_backlog_drains_at_mu_minus_lambda(paused):
    rho = LAMBDA / MU
    waiting = rho / (1 - rho)  # mean M/M/1 queue length when the pause begins
    backlog = LAMBDA * PAUSE_S + waiting
    # The backlog at resumption is lambda P + L: Poisson(250) plus a geometric queue,
    # sd sqrt(250 + rho/(1-rho)^2) = 15.9; 40 runs give a standard error of 2.5.
    assert abs(statistics.fmean(r["backlog_at_resume"] for r in paused) - backlog) < 4 * 15.9 / math.sqrt(40)
    # Draining n events is n busy periods of mean 1/(mu - lambda): (lambda P + L)/(mu - lambda)
    # = 10.04 s. Per run the sd is sqrt(n(1 + rho)/(mu^2 (1 - rho)^3) + lambda P/(mu - lambda)^2)
    # = 1.27 s (busy-period variance plus the Poisson backlog); 40 runs: standard error 0.20 s.
    recovery = [r["recovery_s"] for r in paused]
    assert abs(statistics.fmean(recovery) - backlog / (MU - LAMBDA)) < 4 * 1.27 / math.sqrt(40)


def test_the_longest_lag_is_the_pause_itself(paused):
    # The write committed just as the pause begins waits the whole pause plus the short
    # queue ahead of it: max lag = P + (L + 1)/mu, give or take. Even with an empty queue,
    # the first write after the pause starts comes within 0.5 s (a longer gap has
    # probability e^-12.5 = 4e-6); the queue ahead drains in well under 0.5 s (L > 20 has
    # probability 2^-21 and 21 applications take 0.42 s on average).
    for r in paused:
        assert PAUSE_S * 1000 - 500 <= r["max_lag_ms"] <= PAUSE_S * 1000 + 500


def test_during_the_pause_the_backlog_only_grows_and_the_lag_grows_with_the_clock():
    frames, result = run(3, **PAUSED)
    during = [f for f in frames if 10.0 < f["t"] < 10.0 + PAUSE_S]
    assert all(f["nodes"]["projector"] == "down" for f in during)
    backlogs = [f["series"]["backlog"] for f in during]
    assert backlogs == sorted(backlogs) and backlogs[-1] > LAMBDA * PAUSE_S / 2
    # The oldest waiting event was committed at about the start of the pause (within the
    # 0.5 s gap bound above), so its age is the time since then.
    for f in during[10:]:
        assert f["series"]["oldest_unapplied_ms"] / 1000 == pytest.approx(f["t"] - 10.0, abs=0.5)
    assert all(f["series"]["lag_max_ms"] is None for f in during)  # nothing is applied
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds.index("paused") < kinds.index("resumed") < kinds.index("drained")
    assert result["backlog_max"] >= result["backlog_at_resume"]


def test_every_preset_runs_and_returns_every_required_key():
    for preset in SCENARIO.presets:
        frames, result = run(**preset.values)
        assert set(result) >= REQUIRED, preset.name
        assert 0 < len(frames) <= 400
        assert frames[-1]["t"] == pytest.approx(preset.values["duration_s"])
        if preset.values["read_strategy"] == "read_your_writes":
            assert result["own_write_misses"] == 0


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("projector-pause").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
