"""saga against the guarantee it exists for and the arithmetic of its failures.

References: Hector Garcia-Molina and Kenneth Salem, "Sagas", Proc. ACM SIGMOD 1987,
pp. 249-259 (a saga runs T1..Tn, or T1..Tj followed by Cj..C1, so no order is
left half-done; compensations must eventually succeed and are retried); Chris
Richardson, Microservices Patterns (Manning, 2018), ch. 4 (orchestration with
commands and replies, choreography with events). The probabilities are those of
independent Bernoulli failures: P(complete) = (1 - p)^n, P(first failure at
step k) = (1 - p)^(k-1) p, so naive calls leave (1 - p) - (1 - p)^n of orders
half-done, and a compensation needs a geometric number of attempts with mean
1 / (1 - q).
"""

import math

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.saga import (
    APPLY,
    COMP_MSG,
    MSG,
    UNAPPLY,
    Timeline,
    backoff_s,
    expected_completed_share,
    expected_inconsistent_share,
    message_formula,
)

SCENARIO = get("saga")
REQUIRED = ("completed", "compensated", "inconsistent", "messages", "mean_latency_ms")


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def first_failure_distribution(p, n):
    """P(an order's first failure is at step k), k = 1..n, and P(no failure) last."""
    return [(1 - p) ** (k - 1) * p for k in range(1, n + 1)] + [(1 - p) ** n]


def mean_var(values_and_probs):
    mean = sum(v * w for v, w in values_and_probs)
    return mean, sum((v - mean) ** 2 * w for v, w in values_and_probs)


class ScriptedRng:
    """Stands in for random.Random: fixed durations, and failure draws from a script."""

    def __init__(self, draws):
        self.draws = list(draws)

    def expovariate(self, _rate):
        return 0.01

    def random(self):
        return self.draws.pop(0)


def test_the_closed_forms_on_known_inputs():
    assert expected_completed_share(0.1, 4) == pytest.approx(0.6561)
    # The first failure at step k >= 2, summed term by term, equals the closed form.
    by_terms = sum(0.9 ** (k - 1) * 0.1 for k in range(2, 5))
    assert expected_inconsistent_share(0.1, 4) == pytest.approx(by_terms)
    assert expected_inconsistent_share(0.1, 4) == pytest.approx(0.9 - 0.6561)
    assert [backoff_s(f, 100) for f in (1, 2, 3, 6, 7, 20)] == [0.1, 0.2, 0.4, 3.2, 3.2, 3.2]
    assert message_formula("orchestration", 10, 3, 5) == 30
    assert message_formula("choreography", 10, 3, 5) == 13
    assert message_formula("none", 10, 3, 5) == 20


@pytest.mark.parametrize("mode", ["orchestration", "choreography"])
def test_compensations_undo_the_applied_steps_in_reverse_order(mode):
    # Steps 1-3 commit (0.5 >= p), step 4 fails (0.0 < p); then C3 fails once
    # (0.0 < q) and succeeds, C2 and C1 succeed.
    params = dict(SCENARIO.defaults(), mode=mode, steps=4, step_failure_prob=0.3, compensation_failure_prob=0.3)
    timeline = Timeline(params, ScriptedRng([0.5, 0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5]))
    timeline.order(0, 0.0)
    records = sorted(timeline.records)
    assert [r[4] for r in records if r[2] == APPLY] == [0, 1, 2]
    assert [r[4] for r in records if r[2] == UNAPPLY] == [2, 1, 0]
    messages = sum(1 for r in records if r[2] in (MSG, COMP_MSG))
    # Orchestration: 4 step attempts and 4 compensation attempts, a command and a reply each.
    # Choreography: 4 step events and 3 "compensated" events; the retry is local to the service.
    assert messages == {"orchestration": 2 * 4 + 2 * 4, "choreography": 4 + 3}[mode]
    assert timeline.tally.compensation_attempts == 4 and timeline.tally.compensations == 3


@pytest.mark.parametrize("mode", ["orchestration", "choreography"])
def test_a_saga_leaves_no_order_half_done_whatever_the_failure_rates(mode):
    # 36 runs per mode across the whole range of both probabilities. The verdict is read
    # from the services' ledgers, so a compensation skipped or applied twice shows up here.
    for p in (0.05, 0.5, 1.0):
        for q in (0.0, 0.5, 0.95):
            for steps in (2, 7):
                for seed in (1, 2):
                    _frames, result = run(
                        seed, mode=mode, steps=steps, step_failure_prob=p, compensation_failure_prob=q,
                        orders=40, order_rate=50, retry_backoff_ms=10,
                    )  # fmt: skip
                    label = (p, q, steps, seed)
                    assert result["inconsistent"] == 0, label
                    assert result["completed"] + result["compensated"] == 40, label
                    assert result["compensation_attempts"] >= result["compensations"], label
                    if q == 0.0:
                        assert result["compensation_retries"] == 0, label
                    if p == 1.0:
                        assert result["completed"] == 0 and result["compensations"] == 0, label


@pytest.mark.parametrize(
    ("mode", "p", "steps"), [("orchestration", 0.1, 4), ("choreography", 0.2, 3), ("none", 0.05, 8)]
)
def test_the_share_completed_is_one_minus_p_to_the_power_of_the_steps(mode, p, steps):
    _frames, result = run(
        5, mode=mode, steps=steps, step_failure_prob=p, compensation_failure_prob=0.2, orders=4000, order_rate=200
    )
    expected = (1 - p) ** steps
    # n = 4000 orders, binomial: the std error of a share near 0.5-0.66 is at most
    # sqrt(.25/4000) = 0.0079; 4 sigma = 0.032.
    sigma = math.sqrt(expected * (1 - expected) / 4000)
    assert result["completed_share"] == pytest.approx(expected, abs=4 * sigma)
    assert result["completed_share_expected"] == pytest.approx(expected, abs=1e-6)


def test_naive_calls_leave_the_expected_share_of_orders_half_done():
    p, steps, orders = 0.1, 5, 4000
    _frames, result = run(7, mode="none", steps=steps, step_failure_prob=p, orders=orders, order_rate=200)
    expected = (1 - p) - (1 - p) ** steps  # first failure at step k >= 2
    # n = 4000, share 0.31: std error sqrt(.31 x .69 / 4000) = 0.0073; 4 sigma = 0.029.
    assert result["inconsistent"] / orders == pytest.approx(
        expected, abs=4 * math.sqrt(expected * (1 - expected) / orders)
    )
    # A failure at step 1 leaves nothing applied: share p, std error 0.0047, 4 sigma = 0.019.
    assert result["compensated"] / orders == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / orders))
    assert result["compensations"] == 0
    assert result["completed"] + result["compensated"] + result["inconsistent"] == orders


@pytest.mark.parametrize("mode", ["orchestration", "choreography", "none"])
def test_the_messages_counted_equal_each_modes_formula(mode):
    _frames, result = run(2, **{**SCENARIO.preset("orchestration-with-failures").values, "mode": mode})
    assert result["messages"] == message_formula(
        mode, result["step_attempts"], result["compensations"], result["compensation_attempts"]
    )
    assert result["compensation_retries"] == result["compensation_attempts"] - result["compensations"]


def test_step_and_compensation_attempts_match_their_expected_counts():
    p, q, n, orders = 0.2, 0.5, 5, 5000
    _frames, result = run(
        11, mode="orchestration", steps=n, step_failure_prob=p, compensation_failure_prob=q, orders=orders,
        order_rate=500, retry_backoff_ms=10,
    )  # fmt: skip
    dist = first_failure_distribution(p, n)
    # Step attempts per order: k if the first failure is at step k, n if none.
    attempts_mean, attempts_var = mean_var(
        [(k, w) for k, w in zip(range(1, n + 1), dist[:n], strict=True)] + [(n, dist[n])]
    )
    # Steps to compensate per order: k - 1 for a failure at step k, 0 if none.
    comp_mean, comp_var = mean_var(
        [(k - 1, w) for k, w in zip(range(1, n + 1), dist[:n], strict=True)] + [(0, dist[n])]
    )
    # Compensation attempts: a geometric number (mean 1/(1-q), variance q/(1-q)^2) per step to undo.
    tries_mean = comp_mean / (1 - q)
    tries_var = comp_mean * q / (1 - q) ** 2 + comp_var / (1 - q) ** 2
    failures = 1 - (1 - p) ** n
    # Sums over 5000 independent orders: 4 standard errors of the sum, sqrt(orders x variance).
    assert result["step_attempts"] == pytest.approx(orders * attempts_mean, abs=4 * math.sqrt(orders * attempts_var))
    assert result["compensations"] == pytest.approx(orders * comp_mean, abs=4 * math.sqrt(orders * comp_var))
    assert result["compensation_attempts"] == pytest.approx(orders * tries_mean, abs=4 * math.sqrt(orders * tries_var))
    assert result["step_failures"] == pytest.approx(
        orders * failures, abs=4 * math.sqrt(orders * failures * (1 - failures))
    )


def test_a_completed_order_takes_the_steps_and_the_hops_each_mode_needs():
    common = dict(
        steps=4, step_failure_prob=0.05, orders=3000, order_rate=200, step_latency_ms=50, message_latency_ms=20
    )
    _frames, orchestrated = run(3, mode="orchestration", **common)
    _frames, choreographed = run(3, mode="choreography", **common)
    # A completed order is 4 exponential local transactions (mean 50 ms, std 50 ms) plus
    # fixed hops: 2 per step with orchestration (360 ms), 1 with choreography (280 ms).
    # About 3000 x 0.95^4 = 2440 completed orders: std error 50 x sqrt(4 / 2440) = 2.0 ms; 4 sigma = 8 ms.
    assert orchestrated["mean_latency_completed_ms"] == pytest.approx(4 * (50 + 2 * 20), abs=8)
    assert choreographed["mean_latency_completed_ms"] == pytest.approx(4 * (50 + 20), abs=8)
    assert choreographed["messages"] < orchestrated["messages"]


def test_frames_tell_the_same_story_as_the_result():
    frames, result = run(4, **SCENARIO.preset("flaky-compensations").values)
    assert len(frames) <= 400
    last = frames[-1]["series"]
    for key in ("completed", "compensated", "inconsistent"):
        assert last[key] == result[key]
    assert last["running"] == last["compensating"] == last["backing_off"] == 0
    assert last["retries"] == result["compensation_retries"]
    step = frames[0]["t"]
    assert round(sum(f["series"]["messages"] for f in frames) * step) == result["messages"]
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert {"step-failed", "retry", "compensation", "settled"} <= set(kinds)
    assert len(kinds) <= 30
    assert {f["nodes"]["bus"] for f in frames} == {"idle"}
    assert "degraded" in {f["nodes"]["orchestrator"] for f in frames}


def test_naive_calls_mark_the_services_holding_leftovers():
    frames, result = run(1, **SCENARIO.preset("naive-no-compensation").values)
    assert result["inconsistent"] > 0
    assert frames[-1]["nodes"]["service_1"] == "degraded"
    assert any(e["kind"] == "inconsistent" for f in frames for e in f["events"])


def test_every_preset_runs_and_returns_every_result_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        _frames, result = run(1, **preset.values)
        assert all(key in result for key in REQUIRED), preset.name


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("choreography-with-failures").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
