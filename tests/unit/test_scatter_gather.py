"""scatter-gather against the tail-latency arithmetic of fan-out requests.

References:
- J. Dean, L. A. Barroso, "The Tail at Scale", Communications of the ACM 56(2),
  2013: with a 1-in-100 chance that a leaf answer is slow and 100 leaves, a root
  request is slow with probability 1 - 0.99^100 = 63%; hedged requests sent after
  the 95th-percentile latency cost about 5% more load and make a leaf slow only
  when both copies are (p^2 for independent replicas).
- Order statistics: the root waits for the maximum of n independent leaf times,
  whose CDF is F(t)^n; a sample quantile of R draws has standard error
  sqrt(q (1 - q) / R) / f(t_q).
The leaf latency is lognormal (median base_ms, sigma 0.5), plus slow_ms with
probability slow_prob; the tests compute its CDF with statistics.NormalDist.
"""

import math
from statistics import NormalDist

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.scatter_gather import SCENARIO

Z = NormalDist()
SIGMA = 0.5
REQUIRED = ("p50_ms", "p99_ms", "p999_ms", "slow_fraction", "extra_load", "completeness")
BASE = {"leaves": 100, "base_ms": 10.0, "slow_prob": 0.01, "slow_ms": 1000.0, "hedge_after_ms": 0.0,
        "deadline_ms": 0.0, "requests": 2000}  # fmt: skip


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    return run(seed, **params)[1]


def leaf_late(t, base_ms=10.0, slow_prob=0.01, slow_ms=1000.0):
    """P(one leaf copy has not answered by t ms)."""

    def fast_late(x):
        return 1.0 if x <= 0 else 1 - Z.cdf(math.log(x / base_ms) / SIGMA)

    return (1 - slow_prob) * fast_late(t) + slow_prob * fast_late(t - slow_ms)


def binomial_tolerance(p, n):
    """4 standard errors of a proportion p estimated from n independent trials."""
    return 4 * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize(
    ("p", "leaves", "requests"),
    [(0.01, 100, 10000), (0.01, 1, 5000), (0.001, 100, 5000), (0.05, 20, 5000), (0.002, 500, 1000)],
)
def test_a_root_request_is_slow_with_probability_one_minus_one_minus_p_to_the_n(p, leaves, requests):
    res = result(slow_prob=p, leaves=leaves, requests=requests)
    # The fast path reaches 1000 ms with probability 1 - Phi(ln(100)/0.5) ~ 1e-20, so a
    # leaf is slow with probability p. Tolerance: binomial, 4 standard errors over the
    # requests (0.019 for the 63% case at 10000 requests).
    expected = 1 - (1 - p) ** leaves
    assert res["slow_fraction"] == pytest.approx(expected, abs=binomial_tolerance(expected, requests))
    assert res["expected_slow_fraction"] == pytest.approx(expected, abs=1e-6)


def test_the_tail_at_scale_case_makes_the_median_request_slow():
    res = result(**SCENARIO.preset("tail-at-scale").values)
    # 63% of requests wait for a slow leaf, so the median root request takes over 1 s,
    # while one leaf's median stays near base_ms (within 4 sd of a sample median: 0.4 ms).
    assert res["p50_ms"] >= 1000
    assert res["leaf_p50_ms"] == pytest.approx(10.0, abs=0.5)


def test_without_slow_leaves_the_root_waits_for_the_maximum_of_n_lognormals():
    leaves, requests = 100, 5000
    res = result(slow_prob=0.0, leaves=leaves, requests=requests)
    for q, key in ((0.5, "p50_ms"), (0.99, "p99_ms")):
        # Root time = max of n leaves: P(T <= t) = Phi(z)^n, so t_q = base exp(sigma Phi^-1(q^(1/n))).
        z = Z.inv_cdf(q ** (1 / leaves))
        t_q = 10.0 * math.exp(SIGMA * z)
        density = leaves * Z.cdf(z) ** (leaves - 1) * Z.pdf(z) / (SIGMA * t_q)
        # Sample quantile standard error sqrt(q(1-q)/R)/f(t_q): 0.12 ms at p50 (t = 34 ms),
        # 1.1 ms at p99 (t = 64 ms); 4 of them.
        assert res[key] == pytest.approx(t_q, abs=4 * math.sqrt(q * (1 - q) / requests) / density)
    # One leaf's p99 is base exp(sigma 2.326) = 32 ms, half the root's 64 ms; the sample
    # p99 of 5000 draws has sd sqrt(.01*.99/5000)/f = 0.6 ms.
    leaf_p99 = 10.0 * math.exp(SIGMA * Z.inv_cdf(0.99))
    leaf_density = Z.pdf(Z.inv_cdf(0.99)) / (SIGMA * leaf_p99)
    assert res["leaf_p99_ms"] == pytest.approx(leaf_p99, abs=4 * math.sqrt(0.01 * 0.99 / requests) / leaf_density)


@pytest.mark.parametrize(("p", "leaves"), [(0.05, 100), (0.1, 20)])
def test_a_hedged_leaf_is_slow_only_when_both_copies_are(p, leaves):
    requests, hedge = 5000, 100.0
    plain = result(slow_prob=p, leaves=leaves, requests=requests)
    hedged = result(slow_prob=p, leaves=leaves, requests=requests, hedge_after_ms=hedge)
    # Hedging at 100 ms (the fast path passes 100 ms with probability 2e-6, and a
    # second fast copy ends by 100 + ~60 ms < 1000): a leaf is slow iff both copies
    # are, p^2. Binomial tolerance over the requests (at most 0.024).
    both = 1 - (1 - p * p) ** leaves  # 0.221 and 0.182
    assert hedged["slow_fraction"] == pytest.approx(both, abs=binomial_tolerance(both, requests))
    one = 1 - (1 - p) ** leaves  # 0.994 and 0.878
    assert plain["slow_fraction"] == pytest.approx(one, abs=binomial_tolerance(one, requests))
    # Extra load = P(no answer by the hedge time): over R x n independent leaf requests,
    # 4 standard errors are 0.0012 (p = 0.05) and 0.0027 (p = 0.1).
    late = leaf_late(hedge, slow_prob=p)
    assert hedged["extra_load"] == pytest.approx(late, abs=binomial_tolerance(late, requests * leaves))
    assert plain["extra_load"] == 0


def test_hedging_after_the_95th_percentile_costs_about_five_percent_more_load():
    params = SCENARIO.preset("hedge-at-p95").values
    h = params["hedge_after_ms"]
    # The preset's 24 ms is the leaf's 95th percentile: P(L > 24 ms) = 0.99 x (1 -
    # Phi(ln 2.4 / 0.5)) + 0.01 = 0.0496.
    late = leaf_late(h)
    assert late == pytest.approx(0.05, abs=0.001)
    res = result(**params)
    requests, leaves = params["requests"], params["leaves"]
    # 200,000 leaf requests: 4 standard errors of the hedged share are 0.0019.
    assert res["extra_load"] == pytest.approx(late, abs=binomial_tolerance(late, requests * leaves))
    # Slow only if both copies are slow: 1 - (1 - 0.01^2)^100 = 0.00995 instead of 0.63;
    # 4 binomial standard errors over 2000 requests are 0.009.
    both = 1 - (1 - 0.01**2) ** leaves
    assert res["slow_fraction"] == pytest.approx(both, abs=binomial_tolerance(both, requests))
    assert res["p50_ms"] < 100 < 1000 <= result(**SCENARIO.preset("tail-at-scale").values)["p50_ms"]


@pytest.mark.parametrize(("deadline", "hedge"), [(20.0, 0.0), (50.0, 0.0), (50.0, 20.0), (1500.0, 0.0)])
def test_completeness_is_the_chance_a_leaf_answers_before_the_deadline(deadline, hedge):
    requests, leaves = 2000, 100
    res = result(deadline_ms=deadline, hedge_after_ms=hedge, requests=requests, leaves=leaves)
    late = leaf_late(deadline)
    if hedge:
        late *= leaf_late(deadline - hedge)  # the answer is missing only if both copies are
    # Leaf answers are independent: binomial over 200,000 of them (at most 0.0028).
    assert res["completeness"] == pytest.approx(1 - late, abs=binomial_tolerance(late, requests * leaves))
    # The root never waits past its deadline, so nothing slower is ever seen.
    assert res["p999_ms"] <= deadline
    if deadline < 1000:
        assert res["slow_fraction"] == 0


def test_a_deadline_answers_at_the_deadline_when_a_leaf_is_missing():
    frames, res = run(**SCENARIO.preset("deadline").values)
    # P(all 100 leaves by 50 ms) = (1 - 0.0106)^100 = 0.34; so p50 and above sit at 50 ms.
    assert res["p50_ms"] == res["p99_ms"] == 50.0
    assert res["partial_fraction"] == pytest.approx(
        1 - (1 - leaf_late(50.0)) ** 100, abs=binomial_tolerance(0.66, 2000)
    )
    assert "partial" in [e["kind"] for f in frames for e in f["events"]]
    assert "degraded" in {f["nodes"]["root"] for f in frames}


def test_frames_grow_to_the_result():
    frames, res = run(**SCENARIO.preset("hedge-at-p95").values)
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert len(frames) <= 400
    assert all(set(f["series"]) == names for f in frames)
    assert [f["t"] for f in frames] == sorted(f["t"] for f in frames)
    last = frames[-1]
    assert last["progress"] == 1.0
    for key in ("p50_ms", "p99_ms", "p999_ms", "slow_fraction", "extra_load", "completeness"):
        assert last["series"][key] == res[key]
    # The client sends requests back to back: the clock is the sum of root latencies.
    assert last["t"] == pytest.approx(res["mean_ms"] * 2000 / 1000, rel=1e-4)
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds.count("hedge") == 1 and kinds.count("milestone") == 4
    assert {"ok", "busy"} <= {f["nodes"]["leaf1"] for f in frames}
    assert {f["nodes"]["rest"] for f in frames} <= {"ok", "busy"}


def test_unused_leaf_boxes_are_idle():
    frames, _res = run(leaves=3, requests=50)
    assert {f["nodes"]["leaf4"] for f in frames} == {"idle"}
    assert {f["nodes"]["rest"] for f in frames} == {"idle"}


def test_every_preset_runs_and_returns_every_required_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        frames, res = run(**preset.values)
        assert frames and all(key in res for key in REQUIRED), preset.name


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("hedge-at-p95").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
