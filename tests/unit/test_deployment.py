"""deployment against the schedule it follows and the alarm arithmetic behind it.

References: Clare Liguori, "Automating safe, hands-off deployments", Amazon
Builders' Library (2020): one-box, rolling batches, waves, bake time and
automatic rollback on alarms, and the claim that a small first step with a bake
and an automatic rollback limits the damage of a bad deployment. The blast
radius follows from the schedule: a version failing with probability p that
serves a share s of `rate` requests for T seconds fails rate x s x T x p of
them (Poisson thinning: the count is Poisson with that mean). A windowed error
rate over W seconds rises as p_old + s (p_bad - p_old) min(t, W) / W after a
share s turns bad, so a fleet-wide alarm at threshold h fires after
t = W (h - p_old) / (s (p_bad - p_old)), or never when s (p_bad - p_old) < h - p_old.
Capacity: blue/green runs two fleets (200 %), a rolling batch with surge adds
its size on top, one replaced in place takes it away (Kubernetes maxSurge /
maxUnavailable).
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import deployment
from workers.sim.scenarios.deployment import SCENARIO, plan, wave_sizes

REQUIRED = (
    "failed_requests",
    "rolled_back",
    "time_to_detect_s",
    "time_to_rollback_s",
    "deploy_duration_s",
    "peak_capacity_pct",
    "min_capacity_pct",
)

# A timeout this long makes the latency tail negligible (exp(-600)), so the failure
# probabilities are the error rates themselves.
PLAIN = {
    "fleet": 10,
    "batch_pct": 20.0,
    "surge": False,
    "waves": 4,
    "canary_pct": 10.0,
    "bad_version": True,
    "bad_error_rate": 0.2,
    "bad_latency_factor": 1.0,
    "latency_ms": 100.0,
    "timeout_ms": 60000.0,
    "baseline_error_rate": 0.001,
    "bake_time_s": 300.0,
    "rollback_error_threshold": 0.01,
    "alarm_scope": "fleet",
    "alarm_min_requests": 100,
    "monitor_window_s": 60.0,
    "auto_rollback": True,
    "human_response_s": 0.0,
    "request_rate": 200.0,
    "instance_start_s": 30.0,
}


def run(seed=1, **params):
    playback = play(SCENARIO, {**PLAIN, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    return run(seed, **params)[1]


def failure_probability(error_rate, latency_ms, timeout_ms):
    return 1 - (1 - error_rate) * (1 - math.exp(-timeout_ms / latency_ms))


def expected_failures(params, timeline, end):
    """Mean failures for a timeline of (from_time, bad_share), bad_share None while nothing serves."""
    rate = params["request_rate"]
    p_old = failure_probability(params["baseline_error_rate"], params["latency_ms"], params["timeout_ms"])
    p_bad = failure_probability(
        params["bad_error_rate"], params["latency_ms"] * params["bad_latency_factor"], params["timeout_ms"]
    )
    total = 0.0
    for (start, share), (stop, _next) in zip(timeline, [*timeline[1:], (end, None)], strict=True):
        per_request = 1.0 if share is None else share * p_bad + (1 - share) * p_old
        total += rate * (stop - start) * per_request
    return total


def test_the_plans_follow_each_strategy():
    assert [(s.add, s.retire, s.in_place) for s in plan({**PLAIN, "strategy": "rolling"})] == [(2, 2, True)] * 5
    assert [s.add for s in plan({**PLAIN, "strategy": "rolling", "batch_pct": 33})] == [4, 4, 2]  # ceil(3.3) = 4
    assert [s.add for s in plan({**PLAIN, "strategy": "one_box"})] == [1, 2, 2, 2, 2, 2]
    assert [(s.add, s.switch) for s in plan({**PLAIN, "strategy": "blue_green"})] == [(10, True)]
    assert [(s.add, s.weight) for s in plan({**PLAIN, "strategy": "canary"})] == [(1, 0.1), (9, 1.0)]
    # One box, then 10 % of the fleet, then the rest split evenly.
    assert wave_sizes(10, 4) == [1, 1, 4, 4]
    assert wave_sizes(100, 5) == [1, 10, 30, 30, 29]
    assert wave_sizes(10, 2) == [1, 9]
    assert sum(wave_sizes(37, 7)) == 37


@pytest.mark.parametrize(
    ("strategy", "extra", "steps"),
    [
        ("all_at_once", {}, 1),
        ("rolling", {}, 5),  # batches of 20 % of 10 instances
        ("rolling", {"surge": True, "batch_pct": 33}, 3),
        ("one_box", {}, 6),
        ("waves", {}, 4),
        ("blue_green", {}, 1),
        ("canary", {}, 2),
    ],
)
def test_a_good_rollout_takes_exactly_its_steps_times_start_plus_bake(strategy, extra, steps):
    # Uneven start and bake times, so any step counted twice or missed shows.
    start, bake = 17.5, 42.25
    outcome = result(
        strategy=strategy, bad_version=False, instance_start_s=start, bake_time_s=bake, **extra
    )  # fmt: skip
    assert outcome["completed"] == 1 and outcome["rolled_back"] == 0
    assert outcome["steps"] == steps
    assert outcome["deploy_duration_s"] == pytest.approx(steps * (start + bake), abs=1e-6)
    assert outcome["time_to_detect_s"] is None and outcome["time_to_rollback_s"] is None


@pytest.mark.parametrize(
    ("strategy", "extra", "peak", "low"),
    [
        ("blue_green", {}, 200.0, 100.0),  # a second full fleet, and blue keeps serving until the switch
        ("canary", {}, 200.0, 100.0),  # the stable fleet stays at full size until the end (Argo Rollouts)
        ("rolling", {"surge": True}, 120.0, 100.0),  # a 2-instance batch on top of 10
        ("rolling", {"surge": False}, 100.0, 80.0),  # a 2-instance batch missing from 10
        ("one_box", {}, 110.0, 90.0),  # the extra box, then in-place batches beside it: 10 - 2 + 1 = 9
        ("all_at_once", {}, 100.0, 0.0),  # everyone restarts together
    ],
)
def test_capacity_peaks_and_dips_as_each_strategy_implies(strategy, extra, peak, low):
    outcome = result(strategy=strategy, bad_version=False, **extra)
    assert outcome["peak_capacity_pct"] == peak
    assert outcome["min_capacity_pct"] == low


@pytest.mark.parametrize(("strategy", "error_rate", "share"), [("blue_green", 0.02, 1.0), ("one_box", 0.2, 1 / 11)])
def test_a_fleet_alarm_fires_when_the_windowed_rate_reaches_the_threshold(strategy, error_rate, share):
    params = dict(strategy=strategy, bad_error_rate=error_rate, request_rate=1000.0)
    w, h, base = PLAIN["monitor_window_s"], PLAIN["rollback_error_threshold"], PLAIN["baseline_error_rate"]
    slope = share * (error_rate - base) / w  # error rate gained per second
    tau = (h - base) / slope  # 28.4 s and 29.8 s, both inside the window
    seeds = range(1, 9)
    detected = [result(seed, **params)["time_to_detect_s"] for seed in seeds]
    # Near the crossing the window holds rate x W = 60000 requests, so its error rate has
    # a standard error of sqrt(h (1 - h) / 60000) = 0.00041; divided by the slope that is
    # 1.3 s of detection time per run. The alarm is checked at the end of each 1-s bucket,
    # adding 0.5 s on average (at most 1 s). 4 sigma of the mean of 8 runs plus that bucket.
    sigma = math.sqrt(h * (1 - h) / (1000.0 * w)) / slope
    assert statistics.mean(detected) == pytest.approx(tau + 0.5, abs=4 * sigma / math.sqrt(len(seeds)) + 0.5)


def test_a_one_box_drowns_in_the_fleet_average_but_not_in_its_own_metrics():
    params = dict(strategy="one_box", bad_error_rate=0.05, bake_time_s=300.0)
    # One box of 11 serving a version with 5 % errors lifts the fleet rate to
    # 0.001 + (0.049 / 11) = 0.55 %, 4.6 points below the 1 % threshold: with 12000
    # requests per window (standard error 0.03 points near 0.55 %) the alarm cannot fire.
    fleet = result(**params, alarm_scope="fleet")
    assert fleet["time_to_detect_s"] is not None
    assert fleet["time_to_detect_s"] > params["bake_time_s"]  # caught only once the first batch joined
    # Watching the new version alone, the box's own rate is 5 % from its first
    # requests. The alarm waits for 100 of them at 200/11 = 18.2 req/s: 5.5 s (the
    # 100th arrival has sd 10/18.2 = 0.55 s, so never before 5.5 - 4 x 0.55 s), and
    # fires then unless at most 1 of the 100 failed (P = 3.7 %), or soon after: by
    # 60 s the box has served ~1000 requests, and 1 % of them failing instead of 5 %
    # is more than 5 standard errors out.
    own = result(**params, alarm_scope="new_version")
    assert 100 / (200 / 11) - 4 * 0.55 <= own["time_to_detect_s"] <= 60
    assert own["rolled_back"] == 1 and own["time_to_rollback_s"] == own["time_to_detect_s"]  # the box just leaves


def _timeline(strategy, params, outcome):
    """The bad share over time, rebuilt from the alarm time and the strategy's schedule."""
    t0, start, n = params["monitor_window_s"], params["instance_start_s"], params["fleet"]
    alarm = outcome["alarm_at_s"]
    assert t0 + start < alarm < t0 + start + params["bake_time_s"]  # caught in the first bake
    if strategy == "all_at_once":  # in place both ways: an outage to go, another to come back
        return [(0, 0.0), (t0, None), (t0 + start, 1.0), (alarm, None), (alarm + start, 0.0)]
    if strategy == "blue_green":  # blue still stands: switch back at once
        return [(0, 0.0), (t0 + start, 1.0), (alarm, 0.0)]
    if strategy == "one_box":
        return [(0, 0.0), (t0 + start, 1 / (n + 1)), (alarm, 0.0)]
    if strategy == "canary":
        return [(0, 0.0), (t0 + start, params["canary_pct"] / 100), (alarm, 0.0)]
    batch = n * params["batch_pct"] / 100
    if params["surge"]:  # the batch serves until old replacements are up beside it
        return [(0, 0.0), (t0 + start, batch / n), (alarm + start, 0.0)]
    return [(0, 0.0), (t0 + start, batch / n), (alarm, 0.0)]  # in place: the batch stops at once


@pytest.mark.parametrize(
    ("strategy", "extra"),
    [
        ("all_at_once", {}),
        ("blue_green", {}),
        ("one_box", {"alarm_scope": "new_version"}),
        ("canary", {}),
        ("rolling", {}),
        ("rolling", {"surge": True}),
    ],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_failed_requests_match_the_blast_radius_of_the_schedule(strategy, extra, seed):
    params = {**PLAIN, "strategy": strategy, **extra}
    outcome = result(seed, **params)
    mean = expected_failures(params, _timeline(strategy, params, outcome), outcome["simulated_s"])
    assert outcome["expected_failed_requests"] == pytest.approx(mean, abs=1e-3)  # rounded to 3 places
    # Given the schedule the count is Poisson (each request fails on its own), so
    # 4 sigma is 4 sqrt(mean). The alarm time is itself set by the failures (a
    # stopping time), which biases the count by a few failures at most: +5.
    assert abs(outcome["failed_requests"] - mean) <= 4 * math.sqrt(mean) + 5


def test_one_box_with_bake_and_auto_rollback_hurts_orders_of_magnitude_less_than_all_at_once():
    def harm(outcome):
        return outcome["failed_on_bad_version"] + outcome["unserved_requests"]

    seeds = range(1, 4)
    one_box = [harm(result(s, strategy="one_box", alarm_scope="new_version")) for s in seeds]
    unguarded = [harm(result(s, strategy="all_at_once", auto_rollback=False, human_response_s=900.0)) for s in seeds]
    guarded = [harm(result(s, strategy="all_at_once")) for s in seeds]
    # One box: 200/11 req/s at 20 % errors for the ~6 s the alarm needs to see 100
    # requests: ~22 failures. All at once, nothing serves for 30 s (6000 requests), then
    # every request meets the bad version until someone acts: 900 s x 200 x 0.2 = 36000
    # with a human, and a second 30-s outage to restart in place either way: ~48000
    # unguarded, ~12000 with an automatic rollback. The ratios, ~2000 and ~500, leave a
    # factor of 2 to 5 of room over the bounds below for the one-box count's spread.
    assert statistics.mean(one_box) < 60
    assert statistics.mean(unguarded) > 1000 * statistics.mean(one_box)  # three orders of magnitude
    assert statistics.mean(guarded) > 100 * statistics.mean(one_box)  # two, even with an automatic rollback


def test_a_slow_version_fails_through_its_timeouts():
    params = dict(
        strategy="blue_green", bad_error_rate=0.001, bad_latency_factor=5.0, timeout_ms=1000.0, auto_rollback=False
    )
    outcome = result(**params)
    # Mean latency 500 ms against a 1-s timeout: exp(-2) = 13.5 % time out.
    p_bad = failure_probability(0.001, 500.0, 1000.0)
    assert outcome["new_version_failure_rate"] == pytest.approx(p_bad, abs=1e-6)
    n = outcome["requests_on_bad_version"]
    # Binomial: sd sqrt(p (1 - p) / n) with n ~ 58000 is 0.0014; 4 sigma.
    assert outcome["failed_on_bad_version"] / n == pytest.approx(p_bad, abs=4 * math.sqrt(p_bad * (1 - p_bad) / n))
    assert outcome["rolled_back"] == 0 and outcome["completed"] == 1


def test_without_automatic_rollback_the_rollout_goes_on_until_a_human_acts():
    humans = result(strategy="rolling", auto_rollback=False, human_response_s=200.0)
    assert humans["rollback_by"] == "human"
    # In place, the bad batches stop serving the moment the rollback starts.
    assert humans["time_to_rollback_s"] - humans["time_to_detect_s"] == pytest.approx(200.0, abs=1e-6)
    nobody = result(strategy="rolling", auto_rollback=False, human_response_s=0.0)
    assert nobody["rolled_back"] == 0 and nobody["completed"] == 1
    assert nobody["time_to_detect_s"] is not None and nobody["time_to_rollback_s"] is None
    assert nobody["failed_on_bad_version"] > 10 * humans["failed_on_bad_version"]


def test_without_bake_time_the_rollout_completes_before_the_alarm_can_stop_it():
    outcome = result(strategy="all_at_once", bake_time_s=0.0, human_response_s=0.0)
    completed_at = outcome["deploy_started_at_s"] + outcome["deploy_duration_s"]
    assert outcome["completed"] == 1 and outcome["rolled_back"] == 0
    assert outcome["alarm_at_s"] > completed_at  # the alarm fired, but nothing was left to stop


def test_frames_show_the_rollout_and_end_on_the_result():
    frames, outcome = run(strategy="all_at_once", auto_rollback=False, human_response_s=300.0)
    assert len(frames) <= deployment.MAX_FRAMES
    last = frames[-1]["series"]
    assert last["failed"] == outcome["failed_requests"]
    assert last["failed_bad"] == outcome["failed_on_bad_version"]
    assert last["unserved"] == outcome["unserved_requests"]
    assert max(f["series"]["bad"] for f in frames) == PLAIN["fleet"]
    kinds = {e["kind"] for f in frames for e in f["events"]}
    assert {"deploy", "step", "baking", "alarm", "paged", "complete", "rollback", "rolled_back"} <= kinds
    new_states = [f["nodes"]["new"] for f in frames]
    assert "degraded" in new_states and "down" in new_states  # bad before the alarm, then known bad
    assert "down" in {f["nodes"]["lb"] for f in frames}  # nothing serves during the restarts
    assert frames[-1]["progress"] == 1.0


def test_every_preset_runs_and_returns_the_required_keys():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {p.name for p in SCENARIO.params}  # every parameter set explicitly
        playback = play(SCENARIO, preset.values, 1)
        frames = list(playback)
        assert frames and all(key in playback.result for key in REQUIRED), preset.name


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("rolling-20").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
