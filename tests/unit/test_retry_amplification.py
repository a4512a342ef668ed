"""retry-amplification against the exact expectation and the SRE book's figures.

References: the expected number of dependency calls per request without a
budget, (1 - f^N) / (1 - f) with N the product of the tries per layer, and the
success probability 1 - f^N, derived exactly in the module docstring (the
retries at every layer behave like one client trying the dependency up to N
times). Betsy Beyer, Chris Jones, Jennifer Petoff, Niall Richard Murphy (eds.),
Site Reliability Engineering (O'Reilly, 2016): ch. 22 "Addressing Cascading
Failures" (backend, frontend and JavaScript layers each making 4 attempts turn
one user action into 4^3 = 64 attempts on the database) and ch. 21 "Handling
Overload" (3 attempts at one layer grow the load to "somewhat below 3X", a
per-client retry budget of 10 % to 1.1x). The pattern page's example: 3 attempts
at each of 5 layers, 3^5 = 243 calls at the bottom.
"""

import math

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.retry_amplification import BUDGET_TOKENS, expected_backend_calls

SCENARIO = get("retry-amplification")
REQUIRED = {"backend_calls_per_request", "succeeded_fraction"}


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def min_of_geometric_moments(f: float, n: int) -> tuple[float, float]:
    """Mean and variance of min(G, n), G the try of the first success when each try fails with f."""
    tail = [f**k for k in range(n)]  # P(X >= k + 1)
    mean = sum(tail)
    second = sum((2 * k + 1) * p for k, p in enumerate(tail))
    return mean, second - mean * mean


@pytest.mark.parametrize(
    ("layers", "tries", "calls"),
    [(5, 3, 243), (3, 4, 64), (3, 3, 27), (1, 3, 3)],  # the pattern page's 3^5; the SRE book's 4^3
)
def test_with_the_dependency_down_every_request_costs_tries_to_the_power_of_layers(layers, tries, calls):
    _frames, result = run(layers=layers, tries_per_layer=tries, dependency_failure_rate=1.0, retry_budget_pct=0)
    assert result["backend_calls_per_request"] == calls
    assert result["calls_per_request_by_layer"] == [tries**level for level in range(layers + 1)]
    assert result["succeeded_fraction"] == 0
    assert result["backend_calls"] == calls * result["requests"]
    assert result["expected_backend_calls_no_budget"] == calls


def test_a_healthy_dependency_costs_one_call_per_layer():
    _frames, result = run(dependency_failure_rate=0.0, layers=4)
    assert result["calls_per_request_by_layer"] == [1.0] * 5
    assert result["succeeded_fraction"] == 1.0
    assert result["retries"] == 0


def test_retrying_only_at_the_top_costs_the_top_layers_tries():
    _frames, result = run(**SCENARIO.preset("top-only").values)
    assert result["calls_per_request_by_layer"] == [1.0, 3.0, 3.0, 3.0]
    assert result["backend_calls_per_request"] == 3.0


@pytest.mark.parametrize(
    ("params", "total_tries"),
    [
        ({"layers": 2, "tries_per_layer": 2, "dependency_failure_rate": 0.9}, 4),
        ({"layers": 3, "tries_per_layer": 3, "dependency_failure_rate": 0.3}, 27),
        ({"layers": 3, "tries_per_layer": 3, "dependency_failure_rate": 0.8, "retry_at": "top_only"}, 3),
    ],
)
def test_a_partial_failure_matches_the_exact_expectation(params, total_tries):
    _frames, result = run(**params, retry_budget_pct=0, request_rate=500, duration_s=20)
    n, f = result["requests"], params["dependency_failure_rate"]
    mean, variance = min_of_geometric_moments(f, total_tries)
    assert mean == pytest.approx(expected_backend_calls(f, total_tries))
    # ~10000 requests. Calls per request have the variance of min(G, N) (f = 0.9, N = 4:
    # sd 1.01, std error 0.010; f = 0.3: sd 0.78, 0.008); success is a proportion with
    # std error sqrt(p(1-p)/n) (0.0048 at p = 0.34). Allow 4 standard errors.
    assert result["backend_calls_per_request"] == pytest.approx(mean, abs=4 * math.sqrt(variance / n))
    p = 1 - f**total_tries
    assert result["succeeded_fraction"] == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / n) + 1e-9)


def test_calls_into_a_middle_layer_match_the_tries_it_needs():
    # Layer 1 tries layer 2 until a call succeeds, and a call into layer 2 fails with
    # q = f^2 = 0.81: E[tries] = 1 + 0.81, variance 0.81 x 0.19. ~10000 requests:
    # std error sqrt(0.1539 / 10000) = 0.004; allow 4 of them.
    _frames, result = run(layers=2, tries_per_layer=2, dependency_failure_rate=0.9, request_rate=500, duration_s=20)
    assert result["calls_per_request_by_layer"][1] == pytest.approx(
        1.81, abs=4 * math.sqrt(0.1539 / result["requests"])
    )


def test_a_budget_that_never_runs_dry_changes_nothing():
    # 5 % of dependency calls fail; a 50 % budget (0.5 token per call, 10 saved) covers
    # them with room to spare, so the budgeted chain, simulated call by call, must match
    # the formula: mean 1/(1 - 0.05) = 1.0526, sd sqrt(0.05)/0.95 = 0.235, ~10000
    # requests: std error 0.0024; allow 4 of them.
    _frames, result = run(dependency_failure_rate=0.05, retry_budget_pct=50, request_rate=500, duration_s=20)
    mean, variance = min_of_geometric_moments(0.05, 27)
    assert result["retries_denied"] == 0
    assert result["backend_calls_per_request"] == pytest.approx(mean, abs=4 * math.sqrt(variance / result["requests"]))


@pytest.mark.parametrize("layers", [1, 3, 5])
def test_a_retry_budget_caps_the_growth_at_one_plus_the_budget_per_layer(layers):
    # With the dependency down each layer retries whenever it holds a token. A layer
    # receiving R calls earns 0.1 R tokens on top of the 10 it starts with, and ends
    # with less than one token left (after losing at most one 0.1 deposit to the cap),
    # so it makes between 1.1 R + 10 - 1.1 and 1.1 R + 10 calls below it. Hence
    # 1.1^L <= calls per request <= 1.1^L + 10 x (1 + 1.1 + ... + 1.1^(L-1)) / requests.
    _frames, result = run(
        layers=layers, tries_per_layer=3, dependency_failure_rate=1.0, retry_budget_pct=10, request_rate=100,
        duration_s=30,
    )  # fmt: skip
    growth = 1.1**layers
    slack = BUDGET_TOKENS * sum(1.1**j for j in range(layers)) / result["requests"]
    assert growth <= result["backend_calls_per_request"] <= growth + slack
    assert result["budget_cap_per_request"] == pytest.approx(growth)
    assert result["retries_denied"] > 0
    # Without the budget the same chain costs 3^L.
    assert result["expected_backend_calls_no_budget"] == 3**layers


def test_one_layer_with_three_attempts_against_a_mostly_rejecting_backend():
    # The SRE book's single-layer case: most requests are rejected, 3 attempts grow the
    # load to "somewhat below 3X"; a 10 % budget brings it to 1.1x. f = 0.9:
    # (1 - 0.9^3) / 0.1 = 2.71 (sd 0.84, ~10000 requests: std error 0.0084, 4 of them).
    params = dict(layers=1, tries_per_layer=3, dependency_failure_rate=0.9, request_rate=500, duration_s=20)
    _frames, unlimited = run(**params, retry_budget_pct=0)
    _frames, budgeted = run(**params, retry_budget_pct=10)
    mean, variance = min_of_geometric_moments(0.9, 3)
    assert unlimited["backend_calls_per_request"] == pytest.approx(
        2.71, abs=4 * math.sqrt(variance / unlimited["requests"])
    )
    # Retries are bounded by 10 % of requests plus the 10 saved tokens, whatever f is.
    assert budgeted["backend_calls_per_request"] <= 1.1 + BUDGET_TOKENS / budgeted["requests"]


def test_frames_add_up_to_the_result():
    frames, result = run(**SCENARIO.preset("down-with-budget").values)
    step = frames[0]["t"]
    assert len(frames) <= 400
    dependency_calls = sum(f["series"]["dependency"] for f in frames) * step
    assert dependency_calls == pytest.approx(result["backend_calls"], rel=1e-6)
    assert frames[-1]["series"]["succeeded"] == result["succeeded_fraction"]
    assert all(f["series"]["layer_4"] is None and f["series"]["tokens_4"] is None for f in frames)
    assert all(0 <= f["series"]["tokens_1"] <= BUDGET_TOKENS for f in frames)
    assert all(f["nodes"]["dependency"] == "down" and f["nodes"]["layer_5"] == "idle" for f in frames)
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds == ["fan-out", "budget-dry", "budget-dry", "budget-dry", "summary"]


def test_without_a_budget_no_tokens_are_drawn():
    frames, result = run(**SCENARIO.preset("partial-failure").values)
    assert result["budget_cap_per_request"] is None
    assert all(f["series"]["tokens_1"] is None for f in frames)
    dependency_states = {f["nodes"]["dependency"] for f in frames}
    assert "degraded" in dependency_states and "down" not in dependency_states


@pytest.mark.parametrize("preset", [p.name for p in SCENARIO.presets])
def test_every_preset_runs_and_returns_the_required_keys(preset):
    frames, result = run(**SCENARIO.preset(preset).values)
    assert set(result) >= REQUIRED
    assert 0 < len(frames) <= 400
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert all(names <= set(f["series"]) for f in frames)
    node_ids = {node.id for node in SCENARIO.topology.nodes}
    assert all(set(f["nodes"]) == node_ids for f in frames)


def test_defaults_run():
    _frames, result = run()
    assert set(result) >= REQUIRED


def test_the_same_seed_gives_the_same_run():
    for preset in ("partial-failure", "down-with-budget"):
        params = SCENARIO.preset(preset).values
        assert run(7, **params) == run(7, **params)
        assert run(7, **params) != run(8, **params)
