"""connection-pooling against Little's law, the Erlang loss and delay formulas, and the pool's bound.

References: J. D. C. Little, "A Proof for the Queuing Formula L = lambda W",
Operations Research 9(3), 1961; the M/G/infinity queue (requests in flight are
Poisson with mean lambda x S; Kleinrock, *Queueing Systems* vol. 1, 1975,
section 4.3) and its level crossings (an arrival that finds x - 1 in flight
crosses x, at rate lambda P(N = x - 1) by PASTA; Wolff 1982); A. K. Erlang's loss
formula B (1917) for the database-limited per-instance case and his delay
formula C for the proxy's pool (M/M/c; Kleinrock 1975, section 3.5). The
behaviours modelled come from the AWS documentation on RDS Proxy and on managing
database connections from Lambda, and the PgBouncer documentation on transaction
pooling.
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.connection_pooling import SCENARIO, traffic_rate
from workers.sim.stats import erlang_b, erlang_c

REQUIRED = {"rejected_connections", "db_connections_peak", "p99_ms", "failed_requests"}

# A steady peak: 200 req/s of 200 ms queries is a = 40 erlangs. base = peak, so the
# ramp does not change the rate; it only keeps the first 10 s (the warm-up from an
# empty system) out of the peak_* results.
STEADY = dict(
    peak_rps=200.0, base_rps=200.0, ramp_s=10.0, peak_hold_s=600.0, duration_s=70.0, mean_query_ms=200.0,
    instance_concurrency=1, instance_idle_s=600.0, proxy_wait_timeout_ms=300000.0,
)  # fmt: skip
LOAD = 200.0 * 0.2


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def assert_near(values, expected, sigmas=4.0):
    """The mean over independent runs lies within `sigmas` standard errors of `expected`.

    Successive requests are correlated (they share busy periods), so the standard
    error comes from the spread between runs (one batch per seed, the method of batch
    means); a 4-sigma band is wrong by chance about once in a few thousand (Student t).
    """
    mean = statistics.fmean(values)
    error = statistics.stdev(values) / math.sqrt(len(values))
    assert abs(mean - expected) <= sigmas * error, (mean, expected, error)
    return error


def poisson_pmf(k: int, mean: float) -> float:
    return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))


def test_the_formulas_on_known_values():
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # M/M/1: an arrival waits with probability rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 3.5) == 1.0  # overloaded: everyone waits
    shape = dict(ramp_s=10.0, peak_hold_s=20.0, base_rps=10.0, peak_rps=110.0, duration_s=60.0)
    assert [traffic_rate(t, shape) for t in (0, 5, 10, 29.9, 35, 40, 50)] == pytest.approx(
        [10, 60, 110, 110, 60, 10, 10]
    )


def test_requests_in_flight_at_the_peak_follow_littles_law():
    # per_instance with room to spare: nobody waits or fails, so requests in flight
    # are the M/M/infinity count with mean lambda S = 40. Its time average over T = 60 s
    # has variance 2 m S / T = 0.27 (autocorrelation e^(-t/S)); 4 runs: sd 0.26, 4 sd 1.03.
    params = dict(STEADY, mode="per_instance", connections_per_instance=1, db_max_connections=10000)
    means = [run(seed, **params)[1]["peak_concurrency_mean"] for seed in range(1, 5)]
    assert abs(statistics.fmean(means) - LOAD) < 4 * math.sqrt(2 * LOAD * 0.2 / 60 / 4)


@pytest.mark.parametrize("seed", range(1, 4))
def test_instances_and_connections_peak_where_the_level_crossings_say(seed):
    # With one request per instance and no reclaiming, the instances alive are the
    # running maximum of the requests in flight. In flight is Poisson(40) at any instant;
    # the level x is crossed at rate lambda P(N = x - 1), so over 70 s (14,000 arrivals)
    # P(peak >= 78) <= 14000 P(N = 77) = 0.001, while level 56 is crossed ~60 times on
    # average: the peak lies in [56, 77] (mean + 2.5 to 5.8 standard deviations).
    arrivals = 200.0 * 70
    assert arrivals * poisson_pmf(77, LOAD) < 0.001 and arrivals * poisson_pmf(55, LOAD) > 50
    _frames, result = run(seed, **STEADY, mode="per_instance", connections_per_instance=2, db_max_connections=1000)
    assert 56 <= result["instances_peak"] <= 77
    assert result["instances_peak"] == result["demand_concurrency_peak"]
    assert result["db_connections_peak"] == 2 * result["instances_peak"]
    assert result["rejected_connections"] == result["failed_requests"] == 0


def test_the_database_refuses_connections_exactly_when_the_demand_exceeds_its_limit():
    # Routing draws no random numbers, so every db_max sees the same requests and the
    # same demand D (the most requests in flight x 2 connections); try limits around it.
    params = dict(STEADY, mode="per_instance", connections_per_instance=2)
    demand = run(5, **params, db_max_connections=10000)[1]["connection_demand_peak"]
    for db_max in (demand // 2, demand - 2, demand - 1, demand, demand + 1, 2 * demand):
        _frames, result = run(5, **params, db_max_connections=db_max)
        assert result["connection_demand_peak"] == demand
        assert (result["rejected_connections"] > 0) == (demand > db_max), db_max
        # A request fails only when its instance gets no connection at all: when more
        # instances are needed than ceil(db_max / 2) can connect.
        assert (result["failed_requests"] > 0) == (demand // 2 > math.ceil(db_max / 2)), db_max
        assert result["db_connections_peak"] == min(db_max, result["instances_peak"] * 2), db_max


def test_once_the_database_is_full_requests_are_lost_as_erlang_b_says():
    # 100 connections, 3 per instance: 34 instances get connections (the last gets 1).
    # A request that finds all 34 busy starts a new instance, which cannot connect, and
    # fails: a loss system with 34 servers at 40 erlangs, B(34, 40) = 0.219 (Erlang B is
    # insensitive to the query-time distribution). The standard error comes from 6 runs.
    params = dict(STEADY, mode="per_instance", connections_per_instance=3, db_max_connections=100)
    runs = [run(seed, **params)[1] for seed in range(1, 7)]
    error = assert_near([r["peak_failed_share"] for r in runs], erlang_b(34, LOAD))
    assert error < 0.01
    assert all(r["instances_peak"] == 34 and r["db_connections_peak"] == 100 for r in runs)
    # Each failed start was refused 3 times; the 34th instance was refused 2 of its 3.
    assert all(r["rejected_connections"] == 3 * r["failed_requests"] + 2 for r in runs)


def test_a_proxy_queue_waits_as_erlang_c_says():
    # 45 pooled connections at 40 erlangs: an arrival waits with C(45, 40) = 0.341 and
    # waits C / (c mu - lambda) = 0.341 / (225 - 200) s = 13.6 ms on average (M/M/c).
    params = dict(STEADY, mode="proxy", proxy_pool_size=45, connections_per_instance=1, db_max_connections=100)
    runs = [run(seed, **params)[1] for seed in range(1, 9)]
    share = erlang_c(45, LOAD)
    wait_error = assert_near([r["peak_wait_share"] for r in runs], share)
    ms_error = assert_near([r["peak_mean_wait_ms"] for r in runs], 1000 * share / (45 * 5 - 200))
    # Narrow enough to matter: 44 or 46 connections give C = 0.43 or 0.27.
    assert wait_error < 0.02 and ms_error < 2.0, (wait_error, ms_error)
    assert all(r["erlang_c_wait_share"] == pytest.approx(share, abs=1e-6) for r in runs)


def test_a_proxy_never_opens_more_than_its_pool_and_nothing_is_refused():
    proxy = {**SCENARIO.preset("proxy-under-limit").values, "duration_s": 120.0}  # up, peak, down
    cases = [
        proxy,
        {**SCENARIO.preset("proxy-pool-too-small").values, "duration_s": 120.0},
        {**proxy, "instance_concurrency": 4, "peak_rps": 400.0},
        {**proxy, "proxy_pool_size": 500},  # capped at the database's 100
        {**proxy, "proxy_pool_size": 30, "proxy_wait_timeout_ms": 200.0},  # many give up waiting
    ]
    for seed, params in enumerate(cases, start=1):
        frames, result = run(seed, **params)
        bound = min(params["proxy_pool_size"], params["db_max_connections"])
        assert result["db_connections_peak"] <= bound
        assert max(f["series"]["db_connections"] for f in frames) <= bound
        assert result["rejected_connections"] == 0
        assert result["failed_requests"] == result["timed_out_requests"]  # only a wait can fail


def test_a_pool_too_small_makes_requests_wait_and_holds_their_instances():
    _frames, enough = run(**SCENARIO.preset("proxy-under-limit").values)
    frames, small = run(**SCENARIO.preset("proxy-pool-too-small").values)
    # 38 connections for 40 erlangs: the queue grows by ~10 requests/s at the peak.
    assert small["p50_ms"] > 5 * enough["p50_ms"]
    assert small["peak_wait_share"] > 0.9
    # Every waiting request keeps its function instance busy: instances pile up.
    assert small["instances_peak"] > 5 * enough["instances_peak"]
    assert max(f["series"]["waiting"] for f in frames) > 100
    assert any(e["kind"] == "queueing" for f in frames for e in f["events"])


def test_idle_instances_keep_their_connections_until_they_are_reclaimed():
    params = SCENARIO.preset("per-instance-exhausts").values
    frames, result = run(**params)
    # Traffic is back to 10 req/s at 120 s, but the instances idle since the ramp down
    # (from 90 s) live on for instance_idle_s = 60 s, and so do their connections.
    lingering = [f for f in frames if 120 < f["t"] < 140]
    assert all(f["series"]["db_connections"] == params["db_max_connections"] for f in lingering)
    assert all(f["series"]["rps"] < 40 for f in lingering)
    assert result["db_connections_at_end"] < result["db_connections_peak"] / 2
    assert any(e["kind"] == "reclaimed" for f in frames for e in f["events"])
    # Reclaimed after 5 s instead, the connections follow the traffic down.
    frames, _result = run(**{**params, "instance_idle_s": 5.0})
    assert max(f["series"]["db_connections"] for f in frames if 125 < f["t"] < 140) < 40


def test_per_instance_exhaustion_is_told_and_shown():
    frames, result = run(**SCENARIO.preset("per-instance-exhausts").values)
    kinds = {e["kind"] for f in frames for e in f["events"]}
    assert {"limit", "refused", "peak", "ramp-down"} <= kinds
    assert {f["nodes"]["database"] for f in frames} >= {"ok", "down"}
    assert all(f["nodes"]["proxy"] == "idle" for f in frames)
    assert result["failed_requests"] > 0 and result["rejected_connections"] > 0
    step = frames[0]["t"]
    assert round(sum(f["series"]["failed"] for f in frames) * step) == result["failed_requests"]


def test_every_preset_runs_and_returns_every_required_key():
    charted = {s.name for chart in SCENARIO.charts for s in chart.series}
    for preset in SCENARIO.presets:
        assert set(preset.values) == {p.name for p in SCENARIO.params}, preset.name
        frames, result = run(**preset.values)
        assert set(result) >= REQUIRED, preset.name
        assert 0 < len(frames) <= 400
        assert all(set(f["series"]) >= charted for f in frames)


def test_the_same_seed_gives_the_same_run():
    params = {**SCENARIO.preset("per-instance-exhausts").values, "duration_s": 60.0}
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
