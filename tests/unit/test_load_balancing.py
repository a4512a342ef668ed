"""load-balancing against queueing theory.

References:
- M/M/1 mean response S / (1 - rho) for each replica under random routing (a
  random split of a Poisson stream is Poisson), and Pollaczek-Khinchine for
  M/G/1: mean wait rho S (1 + cv^2) / (2 (1 - rho)) (L. Kleinrock, Queueing
  Systems vol. 1, 1975, ch. 3 and 5.6).
- GI/M/1 (round robin hands each replica every N-th request: Erlang-N
  interarrivals): sojourn time exponential with rate mu (1 - sigma), sigma the
  root in (0, 1) of sigma = A*(mu (1 - sigma)) (Kleinrock 1975, ch. 6.4).
- Erlang C for M/M/c: mean wait C(c, a) S / (c - a), the lower bound for join
  the shortest queue; JSQ is no worse than random routing (W. Winston,
  "Optimality of the shortest line discipline", J. Appl. Prob. 14, 1977).
- M. Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing",
  IEEE TPDS 12(10), 2001: for d = 2 the expected time in system tends to
  sum_{i>=1} lambda^(2^i - 2) as n -> infinity (mean service 1).
- Sampling error of a mean response over n requests: W. Whitt, "Planning
  queueing simulations", Management Science 35(11), 1989: the time-average
  number in an M/M/1 queue has asymptotic variance 2 rho (1 + rho) / (1 - rho)^4
  per unit time (mu = 1); by Little's law the mean response over n requests
  then has variance 2 (1 + rho) / ((1 - rho)^4 n) in units of S^2.
"""

import math

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.load_balancing import (
    SCENARIO,
    LeastConnections,
    TwoChoices,
    fifo_departures,
    removal_time,
)

REQUIRED = ("mean_response_ms", "p99_response_ms", "max_queue", "errors")
# Mean service 1 s, so a response time in ms / 1000 is in units of S.
UNIT = {"mean_service_ms": 1000.0, "slow_server_at_s": 0.0, "readiness_checks": False, "service_dist": "exponential"}


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def mean_response_s(seed=1, **params) -> float:
    return run(seed, **{**UNIT, **params})[1]["mean_response_ms"] / 1000


def mm1_sd_of_mean(rho: float, n: int) -> float:
    """Standard error of the mean response (units of S) over n requests of M/M/1 queues (Whitt 1989)."""
    return math.sqrt(2 * (1 + rho) / ((1 - rho) ** 4 * n))


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load a = lambda S (a < c)."""
    below = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (below + top)


def erlang_arrivals_sigma(servers: int, rho: float) -> float:
    """GI/M/1 root for Erlang-`servers` interarrivals at rate rho x servers (mu = 1)."""
    sigma = 0.5
    for _ in range(500):
        sigma = (rho * servers / (rho * servers + 1 - sigma)) ** servers
    return sigma


def test_the_registry_finds_the_scenario():
    assert get("load-balancing") is SCENARIO


def test_fifo_departures_follow_the_recursion_on_known_inputs():
    arrivals = np.array([0.0, 1.0, 1.5, 10.0, 10.5])
    services = np.array([2.0, 1.0, 1.0, 1.0, 0.25])
    # 0+2; max(1, 2)+1; max(1.5, 3)+1; idle until 10: 10+1; max(10.5, 11)+0.25
    assert fifo_departures(arrivals, services).tolist() == [2.0, 3.0, 4.0, 11.0, 11.25]


def present_at(arrivals, departures, routes, i, servers):
    """Requests at each replica just before request i arrives (brute force)."""
    return [sum(1 for k in range(i) if routes[k] == j and departures[k] > arrivals[i]) for j in range(servers)]


def departures_of(arrivals, services, mine):
    """One FIFO server's departures for the requests `mine`, step by step."""
    done, out = 0.0, []
    for i in mine:
        done = max(arrivals[i], done) + services[i]
        out.append(done)
    return out


def test_least_connections_always_picks_a_replica_with_the_fewest_requests():
    rng = np.random.default_rng(3)
    n, servers, cut = 1500, 5, 900
    arrivals = np.cumsum(rng.exponential(1 / 4.5, n)).tolist()  # 90 % of 5 replicas of mean 1
    services = rng.exponential(1.0, n).tolist()
    departures, routes = [0.0] * n, [0] * n
    router = LeastConnections(servers, n)
    router.route(arrivals, services, departures, routes, 0, cut, n)
    router.remove(0)
    router.route(arrivals, services, departures, routes, cut, n, n)
    for i in range(0, n, 7):
        counts = present_at(arrivals, departures, routes, i, servers)
        allowed = range(servers) if i < cut else range(1, servers)
        assert counts[routes[i]] == min(counts[j] for j in allowed), i
        assert i < cut or routes[i] != 0
    for j in range(servers):  # and every replica stays FIFO
        mine = [i for i in range(n) if routes[i] == j]
        assert departures_of(arrivals, services, mine) == [departures[i] for i in mine]


def test_two_choices_take_the_shorter_of_the_two_candidates():
    rng = np.random.default_rng(4)
    n, servers = 1500, 6
    arrivals = np.cumsum(rng.exponential(1 / 5.4, n)).tolist()
    services = rng.exponential(1.0, n).tolist()
    first, second = rng.integers(servers, size=n).tolist(), rng.integers(servers, size=n).tolist()
    departures, routes = [0.0] * n, [0] * n
    TwoChoices(servers, first, second).route(arrivals, services, departures, routes, 0, n, n)
    for i in range(0, n, 7):
        counts = present_at(arrivals, departures, routes, i, servers)
        assert routes[i] in (first[i], second[i])
        assert counts[routes[i]] == min(counts[first[i]], counts[second[i]]), i


def test_the_slow_replica_leaves_at_its_second_failed_probe():
    assert removal_time(60, True) == 65  # the probe at 60 s fails, then the one at 65 s
    assert removal_time(61, True) == 70  # first failed probe at 65 s
    assert removal_time(60, False) == math.inf
    assert removal_time(0, True) == math.inf


def test_random_routing_makes_each_replica_an_mm1_queue():
    rho, n = 0.7, 400_000
    measured = mean_response_s(algorithm="random", servers=10, utilization=rho, requests=n)
    # S / (1 - rho) = 3.333 S; standard error sqrt(2 x 1.7 / (0.3^4 x 400000)) = 0.032 S; 4 sigma = 0.13 S.
    assert measured == pytest.approx(1 / (1 - rho), abs=4 * mm1_sd_of_mean(rho, n))


def test_constant_service_matches_pollaczek_khinchine_for_md1():
    rho, n = 0.5, 400_000
    measured = mean_response_s(algorithm="random", servers=10, utilization=rho, requests=n, service_dist="constant")
    # S + rho S / (2 (1 - rho)) = 1.5 S (M/M/1 would give 2 S). Constant service makes
    # the queue less variable than M/M/1, so the M/M/1 standard error (0.011 S) is a
    # conservative one: 4 sigma = 0.044 S.
    assert measured == pytest.approx(1 + rho / (2 * (1 - rho)), abs=4 * mm1_sd_of_mean(rho, n))


def test_heavy_tailed_service_matches_pollaczek_khinchine_for_mg1():
    rho, n = 0.5, 400_000
    cv2 = math.e - 1  # lognormal with sigma 1: e^(sigma^2) - 1
    measured = mean_response_s(algorithm="random", servers=10, utilization=rho, requests=n, service_dist="heavy_tailed")
    expected = 1 + rho * (1 + cv2) / (2 * (1 - rho))  # 2.359 S
    # The lognormal's larger third moment widens the spread beyond M/M/1's: over ten
    # seeds at these settings the standard deviation of the mean was 0.018 S; 4 sigma = 0.072 S.
    assert measured == pytest.approx(expected, abs=0.072)


def test_round_robin_makes_each_replica_a_gi_m_1_queue_with_erlang_arrivals():
    servers, rho, n = 8, 0.8, 400_000
    sigma = erlang_arrivals_sigma(servers, rho)
    measured = mean_response_s(algorithm="round_robin", servers=servers, utilization=rho, requests=n)
    # 1 / (1 - sigma) = 2.98 S, far below M/M/1's 5 S: regular arrivals queue less.
    # Erlang arrivals are less variable than Poisson ones, so M/M/1's standard error
    # (0.075 S) is conservative: 4 sigma = 0.30 S.
    assert measured == pytest.approx(1 / (1 - sigma), abs=4 * mm1_sd_of_mean(rho, n))


def test_least_connections_comes_close_to_one_shared_mmc_queue_and_beats_random():
    c, rho, n = 8, 0.9, 200_000
    mmc = 1 + erlang_c(c, c * rho) / (c - c * rho)  # 1.877 S
    jsq = mean_response_s(algorithm="least_connections", servers=c, utilization=rho, requests=n)
    random = mean_response_s(algorithm="random", servers=c, utilization=rho, requests=n)
    # M/M/c is a lower bound (one shared queue never leaves a server idle while
    # someone waits) and round robin's GI/M/1 (5.78 S here) an upper one: JSQ is the
    # best routing for identical exponential servers (Winston 1977). Over 24 seeds
    # JSQ's mean at these settings had a standard deviation of 0.055 S; 4 sigma = 0.22 S.
    assert mmc - 0.22 <= jsq <= 1 / (1 - erlang_arrivals_sigma(c, rho))
    # How close it comes: JSQ can queue behind a long request while another replica
    # has just gone idle, so it waits longer than M/M/c. Over 10 million requests
    # (10 seeds x 1M) its mean response here was 2.130 S, 1.135 x M/M/c; the bound
    # checked is that plus 4 sigma at n = 200000: 2.130 + 0.22 = 2.35 S = 1.25 x M/M/c.
    assert jsq <= 1.25 * mmc
    # Random routing gives S / (1 - rho) = 10 S, so JSQ should be ahead by at least
    # 10 - 1.25 x 1.877 = 7.65 S. The random run's standard error is
    # sqrt(2 x 1.9 / (0.1^4 x 200000)) = 0.44 S; 4 sigma = 1.7 S off that margin.
    assert random - jsq >= 1 / (1 - rho) - 1.25 * mmc - 4 * mm1_sd_of_mean(rho, n)


def test_two_choices_approach_mitzenmachers_supermarket_limit():
    servers, rho, n = 100, 0.9, 200_000
    limit = sum(rho ** (2**i - 2) for i in range(1, 30))  # 2.614 S, against 10 S for one choice
    measured = mean_response_s(algorithm="two_choices", servers=servers, utilization=rho, requests=n)
    # The formula is the n -> infinity limit; a finite system sits above it by a gap
    # that shrinks like 1/n (measured here: +3.6 % with 50 replicas, +1.4 % with 100).
    # Allow 3 % for that gap above, plus 4 sigma of sampling error either way: over
    # 24 seeds at these settings the mean had a standard deviation of 0.035 S.
    assert limit - 4 * 0.035 <= measured <= 1.03 * limit + 4 * 0.035
    assert measured < 1 / (1 - rho) / 3


SLOW = {**SCENARIO.preset("slow-replica-no-readiness").values}


def test_round_robin_keeps_feeding_a_slow_replica_without_readiness_checks():
    _frames, result = run(**SLOW)
    n, servers, rho, mean_s = SLOW["requests"], SLOW["servers"], SLOW["utilization"], SLOW["mean_service_ms"] / 1000
    rate = rho * servers / mean_s  # 56 requests/s
    after = n - rate * SLOW["slow_server_at_s"]  # ~16640 requests sent after the slowdown (Poisson count, sd 58)
    # Replica 1 now gets rate/8 = 7 requests/s and serves 1/s, so its queue grows
    # without bound and all but its first couple of requests time out: errors are
    # one request in eight after the slowdown. sd of that count: 58 / 8 = 7; 4 sigma = 30.
    assert result["errors"] == pytest.approx(after / servers, abs=30)
    # Its k-th request answers after ~k x (10 S - 8 / rate) = 0.857 k s. Replica 1
    # holds 1/8 of the requests, so the p99 of all of them is the 92nd percentile
    # of that ramp: 0.92 x (after / 8) x 0.857 s ~ 1640 s. The sums of ~1900 service
    # times vary by 1/sqrt(1900) = 2.3 %; 10 % is 4 sigma.
    ramp = 0.92 * (after / servers) * (10 * mean_s - servers / rate)
    assert result["p99_after_slow_ms"] / 1000 == pytest.approx(ramp, rel=0.10)
    assert result["removed_at_s"] is None


def test_readiness_checks_take_the_slow_replica_out_of_rotation():
    # 200000 requests (about an hour of traffic) so the p99 after the slowdown is a steady-state figure.
    n = 200_000
    frames, result = run(**{**SLOW, "readiness_checks": True, "requests": n})
    _frames, blind = run(**SLOW)
    servers, rho, mean_s = SLOW["servers"], SLOW["utilization"], SLOW["mean_service_ms"] / 1000
    rate = rho * servers / mean_s
    assert result["removed_at_s"] == 65.0  # probes fail at 60 s and 65 s
    # Round robin gave replica 1 every 8th request until 65 s and none after:
    # 65 x 56 / 8 = 455 requests (Poisson sd sqrt(3640) / 8 = 7.5; 4 sigma = 30).
    assert result["server_shares"][0] * n == pytest.approx(65 * rate / servers, abs=30)
    # The 7 others then run at 0.8 with Erlang-7 arrivals: sojourn exponential with
    # rate (1 - sigma) / S (GI/M/1), so p99 = ln(100) S / (1 - sigma) = 1.39 s. The
    # ~35 requests caught at replica 1 between 60 and 65 s are 0.02 % of the rest and
    # move it by under 0.5 %. Queue responses are strongly correlated, so the sample p99
    # varies far more than for independent draws: over 24 seeds its standard deviation
    # was 0.042 s; 4 sigma = 0.17 s.
    sigma = erlang_arrivals_sigma(servers - 1, rho * servers / (servers - 1))
    assert result["p99_after_slow_ms"] / 1000 == pytest.approx(math.log(100) * mean_s / (1 - sigma), abs=0.17)
    # Without the checks one request in eight after 60 s timed out (see above); with
    # them, only the ones caught in those 5 s and the rare slow tail of an 80 % load.
    assert result["error_rate"] < blind["error_rate"] / 10
    assert {f["nodes"]["replica1"] for f in frames if f["t"] >= 65} == {"down"}


@pytest.mark.parametrize("algorithm", ["round_robin", "random", "least_connections", "two_choices", "session_affinity"])
def test_no_algorithm_sends_to_a_replica_out_of_rotation(algorithm):
    frames, result = run(**{**SLOW, "algorithm": algorithm, "readiness_checks": True, "requests": 8000})
    after = [f["series"]["queue_replica1"] for f in frames if f["t"] >= result["removed_at_s"]]
    assert after and all(later <= earlier for earlier, later in zip(after, after[1:], strict=False))
    assert after[-1] == 0  # it drains what it holds (at most ~40 requests of 1 s)


def test_least_connections_steers_around_a_slow_replica_even_without_readiness_checks():
    _frames, blind = run(**SLOW)
    _frames, steering = run(**{**SLOW, "algorithm": "least_connections"})
    # A replica that is 10 times slower keeps its count high, so it gets far less
    # than its 1/8: round robin's p99 grows with the whole run, least connections' stays near the timeout.
    assert steering["server_shares"][0] < 0.125 / 2
    assert steering["p99_after_slow_ms"] < blind["p99_after_slow_ms"] / 100


def test_with_one_replica_out_of_rotation_the_balancer_answers_503():
    params = {**UNIT, "algorithm": "round_robin", "servers": 1, "utilization": 0.5, "requests": 2000,
              "mean_service_ms": 100.0, "slow_server_at_s": 5.0, "readiness_checks": True}  # fmt: skip
    _frames, result = run(**params)
    # 5 requests/s; removed at 10 s: ~50 requests answered, the rest rejected (Poisson sd 7; 4 sigma = 28).
    assert result["removed_at_s"] == 10.0
    assert result["rejected"] == pytest.approx(2000 - 50, abs=28)
    assert result["errors"] == result["rejected"] + result["timeouts"]


def test_sticky_sessions_make_each_replica_an_mm1_queue_at_its_hashed_share():
    servers, rho, n = 8, 0.4, 200_000
    _frames, result = run(**{**UNIT, "algorithm": "session_affinity", "servers": servers, "utilization": rho,
                             "requests": n})  # fmt: skip
    hot = result["hashed_share_max"]
    # Seed 1 hashes a quarter of the traffic to one replica (2 x a fair share): 80 %
    # utilization there, while the mean is 40 %.
    assert 1.5 / servers < hot and hot * servers * rho < 0.85
    # Each request picks its client independently, so the busiest replica's count is
    # binomial: sd sqrt(p (1 - p) / n) = 0.0009; 4 sigma = 0.0035.
    assert result["server_share_max"] == pytest.approx(hot, abs=4 * math.sqrt(hot * (1 - hot) / n))
    # And each replica sees a Poisson stream at its share p of the traffic: an M/M/1
    # queue at utilization u = p x servers x rho, mean response S / (1 - u). Weighted by
    # the shares, with each replica's Whitt standard error weighted the same way.
    loads = [(p, p * servers * rho) for p in result["server_shares"]]
    expected = sum(p / (1 - u) for p, u in loads)
    sd = math.sqrt(sum(p**2 * 2 * (1 + u) / ((1 - u) ** 4 * p * n) for p, u in loads))
    assert result["mean_response_ms"] / 1000 == pytest.approx(expected, abs=4 * sd)
    assert expected > 1 / (1 - rho) + 4 * sd  # worse than an even split would be


def test_frames_carry_every_series_and_node_and_add_up_to_the_result():
    params = SCENARIO.preset("slow-replica-with-readiness").values
    frames, result = run(**params)
    series = {s.name for chart in SCENARIO.charts for s in chart.series}
    nodes = {node.id for node in SCENARIO.topology.nodes}
    assert 20 <= len(frames) <= 400
    assert [f["progress"] for f in frames] == sorted(f["progress"] for f in frames)
    assert frames[-1]["progress"] == 1.0
    for frame in frames:
        assert set(frame["series"]) == series
        assert set(frame["nodes"]) == nodes
        assert set(frame["nodes"].values()) <= {"ok", "busy", "degraded", "down", "idle"}
    step = frames[0]["t"]
    assert round(sum(f["series"]["sent_rps"] for f in frames) * step) == params["requests"]
    assert round(sum(f["series"]["errors_rps"] for f in frames) * step) <= result["errors"]
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert {"slow", "probe", "removed"} <= set(kinds)
    assert len(kinds) <= 20


def test_more_than_eight_replicas_share_the_eighth_box_and_fewer_leave_boxes_idle():
    few, _ = run(**{**SCENARIO.defaults(), "servers": 3, "requests": 2000})
    many, _ = run(**{**SCENARIO.defaults(), "servers": 20, "requests": 2000})
    assert {f["nodes"]["replica8"] for f in few} == {"idle"}
    assert "idle" not in {f["nodes"]["replica8"] for f in many}


def test_the_same_seed_gives_the_same_run():
    params = {**SCENARIO.preset("power-of-two-choices").values, "requests": 5000}
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
    sticky = {**SCENARIO.preset("sticky-sessions").values, "requests": 5000}
    assert run(7, **sticky) == run(7, **sticky)


@pytest.mark.parametrize("preset", SCENARIO.presets, ids=lambda p: p.name)
def test_every_preset_sets_every_parameter_and_returns_the_required_keys(preset):
    assert set(preset.values) == {spec.name for spec in SCENARIO.params}
    _frames, result = run(**preset.values)
    assert set(REQUIRED) <= set(result)
    assert all(result[key] is not None for key in REQUIRED)
