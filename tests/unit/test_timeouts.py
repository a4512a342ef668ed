"""timeouts against the lognormal's tail and the arithmetic of independent retries.

References:
- Per-attempt timeout probability of a lognormal latency with median m and
  spread sigma: P = P(X > t) = 1 - Phi((ln t - ln m) / sigma); sigma from the p99
  as ln(p99 / m) / z_0.99 with z_0.99 = 2.3263 (Aitchison and Brown, "The
  Lognormal Distribution", 1957).
- Independent attempts: a call fails after r retries with probability P^(r+1)
  and costs sum_{k=1..r} P^k extra attempts on average; the work the server does
  for abandoned attempts is the lognormal's partial expectation,
  E[X; X > t] / E[X] = Phi(sigma - (ln t - mu) / sigma).
- Choosing the timeout at a high percentile such as p99.9 rather than near the
  median: Marc Brooker, "Timeouts, retries, and backoff with jitter", Amazon
  Builders' Library (2019); the timeouts section of "AWS Cloud-Native Design
  Patterns" (Gijutsu-Hyoron). Retries that keep an overloaded server from
  recovering: Bronson et al., "Metastable Failures in Distributed Systems",
  HotOS 2021.
"""

import math
from statistics import NormalDist

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.timeouts import (
    analytic_extra_load,
    analytic_failure_rate,
    analytic_latency_quantile,
    lognormal_fit,
    percentile_label,
    timeout_probability,
)

SCENARIO = get("timeouts")
PHI = NormalDist()
REQUIRED = {"false_timeout_rate", "p99_ms", "extra_load"}

# An unloaded server: median 50 ms, p99 400 ms (sigma 0.894), 1000 calls/s for 20 s,
# about 20000 calls.
UNLOADED = {
    "median_ms": 50.0,
    "p99_ms": 400.0,
    "request_rate": 1000.0,
    "duration_s": 20.0,
    "server_workers": 0,
    "drop_expired": False,
    "slow_at_s": 0.0,
}


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def client_latency_cdf(y_s: float, timeout_s: float, retries: int, median_ms: float, p99_ms: float) -> float:
    """P(latency the client sees <= y), written out independently of the module's quantile."""
    mu = math.log(median_ms / 1000)
    sigma = math.log(p99_ms / median_ms) / PHI.inv_cdf(0.99)
    p = 1 - PHI.cdf((math.log(timeout_s) - mu) / sigma)
    if y_s >= (retries + 1) * timeout_s:
        return 1.0
    k = int(y_s // timeout_s)
    rest = y_s - k * timeout_s
    answered_in_attempt_k = PHI.cdf((math.log(rest) - mu) / sigma) if rest > 0 else 0.0
    return (1 - p**k) + p**k * answered_in_attempt_k


def test_the_lognormal_fit_and_the_retry_arithmetic_on_known_values():
    mu, sigma = lognormal_fit(50, 400)
    assert sigma == pytest.approx(math.log(8) / 2.3263, rel=1e-4)
    assert timeout_probability(0.050, mu, sigma) == pytest.approx(0.5)  # at the median
    assert timeout_probability(0.400, mu, sigma) == pytest.approx(0.01)  # at the p99
    assert timeout_probability(0.790, mu, sigma) == pytest.approx(0.001, rel=0.05)  # p99.9 is ~790 ms
    assert analytic_failure_rate(0.5, 3) == 0.0625
    assert analytic_extra_load(0.5, 3) == 0.875  # 1/2 + 1/4 + 1/8
    assert analytic_extra_load(0.5, 0) == 0
    assert percentile_label(0.999) == "p99.9" and percentile_label(0.5) == "p50"
    assert lognormal_fit(50, 40)[1] == 0.0  # p99 below the median: constant latency
    # With P = 0.5 and 3 retries, 1/16 of calls fail at 4 x 50 ms: the p99 is that.
    assert analytic_latency_quantile(0.99, 0.050, 3, mu, sigma) == pytest.approx(0.200)


@pytest.mark.parametrize("timeout_ms", [50.0, 200.0, 400.0])
def test_timeouts_per_attempt_match_the_lognormal_tail(timeout_ms):
    _frames, result = run(**UNLOADED, timeout_ms=timeout_ms, retries=2)
    mu, sigma = lognormal_fit(50, 400)
    p = 1 - PHI.cdf((math.log(timeout_ms / 1000) - mu) / sigma)  # 0.5, 0.060, 0.01
    assert result["analytic_false_timeout_rate"] == pytest.approx(p, abs=1e-6)
    # Attempts are independent Bernoulli(P) trials: 4 binomial sd over the ~20000-40000
    # attempts, e.g. at P = 0.01 and 20200 attempts, 4 x sqrt(.01 x .99 / 20200) = 0.0028.
    tolerance = 4 * math.sqrt(p * (1 - p) / result["attempts"])
    assert result["false_timeout_rate"] == pytest.approx(p, abs=tolerance)


@pytest.mark.parametrize(("timeout_ms", "retries"), [(50.0, 2), (200.0, 1), (50.0, 0)])
def test_calls_fail_with_probability_p_to_the_retries_plus_one(timeout_ms, retries):
    _frames, result = run(**UNLOADED, timeout_ms=timeout_ms, retries=retries)
    expected = result["analytic_false_timeout_rate"] ** (retries + 1)  # 0.125, 0.0037, 0.5
    assert result["analytic_failure_rate"] == pytest.approx(expected, rel=1e-5)
    # Calls are independent: 4 binomial sd over ~20000 calls; at 0.125 that is 0.0094.
    tolerance = 4 * math.sqrt(expected * (1 - expected) / result["calls"])
    assert result["failure_rate"] == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(("timeout_ms", "retries"), [(50.0, 3), (200.0, 2)])
def test_retries_add_p_plus_p_squared_and_so_on_to_the_load(timeout_ms, retries):
    _frames, result = run(**UNLOADED, timeout_ms=timeout_ms, retries=retries)
    p = result["analytic_false_timeout_rate"]
    expected = sum(p**k for k in range(1, retries + 1))
    assert result["analytic_extra_load"] == pytest.approx(expected, rel=1e-5)
    # Retries per call K has P(K >= k) = P^k (k <= r), so E[K^2] = sum (2k - 1) P^k; the
    # mean over n calls has sd sqrt(Var K / n): at P = 0.5, r = 3, sqrt(1.11 / 20000) = 0.0074.
    variance = sum((2 * k - 1) * p**k for k in range(1, retries + 1)) - expected**2
    assert result["extra_load"] == pytest.approx(expected, abs=4 * math.sqrt(variance / result["calls"]))


def test_the_client_sees_the_p99_the_retry_arithmetic_predicts():
    # Timeout 200 ms (P = 0.06), 2 retries: the p99 falls in the second attempt, at
    # 200 ms plus the 83rd percentile of one attempt.
    _frames, result = run(**UNLOADED, timeout_ms=200.0, retries=2)
    measured = result["p99_ms"] / 1000
    assert 0.2 < measured < 0.4
    # An empirical 99th percentile of n samples sits where the true CDF is 0.99 give or
    # take sqrt(.99 x .01 / n) = 0.0007 for n = 20000; 4 sd = 0.0028.
    n = result["calls"]
    reach = 4 * math.sqrt(0.99 * 0.01 / n)
    assert client_latency_cdf(measured, 0.2, 2, 50, 400) == pytest.approx(0.99, abs=reach)
    assert client_latency_cdf(result["analytic_p99_ms"] / 1000, 0.2, 2, 50, 400) == pytest.approx(0.99, abs=1e-6)


def test_with_no_timeout_in_reach_the_client_sees_the_fitted_median_and_p99():
    _frames, result = run(**UNLOADED, timeout_ms=60000.0, retries=0)
    assert result["false_timeout_rate"] == 0
    n = result["calls"]
    mu, sigma = lognormal_fit(50, 400)
    # Empirical quantiles, checked through the fitted CDF as above: 4 sd of the
    # order statistic is 0.014 at the median and 0.0028 at the p99 for n = 20000.
    assert PHI.cdf((math.log(result["p50_ms"] / 1000) - mu) / sigma) == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / n))
    assert PHI.cdf((math.log(result["p99_ms"] / 1000) - mu) / sigma) == pytest.approx(
        0.99, abs=4 * math.sqrt(0.0099 / n)
    )


def test_the_server_still_does_the_work_of_abandoned_attempts():
    _frames, result = run(**UNLOADED, timeout_ms=200.0, retries=2)
    mu, sigma = lognormal_fit(50, 400)
    z = (math.log(0.2) - mu) / sigma
    # The lognormal's partial expectation: the share of all work that goes to attempts longer than t.
    share = PHI.cdf(sigma - z)  # 0.225
    # Its estimate is a ratio of sums over the attempts; by the delta method its variance
    # is (E[Y^2](1 - 2R) + R^2 E[X^2]) / (n E[X]^2) with Y = X 1{X > t}, R = share.
    ex = math.exp(mu + sigma**2 / 2)
    ex2 = math.exp(2 * mu + 2 * sigma**2)
    ey2 = ex2 * PHI.cdf(2 * sigma - z)
    sd = math.sqrt((ey2 * (1 - 2 * share) + share**2 * ex2) / (result["attempts"] * ex**2))  # ~0.005
    assert result["wasted_work_share"] == pytest.approx(share, abs=4 * sd)


def test_a_timeout_at_the_median_nearly_doubles_the_load_and_one_at_the_p99_9_does_not():
    _frames, median = run(**SCENARIO.preset("timeout-at-median").values)
    _frames, p999 = run(**SCENARIO.preset("timeout-at-p99-9").values)
    # ~12000 calls: at P = 0.5 the extra load's sd is sqrt(1.11 / 12000) = 0.0096, 4 sd = 0.04;
    # the share of attempts timed out has sd 0.0034 over ~22000 attempts, 4 sd = 0.014.
    assert median["false_timeout_rate"] == pytest.approx(0.5, abs=0.014)
    assert median["extra_load"] == pytest.approx(0.875, abs=0.04)
    assert median["failure_rate"] == pytest.approx(0.0625, abs=0.009)  # 4 x sqrt(.0625 x .9375 / 12000)
    assert p999["timeout_percentile"] == pytest.approx(99.9, abs=0.01)
    # P = 0.00096: ~12 timeouts in 12000 attempts, Poisson sd 3.5; 4 sd = 14 attempts = 0.0012.
    assert p999["false_timeout_rate"] == pytest.approx(0.00096, abs=0.0012)
    assert p999["extra_load"] < 0.003 and p999["failure_rate"] == 0


def _late_in_flight(frames, after_s=40.0):
    return max(f["series"]["in_flight"] for f in frames if f["t"] >= after_s)


def test_after_a_slowdown_retries_keep_a_server_overloaded_with_a_p99_timeout_but_not_a_p99_9_one():
    # Every threshold below held on each of seeds 1-10 (failure rate 0.65-0.67 against 0,
    # late queue ~25000 against ~50); the test runs two of them.
    for seed in (1, 2):
        frames, storm = run(seed, **SCENARIO.preset("retry-storm").values)
        assert storm["failure_rate"] > 0.4  # before the slowdown at 20 s nothing failed
        assert storm["extra_load"] > 1.5
        assert _late_in_flight(frames) > 5000  # the queue still grows 20 s after the slowdown
        frames, calm = run(seed, **SCENARIO.preset("slowdown-at-p99-9").values)
        assert calm["failure_rate"] < 0.001
        assert calm["extra_load"] < 0.01
        assert _late_in_flight(frames) < 200  # drained: 20 workers and a short queue


def test_dropping_expired_attempts_bounds_the_queue_and_the_wasted_work_but_does_not_end_the_storm():
    frames_kept, kept = run(**SCENARIO.preset("retry-storm").values)
    frames_dropped, dropped = run(**SCENARIO.preset("storm-dropping-expired").values)
    assert kept["dropped_attempts"] == 0 and dropped["dropped_attempts"] > 10000
    assert _late_in_flight(frames_dropped) < 1000 < _late_in_flight(frames_kept)
    assert dropped["wasted_work_share"] < kept["wasted_work_share"] - 0.1
    assert dropped["failure_rate"] > 0.4  # the retries still outrun the server
    # Without a worker limit there is no queue, so nothing is ever dropped.
    _frames, unlimited = run(**{**SCENARIO.preset("storm-dropping-expired").values, "server_workers": 0})
    assert unlimited["dropped_attempts"] == 0


def test_frames_add_up_and_stay_bounded():
    frames, result = run(**SCENARIO.preset("timeout-at-median").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    assert round(sum(f["series"]["calls_rps"] for f in frames) * step) == result["calls"]
    # Attempts and failures after the end of the run are followed but not charted.
    assert round(sum(f["series"]["attempts_rps"] for f in frames) * step) <= result["attempts"]
    assert round(sum(f["series"]["failures_rps"] for f in frames) * step) <= result["failed"]
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert all(set(f["series"]) == names for f in frames)
    assert {f["nodes"]["client"] for f in frames} >= {"degraded"}
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds[:1] == ["setup"] and "timeout" in kinds and "failure" in kinds and len(kinds) <= 20


@pytest.mark.parametrize("preset", [p.name for p in SCENARIO.presets])
def test_every_preset_runs_and_returns_every_required_result(preset):
    values = SCENARIO.preset(preset).values
    assert set(values) == {p.name for p in SCENARIO.params}  # every preset sets every parameter
    frames, result = run(**values)
    assert set(result) >= REQUIRED
    assert 0 < len(frames) <= 400


def test_the_same_seed_gives_the_same_run():
    params = {**SCENARIO.preset("retry-storm").values, "duration_s": 25.0}
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
