"""waiting-room against Little's law, the waits of a paced FIFO queue and exponential patience.

References: J. D. C. Little, "A Proof for the Queuing Formula: L = lambda W",
Operations Research 9(3), 1961 (a room that lets in a users/s for sessions of S
seconds has at most ceil(a S) sessions in progress, the sizing rule of the
"Virtual Waiting Room on AWS" implementation guide's inlet strategies); the FIFO
order of Cloudflare Waiting Room's default queueing method; the order
statistics of uniform arrivals (E[U_(k)] = k s / (N + 1)); exponential patience
as in the impatient-customer queueing models (Garnett, Mandelbaum and Reiman,
"Designing a Call Center with Impatient Customers", M&SOM 4(3), 2002), under
which a user facing a wait w gives up with probability 1 - exp(-w / mean); and
the goodput collapse of an overloaded server without load shedding (Beyer et
al., "Site Reliability Engineering", O'Reilly 2016, ch. 22).
"""

import math

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios.waiting_room import (
    SALE,
    SCENARIO,
    Users,
    count_inversions,
    draw_users,
    fifo_violations,
    run_room,
)

REQUIRED = {
    "admitted",
    "origin_overload_s",
    "max_wait_s",
    "priority_max_wait_s",
    "abandoned",
    "failed_requests",
    "mean_wait_s",
    "priority_mean_wait_s",
    "fifo_violations",
}


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def uniform_users(n, surge_s, patience_mean, seed, priority_share=0.0):
    params = {"surge_users": n, "surge_s": surge_s, "priority_share": priority_share, "patience_s": patience_mean}
    return draw_users(params, np.random.default_rng(seed))


def test_the_helpers_count_on_known_inputs():
    assert count_inversions(np.array([1.0, 2.0, 3.0])) == 0
    assert count_inversions(np.array([3.0, 2.0, 1.0])) == 3
    values = np.random.default_rng(0).permutation(200).astype(float)
    brute = sum(1 for i in range(200) for j in range(i + 1, 200) if values[i] > values[j])
    assert count_inversions(values) == brute
    # Users are numbered in arrival order: user 1 let in before user 0 jumps the queue once.
    assert fifo_violations(np.array([2.0, 1.0, 3.0]), np.zeros(3, dtype=bool)) == 1
    assert fifo_violations(np.array([2.0, 1.0, 3.0]), np.array([True, False, False])) == 0


def test_a_paced_room_lets_the_k_th_user_in_at_k_over_the_rate():
    # 2,000 users within 5 s (400/s) against 50/s: the queue never empties, so the
    # k-th arrival is let in at exactly k / a and waits k / a - its arrival.
    users = uniform_users(2000, 5.0, 0.0, seed=4)
    room = run_room(users, 50.0, horizon=1000.0)
    k = np.arange(1, 2001)
    assert np.allclose(room.let_in, k / 50.0, rtol=0, atol=1e-9)
    assert np.all(np.isnan(room.left))


@pytest.mark.parametrize(("rate", "session_s", "requests", "capacity"), [(20, 60, 10, 200), (7.5, 40, 4, 30)])
def test_a_room_sized_by_littles_law_keeps_the_origin_within_capacity(rate, session_s, requests, capacity):
    # admission_rate x requests_per_user == capacity exactly (the tightest case) and a x S
    # is a whole number: paced exactly, the sessions in progress never exceed a x S, so
    # the origin is never over capacity, not even for an instant.
    _frames, result = run(
        **{**SALE, "admission_rate": rate, "session_s": session_s, "requests_per_user": requests,
           "origin_capacity_rps": capacity, "patience_s": 0.0, "duration_s": 600.0}
    )  # fmt: skip
    assert result["origin_overload_s"] == 0
    assert result["failed_requests"] == 0
    # The queue stays long for more than one session, so Little's L = a x S is reached.
    assert result["peak_sessions"] == rate * session_s == result["peak_sessions_bound"]


@pytest.mark.parametrize(
    ("rate", "session_s", "requests"), [(19.7, 61.3, 10), (3.3, 47.0, 7), (0.9, 35.5, 3), (55.5, 20.25, 20)]
)
def test_sessions_in_progress_never_exceed_the_littles_law_bound(rate, session_s, requests):
    _frames, result = run(
        **{**SALE, "admission_rate": rate, "session_s": session_s, "requests_per_user": requests,
           "origin_capacity_rps": 100000.0, "patience_s": 0.0, "duration_s": 300.0}
    )  # fmt: skip
    assert result["peak_sessions"] <= math.ceil(rate * session_s) == result["peak_sessions_bound"]
    assert result["peak_sessions"] >= math.floor(rate * session_s)


def test_a_room_that_lets_in_faster_than_the_sizing_rule_overloads_the_origin():
    # 21 users/s x 10 requests = 210 req/s > 200: 1,260 sessions settle in, the
    # offered load passes 200 req/s once 1,201 are in progress (at 1,201 / 21 = 57.2 s)
    # and stays above it while the queue lasts.
    _frames, result = run(**{**SALE, "admission_rate": 21.0, "patience_s": 0.0, "load_shedding": True})
    assert result["overload_started_s"] == pytest.approx(1201 / 21, abs=1e-6)
    assert result["origin_overload_s"] > 100
    assert result["peak_sessions"] > 1200


@pytest.mark.parametrize("seed", range(1, 4))
def test_the_last_user_waits_the_queue_length_over_the_rate_minus_the_surge(seed):
    # With nobody giving up, user k is let in at k / a, so the longest wait is
    # N / a - U_(N) where U_(N) is the last arrival: N / a - s <= max_wait exactly,
    # and s - U_(N) exceeds 0.1 s with probability (1 - 0.1 / 30)^5000 = e^-16.7.
    _frames, result = run(seed, **{**SALE, "patience_s": 0.0})
    n, a, s = 5000, 20.0, 30.0
    assert n / a - s - 1e-6 <= result["max_wait_s"] <= n / a - s + 0.1
    # Mean wait: sum_k (k / a - U_(k)) / N = (N + 1) / (2a) - mean(U); the mean of
    # 5,000 uniforms on [0, 30] has sd 30 / sqrt(12 x 5000) = 0.12 s; 4 sd = 0.5 s.
    assert result["mean_wait_s"] == pytest.approx((n + 1) / (2 * a) - s / 2, abs=0.5)
    assert result["fifo_violations"] == 0
    assert result["abandoned"] == 0 and result["admitted"] == n


def test_priority_users_wait_only_behind_other_priority_users():
    # Everyone arrives at t = 0: the 1,000 priority users take ticks 1..1000, so the last
    # of them waits exactly 1000 / a and the last normal user N / a.
    _frames, result = run(**{**SALE, "surge_s": 0.0, "priority_share": 0.2, "patience_s": 0.0})
    assert result["priority_users"] == 1000
    assert result["priority_max_wait_s"] == pytest.approx(1000 / 20, abs=1e-9)
    assert result["priority_mean_wait_s"] == pytest.approx(1001 / 40, abs=1e-9)
    assert result["max_wait_s"] == pytest.approx(5000 / 20, abs=1e-9)
    assert result["fifo_violations"] == 0


def test_priority_users_arriving_faster_than_the_rate_queue_among_themselves():
    # 1,000 priority users over 30 s (33/s) outrun a = 20/s, so their queue never
    # empties: the last waits 1000 / a - U_(1000); s - U_(1000) > 0.3 s with
    # probability (1 - 0.3 / 30)^1000 = e^-10.
    _frames, result = run(**SCENARIO.preset("priority-first").values)
    assert 1000 / 20 - 30 - 1e-6 <= result["priority_max_wait_s"] <= 1000 / 20 - 30 + 0.3
    assert result["max_wait_s"] == pytest.approx(5000 / 20 - 30, abs=0.1)
    assert result["fifo_violations"] == 0


@pytest.mark.parametrize(("rate", "horizon"), [(50.0, 2000.0), (50.0, 150.0)])
def test_users_give_up_waiting_with_probability_one_minus_exp_of_wait_over_patience(rate, horizon):
    # A user's exposure (the wait until their turn, or until the run ended) depends only
    # on the users ahead of them, so each gives up with probability
    # p = 1 - exp(-exposure / mean) given the past: the count is a sum of such trials with
    # variance sum p (1 - p) (about 3,000 here, sd ~ 55); 4 sd of slack. The second case
    # ends the run while 12,500 users still wait, so exposures there are censored.
    users = uniform_users(20000, 30.0, 200.0, seed=11, priority_share=0.1)
    room = run_room(users, rate, horizon)
    p = -np.expm1(-room.exposure / 200.0)
    gave_up = int(np.sum(~np.isnan(room.left)))
    assert abs(gave_up - p.sum()) <= 4 * math.sqrt(np.sum(p * (1 - p)))
    # Half-patience (or any other rule) would be far off: 3,000 sd-units is not close.
    assert abs(np.sum(-np.expm1(-room.exposure / 100.0)) - gave_up) > 8 * math.sqrt(np.sum(p * (1 - p)))


@pytest.mark.parametrize("seed", range(1, 4))
def test_the_impatient_preset_loses_users_as_exponential_patience_predicts(seed):
    params = SCENARIO.with_defaults(SCENARIO.preset("impatient").values)
    _frames, result = run(seed, **params)
    # Redraw the same users and queue: the exposures are what the run's users faced.
    users = draw_users(params, np.random.default_rng(seed))
    room = run_room(users, params["admission_rate"], params["duration_s"])
    p = -np.expm1(-room.exposure[~np.isnan(room.exposure)] / params["patience_s"])
    # ~2,100 expected out of 5,000; variance sum p (1 - p) ~ 800, sd ~ 28; 4 sd.
    assert abs(result["abandoned_waiting"] - p.sum()) <= 4 * math.sqrt(np.sum(p * (1 - p)))
    assert result["abandoned_at_origin"] == 0  # sized room: no request fails
    assert result["admitted"] + result["abandoned"] == 5000


def test_users_built_by_hand_run_through_the_room():
    # Two normal users at t = 0, a priority user at t = 0.01: the priority user goes first.
    users = Users(np.array([0.0, 0.0, 0.01]), np.array([False, False, True]), np.full(3, math.inf), np.zeros(3))
    room = run_room(users, 10.0, horizon=100.0)
    assert room.let_in.tolist() == pytest.approx([0.2, 0.3, 0.1])


@pytest.mark.parametrize("seed", range(1, 4))
def test_without_a_room_the_surge_overloads_the_origin_and_goodput_collapses(seed):
    frames, result = run(seed, **SCENARIO.preset("no-room-collapse").values)
    n, s, capacity, session, r, timeout = 5000, 30.0, 200.0, 60.0, 10, 10.0
    assert result["origin_overload_s"] > 0 and result["failed_requests"] > 0
    # The load passes capacity when the (C S / r + 1)-th = 1,201st user arrives, before any
    # session can end: E[U_(k)] = k s / (N + 1); sd = s sqrt(k (N - k + 1)) / ((N + 1) sqrt(N + 2)) = 0.18 s.
    k = int(capacity * session / r) + 1
    sd = s * math.sqrt(k * (n - k + 1)) / ((n + 1) * math.sqrt(n + 2))
    assert result["overload_started_s"] == pytest.approx(k * s / (n + 1), abs=4 * sd)
    # Requests arrive at lambda t / g (lambda = N / s, g = S / r), so from t* = C g / lambda the
    # backlog grows as lambda (t - t*)^2 / (2 g) and requests start timing out when it holds
    # C x timeout: t* + sqrt(2 C T g / lambda) = 7.2 + 12 = 19.2 s. Over 40 seeds the run gave
    # sd 0.18 s, the spread of t* itself; the 0.25 s backlog step adds under 0.2 s of bias.
    lam, g = n / s, session / r
    t_star = capacity * g / lam
    assert result["failures_started_s"] == pytest.approx(t_star + math.sqrt(2 * capacity * timeout * g / lam), abs=0.8)
    # Past that point the backlog only grows (the load stays above C), so nothing succeeds
    # again and nobody completes a purchase.
    after = [f["series"]["succeeded_rps"] for f in frames if f["t"] > result["failures_started_s"] + 1]
    assert sum(after) == 0
    assert result["admitted"] == 0


def test_load_shedding_keeps_the_origin_answering_at_capacity_but_in_no_order():
    frames, result = run(**SCENARIO.preset("shedding-lottery").values)
    overloaded = [
        f["series"]["succeeded_rps"]
        for f in frames
        if result["failures_started_s"] + 2 < f["t"] < result["failures_started_s"] + 100
    ]
    # A shedding origin keeps its backlog at C x timeout and so answers C every second;
    # per 1 s frame the count is C +- the requests of one 0.25 s step boundary (~5 %).
    assert np.mean(overloaded) == pytest.approx(200, rel=0.02)
    assert result["admitted"] > 4000
    # Who gets through is luck: purchases end out of arrival order for a large share of pairs,
    # while the sized room keeps arrival order exactly.
    assert result["out_of_order_share"] > 0.3
    _frames, sized = run(**SCENARIO.preset("room-sized").values)
    assert sized["out_of_order_share"] == 0
    assert sized["failed_requests"] == 0


def test_frames_add_up_to_the_result_and_stay_bounded():
    frames, result = run(**{**SALE, "priority_share": 0.1, "patience_s": 300.0})
    width = frames[0]["t"]
    assert len(frames) <= 400
    assert round(sum(f["series"]["let_in_per_s"] for f in frames) * width) == result["let_in"]
    assert round(sum(f["series"]["failed_rps"] for f in frames) * width) == result["failed_requests"]
    assert round(sum(f["series"]["succeeded_rps"] for f in frames) * width) == result["successful_requests"]
    assert frames[-1]["series"]["purchased"] == result["admitted"]
    assert frames[-1]["series"]["abandoned"] == result["abandoned"]
    assert (
        max(f["series"]["waiting_normal"] + f["series"]["waiting_priority"] for f in frames) <= result["peak_waiting"]
    )
    kinds = {e["kind"] for f in frames for e in f["events"]}
    assert {"surge", "queue_peak", "last_let_in"} <= kinds
    assert {f["nodes"]["room"] for f in frames} >= {"busy"}
    no_room, _ = run(**SCENARIO.preset("no-room-collapse").values)
    assert {f["nodes"]["room"] for f in no_room} == {"idle"}
    assert "down" in {f["nodes"]["origin"] for f in no_room}
    assert {"origin_over", "requests_failing"} <= {e["kind"] for f in no_room for e in f["events"]}


def test_every_preset_runs_and_returns_every_required_result_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        frames, result = run(**preset.values)
        assert set(result) >= REQUIRED, preset.name
        assert 0 < len(frames) <= 400
        assert result["fifo_violations"] == 0


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("impatient").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
