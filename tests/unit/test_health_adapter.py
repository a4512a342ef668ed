"""health-adapter against the arithmetic of periodic probing and Kubernetes' probe semantics.

References:
- Kubernetes documentation, "Configure Liveness, Readiness and Startup Probes"
  and "Pod Lifecycle": probes every periodSeconds, a probe fails after
  timeoutSeconds, failureThreshold failures in a row fail it, readiness comes
  back after successThreshold (1) passes; a failed readiness probe takes the Pod
  out of the Service's endpoints, a failed liveness probe restarts the
  container; liveness probes should not check dependencies, or a dependency
  failure restarts every Pod without helping.
- Brendan Burns, Designing Distributed Systems (O'Reilly, 2018), ch. 4
  "Adapters": a health-monitoring adapter runs a real query against the
  application and exposes the result to the platform's probe.
- David Yanacek, "Implementing health checks", Amazon Builders' Library (2019):
  a process (liveness) check misses a server that runs but cannot serve; a deep
  check on a shared dependency fails the whole fleet at once, which load
  balancers soften by failing open.
- Detection with probes every I at a uniform phase and k failures in a row: the
  first probe after the hang is uniform on [0, I) later, so the k-th failure is
  reported uniform on [(k - 1) I + tau, k I + tau): mean (k - 0.5) I + tau, sd
  I / sqrt(12).
- Round robin over R replicas hands the hung one every R-th request, so of the
  Poisson(lambda D) requests in a window D it gets lambda D / R, within
  4 sqrt(lambda D) / R + 1 (the +1 for the round-robin phase).
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.frames import Result
from workers.sim.scenarios import get
from workers.sim.scenarios.health_adapter import SCENARIO, expected_detection_s

REQUIRED_KEYS = {"time_to_detect_s", "failed_requests", "false_restarts", "recovered_s"}

BASE = {
    "check": "deep",
    "probe_interval_s": 4.0,
    "failure_threshold": 3,
    "probe_timeout_s": 1.0,
    "hang_at_s": 20.0,
    "hang_duration_s": 23.0,
    "hang_scope": "one_replica",
    "hang_in": "dependency",
    "replicas": 4,
    "request_rate": 20.0,
    "duration_s": 50.0,
    "restart_on_failure": False,
    "restart_s": 10.0,
    "fail_open": False,
}
INTERVAL, K, TAU = 4.0, 3, 1.0


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def result(seed=1, **params):
    *_frames, last = SCENARIO.run(SCENARIO.with_defaults({**BASE, **params}), seed)
    assert isinstance(last, Result)
    return last.values


def round_robin_tolerance(rate: float, window: float, replicas: int) -> float:
    return 4 * math.sqrt(rate * window) / replicas + 1


@pytest.fixture(scope="module")
def deep_runs():
    return [result(seed) for seed in range(200)]


def test_the_registry_finds_the_scenario():
    assert get("health-adapter") is SCENARIO


def test_the_deep_check_detects_a_hang_between_k_minus_1_and_k_intervals(deep_runs):
    detected = [r["time_to_detect_s"] for r in deep_runs]
    assert all((K - 1) * INTERVAL + TAU <= d <= K * INTERVAL + TAU for d in detected)
    # Uniform on [(k-1)I + tau, kI + tau): sd I/sqrt(12) = 1.15, over 200 runs 0.082; 4 sigma = 0.33.
    assert statistics.mean(detected) == pytest.approx((K - 0.5) * INTERVAL + TAU, abs=0.33)
    assert deep_runs[0]["detect_expected_s"] == expected_detection_s(BASE) == (K - 0.5) * INTERVAL + TAU
    # Uniform, not just the right mean: half fall below the midpoint, sd sqrt(.25/200) = 0.035; 4 sigma = 0.14.
    below = sum(d < (K - 0.5) * INTERVAL + TAU for d in detected) / len(detected)
    assert below == pytest.approx(0.5, abs=0.14)


def test_a_readiness_probe_brings_the_replica_back_at_its_next_passing_probe(deep_runs):
    recovered = [r["recovered_s"] for r in deep_runs]
    assert all(0 <= x < INTERVAL for x in recovered)
    # The next probe after the hang ends is uniform on [0, I): mean 2, sd of the mean 1.15/sqrt(200); 4 sigma.
    assert statistics.mean(recovered) == pytest.approx(INTERVAL / 2, abs=0.33)
    assert all(r["restarts"] == 0 and r["false_restarts"] == 0 for r in deep_runs)


@pytest.mark.parametrize("seed", range(1, 6))
def test_with_the_deep_check_the_hung_replica_fails_its_share_until_detection(seed):
    rate, replicas = 200.0, 4
    r = result(seed, request_rate=rate, replicas=replicas)
    detect = r["time_to_detect_s"]
    expected = rate * detect / replicas
    # Every 4th of the Poisson(rate x D) requests in the window: sd sqrt(rate D)/4 ~ 9, plus the round-robin phase.
    assert r["failed_requests"] == pytest.approx(expected, abs=round_robin_tolerance(rate, detect, replicas))


@pytest.mark.parametrize("seed", range(1, 4))
def test_the_process_check_never_notices_and_the_replica_fails_its_share_for_the_whole_hang(seed):
    rate, replicas, hang = 200.0, 4, BASE["hang_duration_s"]
    r = result(seed, check="process", request_rate=rate, replicas=replicas)
    assert r["time_to_detect_s"] is None and r["detect_expected_s"] is None
    assert r["probes_failed"] == 0
    assert r["recovered_s"] == 0  # never left the rotation, so it serves as soon as the hang ends
    assert r["failed_requests"] == pytest.approx(
        rate * hang / replicas, abs=round_robin_tolerance(rate, hang, replicas)
    )


def test_a_hang_shorter_than_k_minus_1_intervals_is_never_detected():
    # The k-th probe after the hang starts is sent at least (k - 1) I later, after the hang is over.
    hang = (K - 1) * INTERVAL - 0.5
    for seed in range(20):
        r = result(seed, hang_duration_s=hang, request_rate=100.0)
        assert r["time_to_detect_s"] is None, seed
        assert r["failed_requests"] == pytest.approx(100.0 * hang / 4, abs=round_robin_tolerance(100.0, hang, 4))


@pytest.mark.parametrize("seed", range(1, 9))
def test_liveness_restarts_on_a_hung_dependency_are_all_false_and_change_nothing_for_users(seed):
    params = {"restart_on_failure": True, "hang_duration_s": 60.0, "duration_s": 100.0, "request_rate": 50.0}
    restarted = result(seed, **params)
    ready_only = result(seed, **{**params, "restart_on_failure": False})
    # The first restart comes at detection D; each later one a cycle C = restart + (k - 1) I + tau after
    # the previous, as long as the k-th failing probe (sent tau before) falls inside the hang.
    detect, cycle, hang = restarted["time_to_detect_s"], 10.0 + (K - 1) * INTERVAL + TAU, 60.0
    expected = sum(1 for m in range(100) if detect - TAU + m * cycle < hang)
    assert restarted["restarts"] == expected >= 2
    assert restarted["false_restarts"] == restarted["restarts"]
    # Users lose exactly the same requests: the replica is out of rotation either way.
    assert restarted["failed_requests"] == ready_only["failed_requests"]


def test_on_a_shared_dependency_liveness_restarts_every_replica_and_no_request_succeeds_anyway():
    params = {**BASE, "hang_scope": "all_replicas", "hang_duration_s": 60.0, "duration_s": 100.0, "request_rate": 50.0}
    hang_at, hang_end = params["hang_at_s"], params["hang_at_s"] + params["hang_duration_s"]
    for seed in range(5):
        frames, restarted = run(seed, **{**params, "restart_on_failure": True})
        ready_frames, ready_only = run(seed, **params)
        assert ready_only["restarts"] == 0
        assert restarted["false_restarts"] == restarted["restarts"] >= 2 * params["replicas"]
        assert max(f["series"]["restarting"] for f in frames) == params["replicas"]
        # Nothing improves: in every frame inside the hang, no request succeeds, restarts or not.
        for run_frames in (frames, ready_frames):
            inside = [f for f in run_frames if hang_at + 0.5 <= f["t"] <= hang_end]
            assert inside and all(f["series"]["ok_rps"] == 0 for f in inside)
        # So both lose at least every request in the hang: Poisson(3000), sd 55; 4 sigma below.
        hang_requests = 50.0 * 60.0
        assert min(restarted["failed_requests"], ready_only["failed_requests"]) >= hang_requests - 4 * math.sqrt(
            hang_requests
        )


def test_a_restart_cures_a_deadlocked_app_and_is_not_false():
    for seed in range(1, 6):
        cured = result(seed, hang_in="app", restart_on_failure=True, hang_duration_s=60.0, duration_s=100.0)
        waiting = result(seed, hang_in="app", hang_duration_s=60.0, duration_s=100.0)
        assert cured["restarts"] == 1 and cured["false_restarts"] == 0
        # The restarted app passes its first probe at once: back exactly restart_s after the restart.
        assert cured["recovered_s"] == pytest.approx(BASE["restart_s"])
        assert cured["failed_requests"] == waiting["failed_requests"]
        assert cured["time_to_detect_s"] == waiting["time_to_detect_s"]


@pytest.mark.parametrize("seed", range(1, 6))
def test_failing_open_serves_at_once_when_the_shared_dependency_returns(seed):
    params = {"hang_scope": "all_replicas", "request_rate": 100.0}
    closed = result(seed, **params)
    opened = result(seed, **params, fail_open=True)
    assert opened["failed_requests"] <= closed["failed_requests"]
    # Failing open loses only the requests inside the hang: Poisson(100 x 23), sd 48; 4 sigma.
    hang_requests = 100.0 * BASE["hang_duration_s"]
    assert opened["failed_requests"] == pytest.approx(hang_requests, abs=4 * math.sqrt(hang_requests))


def test_frames_add_up_to_the_result_and_show_the_replica_leave_and_return():
    frames, r = run(**SCENARIO.preset("deep-check").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    assert round(sum(f["series"]["ok_rps"] + f["series"]["failed_rps"] for f in frames) * step) == r["requests"]
    assert round(sum(f["series"]["failed_rps"] for f in frames) * step) == r["failed_requests"]
    app1 = [f["nodes"]["app1"] for f in frames]
    assert app1.index("down") < app1.index("idle") < len(app1) - 1 - app1[::-1].index("idle")
    assert app1[-1] == "ok"
    assert {f["series"]["in_rotation"] for f in frames} == {2, 3}
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds[:2] == ["start", "hang"]
    assert kinds.count("probe-failed") == 3 and kinds.count("removed") == 1 and kinds.count("back") == 1

    frames, r = run(**SCENARIO.preset("process-check").values)
    assert "idle" not in {f["nodes"]["app1"] for f in frames}  # never out of rotation
    assert {f["series"]["failing_checks"] for f in frames} == {0}
    assert "blind-pass" in [e["kind"] for f in frames for e in f["events"]]


def test_every_preset_runs_and_returns_every_required_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {p.name for p in SCENARIO.params}, preset.name
        frames, r = run(**preset.values)
        assert set(r) >= REQUIRED_KEYS, preset.name
        assert 0 < len(frames) <= 400
        assert sum(len(f["events"]) for f in frames) <= 61


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("restart-loop").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
