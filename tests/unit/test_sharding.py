"""sharding against the known behaviour of each sharding function.

References:
- D. Karger, E. Lehman, T. Leighton, R. Panigrahy, M. Levine, D. Lewin,
  "Consistent Hashing and Random Trees", STOC 1997: a new node takes only the
  arcs in front of its points. A node's share of a ring of N = n v uniform
  points is the sum of v of the N spacings, Beta(v, N - v) (the spacings of
  uniform points are Dirichlet(1, ..., 1)), so Var(share) = v (N - v) / (N^2 (N + 1)).
- D. Thaler, C. Ravishankar, "Using Name-Based Mappings to Increase Hit
  Rates", IEEE/ACM ToN 1998 (rendezvous / highest random weight hashing).
- J. Lamping, E. Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
  2014 (jump consistent hash); reference values produced by the paper's C++ code.
- V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with Bounded
  Loads", SODA 2018: no node above ceil((1 + eps) m / n) keys.
- hash mod N: a key stays from n to m nodes iff h mod n == h mod m, which holds
  for gcd(n, m) of every lcm(n, m) residues' worth: P(stay) = gcd(n, m) / m.
- Multinomial counts: keys per node have cv^2 = (n - 1) / keys in expectation.
"""

import math
import statistics

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios.sharding import (
    SCENARIO,
    jump_hash,
    jump_hashes,
    key_hashes,
    loads,
    place,
)

REQUIRED = ("moved_fraction", "load_cv", "max_load_ratio", "hot_shard_share")
BASE = {
    "strategy": "ring",
    "nodes": 5,
    "vnodes": 100,
    "keys": 10000,
    "add_nodes": 1,
    "zipf_s": 0.0,
    "load_factor": 0.25,
}


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    return run(seed, **params)[1]


def test_jump_hash_matches_the_reference_implementation():
    # Bucket for num_buckets = 1, 2, 3, ... as computed by Lamping and Veach's C++ code.
    reference = {
        0: [0] * 20,
        1: [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17],
        0xDEADBEEF: [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16],
        0x0DDC0FFEEBADF00D: [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15],
    }
    for key, buckets in reference.items():
        assert [jump_hash(key, n + 1) for n in range(len(buckets))] == buckets
        for n, bucket in enumerate(buckets):
            assert jump_hashes(np.array([key], dtype=np.uint64), n + 1).tolist() == [bucket]
    hashes = key_hashes(3000, 5)
    for buckets in (1, 7, 64, 1000):
        assert jump_hashes(hashes, buckets).tolist() == [jump_hash(int(h), buckets) for h in hashes]


@pytest.mark.parametrize(("nodes", "added"), [(3, 1), (4, 2), (10, 5), (6, 6), (9, 1)])
def test_hash_mod_n_moves_all_but_gcd_over_m_of_the_keys(nodes, added):
    m = nodes + added
    expected = 1 - math.gcd(nodes, m) / m  # 3->4: 0.75, 4->6: 2/3, 10->15: 2/3, 6->12: 0.5
    moved = result(strategy="modulo", nodes=nodes, add_nodes=added, keys=20000)["moved_fraction"]
    # Each key stays independently with probability gcd/m: 20000 keys, std error
    # sqrt(p(1-p)/20000) <= 0.0036; 4 sigma.
    assert moved == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / 20000))


@pytest.mark.parametrize("strategy", ["jump", "rendezvous"])
@pytest.mark.parametrize(("nodes", "added"), [(3, 1), (9, 1), (10, 5), (20, 1)])
def test_jump_and_rendezvous_move_a_over_n_plus_a_of_the_keys(strategy, nodes, added):
    p = added / (nodes + added)
    moved = result(strategy=strategy, nodes=nodes, add_nodes=added, keys=20000)["moved_fraction"]
    # Each key moves independently with probability a/(n+a): binomial std error over
    # 20000 keys, at most 0.0035 (p = 1/3); 4 sigma.
    assert moved == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 20000))


def test_the_ring_moves_the_new_nodes_share_of_the_ring():
    nodes, added, vnodes, keys, seeds = 9, 1, 100, 20000, 8
    big = (nodes + added) * vnodes
    p = added / (nodes + added)
    moved = [result(seed, strategy="ring", nodes=nodes, add_nodes=added, vnodes=vnodes, keys=keys)["moved_fraction"]
             for seed in range(seeds)]  # fmt: skip
    # The new node's share of the ring is Beta(a v, n v): sd sqrt(a v n v / (N^2 (N+1)))
    # = 0.0095, plus binomial noise sqrt(p(1-p)/keys) = 0.0021; the mean of 8 seeds has
    # sd 0.0034, and 4 sigma is 0.014.
    beta_var = (added * vnodes) * (nodes * vnodes) / (big**2 * (big + 1))
    sd = math.sqrt((beta_var + p * (1 - p) / keys) / seeds)
    assert statistics.mean(moved) == pytest.approx(p, abs=4 * sd)


@pytest.mark.parametrize("strategy", ["ring", "jump", "rendezvous"])
def test_consistent_strategies_only_move_keys_onto_the_new_nodes(strategy):
    hashes = key_hashes(10000, 3)
    before, after = place(strategy, hashes, 6, 50, 0.25, 3), place(strategy, hashes, 8, 50, 0.25, 3)
    moved = before != after
    assert moved.any()
    assert (after[moved] >= 6).all()


@pytest.mark.parametrize("strategy", ["modulo", "bounded_load"])
def test_modulo_and_bounded_loads_also_move_keys_between_old_nodes(strategy):
    hashes = key_hashes(10000, 3)
    before, after = place(strategy, hashes, 6, 50, 0.05, 3), place(strategy, hashes, 8, 50, 0.05, 3)
    assert (after[before != after] < 6).any()


@pytest.mark.parametrize("strategy", ["jump", "rendezvous", "modulo"])
def test_multinomial_strategies_spread_keys_with_cv_sqrt_n_minus_1_over_keys(strategy):
    nodes, keys, seeds = 64, 20000, 16
    cv2 = [
        result(seed, strategy=strategy, nodes=nodes, keys=keys, add_nodes=0)["load_cv"] ** 2 for seed in range(seeds)
    ]
    # E[cv^2] = (n-1)/keys = 0.00315. The sample variance over 64 nearly normal counts
    # has relative sd sqrt(2/63) = 0.18; the mean of 16 seeds 0.045, and 4 sigma 0.18.
    expected = (nodes - 1) / keys
    assert statistics.mean(cv2) == pytest.approx(expected, rel=4 * math.sqrt(2 / (nodes - 1) / seeds))


@pytest.mark.parametrize("vnodes", [5, 20])
def test_the_ring_spreads_keys_with_cv_about_one_over_sqrt_vnodes(vnodes):
    nodes, keys, seeds = 64, 20000, 24
    big = nodes * vnodes
    cv2 = [result(seed, strategy="ring", nodes=nodes, vnodes=vnodes, keys=keys, add_nodes=0)["load_cv"] ** 2
           for seed in range(seeds)]  # fmt: skip
    # Shares are Beta(v, N - v): n^2 Var(share) = (N - v)/(v (N + 1)), ~1/v; the keys add
    # the multinomial (n - 1)/keys. v=5: 0.197, v=20: 0.050.
    expected = (big - vnodes) / (vnodes * (big + 1)) * (1 - 1 / keys) + (nodes - 1) / keys
    # The sample variance of 64 shares has relative variance 2/(n-1) + kurtosis/n, the
    # excess kurtosis of a sum of v spacings being about 6/v; over 24 seeds, 4 sigma:
    # 0.31 for v=5, 0.18 for v=20. Either is far from the neighbouring 1/v.
    rel = 4 * math.sqrt((2 / (nodes - 1) + 6 / vnodes / nodes) / seeds)
    assert statistics.mean(cv2) == pytest.approx(expected, rel=rel)


@pytest.mark.parametrize(("seed", "load_factor", "vnodes"), [(1, 0.25, 10), (2, 0.1, 1), (3, 0.0, 5), (4, 1.0, 3)])
def test_bounded_loads_never_exceed_ceil_one_plus_eps_times_the_mean(seed, load_factor, vnodes):
    nodes, keys = 7, 9999
    res = result(seed, strategy="bounded_load", nodes=nodes, vnodes=vnodes, keys=keys, add_nodes=2,
                 load_factor=load_factor)  # fmt: skip
    cap = math.ceil((1 + load_factor) * keys / nodes)
    assert res["capacity"] == cap
    assert res["max_load"] <= cap  # a hard invariant, no tolerance
    # max/mean <= ceil((1+eps) m/n) / (m/n) < 1 + eps + n/m: the ceiling adds < n/m.
    assert res["max_load_ratio"] <= 1 + load_factor + nodes / keys
    assert res["max_load_ratio_after"] <= 1 + load_factor + (nodes + 2) / keys


def test_bounded_loads_with_eps_zero_give_every_node_the_same_number_of_keys():
    res = result(strategy="bounded_load", nodes=8, vnodes=3, keys=10000, load_factor=0.0)
    assert res["load_cv"] == 0.0
    assert res["max_load_ratio"] == 1.0


def test_a_ring_with_few_points_is_uneven_and_bounded_loads_cap_it():
    thin = dict(nodes=32, vnodes=10, keys=10000, add_nodes=0, load_factor=0.25)
    plain, bounded = result(3, strategy="ring", **thin), result(3, strategy="bounded_load", **thin)
    # cv ~ 1/sqrt(10) = 0.32, so each node stays under 1.3 x the mean with probability
    # about Phi(0.3/0.32) = 0.83, and all 32 of them with probability ~0.83^32 = 0.003.
    assert plain["max_load_ratio"] > 1.3
    assert bounded["max_load_ratio"] <= 1.25 + 32 / 10000


@pytest.mark.parametrize("load_factor", [0.0, 0.05])
def test_bounded_loads_move_more_keys_than_the_plain_ring(load_factor):
    # With a tight cap the lower capacity after a join re-routes overflow chains, so
    # more keys move than the new node's arcs. Paired over 12 seeds (same keys, same
    # ring), the mean extra share must stand more than 3 of its own standard errors
    # above zero.
    extra = []
    for seed in range(12):
        hashes = key_hashes(10000, seed)
        bounded = np.mean(place("bounded_load", hashes, 8, 100, load_factor, seed)
                          != place("bounded_load", hashes, 9, 100, load_factor, seed))  # fmt: skip
        ring = np.mean(
            place("ring", hashes, 8, 100, load_factor, seed) != place("ring", hashes, 9, 100, load_factor, seed)
        )
        extra.append(bounded - ring)
    assert statistics.mean(extra) > 3 * statistics.stdev(extra) / math.sqrt(len(extra))


def test_uniform_requests_give_the_busiest_node_its_key_share():
    nodes, keys = 10, 20000
    res = result(strategy="jump", nodes=nodes, keys=keys, zipf_s=0.0)
    # With uniform requests the busiest node's request share is its key share.
    assert res["hot_shard_share"] == pytest.approx(res["max_load_ratio"] / nodes, abs=2e-6)
    # The max of 10 binomial counts exceeds the mean by 4 sigma (sigma/mean =
    # sqrt((n-1)/keys) = 0.021) with probability < 10 x 3.2e-5.
    assert 1 / nodes <= res["hot_shard_share"] <= (1 + 4 * math.sqrt((nodes - 1) / keys)) / nodes


def test_zipf_weights_follow_the_harmonic_numbers():
    keys = 10000
    # H(K, 1) = ln K + gamma + 1/(2K) - 1/(12 K^2) + O(K^-4); H(K, 2) = pi^2/6 - 1/K + 1/(2K^2) - O(K^-3).
    h1 = math.log(keys) + 0.5772156649015329 + 1 / (2 * keys) - 1 / (12 * keys**2)
    h2 = math.pi**2 / 6 - 1 / keys + 1 / (2 * keys**2)
    assert result(keys=keys, zipf_s=1.0)["hot_key_share"] == pytest.approx(1 / h1, abs=1e-6)
    assert result(keys=keys, zipf_s=2.0)["hot_key_share"] == pytest.approx(1 / h2, abs=1e-6)


@pytest.mark.parametrize("strategy", ["ring", "rendezvous", "jump", "modulo", "bounded_load"])
def test_a_hot_key_keeps_its_shard_hot_whatever_the_strategy(strategy):
    nodes, keys = 8, 10000
    res = result(strategy=strategy, nodes=nodes, keys=keys, zipf_s=1.5, add_nodes=8)
    hot = res["hot_key_share"]  # 1/H(10000, 1.5) = 0.386
    # The node holding key 1 gets at least its weight, before and after doubling the nodes,
    # far above the fair share 1/8 or 1/16.
    assert res["hot_shard_share"] >= hot > 3 / nodes
    assert res["hot_shard_share_after"] >= hot
    assert res["hot_shard_share"] > result(strategy=strategy, nodes=nodes, keys=keys, zipf_s=0.0)["hot_shard_share"]


def test_frames_show_placement_then_moves_and_end_at_the_result():
    frames, res = run(**SCENARIO.preset("ring-3-to-4").values)
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert len(frames) <= 400
    assert all(set(f["series"]) == names for f in frames)
    assert [f["progress"] for f in frames][-1] == 1.0
    placed = frames[39]["series"]
    assert placed["keys_max"] / placed["keys_mean"] == pytest.approx(res["max_load_ratio"], abs=1e-6)
    assert frames[39]["series"]["moved_fraction"] == 0
    assert frames[-1]["series"]["moved_fraction"] == pytest.approx(res["moved_fraction"], abs=1e-6)
    assert frames[0]["nodes"]["n4"] == "idle" and frames[-1]["nodes"]["n4"] != "idle"
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds == ["placing", "placed", "node-added"]


def test_a_run_without_added_nodes_still_reports_its_placement():
    frames, res = run(add_nodes=0)
    assert len(frames) == 40
    assert [e["kind"] for f in frames for e in f["events"]] == ["placing", "placed"]
    assert res["moved_fraction"] == 0 and res["load_cv_after"] == res["load_cv"]


def test_bounded_loads_announce_the_first_full_node_once():
    frames, _res = run(**SCENARIO.preset("bounded-loads").values)
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds.count("node-full") == 1


def test_loads_count_every_key_once():
    hashes = key_hashes(5000, 2)
    for strategy in ("modulo", "ring", "rendezvous", "jump", "bounded_load"):
        counts = loads(place(strategy, hashes, 7, 20, 0.25, 2), 7)
        assert counts.sum() == 5000 and len(counts) == 7


def test_every_preset_runs_and_returns_every_required_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        frames, res = run(**preset.values)
        assert frames and all(key in res for key in REQUIRED), preset.name
    assert result(**SCENARIO.preset("modulo-3-to-4").values)["moved_fraction"] == pytest.approx(0.75, abs=0.02)
    assert result(**SCENARIO.preset("ring-3-to-4").values)["moved_fraction"] == pytest.approx(0.25, abs=0.05)


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("bounded-loads").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
