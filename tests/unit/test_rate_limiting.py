"""rate-limiting against what each algorithm guarantees.

References: the token bucket's conformance bound (at most burst + rate x T
requests in any interval of length T; RFC 2697 / RFC 4115 use the same
definition); the fixed window's boundary weakness (up to twice the limit in one
second across a window edge) and the sliding log's exact limit, as the
Cloudflare and Stripe engineering write-ups on rate limiting describe them.
Jain's fairness index: R. Jain, D. Chiu, W. Hawe, "A Quantitative Measure of
Fairness and Discrimination for Resource Allocation", DEC-TR-301, 1984.
"""

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.rate_limiting import jain_index, max_in_any_window

SCENARIO = get("rate-limiting")


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def test_jain_index_and_the_sliding_count_on_known_inputs():
    assert jain_index([5, 5, 5, 5]) == 1.0
    assert jain_index([8, 0, 0, 0]) == 0.25  # one of four takes everything: 1/n
    assert jain_index([3, 1]) == pytest.approx(16 / 20)
    assert max_in_any_window([0.0, 0.5, 0.99, 1.0, 1.2, 3.0]) == 4  # [0.5, 1.5) holds 0.5, 0.99, 1.0, 1.2
    assert max_in_any_window([2.0] * 7 + [2.999]) == 8


@pytest.mark.parametrize("seed", range(1, 6))
def test_a_token_bucket_never_admits_more_than_burst_plus_rate_times_time(seed):
    _frames, result = run(
        seed, algorithm="token_bucket", rate_per_s=20, burst=30, offered_rps=60, spike_requests=100,
        spike_at_s=7.3, duration_s=40, clients=4,
    )  # fmt: skip
    assert result["admitted"] <= 30 + 20 * 40
    assert result["max_admitted_in_any_second"] <= 30 + 20 * 1


def test_under_sustained_overload_a_token_bucket_admits_exactly_its_bound():
    # Tokens accrue continuously and, with arrivals at 4x the rate, each is taken
    # within ~1/200 s; only the refill after the last arrival is unused. That
    # leaves at most a couple of tokens (P(no arrival in the last 0.04 s) = e^-8),
    # hence the tolerance of 3.
    _frames, result = run(**SCENARIO.preset("overload").values)
    bound = 100 + 50 * 60
    assert bound - 3 <= result["admitted"] <= bound
    assert result["admitted"] + result["rejected"] == result["offered"]


def test_below_its_rate_a_limiter_rejects_nothing():
    for algorithm in ("token_bucket", "sliding_window", "fixed_window"):
        _frames, result = run(
            algorithm=algorithm, rate_per_s=50, burst=50, offered_rps=5, spike_requests=0, duration_s=60, clients=3
        )
        assert result["rejected"] == 0, algorithm


def test_a_fixed_window_lets_twice_the_rate_through_across_a_boundary_and_a_sliding_log_does_not():
    boundary = SCENARIO.preset("window-boundary").values
    _frames, fixed = run(**boundary)
    _frames, sliding = run(**{**boundary, "algorithm": "sliding_window"})
    assert fixed["max_admitted_in_any_second"] == 2 * 10  # 10 at 9.95 s, 10 more at 10.05 s
    assert sliding["max_admitted_in_any_second"] == 10
    assert sliding["admitted"] == 10


@pytest.mark.parametrize("seed", range(1, 4))
def test_the_windows_hold_their_bounds_under_random_load(seed):
    params = dict(rate_per_s=15, burst=1, offered_rps=40, spike_requests=30, spike_at_s=4.97, spike_gap_s=0.06,
                  duration_s=30, clients=6)  # fmt: skip
    _frames, fixed = run(seed, algorithm="fixed_window", **params)
    _frames, sliding = run(seed, algorithm="sliding_window", **params)
    assert fixed["max_admitted_in_any_second"] <= 2 * 15
    assert sliding["max_admitted_in_any_second"] <= 15


def test_a_burst_from_one_client_makes_the_admitted_shares_less_fair():
    calm = dict(algorithm="token_bucket", rate_per_s=20, burst=200, offered_rps=30, spike_at_s=5, duration_s=30,
                clients=10)  # fmt: skip
    _frames, even = run(**calm, spike_requests=0)
    _frames, spiked = run(**calm, spike_requests=400)
    # 10 clients with ~80 admitted each (Poisson, CV ~ 0.11) give J = 1/(1 + CV^2) ~ 0.99.
    assert even["jain_index"] >= 0.95
    # With the spike: the bucket holds 200 - (30 - 20) x 5 = 150 tokens at 5 s and the
    # spike takes them all, so client 1 gets ~150 + 65 and the others ~65 each:
    # J = 800^2 / (10 x (215^2 + 9 x 65^2)) ~ 0.76.
    assert spiked["jain_index"] == pytest.approx(0.76, abs=0.05)


def test_frames_add_up_to_the_result_and_stay_bounded():
    frames, result = run(**SCENARIO.preset("bucket-absorbs-burst").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    assert round(sum(f["series"]["admitted"] for f in frames) * step) == result["admitted"]
    assert round(sum(f["series"]["rejected"] for f in frames) * step) == result["rejected"]
    assert any(e["kind"] == "spike" for f in frames for e in f["events"])
    assert {f["nodes"]["limiter"] for f in frames} == {"ok", "busy"}


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("bucket-absorbs-burst").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
