"""ambassador-split against the sampling arithmetic of request splitting and shadowing.

References:
- Brendan Burns, Designing Distributed Systems (O'Reilly, 2018), ch. 3
  "Ambassadors": an ambassador beside the client splits requests between the
  production and an experimental backend, or tees them so the experiment sees
  production traffic without affecting users.
- Envoy documentation: traffic shifting and splitting (weighted clusters) and
  request mirroring ("shadowing"): the mirror is fire-and-forget and its
  response is discarded, so the user's answer and latency are the primary's.
- Twitter's Diffy (2015) and GitHub's Scientist (2016): run the candidate on a
  copy of the request and log differences; the caller always gets the control's
  answer.
- Binomial sampling: N requests each picked with probability s give a picked
  share with standard deviation sqrt(s(1 - s)/N); errors at a mixed rate
  p = (1 - s) e_old + s e_new are Binomial(N, p). Sticky routing by user is
  cluster sampling (L. Kish, Survey Sampling, Wiley, 1965): with U users of
  which K ~ Binomial(U, s) are picked, and each request from a uniform user,
  the law of total variance gives Var(share) = s(1 - s)(1/U + (1 - 1/U)/N).
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.frames import Result
from workers.sim.scenarios import get
from workers.sim.scenarios.ambassador_split import SCENARIO, user_bucket

REQUIRED_KEYS = {"observed_new_share", "shadowed_share", "user_visible_errors", "shadow_errors", "extra_load"}

# About 30000 requests per run: tight enough binomial tolerances, still ~60 ms a run.
BIG = {
    "new_share": 0.2,
    "new_error_rate": 0.1,
    "old_error_rate": 0.02,
    "request_rate": 500.0,
    "duration_s": 60.0,
    "routing": "random",
    "users": 1000,
    "old_latency_ms": 50.0,
    "new_latency_factor": 3.0,
}
S, E_OLD, E_NEW, L, F = 0.2, 0.02, 0.1, 50.0, 3.0


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    *_frames, last = SCENARIO.run(SCENARIO.with_defaults(params), seed)
    assert isinstance(last, Result)
    return last.values


def binomial_sd(n: float, p: float) -> float:
    return math.sqrt(n * p * (1 - p))


def test_the_registry_finds_the_scenario():
    assert get("ambassador-split") is SCENARIO


def test_the_user_hash_is_stable_and_uniform():
    assert user_bucket(42, 7) == user_bucket(42, 7)
    assert user_bucket(42, 7) != user_bucket(42, 8)
    n = 20000
    below = sum(user_bucket(u, 12345) < 0.3 for u in range(n)) / n
    # A uniform hash puts a share 0.3 below 0.3, sd sqrt(.3 x .7 / 20000) = 0.0032; 4 sigma = 0.013.
    assert below == pytest.approx(0.3, abs=0.013)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_split_serves_the_share_and_users_see_the_mixed_error_rate(seed):
    r = result(seed, mode="split", **BIG)
    n = r["requests"]
    # Each request is picked with probability s: sd sqrt(s(1 - s)/N) ~ 0.0023 at N ~ 30000; 4 sigma.
    assert r["observed_new_share"] == pytest.approx(S, abs=4 * math.sqrt(S * (1 - S) / n))
    assert r["shadowed_share"] == 0 and r["extra_load"] == 0 and r["shadow_errors"] == 0
    # Errors are Binomial(N, p) with p = 0.8 x 0.02 + 0.2 x 0.1 = 0.036: sd ~ 32 around ~1080; 4 sigma.
    p = (1 - S) * E_OLD + S * E_NEW
    assert r["user_visible_errors"] == pytest.approx(n * p, abs=4 * binomial_sd(n, p))
    assert r["expected_user_errors"] == pytest.approx(n * p, abs=0.001)
    # The experiment measures the new version on its ~6000 requests: sd sqrt(.1 x .9 / 6000) = 0.0039; 4 sigma.
    n_new = r["observed_new_share"] * n
    assert r["new_error_rate_measured"] == pytest.approx(E_NEW, abs=4 * math.sqrt(E_NEW * (1 - E_NEW) / n_new))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_tee_copies_the_share_and_users_see_only_the_old_versions_errors(seed):
    r = result(seed, mode="tee", **BIG)
    n = r["requests"]
    assert r["observed_new_share"] == 0  # shadow answers are discarded
    assert r["shadowed_share"] == r["extra_load"]
    # One copy per picked request: the extra load is the picked share, sd sqrt(s(1 - s)/N); 4 sigma.
    assert r["extra_load"] == pytest.approx(S, abs=4 * math.sqrt(S * (1 - S) / n))
    # Users' errors are Binomial(N, e_old): sd sqrt(N x .02 x .98) ~ 24 around ~600; 4 sigma.
    assert r["user_visible_errors"] == pytest.approx(n * E_OLD, abs=4 * binomial_sd(n, E_OLD))
    # Shadow errors: each request is copied and then fails with probability s x e_new = 0.02; 4 sigma.
    assert r["shadow_errors"] == pytest.approx(n * S * E_NEW, abs=4 * binomial_sd(n, S * E_NEW))
    # A copy's answer differs when exactly one version fails: p = s (e_old (1 - e_new) + e_new (1 - e_old)).
    p_diff = S * (E_OLD * (1 - E_NEW) + E_NEW * (1 - E_OLD))
    assert r["shadow_mismatches"] == pytest.approx(n * p_diff, abs=4 * binomial_sd(n, p_diff))


def test_in_tee_mode_nothing_about_the_new_version_changes_what_users_see():
    # The invariant of shadowing, checked exactly: same seed, a perfect and a broken, slow new version.
    perfect = result(5, **{**BIG, "mode": "tee", "new_error_rate": 0.0, "new_latency_factor": 0.1})
    broken = result(5, **{**BIG, "mode": "tee", "new_error_rate": 1.0, "new_latency_factor": 10.0})
    assert perfect["user_visible_errors"] == broken["user_visible_errors"]
    assert perfect["user_latency_ms"] == broken["user_latency_ms"]
    assert perfect["shadow_errors"] == 0
    assert broken["shadow_errors"] == round(broken["shadowed_share"] * broken["requests"])
    # Splitting the same broken version hands its errors to users: about s x N more of them.
    split = result(5, **{**BIG, "mode": "split", "new_error_rate": 1.0})
    assert split["user_visible_errors"] > perfect["user_visible_errors"] + 0.15 * split["requests"]


def test_users_see_the_mixed_latency_when_splitting_and_the_old_latency_when_teeing():
    split = result(2, mode="split", **BIG)
    n = split["requests"]
    mean = (1 - S) * L + S * F * L
    # A mixture of exponentials: E[X^2] = 2((1 - s) L^2 + s (F L)^2); the mean of N has sd sqrt(var / N) ~ 0.5 ms.
    sd = math.sqrt(2 * ((1 - S) * L**2 + S * (F * L) ** 2) - mean**2)
    assert split["user_latency_ms"] == pytest.approx(mean, abs=4 * sd / math.sqrt(n))
    tee = result(2, mode="tee", **BIG)
    # Exponential latency: sd of the mean L / sqrt(N) ~ 0.3 ms; 4 sigma.
    assert tee["user_latency_ms"] == pytest.approx(L, abs=4 * L / math.sqrt(tee["requests"]))
    assert tee["new_latency_ms"] == pytest.approx(F * L, abs=4 * F * L / math.sqrt(S * tee["requests"]))


@pytest.mark.parametrize("mode", ["split", "tee"])
def test_sticky_routing_keeps_every_user_on_one_version(mode):
    params = {**BIG, "mode": mode, "users": 2000, "routing": "sticky_user"}
    for seed in (1, 2, 3):
        r = result(seed, **params)
        assert r["users_mixed"] == 0, seed  # the invariant: nobody is ever sent both ways
        # K of the ~2000 active users hash below s: Binomial, sd sqrt(.2 x .8 / 2000) = 0.0089; 4 sigma.
        active = r["users_active"]
        assert r["new_user_share"] == pytest.approx(S, abs=4 * math.sqrt(S * (1 - S) / active))
    # Random routing with ~15 requests per user sends almost every user both ways.
    random_routing = result(1, **{**params, "routing": "random"})
    assert random_routing["users_mixed"] > 0.8 * random_routing["users_active"]


def test_sticky_routing_varies_the_request_share_as_cluster_sampling_predicts():
    s, users, seeds = 0.3, 40, range(150)
    params = {**BIG, "mode": "split", "new_share": s, "users": users, "request_rate": 100.0, "duration_s": 10.0}
    sticky = [result(seed, **{**params, "routing": "sticky_user"}) for seed in seeds]
    randomly = [result(seed, **{**params, "routing": "random"}) for seed in seeds]
    inv_n = statistics.mean(1 / r["requests"] for r in sticky)
    expected_sticky = s * (1 - s) * (1 / users + (1 - 1 / users) * inv_n)  # ~0.0055
    expected_random = s * (1 - s) * inv_n  # ~0.0002, 26 times less
    var_sticky = statistics.variance(r["observed_new_share"] for r in sticky)
    var_random = statistics.variance(r["observed_new_share"] for r in randomly)
    # A sample variance over 150 near-normal draws has relative sd sqrt(2/149) = 0.116; the chi-square
    # 4-sigma band is about 0.58..1.5 of the true value.
    assert 0.58 * expected_sticky <= var_sticky <= 1.5 * expected_sticky
    assert 0.58 * expected_random <= var_random <= 1.5 * expected_random
    assert statistics.mean(r["observed_new_share"] for r in sticky) == pytest.approx(
        s, abs=4 * math.sqrt(expected_sticky / len(seeds))
    )


def test_frames_add_up_to_the_result_and_colour_the_versions():
    frames, r = run(**SCENARIO.preset("tee-bad").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    assert round(sum(f["series"]["old_rps"] for f in frames) * step) == r["requests"]
    assert round(sum(f["series"]["shadow_rps"] for f in frames) * step) == round(r["extra_load"] * r["requests"])
    assert all(f["series"]["new_rps"] == 0 for f in frames)
    # 30 % shadow errors turn the new version degraded; users (1 %) stay ok throughout.
    assert {f["nodes"]["client"] for f in frames} == {"ok"}
    assert "degraded" in {f["nodes"]["new"] for f in frames}
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds[0] == "start" and "new-error" in kinds and kinds[-1] == "summary"
    assert len(kinds) <= 10

    frames, r = run(**SCENARIO.preset("bad-canary").values)
    assert round(sum(f["series"]["new_rps"] for f in frames) * step) == round(r["observed_new_share"] * r["requests"])
    assert frames[-1]["series"]["new_share_pct"] == pytest.approx(100 * r["observed_new_share"], abs=0.001)


def test_every_preset_runs_and_returns_every_required_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {p.name for p in SCENARIO.params}, preset.name
        frames, r = run(**preset.values)
        assert set(r) >= REQUIRED_KEYS, preset.name
        assert 0 < len(frames) <= 400


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("sticky-users").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
