"""feature-flags against sticky percentage rollout and polled configuration.

References: Pete Hodgson, "Feature Toggles (aka Feature Flags)", martinfowler.com
(2017): release and ops toggles, percentage rollout with users bucketed by a
stable hash, kill switches. AWS AppConfig documentation (deployment strategies
such as Linear20PercentEvery6Minutes, rollback on CloudWatch alarms, and the
agent that serves configuration from a cache refreshed by polling). With users
hashed uniformly to 100 buckets, the share exposed at p % is binomial around
p / 100. With n instances polling every P seconds at independent uniform
phases, the wait of each for a change is uniform on [0, P): the mean instance
waits P / 2 and the last one P n / (n + 1) on average, with variance
P^2 n / ((n + 1)^2 (n + 2)) (the largest of n uniforms, a Beta(n, 1) order
statistic). Failures: requests are Poisson, so a request share x(t) that fails
with probability e yields a Poisson count with mean rate x(t) e dt integrated.
"""

import math
import statistics

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios import feature_flags
from workers.sim.scenarios.feature_flags import BASE, SCENARIO, exposed, schedule, user_buckets

REQUIRED = ("exposed_user_share", "max_exposed_user_share", "failed_requests", "time_to_kill_s", "time_to_detect_s")


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    return run(seed, **params)[1]


def test_the_schedule_is_the_top_of_the_ladder():
    assert schedule(5) == [1, 5, 25, 50, 100]
    assert schedule(3) == [25, 50, 100]
    assert schedule(1) == [100]


@pytest.mark.parametrize("salt", [1, 2, 3])
def test_buckets_are_sticky_and_uniform(salt):
    users = 20000
    buckets = user_buckets(users, salt)
    assert np.array_equal(buckets, user_buckets(users, salt))  # the same users, the same buckets
    assert not np.array_equal(buckets, user_buckets(users, salt + 1))  # another flag, another split
    for low, high in [(1, 5), (5, 25), (25, 50), (50, 100)]:
        assert np.all(exposed(buckets, high)[exposed(buckets, low)])  # nobody exposed at 5 % is dropped at 25 %
    for pct in (1, 5, 25, 50):
        share = exposed(buckets, pct).mean()
        # Binomial: sd sqrt(p (1 - p) / 20000), 0.0015 at 5 %, 0.0035 at 50 %; 4 sigma.
        p = pct / 100
        assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / users))


def test_requests_get_the_feature_in_proportion_to_the_users_exposed():
    params = dict(faulty=False, poll_interval_s=10.0, step_interval_s=300.0, request_rate=400.0)
    frames, outcome = run(**params)
    t0, interval, poll = outcome["rollout_started_at_s"], params["step_interval_s"], params["poll_interval_s"]
    width = frames[1]["t"] - frames[0]["t"]  # each frame covers (t - width, t]
    for k, share in enumerate(outcome["step_user_shares"]):
        # Frames after every instance has fetched the step (one poll interval) and before the next.
        settled = [
            f for f in frames if t0 + k * interval + poll <= f["t"] - width and f["t"] <= t0 + (k + 1) * interval
        ]
        assert all(f["series"]["users_exposed"] == pytest.approx(100 * share, abs=1e-3) for f in settled)
        flagged = statistics.mean(f["series"]["requests_flagged"] for f in settled) / 100
        # Each request's user is drawn at random, so the flagged share of N requests is
        # binomial around the users' share, N = 400 req/s x the settled seconds; 4 sigma.
        n = 400.0 * width * len(settled)
        assert flagged == pytest.approx(share, abs=4 * math.sqrt(share * (1 - share) / n) + 1e-9)
    assert outcome["exposed_user_share"] == 1.0 and outcome["killed"] == 0


def test_the_kill_reaches_the_last_instance_as_the_largest_of_n_uniform_waits():
    # Killed at 1 %: ~1.9 flagged requests per second must gather 100 in the window,
    # which takes ~52 s with a spread of ~5 s, far more than the 2-s poll interval, so
    # the flip falls at a phase independent of the instances' polls.
    poll, n, seeds = 2.0, 6, range(1, 41)
    params = dict(poll_interval_s=poll, monitor_window_s=80.0, kill_min_requests=100, step_interval_s=600.0)
    outcomes = [result(seed, **params) for seed in seeds]
    assert all(o["kill_at_percent"] == 1 for o in outcomes)
    for o in outcomes:
        assert 0 <= o["mean_time_to_kill_s"] <= o["time_to_kill_s"] <= poll
    last = statistics.mean(o["time_to_kill_s"] for o in outcomes)
    each = statistics.mean(o["mean_time_to_kill_s"] for o in outcomes)
    # Largest of 6 uniforms on [0, 2): mean 2 x 6/7 = 1.714, sd 2 sqrt(6 / (49 x 8)) = 0.247.
    # Mean of 6: mean 1, sd 2 / sqrt(12 x 6) = 0.236. 4 sigma of the mean over 40 seeds.
    sd_last = poll * math.sqrt(n / ((n + 1) ** 2 * (n + 2)))
    assert last == pytest.approx(poll * n / (n + 1), abs=4 * sd_last / math.sqrt(len(seeds)))
    assert each == pytest.approx(poll / 2, abs=4 * poll / math.sqrt(12 * n) / math.sqrt(len(seeds)))


def published_failures(params, outcome):
    """Mean failures if every instance switched the moment the flag changed, up to the kill."""
    rate, base, fault = params["request_rate"], params["baseline_error_rate"], params["fault_error_rate"]
    t0, interval, kill = outcome["rollout_started_at_s"], params["step_interval_s"], outcome["kill_at_s"]
    exposure = 0.0
    for k, share in enumerate(outcome["step_user_shares"]):
        start = t0 + k * interval
        stop = min(kill, t0 + (k + 1) * interval if k + 1 < len(outcome["step_user_shares"]) else math.inf)
        exposure += share * max(0.0, stop - start)
    return rate * base * outcome["simulated_s"] + rate * (fault - base) * exposure


def polling_slack(params, outcome):
    """The most polling can move that mean: each instance switches on and off up to one poll late."""
    top = max(outcome["step_user_shares"][: outcome["schedule_pct"].index(outcome["kill_at_percent"]) + 1])
    return (
        params["request_rate"]
        * (params["fault_error_rate"] - params["baseline_error_rate"])
        * 2
        * top
        * params["poll_interval_s"]
    )


@pytest.mark.parametrize("steps", [5, 1])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_failed_requests_match_the_exposure_up_to_the_kill(steps, seed):
    # A 1-s poll interval keeps what polling adds within a few failures (polling_slack);
    # expected over the poll phases it adds nothing, since every switch is late by the
    # same uniform wait on average.
    params = {**BASE, "rollout_steps": steps, "poll_interval_s": 1.0}
    outcome = result(seed, **params)
    assert outcome["killed"] == 1
    mean = published_failures(params, outcome)
    # Poisson given the exposure: 4 sqrt(mean). The flip is itself set by the failures
    # (a stopping time), which moves the count by a few at most: +5.
    assert abs(outcome["failed_requests"] - mean) <= 4 * math.sqrt(mean) + polling_slack(params, outcome) + 5


@pytest.mark.parametrize("preset", ["slow-polling", "big-bang-faulty"])
def test_slow_polling_moves_failures_only_within_its_bound(preset):
    params = SCENARIO.preset(preset).values
    for seed in (1, 2, 3):
        outcome = result(seed, **params)
        # The model's own mean for the exposure that happened stays within one poll of
        # the instant-switch schedule on the way up and on the way down (deterministic bound)...
        slack = polling_slack(params, outcome)
        assert abs(outcome["expected_failed_requests"] - published_failures(params, outcome)) <= slack
        # ...and the count is Poisson around it: 4 sqrt(mean) + 5 for the stopping time.
        mean = outcome["expected_failed_requests"]
        assert abs(outcome["failed_requests"] - mean) <= 4 * math.sqrt(mean) + 5
        assert 0 <= outcome["time_to_kill_s"] <= params["poll_interval_s"]


def test_a_one_percent_step_is_too_thin_to_judge_and_five_percent_is_caught():
    params = SCENARIO.preset("faulty-killed-at-5").values
    for seed in (1, 2, 3, 4):
        outcome = result(seed, **params)
        # At 1 % the flagged requests arrive at ~200 x 0.0097 = 1.9/s, ~116 per 60-s window:
        # 200 are needed (Poisson(116) reaching 200 is ~8 sigma out). At 5 % they arrive at
        # ~9.8/s, so 200 gather in ~20 s, well inside the 120-s step.
        assert outcome["kill_at_percent"] == 5
        step_at = outcome["rollout_started_at_s"] + params["step_interval_s"]
        assert step_at < outcome["kill_at_s"] < step_at + params["poll_interval_s"] + 60
        assert outcome["max_exposed_user_share"] <= outcome["step_user_shares"][1]


def test_a_big_bang_exposes_everyone_and_fails_more_than_a_gradual_rollout():
    seeds = (1, 2, 3)
    gradual = [result(s, **SCENARIO.preset("faulty-killed-at-5").values) for s in seeds]
    big_bang = [result(s, **SCENARIO.preset("big-bang-faulty").values) for s in seeds]
    assert all(o["ever_exposed_user_share"] == 1.0 for o in big_bang)
    assert all(o["ever_exposed_user_share"] < 0.06 for o in gradual)  # 5 % of users, binomial
    # Both stop after ~200 flagged requests; after the flip the big bang still serves the
    # fault to every user on the instances that have not polled yet (tens of requests per
    # second for ~P/2), the gradual rollout to 5 % of them: several times more failures.
    flagged = statistics.mean(o["failed_on_flagged"] for o in big_bang)
    assert flagged > 3 * statistics.mean(o["failed_on_flagged"] for o in gradual)


def test_frames_show_the_rollout_and_end_on_the_result():
    frames, outcome = run(**SCENARIO.preset("faulty-killed-at-5").values)
    assert len(frames) <= feature_flags.MAX_FRAMES
    assert frames[-1]["series"]["failed"] == outcome["failed_requests"]
    assert frames[-1]["series"]["failed_flagged"] == outcome["failed_on_flagged"]
    assert [f["series"]["target"] for f in frames if f["t"] < 60] == [0.0] * len([f for f in frames if f["t"] < 60])
    assert max(f["series"]["target"] for f in frames) == 5.0
    kinds = [e["kind"] for f in frames for e in f["events"]]
    # 1 % and 5 % are published; the kill cancels 25, 50 and 100 %.
    assert kinds.count("step") == 2 and kinds.count("kill") == 1 and kinds.count("off") == 1
    states = {f["nodes"][f"inst{j}"] for f in frames for j in range(1, 7)}
    assert {"ok", "degraded", "down"} <= states  # faulty while unknown, stale after the flip
    assert frames[-1]["nodes"]["flags"] == "down"
    assert frames[-1]["progress"] == 1.0


def test_every_preset_runs_and_returns_the_required_keys():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {p.name for p in SCENARIO.params}  # every parameter set explicitly
        playback = play(SCENARIO, preset.values, 1)
        frames = list(playback)
        assert frames and all(key in playback.result for key in REQUIRED), preset.name


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("faulty-killed-at-5").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
