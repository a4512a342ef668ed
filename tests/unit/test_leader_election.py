"""leader-election against the schedule of a lease, the split-vote probability of Raft, and fencing.

References:
- Brendan Burns, Designing Distributed Systems (O'Reilly, 2018), ch. 9
  "Ownership Election": replica 1 leads and fails, replica 3 takes over,
  replica 1 returns and replica 3 stays the owner.
- Leases with a TTL as in etcd, ZooKeeper and Kubernetes: after the holder
  stops renewing, the lease is free ttl after its last renewal, and the next
  poll takes it, so the gap lies in (ttl - every, ttl + every).
- Diego Ongaro and John Ousterhout, "In Search of an Understandable Consensus
  Algorithm", USENIX ATC 2014, section 9.3 and Figure 16: randomized election
  timeouts make split votes rare; without randomness elections drag on. The
  split-vote probabilities tested here are derived below from the timeout and
  delay distributions, not taken from the paper's figure.
- Martin Kleppmann, "How to do distributed locking" (2016): with fencing
  tokens the storage rejects every write of a stale leader.
"""

import math
import random

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.leader_election import (
    DELAY_MS,
    MAX_FRAMES,
    PLANS,
    TIMER_SLACK_MS,
    lease_trial,
    raft_trial,
)

SCENARIO = get("leader-election")
REQUIRED = {
    "leader_changes", "leaderless_s", "max_leaderless_s", "split_brain_s", "rejected_stale_writes", "final_leader",
    "election_ms_median", "election_ms_max", "split_votes",
}  # fmt: skip
STATES = {"ok", "busy", "degraded", "down", "idle"}


def run(seed=1, **params):
    playback = play(SCENARIO, {"trials": 20, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def events(frames, kind):
    return [e for f in frames for e in f["events"] if e["kind"] == kind]


def binomial_tolerance(p, n, sigmas=4):
    return sigmas * math.sqrt(p * (1 - p) / n)


# ---- lease ----


@pytest.mark.parametrize(("ttl", "every"), [(10.0, 2.0), (15.0, 2.0), (7.0, 3.0)])
def test_book_story_replica_3_takes_over_exactly_on_schedule_and_keeps_the_lease(ttl, every):
    frames, result = run(failure_plan="book_story", lease_ttl_s=ttl, renew_every_s=every)
    # Replica 1 ticks at 0, every, 2 every, ...; it crashes at 1.53 ttl, so its last
    # renewal is the last multiple of `every` before that and the lease is free ttl
    # later. In the book story replica 3 ticks every/4 after that moment (replica 2
    # later), so it takes the lease then.
    crash = 1.53 * ttl
    last_renewal = math.floor(crash / every) * every
    takeover = last_renewal + ttl + every / 4
    assert [e["t"] for e in events(frames, "crashed")] == [pytest.approx(crash)]
    assert [e["t"] for e in events(frames, "elected")] == [0.0, pytest.approx(takeover)]
    assert result["leaderless_s"] == pytest.approx(takeover - crash, abs=1e-6)
    assert result["max_leaderless_s"] == pytest.approx(takeover - crash, abs=1e-6)
    assert result["final_leader"] == 3
    assert result["leaders"] == [1, 3]
    assert result["leader_changes"] == 1
    assert [e["t"] for e in events(frames, "restarted")] == [pytest.approx(3.53 * ttl)]  # back, but as a follower
    assert frames[-1]["nodes"]["r3"] == "busy" and frames[-1]["nodes"]["r1"] == "idle"


@pytest.mark.parametrize("seed", range(1, 7))
def test_after_every_crash_the_lease_is_retaken_within_ttl_plus_or_minus_one_poll(seed):
    ttl, every = 10.0, 2.0
    frames, result = run(seed, failure_plan="leader_crashes", lease_ttl_s=ttl, renew_every_s=every)
    crashes = [e["t"] for e in events(frames, "crashed")]
    elected = [e["t"] for e in events(frames, "elected")]
    assert len(crashes) == 3
    for crash in crashes:
        takeover = min(t for t in elected if t > crash)
        # Last renewal in (crash - every, crash]; lease free ttl after it; the first
        # poll after that comes within one period: gap in (ttl - every, ttl + every).
        assert ttl - every < takeover - crash <= ttl + every
    assert result["max_leaderless_s"] <= ttl + every
    assert result["leader_changes"] == 3


def test_lease_takeover_time_matches_its_expected_value():
    ttl, every, replicas, trials = 10.0, 2.0, 3, 3000
    _frames, result = run(lease_ttl_s=ttl, renew_every_s=every, replicas=replicas, trials=trials)
    # takeover = ttl - U + W: the crash lands U ~ uniform(0, every) after the last
    # renewal, and W is the wait for the first of m = replicas - 1 polls at uniform
    # phases, the minimum of m uniforms on (0, every).
    m = replicas - 1
    mean = ttl - every / 2 + every / (m + 1)
    var = every**2 / 12 + every**2 * m / ((m + 1) ** 2 * (m + 2))
    # n = 3000 trials: std error sqrt(0.556 / 3000) = 0.0136 s; 4 sigma = 54 ms.
    assert result["election_ms_mean"] == pytest.approx(1000 * mean, abs=4000 * math.sqrt(var / trials))
    assert 1000 * (ttl - every) < result["election_ms_min"] <= result["election_ms_max"] <= 1000 * (ttl + every)
    assert result["split_votes"] == 0 and result["trials"] == trials


def test_lease_trial_is_bounded_for_every_draw():
    rng = random.Random(3)
    for _ in range(300):
        trial = lease_trial(4, 6.0, 1.5, rng)
        assert trial.finished and 4500 < trial.election_ms <= 7500


def _partition_schedule(frames, ttl, every):
    """The partition of replica 1 (ticking at multiples of `every`) after the 'none' plan of 5 ttl."""
    start = (5 + 0.53) * ttl
    expiry = math.floor(start / every) * every + ttl  # its last renewal before the cut, plus ttl
    heal = start + 2.5 * ttl
    step_down = math.ceil(heal / every) * every  # its first tick after the heal learns the truth
    takeover = min(e["t"] for e in events(frames, "elected") if e["t"] > start)
    return expiry, takeover, step_down


def test_a_partitioned_lease_holder_without_fencing_is_a_second_writer_until_the_partition_heals():
    ttl, every = 10.0, 2.0
    params = dict(failure_plan="none", partition=True, lease_ttl_s=ttl, renew_every_s=every)
    frames, result = run(**params)
    expiry, takeover, step_down = _partition_schedule(frames, ttl, every)
    assert 0 <= takeover - expiry < every
    assert [e["t"] for e in events(frames, "stepped_down")] == [pytest.approx(step_down)]
    # Two replicas act from the takeover until replica 1 steps down, and both can write.
    assert result["dual_leader_s"] == pytest.approx(step_down - takeover, abs=1e-6)
    assert result["split_brain_s"] == result["dual_leader_s"] > 0
    assert result["stale_writes_accepted"] > 0 and result["rejected_stale_writes"] == 0
    assert result["leaderless_s"] == 0  # the old leader never stopped acting
    assert result["final_leader"] != 1


def test_with_fencing_every_write_of_the_partitioned_holder_is_rejected():
    params = dict(failure_plan="none", partition=True, lease_ttl_s=10.0, renew_every_s=2.0)
    _frames, open_ = run(**params, fencing=False)
    frames, fenced = run(**params, fencing=True)
    # Same seed, same schedule: fencing changes only what the storage accepts.
    assert fenced["dual_leader_s"] == open_["dual_leader_s"] > 0
    assert fenced["split_brain_s"] == 0
    assert fenced["stale_writes_accepted"] == 0
    assert fenced["rejected_stale_writes"] == open_["stale_writes_accepted"] > 0
    assert events(frames, "rejected") and not events(frames, "stale_write")


def test_a_leader_waking_from_a_pause_makes_one_stale_write_per_pause():
    _frames, open_ = run(failure_plan="flapping")
    _frames, fenced = run(failure_plan="flapping", fencing=True)
    # Each pause (1.3 ttl) outlasts the lease plus one poll, so another replica holds
    # the lease when the paused one wakes; its in-flight write lands, then the
    # overdue renewal fails at the same instant.
    assert open_["leader_changes"] == 3
    assert open_["stale_writes_accepted"] == 3 and open_["rejected_stale_writes"] == 0
    assert fenced["stale_writes_accepted"] == 0 and fenced["rejected_stale_writes"] == 3


# ---- raft ----


def _triangular_cdf(x, w):
    """CDF of T2 - T1 for T1, T2 independent uniform on an interval of width w."""
    x = np.clip(x, -w, w)
    return np.where(x <= 0, (w + x) ** 2 / (2 * w * w), 1 - (w - x) ** 2 / (2 * w * w))


def split_probability_three_replicas(w, delay=DELAY_MS, slack=TIMER_SLACK_MS, step=0.01):
    """P(the first term after the leader crashes splits) with 3 replicas, by numerical integration.

    Follower i's timer fires at f_i = h_i + e_i + T_i: the heartbeat's delay
    h ~ U(delay), the timer's lateness e ~ U(0, slack), the timeout T ~ U(min, max).
    The first to fire, A, asks the other, B; the vote request takes d ~ U(delay).
    With the leader down, a majority of 3 needs both votes, so the term splits
    exactly when B fires before A's request reaches it: 0 < f_B - f_A < d. With
    D = f_2 - f_1 = J + S, J = (h2 + e2) - (h1 + e1), S = T2 - T1 (triangular on
    [-w, w]), and the two orders symmetric:
        P = E[F_S(d - J) - F_S(-d - J)],
    which for small delays is about 2 E[d] / w (the naive estimate 1 - (1 - d/w)^2).
    """
    lo, hi = delay
    h = np.full(round((hi - lo) / step), 1.0)
    e = np.full(max(1, round(slack / step)), 1.0)
    x = np.convolve(h / h.sum(), e / e.sum())  # X = h + e on a grid of `step`
    j_pmf = np.convolve(x, x[::-1])  # J = X2 - X1: offsets k * step, k = -(len(x)-1) .. len(x)-1
    j = (np.arange(len(j_pmf)) - (len(x) - 1)) * step
    d = lo + (np.arange(round((hi - lo) / step)) + 0.5) * step
    g = _triangular_cdf(d[:, None] - j[None, :], w) - _triangular_cdf(-d[:, None] - j[None, :], w)
    return float(np.mean(g @ j_pmf))


@pytest.mark.parametrize("tmax", [300.0, 200.0])
def test_three_replicas_split_their_first_vote_as_often_as_the_timeout_spread_predicts(tmax):
    trials = 4000
    _frames, result = run(
        7, protocol="raft", replicas=3, election_timeout_min_ms=150.0, election_timeout_max_ms=tmax,
        failure_plan="none", trials=trials,
    )  # fmt: skip
    expected = split_probability_three_replicas(tmax - 150.0)
    assert 0.05 < expected < 0.35  # ~2 x 7.5 / w, less the second-order terms
    # n = 4000: for p = 0.096 (w = 150) the std error is 0.0047, 4 sigma 0.019;
    # for p = 0.27 (w = 50) it is 0.0070, 4 sigma 0.028.
    assert result["first_round_split_share"] == pytest.approx(expected, abs=binomial_tolerance(expected, trials))


def test_five_replicas_with_a_fixed_delay_split_as_the_order_statistics_predict():
    # Constant delay d and punctual timers: every follower hears the last heartbeat
    # at the same moment, so the m = 4 timeouts are i.i.d. uniform on width w. The
    # first, A, reaches the others after d; the k others whose timeouts fall within d
    # of A's stand too. Uniform spacings are exchangeable, so T(k+1) - T(1) has the
    # law of T(k), and P(k >= j) = P(Binomial(m, d/w) >= j).
    # - Contested (k >= 1): 1 - (1 - d/w)^m.
    # - Split: A gets its own vote and the m - 1 - k others', and needs 3 of 5, so it
    #   fails when k >= 2; the other candidates get only their own. P(Bin(4, d/w) >= 2).
    d, w, m, trials = 5.0, 25.0, 4, 2500
    p = d / w
    rng = random.Random(11)
    results = [raft_trial(5, 150.0, 150.0 + w, rng, delay_ms=(d, d), slack_ms=0.0) for _ in range(trials)]
    contested = sum(t.first_round_candidates >= 2 for t in results) / trials
    split = sum(t.first_round_split for t in results) / trials
    p_contested = 1 - (1 - p) ** m
    p_split = 1 - (1 - p) ** m - m * p * (1 - p) ** (m - 1)
    # n = 2500: std errors 0.0098 (p = 0.59) and 0.0077 (p = 0.18); 4 sigma each.
    assert contested == pytest.approx(p_contested, abs=binomial_tolerance(p_contested, trials))
    assert split == pytest.approx(p_split, abs=binomial_tolerance(p_split, trials))
    assert all(t.finished for t in results)


def test_no_election_finishes_before_the_minimum_timeout_allows():
    tmin, lo = 150.0, DELAY_MS[0]
    _frames, result = run(protocol="raft", replicas=5, election_timeout_min_ms=tmin, failure_plan="none", trials=800)
    # The followers' timers started at the last heartbeat, which arrived at least lo
    # after it was sent and at most one heartbeat interval (tmin / 2) before the
    # crash; nobody stands before tmin has run, and a request and a vote follow.
    assert result["election_ms_min"] > tmin - tmin / 2 + 3 * lo
    # With 4 followers the first timeout falls on average w / 5 = 30 ms above the
    # minimum, so half the elections end well before min + w / 2.
    assert tmin - tmin / 2 < result["election_ms_median"] < tmin + 150.0 / 2


def test_narrowing_the_timeout_range_raises_split_votes_and_slows_elections():
    shares, medians = [], []
    for tmax, trials in [(300.0, 600), (200.0, 600), (160.0, 600), (150.0, 30)]:
        _frames, result = run(
            3, protocol="raft", replicas=5, election_timeout_max_ms=tmax, failure_plan="none", trials=trials
        )
        shares.append(result["first_round_split_share"])
        medians.append(result["election_ms_median"])
    # Shares near 0.07, 0.2, 0.5 and 0.8 with std errors of at most 0.02 (n = 600)
    # and 0.07 (n = 30): each step up is several of them.
    assert shares == sorted(shares) and shares[0] < shares[-1] - 0.4
    # Without randomness candidates stay close to lockstep: seconds, not milliseconds.
    assert medians[-1] > 5 * medians[0]


@pytest.mark.parametrize("seed", range(1, 5))
def test_in_raft_the_returning_replica_1_stays_a_follower(seed):
    _frames, result = run(seed, protocol="raft", replicas=3, failure_plan="book_story")
    assert result["leaders"][0] == 1 and result["leader_changes"] == 1
    assert result["final_leader"] in (2, 3)


def test_a_partitioned_raft_leader_keeps_writing_until_it_sees_the_new_term():
    params = dict(protocol="raft", replicas=5, failure_plan="none", partition=True)
    frames, open_ = run(**params)
    _frames, fenced = run(**params, fencing=True)
    assert open_["split_brain_s"] > 0 and open_["stale_writes_accepted"] > 0
    assert fenced["split_brain_s"] == 0 and fenced["stale_writes_accepted"] == 0
    assert fenced["rejected_stale_writes"] == open_["stale_writes_accepted"]
    # The old leader steps down only after the partition heals, within a round trip or two.
    healed = events(frames, "healed")[0]["t"]
    down = events(frames, "stepped_down")[0]["t"]
    assert healed < down < healed + SCENARIO.param("election_timeout_min_ms").default / 2000 + 2 * DELAY_MS[1] / 1000


# ---- the contract ----


@pytest.mark.parametrize("protocol", ["lease", "raft"])
@pytest.mark.parametrize("plan", PLANS)
def test_every_plan_runs_with_every_series_and_node_on_every_frame(protocol, plan):
    frames, result = run(protocol=protocol, failure_plan=plan, partition=True, replicas=5)
    series = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert len(frames) == MAX_FRAMES <= 400
    assert all(set(f["series"]) == series for f in frames)
    assert all(set(f["nodes"].values()) <= STATES for f in frames)
    assert set(result) >= REQUIRED
    assert 1 <= sum(len(f["events"]) for f in frames) <= 80


@pytest.mark.parametrize("preset", SCENARIO.presets, ids=lambda p: p.name)
def test_every_preset_sets_every_parameter_and_returns_every_key(preset):
    assert set(preset.values) == {p.name for p in SCENARIO.params}
    _frames, result = run(**preset.values)
    assert set(result) >= REQUIRED


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("raft-150-300").values | {"trials": 50}
    assert run(5, **params) == run(5, **params)
    assert run(5, **params)[1] != run(6, **params)[1]
    lease = SCENARIO.defaults()
    assert run(5, **lease) == run(5, **lease)
    assert run(5, **lease)[1] != run(6, **lease)[1]
