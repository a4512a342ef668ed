"""circuit-breaker against the breaker's documented rules and queueing theory.

References: the Hystrix circuit breaker as Netflix documents it (Hystrix wiki,
"How it Works": rolling window, request volume threshold, error
threshold percentage, sleep window, trial request); Resilience4j's half-open
state with a set number of permitted calls; Little's law, L = lambda W
(J. D. C. Little, Operations Research 9(3), 1961); Erlang's loss formula for
c servers and no queue (A. K. Erlang, 1917), which holds for any holding-time
distribution (B. A. Sevastyanov, 1957); Michael T. Nygard, Release It!, 2nd ed.
(2018), ch. 5, on timeouts, circuit breakers and cascading failure.
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.circuit_breaker import (
    BASE,
    SCENARIO,
    breaker_trips,
    little_law_busy_threads,
)
from workers.sim.stats import erlang_b

REQUIRED_KEYS = {
    "calls_to_dependency_during_outage",
    "failed_requests",
    "fast_failures",
    "fallback_responses",
    "time_to_open_s",
    "time_to_close_s",
    "a_saturated_s",
}


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    return run(seed, **params)[1]


def test_the_trip_rule_needs_both_the_volume_and_the_error_share():
    assert breaker_trips(20, 10, volume_threshold=20, failure_threshold_pct=50)  # both met exactly
    assert not breaker_trips(19, 19, volume_threshold=20, failure_threshold_pct=50)  # all failed, too few
    assert not breaker_trips(100, 49, volume_threshold=20, failure_threshold_pct=50)
    assert not breaker_trips(0, 0, volume_threshold=0, failure_threshold_pct=0)


def test_erlang_b_and_littles_law_on_known_inputs():
    assert erlang_b(1, 2.0) == pytest.approx(2 / 3)  # B(1, a) = a / (1 + a)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_b(40, 30.0) == pytest.approx(0.01441, abs=1e-5)  # tabulated
    assert little_law_busy_threads(50, 2000) == 100


# Breaker off, B hangs for 60 s: A is an M/D/c/c loss system.
HANG_NO_BREAKER = dict(
    breaker=False, outage_mode="hang", timeout_ms=1000, outage_start_s=2, outage_end_s=62, duration_s=64
)


def test_above_its_pool_a_hanging_b_keeps_a_full_the_share_erlang_b_predicts():
    # Load 50 req/s x 1 s = 50 > 20 threads. B(20, 50) = 0.612 of the time full.
    seeds = range(12)
    runs = [result(seed, **HANG_NO_BREAKER, request_rate=50, a_threads=20) for seed in seeds]
    shares = [r["a_saturated_s"] / 60 for r in runs]
    predicted = erlang_b(20, 50.0)
    assert runs[0]["erlang_b_full_share"] == pytest.approx(predicted, abs=1e-6)
    # The time share of one run is correlated over about one timeout, so its sd is
    # not a simple binomial one; we take it from the 12 runs themselves (about
    # 0.01): 4 standard errors of their mean is ~0.012. The first second (threads
    # fill in 0.4 s, then stay full until the first timeout) is close to the steady
    # share and does not bias it measurably.
    tolerance = 4 * statistics.stdev(shares) / math.sqrt(len(shares))
    assert statistics.mean(shares) == pytest.approx(predicted, abs=tolerance)
    # Calls that reach B: the accepted share of arrivals, lambda x L x (1 - B) = 1164.
    # Each thread turns over once per timeout plus a short idle gap, so the count is
    # nearly fixed; the outage edges shift it by at most one call per thread (20).
    for r in runs:
        assert r["calls_to_dependency_during_outage"] == pytest.approx(50 * 60 * (1 - predicted), abs=20)
        assert r["rejected_requests"] > 0


def test_well_below_its_pool_a_is_never_full_and_busy_threads_follow_littles_law():
    frames, r = run(3, **HANG_NO_BREAKER, request_rate=15, a_threads=40)
    # B(40, 15) = 1e-8: a full pool is out of reach.
    assert r["a_saturated_s"] == 0
    assert r["rejected_requests"] == 0
    assert r["little_law_busy_threads"] == 15
    # Every arrival during the outage reaches B: a Poisson count with mean 900, sd 30; 4 sd = 120.
    assert r["calls_to_dependency_during_outage"] == pytest.approx(15 * 60, abs=4 * 30)
    # Time-average of busy threads after the first timeout (steady state, 3 s to 62 s).
    # For an M/D/infinity system the covariance at lag tau is lambda (D - tau), so the
    # time average over T has variance lambda D^2 / T = 15 / 59: sd 0.50, 4 sd = 2.0.
    step = frames[0]["t"]
    steady = [f["series"]["busy_threads"] for f in frames if 3 + step <= f["t"] <= 62]
    assert statistics.mean(steady) == pytest.approx(15, abs=2.0)


@pytest.mark.parametrize("mode", ["errors", "hang"])
def test_from_an_empty_window_the_breaker_opens_after_the_volume_threshold_of_failures(mode):
    # The outage starts at t = 0, so the window holds only failures: the breaker
    # opens when the 20th call completes, i.e. at the 20th arrival (Gamma(20, 20/s):
    # mean 1 s, sd sqrt(20)/20 = 0.224 s) plus B's answer (5 ms) or the timeout (0.5 s).
    seeds = range(30)
    times = [
        result(seed, outage_mode=mode, request_rate=20, request_volume_threshold=20, window_s=10,
               timeout_ms=500, a_threads=40, outage_start_s=0, outage_end_s=4, duration_s=4)["time_to_open_s"]
        for seed in seeds
    ]  # fmt: skip
    expected = 20 / 20 + (0.005 if mode == "errors" else 0.5)
    sd = math.sqrt(20) / 20
    # 30 runs: the standard error of the mean is 0.224 / sqrt(30) = 0.041; 4 of them = 0.16.
    assert statistics.mean(times) == pytest.approx(expected, abs=4 * sd / math.sqrt(30))
    # The spread is the Gamma's: a sample sd from 30 draws is within +-50 % of it
    # with probability > 0.9999 (its relative sd is 1/sqrt(58) = 0.13).
    assert 0.5 * sd < statistics.stdev(times) < 1.5 * sd


@pytest.mark.parametrize(("threshold_pct", "window_s"), [(50, 10), (20, 10), (50, 4)])
def test_in_steady_traffic_the_breaker_opens_when_the_failed_share_of_the_window_crosses_the_threshold(
    threshold_pct, window_s
):
    # With 50 req/s the window holds 50 x W >> 20 calls, so the volume is always met.
    # x seconds into the outage the window holds ~50x failures and ~50(W - x)
    # successes: the share is x/W and crosses the threshold at x = pct/100 x W.
    # The share is binomial over 50W calls, sd sqrt(p(1-p)/(50W)); divided by its
    # slope 1/W that is sqrt(W p(1-p)/50) in time (0.22 s at 50 %, 10 s); the first
    # crossing adds a little spread. 4 sd is the tolerance.
    p = threshold_pct / 100
    expected = p * window_s
    sd = math.sqrt(window_s * p * (1 - p) / 50)
    for seed in range(3):
        r = result(seed, outage_mode="errors", request_rate=50, failure_threshold_pct=threshold_pct,
                   window_s=window_s, outage_start_s=12, outage_end_s=22, duration_s=22)  # fmt: skip
        assert r["time_to_open_s"] == pytest.approx(expected, abs=4 * sd)


def test_an_open_breaker_lets_only_the_trip_volume_and_the_trial_calls_reach_b():
    params = dict(outage_mode="errors", request_rate=20, request_volume_threshold=20, open_wait_s=2,
                  half_open_probes=3, outage_start_s=0, outage_end_s=30, duration_s=30)  # fmt: skip
    for seed in range(4):
        r = result(seed, **params)
        t_open = r["time_to_open_s"]
        # 20 calls trip it; then every cycle is the open wait (2 s), the time for 3
        # requests to arrive (mean 3/20 s) and B's error (5 ms), and sends 3 trial calls.
        cycles = (30 - t_open) / (2 + 3 / 20 + 0.005)
        expected = 20 + 3 * cycles
        # Tolerance: the last cycle may be cut short (up to 3 calls); the cycles'
        # random lengths add sqrt(13 x 3)/20 = 0.3 s over ~13 cycles (0.5 calls); a call
        # or two may be in flight when it trips (Poisson with mean 20 x 5 ms).
        assert r["calls_to_dependency_during_outage"] == pytest.approx(expected, abs=3 + 3)
        without = result(seed, **{**params, "breaker": False})
        # Without a breaker every one of ~600 requests reaches B (Poisson, sd 24, so
        # above 500 at 4 sd), against at most ~66 with it.
        assert without["calls_to_dependency_during_outage"] > 500
        assert without["calls_to_dependency_during_outage"] > 7 * r["calls_to_dependency_during_outage"]


@pytest.mark.parametrize("mode", ["errors", "hang"])
def test_the_breaker_closes_within_one_open_wait_and_a_trial_round_trip_after_the_outage(mode):
    for seed in range(5):
        frames, r = run(seed, outage_mode=mode, request_rate=50, open_wait_s=2, half_open_probes=3,
                        timeout_ms=1000, a_threads=80, outage_start_s=5, outage_end_s=25, duration_s=35)  # fmt: skip
        # Worst case: trial calls sent just before the end fail after B's error
        # (< 50 ms but with probability e^-16) or the 1 s timeout, the breaker waits
        # 2 s, then 3 requests must arrive (Gamma(3, 50/s) > 0.3 s with probability
        # 4e-5) and come back (< 50 ms).
        failed_trial = 0.05 if mode == "errors" else 1.0
        assert r["time_to_close_s"] is not None
        assert 0 < r["time_to_close_s"] <= failed_trial + 2 + 0.3 + 0.05
        closings = [e["t"] for f in frames for e in f["events"] if e["kind"] == "closed"]
        assert all(t >= 25 for t in closings)  # no trial call succeeds while B is down


def test_a_cached_fallback_turns_every_error_except_a_full_pool_into_a_fallback():
    for params in (dict(outage_mode="errors"), dict(outage_mode="hang"), dict(outage_mode="hang", breaker=False)):
        plain = result(5, **params, fallback="none")
        cached = result(5, **params, fallback="cached")
        # The same arrivals and answers (the fallback takes no time), so the counts match exactly.
        assert cached["successes"] == plain["successes"]
        assert cached["fast_failures"] == plain["fast_failures"]
        assert cached["failed_requests"] == cached["rejected_requests"] == plain["rejected_requests"]
        assert cached["fallback_responses"] == plain["failed_requests"] - plain["rejected_requests"]
        assert plain["fallback_responses"] == 0
    assert result(5, **SCENARIO.preset("errors-breaker-cached").values)["failed_requests"] == 0


def test_at_low_traffic_the_volume_threshold_is_never_reached():
    # 1 req/s fills a 10 s window with ~10 calls (Poisson); the threshold is 20.
    # Some 10 s span of a 30 s outage holding 20 arrivals has probability ~1 %
    # (scan statistic), so the seed used here is a typical one, not a lucky one.
    low = result(1, **SCENARIO.preset("low-traffic").values)
    assert low["time_to_open_s"] is None
    assert low["fast_failures"] == 0
    assert low["calls_to_dependency_during_outage"] == low["failed_requests"]  # every failure reached B
    # Five times the traffic holds ~50 calls per window, and the breaker opens.
    busier = result(1, **{**SCENARIO.preset("low-traffic").values, "request_rate": 5.0})
    assert busier["time_to_open_s"] is not None


def test_the_breaker_shortens_the_cascade():
    without = result(1, **SCENARIO.preset("hang-no-breaker").values)
    with_breaker = result(1, **SCENARIO.preset("hang-with-breaker").values)
    assert without["a_saturated_s"] > 15  # ~0.61 x 30 s
    assert with_breaker["a_saturated_s"] < without["a_saturated_s"] / 2
    assert with_breaker["calls_to_dependency_during_outage"] < without["calls_to_dependency_during_outage"] / 2


def test_frames_add_up_to_the_result_and_show_the_states():
    frames, r = run(1, **SCENARIO.preset("hang-with-breaker").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    assert frames[-1]["t"] == 80 and frames[-1]["progress"] == 1.0
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert all(set(f["series"]) == names for f in frames)

    def total(name):
        return round(sum(f["series"][name] for f in frames) * step)

    assert total("success") == r["successes"]
    assert total("failed") + total("fast_fail") == r["failed_requests"]
    assert total("fast_fail") == r["fast_failures"]
    assert total("calls_to_b") == r["calls_to_dependency"]
    assert r["requests"] == r["successes"] + r["failed_requests"] + r["fallback_responses"] + r["in_flight_at_end"]
    assert {f["series"]["breaker_state"] for f in frames} == {0.0, 0.5, 1.0}
    kinds = [e["kind"] for f in frames for e in f["events"]]
    for kind in ("outage_start", "saturated", "opened", "half_open", "reopened", "outage_end", "closed", "recovered"):
        assert kind in kinds
    assert len(kinds) < 40
    # The breaker goes half-open exactly one open wait (5 s) after each opening.
    timeline = [
        (e["t"], e["kind"]) for f in frames for e in f["events"] if e["kind"] in ("opened", "reopened", "half_open")
    ]
    pairs = list(zip(timeline, timeline[1:], strict=False))
    waits = [later[0] - earlier[0] for earlier, later in pairs if earlier[1] != "half_open" and later[1] == "half_open"]
    assert len(waits) >= 2
    assert waits == pytest.approx([5.0] * len(waits), abs=2e-4)  # event times are rounded to 0.1 ms
    states = {node: {f["nodes"][node] for f in frames} for node in ("client", "a", "breaker", "b")}
    assert {"ok", "down"} <= states["b"] <= {"ok", "down", "idle"}  # idle: open after the outage, no calls
    assert {"ok", "down", "degraded"} <= states["breaker"]
    assert "down" in states["a"] or "busy" in states["a"]
    no_breaker, _ = run(1, **SCENARIO.preset("hang-no-breaker").values)
    assert {f["nodes"]["breaker"] for f in no_breaker} == {"idle"}


def test_a_flapping_breaker_does_not_flood_the_event_log():
    frames, r = run(1, **SCENARIO.preset("flapping").values)
    assert r["times_opened"] > 20
    assert sum(len(f["events"]) for f in frames) < 20


def test_every_preset_sets_every_parameter_and_returns_every_key():
    names = {spec.name for spec in SCENARIO.params}
    for preset in SCENARIO.presets:
        assert set(preset.values) == names, preset.name
        playback = play(SCENARIO, preset.values, 1)
        assert len(list(playback)) <= 400
        assert set(playback.result) >= REQUIRED_KEYS, preset.name


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("errors-breaker-cached").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
