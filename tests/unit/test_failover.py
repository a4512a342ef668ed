"""failover against the arithmetic of detection, DNS caching and asynchronous replication.

References:
- RTO and RPO as AWS defines them in "Disaster Recovery of Workloads on AWS:
  Recovery in the Cloud" (whitepaper, 2021) and NIST SP 800-34 Rev. 1 (2010):
  the time from interruption to restored service, and the data lost, measured
  as time before the failure.
- Detection after `threshold` consecutive failed probes at a fixed interval, as
  Route 53 health checks do (Amazon Route 53 Developer Guide, "How Amazon
  Route 53 determines whether a health check is healthy"). With the probe phase
  uniform, the first probe after the failure comes uniform on [0, interval)
  later, so detection is uniform on [(k-1)I, kI) + timeout, mean (k-0.5)I + timeout.
- DNS caching (RFC 1035 TTL semantics): a client re-resolving every TTL at a
  uniform phase moves over uniform on [0, TTL) after the update; the last of N
  clients after TTL x N/(N+1) on average.
- Lost writes are the ones in flight to the standby at the failure: for a
  constant lag L those acknowledged in (fail - L, fail], Poisson with mean
  rate x L; for any lag distribution Poisson with mean rate x E[lag] (the
  M/G/infinity queue, Little's law: J. D. C. Little, Operations Research 9, 1961).
  The oldest lost write for exponential lags with mean L: P(rpo <= x) =
  exp(-rate L e^(-x/L)), mean L x Ein(rate L).
- Beyer, Jones, Petoff and Murphy (eds.), Site Reliability Engineering (O'Reilly,
  2016), ch. 23 "Managing Critical State" and ch. 26 "Data Integrity"; the
  failover and recovery-objective sections of ch. 7 of "AWS Cloud-Native Design
  Patterns" (Gijutsu-Hyoron), which the pattern pages draw on.
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.frames import Result
from workers.sim.scenarios.failover import SCENARIO

REQUIRED_KEYS = {"rto_s", "rpo_s", "lost_writes", "failed_writes"}
STATES = {"ok", "busy", "degraded", "down", "idle"}

# Small and quick, but every step of the failover fits well inside the run:
# the last client switches at most 10 + 3 x 7 + 1.5 + 4 + 20 = 56.5 s < 60 s.
QUICK = {
    "health_check_interval_s": 7.0,
    "unhealthy_threshold": 3,
    "check_timeout_s": 1.5,
    "promotion_s": 4.0,
    "dns_ttl_s": 20.0,
    "replication_lag_ms": 200.0,
    "lag_distribution": "constant",
    "write_rate": 100.0,
    "clients": 10,
    "retry_interval_s": 1.0,
    "fail_at_s": 10.0,
    "duration_s": 60.0,
}
RATE, LAG, TTL, INTERVAL = QUICK["write_rate"], QUICK["replication_lag_ms"] / 1000, QUICK["dns_ttl_s"], 7.0
SEEDS = range(400)


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def results(seeds, **params):
    """Results only, for many seeds: the scenario's own generator, without numbering frames."""
    found = []
    for seed in seeds:
        *_frames, last = SCENARIO.run(SCENARIO.with_defaults(params), seed)
        assert isinstance(last, Result)
        found.append(last.values)
    return found


@pytest.fixture(scope="module")
def constant_lag_runs():
    return results(SEEDS, **QUICK)


def ein(z):
    """Ein(z) = integral from 0 to z of (1 - e^-u)/u du, by its alternating series."""
    return math.fsum((-1) ** (k + 1) * z**k / (k * math.factorial(k)) for k in range(1, 160))


def test_ein_matches_its_large_argument_form():
    # Ein(z) = gamma + ln z + E1(z), and E1(20) ~ 1e-10.
    assert ein(20.0) == pytest.approx(0.5772156649 + math.log(20.0), abs=1e-8)


def test_detection_lies_within_one_interval_and_averages_threshold_minus_a_half(constant_lag_runs):
    detection = [r["detection_s"] for r in constant_lag_runs]
    low, high = 2 * INTERVAL + 1.5, 3 * INTERVAL + 1.5
    assert all(low - 1e-6 <= d <= high + 1e-6 for d in detection)
    # n=400 phases, uniform on an interval of 7 s: std error 7/sqrt(12 x 400) = 0.10 s; 4 sigma = 0.40 s.
    assert statistics.fmean(detection) == pytest.approx(2.5 * INTERVAL + 1.5, abs=0.40)
    # A fixed phase would pass the mean; the spread shows the phase is drawn per seed. The sample
    # variance of a uniform has std error I^2 sqrt((1/80 - 1/144)/n) = 0.18 s^2 here; 4 sigma = 0.73.
    assert statistics.variance(detection) == pytest.approx(INTERVAL**2 / 12, abs=0.73)


def test_rto_is_detection_plus_promotion_plus_at_most_one_ttl(constant_lag_runs):
    for r in constant_lag_runs:
        assert r["failover_s"] == pytest.approx(r["detection_s"] + QUICK["promotion_s"], abs=1e-5)
        assert 0 <= r["rto_s"] - r["failover_s"] <= TTL + 1e-5
        assert r["failover_s"] <= r["rto_mean_s"] <= r["rto_s"]
        assert r["failover_s"] <= r["first_write_ok_s"] <= r["rto_s"]
        assert r["rto_s"] <= r["rto_bound_s"]
    dns_mean = [r["rto_mean_s"] - r["failover_s"] for r in constant_lag_runs]
    dns_last = [r["rto_s"] - r["failover_s"] for r in constant_lag_runs]
    # Each run averages 10 clients uniform on [0, 20): over 400 runs the std error is
    # 20/sqrt(12 x 10 x 400) = 0.091 s; 4 sigma = 0.37 s.
    assert statistics.fmean(dns_mean) == pytest.approx(TTL / 2, abs=0.37)
    # The last of 10 uniforms has mean 20 x 10/11 = 18.18 and std 20 sqrt(10/(121 x 12)) = 1.66 s;
    # over 400 runs the std error is 0.083 s; 4 sigma = 0.33 s.
    assert statistics.fmean(dns_last) == pytest.approx(TTL * 10 / 11, abs=0.33)


def test_without_dns_caching_every_client_recovers_the_moment_dns_is_updated():
    for seed in range(5):
        _frames, r = run(seed, **{**QUICK, "dns_ttl_s": 0.0})
        assert r["rto_s"] == r["rto_mean_s"] == r["failover_s"] == r["first_write_ok_s"]


def test_constant_lag_loses_the_writes_of_the_last_lag_before_the_failure(constant_lag_runs):
    lost = [r["lost_writes"] for r in constant_lag_runs]
    rpo = [r["rpo_s"] for r in constant_lag_runs]
    assert all(0 < x <= LAG + 1e-6 for x in rpo)
    # Poisson with mean 100 x 0.2 = 20: over 400 runs the std error is sqrt(20/400) = 0.22; 4 sigma = 0.9.
    assert statistics.fmean(lost) == pytest.approx(RATE * LAG, abs=0.9)
    # Poisson: variance = mean. The sample variance's std error is about 20 sqrt(2/400) = 1.4; 4 sigma = 5.7.
    assert statistics.variance(lost) == pytest.approx(RATE * LAG, abs=5.7)
    # The oldest lost write is the first one after fail - L: E[rpo] = L - (1 - e^-(rate L))/rate = 0.19 s.
    # rpo = L - min(Exp(rate), L) has std about 1/rate = 0.01 s; over 400 runs 0.0005 s; 4 sigma = 0.002 s.
    assert statistics.fmean(rpo) == pytest.approx(LAG - (1 - math.exp(-RATE * LAG)) / RATE, abs=0.002)


def test_exponential_lag_loses_as_many_writes_on_average_but_from_further_back():
    runs = results(range(300), **{**QUICK, "lag_distribution": "exponential"})
    lost = [r["lost_writes"] for r in runs]
    rpo = [r["rpo_s"] for r in runs]
    # Little's law: still Poisson with mean rate x E[lag] = 20; over 300 runs std error 0.26; 4 sigma = 1.03.
    assert statistics.fmean(lost) == pytest.approx(RATE * LAG, abs=1.03)
    # rpo / L is Gumbel with location ln 20 and scale 1: mean L (gamma + ln 20) = 0.715 s, std
    # L pi / sqrt(6) = 0.257 s; over 300 runs the std error is 0.0148 s; 4 sigma = 0.059 s.
    assert statistics.fmean(rpo) == pytest.approx(LAG * ein(RATE * LAG), abs=0.059)
    assert max(rpo) > LAG  # unlike a constant lag, the window reaches further back than the mean lag


@pytest.mark.parametrize("distribution", ["constant", "exponential"])
def test_synchronous_replication_loses_nothing(distribution):
    for seed in range(5):
        frames, r = run(seed, **{**QUICK, "replication_lag_ms": 0.0, "lag_distribution": distribution})
        assert r["lost_writes"] == 0
        assert r["rpo_s"] == 0
        assert all(f["series"]["unreplicated"] == 0 and f["series"]["lost"] == 0 for f in frames)


def test_a_client_retries_its_failed_write_every_interval_until_it_switches():
    params = {**QUICK, "clients": 1, "write_rate": 200.0, "dns_ttl_s": 0.0, "retry_interval_s": 0.5}
    for seed in range(5):
        _frames, r = run(seed, **params)
        outage = r["rto_s"]
        # The first write after the failure comes within 0.05 s (P(none) = e^-10); it is tried then and
        # every 0.5 s until the switch, so about outage / 0.5 attempts fail.
        assert math.ceil((outage - 0.05) / 0.5) <= r["failed_writes"] <= math.ceil(outage / 0.5)
        # Everything written during the outage waits and goes through at the switch: Poisson with mean
        # 200 x outage (<= 4000); 4 sigma = 4 sqrt(200 x outage).
        assert r["delayed_writes"] == pytest.approx(200 * outage, abs=4 * math.sqrt(200 * outage))
        assert r["max_write_wait_s"] <= outage
        assert r["acknowledged_writes"] + r["unacknowledged_writes"] == r["offered_writes"]
        assert r["unacknowledged_writes"] == 0


def test_frames_add_up_to_the_result_and_show_the_failover():
    frames, r = run(**SCENARIO.preset("async-short-ttl").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert all(set(f["series"]) == names for f in frames)
    assert all(set(f["nodes"]) == {n.id for n in SCENARIO.topology.nodes} for f in frames)
    assert all(set(f["nodes"].values()) <= STATES for f in frames)
    assert round(sum(f["series"]["acknowledged"] for f in frames) * step) == r["acknowledged_writes"]
    assert round(sum(f["series"]["failed"] for f in frames) * step) == r["failed_writes"]
    assert round(sum(f["series"]["offered"] for f in frames) * step) == r["offered_writes"]

    kinds = [e["kind"] for f in frames for e in f["events"]]
    threshold = SCENARIO.preset("async-short-ttl").values["unhealthy_threshold"]
    assert kinds == ["primary-failed"] + ["check-failed"] * threshold + [
        "failover-started", "promoted", "dns-updated", "writes-lost", "first-write-ok", "all-switched",
    ]  # fmt: skip
    lost_event = next(e for f in frames for e in f["events"] if e["kind"] == "writes-lost")
    assert f"{r['lost_writes']} acknowledged writes lost" in lost_event["text"]["en"]

    fail_at = SCENARIO.preset("async-short-ttl").values["fail_at_s"]
    assert all(f["nodes"]["primary"] == ("down" if f["t"] >= fail_at else "ok") for f in frames)
    assert "busy" in {f["nodes"]["standby"] for f in frames}
    assert frames[-1]["nodes"]["standby"] == "ok"
    on_new = [f["series"]["on_new_primary"] for f in frames]
    assert on_new == sorted(on_new) and on_new[0] == 0 and on_new[-1] == 100
    first_all = next(f["t"] for f in frames if f["series"]["on_new_primary"] == 100)
    assert fail_at + r["rto_s"] <= first_all < fail_at + r["rto_s"] + step + 1e-6


def test_a_failure_after_the_run_ends_changes_nothing():
    _frames, r = run(**{**QUICK, "fail_at_s": 60.0})
    assert r["rto_s"] is None and r["detection_s"] is None
    assert r["lost_writes"] == r["failed_writes"] == r["unacknowledged_writes"] == 0


def test_the_presets_show_what_they_are_named_for():
    _frames, long_ttl = run(**SCENARIO.preset("long-ttl").values)
    assert long_ttl["rto_s"] - long_ttl["failover_s"] > long_ttl["failover_s"]  # the caches dominate
    _frames, sync = run(**SCENARIO.preset("sync-replication").values)
    assert sync["lost_writes"] == 0 and sync["rpo_s"] == 0
    _frames, slow = run(**SCENARIO.preset("slow-detection").values)
    assert 4 * 30 + 4 <= slow["detection_s"] <= 5 * 30 + 4


@pytest.mark.parametrize("preset", SCENARIO.presets, ids=lambda p: p.name)
def test_every_preset_sets_every_parameter_and_returns_the_result_keys(preset):
    assert set(preset.values) == {p.name for p in SCENARIO.params}
    frames, r = run(**preset.values)
    assert set(r) >= REQUIRED_KEYS
    assert r["rto_s"] is not None  # the run is long enough for every client to switch
    assert len(frames) <= 400


def test_the_same_seed_gives_the_same_run():
    assert run(7, **QUICK) == run(7, **QUICK)
    assert run(7, **QUICK)[1] != run(8, **QUICK)[1]
