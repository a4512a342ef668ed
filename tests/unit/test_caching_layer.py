"""caching-layer against the analytic hit ratios of LRU and TTL caches and the M/M/c queue.

References:
- Che's approximation for an LRU cache under the independent reference model:
  H. Che, Y. Tung, Z. Wang, "Hierarchical Web caching systems: modeling, design
  and experimental results", IEEE JSAC 20(7), 2002; shown to be very accurate by
  C. Fricker, P. Robert, J. Roberts, "A versatile and accurate approximation for
  LRU cache performance", ITC 24, 2012.
- A TTL cache whose entries live T from the miss that stored them, under Poisson
  requests at rate lambda: each key is hit with probability lambda T / (1 + lambda T)
  (a renewal argument: one miss, then lambda T hits on average, per cycle).
- Uniform popularity: an LRU cache of C entries over N equally popular keys hits
  exactly C / N of the requests.
- The Erlang C formula for the mean response time of an M/M/c queue (Erlang 1917;
  any queueing text, e.g. Harchol-Balter, "Performance Modeling and Design of
  Computer Systems", 2013, ch. 14).
"""

import math
import random

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.caching_layer import (
    Backend,
    che_hit_ratio,
    ttl_hit_ratio,
    zipf_probabilities,
)

SCENARIO = get("caching-layer")

REQUIRED = {"hit_ratio", "backend_rps", "p99_ms", "backend_overloaded_s"}

# A backend so fast (one worker, 0.2 ms per request, a fifth busy at 1000 req/s) that a
# miss's response is stored almost at once: the cache then behaves as the
# analytic models assume, which store the object at the moment of the miss.
FAST_BACKEND = {
    "backend_capacity_rps": 5000.0,
    "backend_workers": 1,
    "hit_ms": 1.0,
    "flush_at_s": 0.0,
    "coalescing": False,
}


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def test_the_analytic_hit_ratios_on_known_inputs():
    uniform = zipf_probabilities(500, 0.0)
    assert che_hit_ratio(uniform, 100) == pytest.approx(100 / 500, rel=1e-9)  # exact for uniform popularity
    assert che_hit_ratio(uniform, 500) == 1.0  # every key fits
    assert che_hit_ratio(uniform, 0) == 0.0
    one_key = np.array([1.0])
    assert ttl_hit_ratio(one_key, 10.0, 0.5) == pytest.approx(5 / 6)  # lambda T = 5: 5 hits per miss
    assert ttl_hit_ratio(one_key, 10.0, 0.0) == 1.0  # no expiry
    skewed = zipf_probabilities(1000, 1.0)
    assert skewed[0] / skewed[9] == pytest.approx(10.0)  # p_i proportional to 1/i
    assert che_hit_ratio(skewed, 100) > che_hit_ratio(zipf_probabilities(1000, 0.0), 100)  # skew helps a cache


def _binomial_tolerance(p: float, n: int) -> float:
    # Hits are close to independent Bernoulli trials: over 30 seeds of these
    # configurations the seed-to-seed spread of the steady hit ratio was 0.7-1.25x
    # the binomial sqrt(p(1-p)/n) (LRU correlates successive hits a little, a TTL
    # spaces misses out). Five binomial standard errors are 4 of the widest spread
    # seen; Che's own error is far smaller (Fricker et al.), and the mean over the
    # same 30 seeds was within 0.001 of it in every configuration.
    return 5 * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize(
    ("keys", "zipf_s", "cache_size"),
    [(1000, 0.8, 100), (5000, 1.0, 500), (200, 0.6, 20)],
)
def test_lru_steady_hit_ratio_matches_ches_approximation(keys, zipf_s, cache_size):
    _frames, result = run(
        keys=keys, zipf_s=zipf_s, cache_size=cache_size, ttl_s=0.0, request_rate=1000.0, duration_s=20.0, **FAST_BACKEND
    )
    expected = che_hit_ratio(zipf_probabilities(keys, zipf_s), cache_size)
    assert result["analytic_hit_ratio"] == pytest.approx(expected, abs=1e-6)
    # n ~ 10000 requests in the second half: e.g. at p = 0.38, 5 x sqrt(.38 x .62 / 10000) = 0.024.
    n = result["requests"] // 2
    assert result["steady_hit_ratio"] == pytest.approx(expected, abs=_binomial_tolerance(expected, n))


@pytest.mark.parametrize(("keys", "zipf_s", "ttl_s"), [(1000, 0.8, 2.0), (500, 1.2, 0.5)])
def test_a_large_cache_with_a_ttl_hits_lambda_t_over_one_plus_lambda_t(keys, zipf_s, ttl_s):
    _frames, result = run(
        keys=keys, zipf_s=zipf_s, cache_size=keys, ttl_s=ttl_s, request_rate=1000.0, duration_s=20.0, **FAST_BACKEND
    )
    p = zipf_probabilities(keys, zipf_s)
    expected = float(np.sum(p * (p * 1000 * ttl_s) / (1 + p * 1000 * ttl_s)))
    assert result["analytic_hit_ratio"] == pytest.approx(expected, abs=1e-6)
    assert result["lru_limit_hit_ratio"] == 1.0  # every key fits: only the TTL limits the cache
    # n ~ 10000: at p = 0.74, 5 x sqrt(.74 x .26 / 10000) = 0.022.
    n = result["requests"] // 2
    assert result["steady_hit_ratio"] == pytest.approx(expected, abs=_binomial_tolerance(expected, n))


def test_with_uniform_popularity_an_lru_cache_hits_its_share_of_the_keys():
    _frames, result = run(
        keys=400, zipf_s=0.0, cache_size=100, ttl_s=0.0, request_rate=1000.0, duration_s=20.0, **FAST_BACKEND
    )
    # Exact for LRU (any policy) under uniform requests: C/N = 0.25. n ~ 10000, binomial
    # sd = sqrt(.25 x .75 / 10000) = 0.0043; 5 sd = 0.022.
    assert result["steady_hit_ratio"] == pytest.approx(0.25, abs=0.022)


def test_with_both_limits_the_hit_ratio_lies_below_each():
    _frames, result = run(
        keys=1000, zipf_s=0.9, cache_size=100, ttl_s=0.2, request_rate=1000.0, duration_s=20.0, **FAST_BACKEND
    )
    assert result["analytic_hit_ratio"] is None
    lru, ttl = result["lru_limit_hit_ratio"], result["ttl_limit_hit_ratio"]  # 0.476 and 0.443
    # n ~ 10000 at p ~ 0.45: the binomial sd is 0.005; 4 sd = 0.02 of slack above the smaller limit.
    assert result["steady_hit_ratio"] <= min(lru, ttl) + 0.02
    # The TTL bites: it takes the ratio at least 0.025 (5 sd) below what LRU alone would give.
    assert result["steady_hit_ratio"] < lru - 0.025


def _erlang_c_mean_response(arrival_rate: float, workers: int, service_rate: float) -> float:
    a = arrival_rate / service_rate
    rho = a / workers
    below = sum(a**k / math.factorial(k) for k in range(workers))
    top = a**workers / math.factorial(workers) / (1 - rho)
    wait_probability = top / (below + top)
    return wait_probability / (workers * service_rate - arrival_rate) + 1 / service_rate


def test_the_backend_is_an_m_m_c_queue_with_the_erlang_c_response_time():
    rng = random.Random(3)
    workers, capacity, rate = 4, 100.0, 70.0  # each worker serves 25/s; load 0.7
    draws = [rng.expovariate(1.0) for _ in range(200_000)]
    backend = Backend(workers, capacity, draws)
    t, responses = 0.0, []
    for _ in range(200_000):
        t += rng.expovariate(rate)
        responses.append(backend.submit(t) - t)
    expected = _erlang_c_mean_response(rate, workers, capacity / workers)  # 0.0509 s
    # Response times are correlated, so the standard error comes from 100 batch means
    # of 2000 requests each (a batch spans ~29 s, far longer than the queue's memory).
    batches = [sum(responses[i : i + 2000]) / 2000 for i in range(0, 200_000, 2000)]
    mean = sum(batches) / len(batches)
    std_error = math.sqrt(sum((b - mean) ** 2 for b in batches) / (len(batches) - 1) / len(batches))
    assert mean == pytest.approx(expected, abs=4 * std_error)
    assert std_error < 0.01 * expected  # the check is tight: 4 sigma is under 4 % of the value


def test_without_a_cache_every_request_waits_at_the_backend():
    _frames, result = run(
        keys=100, zipf_s=1.0, cache_size=0, ttl_s=0.0, request_rate=140.0, backend_capacity_rps=200.0,
        backend_workers=4, hit_ms=1.0, duration_s=120.0, flush_at_s=0.0, coalescing=False,
    )  # fmt: skip
    assert result["hit_ratio"] == 0.0
    assert result["backend_requests"] == result["requests"]
    # Erlang C: 4 workers at 50/s each, load 0.7: 27.1 ms, plus 1 ms of lookup. The
    # ~16800 response times are correlated through the queue: over 40 seeds the
    # run-to-run spread of their mean was 3.2 % of it; 4 sd = 13 %.
    expected_ms = _erlang_c_mean_response(140.0, 4, 50.0) * 1000 + 1.0
    assert result["mean_ms"] == pytest.approx(expected_ms, rel=0.13)


def test_a_cold_cache_sends_most_traffic_to_the_backend_then_warms_up():
    frames, result = run(**SCENARIO.preset("cold-start").values)
    step = frames[0]["t"]
    first_second = frames[: round(1 / step)]
    first_backend = sum(f["series"]["backend_rps"] for f in first_second) / len(first_second)
    # Cold: well over half of the 500 req/s miss in the first second; warm (Che):
    # (1 - 0.768) x 500 = 116 req/s.
    assert first_backend > 250
    assert result["steady_backend_rps"] == pytest.approx(500 * (1 - result["lru_limit_hit_ratio"]), rel=0.1)
    assert frames[0]["nodes"]["cache"] == "degraded" and frames[-1]["nodes"]["cache"] == "ok"
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds.index("cold") < kinds.index("warm")
    assert "overloaded" in kinds and "recovered" in kinds  # 500 req/s of misses against 200 of capacity


def test_a_cache_restart_overloads_the_backend_and_coalescing_softens_it():
    frames, herd = run(**SCENARIO.preset("restart-herd").values)
    _frames, coalesced = run(**SCENARIO.preset("restart-coalesced").values)
    flush_frame = next(i for i, f in enumerate(frames) if any(e["kind"] == "flush" for e in f["events"]))
    before = frames[flush_frame - 1]["series"]["backend_rps"]
    after = frames[flush_frame + 1]["series"]["backend_rps"]
    assert before < 200 < after  # under capacity while warm, over it right after the flush
    assert herd["duplicate_fetches"] > 0 and coalesced["duplicate_fetches"] == 0
    assert coalesced["coalesced"] > 0
    assert coalesced["backend_requests"] < herd["backend_requests"]
    assert coalesced["peak_backend_rps"] < herd["peak_backend_rps"]
    assert coalesced["backend_overloaded_s"] <= herd["backend_overloaded_s"]
    assert coalesced["p99_ms"] < herd["p99_ms"]


def test_frames_add_up_to_the_result_and_stay_bounded():
    frames, result = run(**SCENARIO.preset("restart-herd").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    assert round(sum(f["series"]["backend_rps"] for f in frames) * step) == result["backend_requests"]
    assert round(sum(f["series"]["request_rps"] for f in frames) * step) == result["requests"]
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert all(set(f["series"]) == names for f in frames)
    assert all(set(f["nodes"]) == {"clients", "cache", "backend"} for f in frames)
    assert {f["nodes"]["backend"] for f in frames} >= {"ok", "degraded"}
    assert frames[-1]["t"] == pytest.approx(40.0) and frames[-1]["progress"] == 1.0
    assert sum(len(f["events"]) for f in frames) <= 40


@pytest.mark.parametrize("preset", [p.name for p in SCENARIO.presets])
def test_every_preset_runs_and_returns_every_required_result(preset):
    values = SCENARIO.preset(preset).values
    assert set(values) == {p.name for p in SCENARIO.params}  # every preset sets every parameter
    frames, result = run(**values)
    assert set(result) >= REQUIRED
    assert 0 < len(frames) <= 400


def test_the_same_seed_gives_the_same_run():
    params = {**SCENARIO.preset("restart-herd").values, "duration_s": 20.0, "flush_at_s": 10.0}
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
