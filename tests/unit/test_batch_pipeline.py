"""batch-pipeline against queueing theory and the flow of Burns's routing stages.

References: Brendan Burns, *Designing Distributed Systems* (O'Reilly, 2018), ch. 11
"Event-Driven Batch Processing" (copier, filter, splitter, sharder, merger);
J. R. Jackson, "Networks of Waiting Lines", Operations Research 5(4), 1957 (each
station of an open network with Poisson input and probabilistic routing is an
independent M/M/c queue); P. J. Burke, "The Output of a Queuing System",
Operations Research 4(6), 1956 (the departures of a stable M/M/c queue are Poisson);
A. K. Erlang's C formula for the mean wait of M/M/c.
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.batch_pipeline import (
    SCENARIO,
    Pipeline,
    expected_throughput,
    messages_out_per_item,
    offered_loads,
)

REQUIRED = {
    "throughput_per_s", "makespan_s", "bottleneck_stage", "max_backlog_by_stage",
    "max_backlog_stage1", "max_backlog_stage2", "max_backlog_stage3", "max_backlog_stage4",
}  # fmt: skip


def preset(name, **changes):
    return {**SCENARIO.preset(name).values, **changes}


def finished(params, seed):
    pipe = Pipeline(SCENARIO.with_defaults(params), seed)
    pipe.finish()
    return pipe, pipe.result()


def erlang_c_wait(c, arrival_rate, mean_service):
    """Mean wait in queue of M/M/c: C(c, a) / (c mu - lambda), with a = lambda S."""
    a = arrival_rate * mean_service
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c / mean_service - arrival_rate)


def test_offered_loads_and_the_flow_model_on_known_inputs():
    copier = preset("copier-two-transcodes")
    # lambda S / c with lambda = 4 into stages 1-3 and 8 (both copies) into stage 4
    assert offered_loads(copier) == pytest.approx([4 * 0.25 / 2, 4 * 0.8 / 4, 4 * 0.35 / 2, 8 * 0.15 / 2])
    assert expected_throughput(copier) == pytest.approx(8.0)
    split = preset("filter-and-splitter")
    # 6 items/s, 60 % kept, 30 % of those to stage 2: 1.08/s and 2.52/s into the branches, 3.6/s into stage 4
    assert offered_loads(split) == pytest.approx([0.6, 1.08 * 1.2 / 2, 2.52 * 0.5 / 2, 3.6 * 0.2])
    assert messages_out_per_item(split) == 0.6
    sharded = preset("sharder-and-merger")
    assert offered_loads(sharded)[2] is None
    assert offered_loads(sharded)[1] == pytest.approx(3 * 0.25 / 1)  # every shard queue gets one piece per item
    # Stage 2 can do 2 / 0.8 = 2.5 copies/s of the 4 arriving: the sink gets 2 x 2.5.
    assert expected_throughput(preset("bottleneck")) == pytest.approx(5.0)


@pytest.mark.parametrize("name", ["copier-two-transcodes", "filter-and-splitter", "sharder-and-merger"])
def test_below_saturation_the_sink_keeps_pace_with_the_input_times_the_multiplicity(name):
    params = preset(name, items=2000)
    m = messages_out_per_item(params)
    n, rate = params["items"], params["input_rate"]
    for seed in (1, 2):
        _pipe, result = finished(params, seed)
        # Poisson input: the last of n arrivals is Gamma(n, rate), mean n/rate, sd sqrt(n)/rate.
        assert abs(result["input_span_s"] - n / rate) <= 4 * math.sqrt(n) / rate
        # Against the measured input rate the output must be m times it. The filter's kept count
        # is binomial: relative sd sqrt((1 - p) / (n p)) (0.018 for n = 2000, p = 0.6). The run
        # ends a drain time after the last arrival: at most ~10 s of queueing and service here
        # (a few mean sojourns), under 3 % of the 333-667 s input span, hence the 0.03.
        ratio = result["throughput_per_s"] / (n / result["input_span_s"])
        spread = 4 * m * math.sqrt((1 - m) / (n * m)) if m < 1 else 0.0
        assert m * (1 - 0.03) - spread <= ratio <= m + spread


def test_the_measured_utilisation_of_each_stage_follows_lambda_s_over_c():
    params = preset("copier-two-transcodes", items=4000)
    for seed in (1, 2):
        _pipe, result = finished(params, seed)
        span_share = result["input_span_s"] / result["makespan_s"]
        for util, rho in zip(result["utilization_by_stage"], result["offered_load_by_stage"], strict=True):
            # Busy time is the sum of n exponential service times (relative sd 1/sqrt(n)) and the
            # input span holds a Poisson count (another 1/sqrt(n)): sqrt(2/4000) = 0.022; 4 sigma.
            assert util == pytest.approx(rho * span_share, rel=4 * math.sqrt(2 / 4000))
        # 0.8 against 0.7: 0.1 apart with a combined sd of ~0.017, 6 sigma: the measured
        # bottleneck is the stage with the largest offered load.
        assert result["bottleneck_stage"] == 2


def test_an_overloaded_stage_limits_the_output_and_its_backlog_grows_at_lambda_minus_capacity():
    params = preset("bottleneck", items=5000)
    rate, capacity = params["input_rate"], params["stage2_workers"] / params["stage2_service_s"]  # 4/s and 2.5/s
    span = params["items"] / rate
    t1, t2 = 0.2 * span, 0.9 * span
    slopes, peaks, throughputs = [], [], []
    for seed in range(1, 5):
        pipe = Pipeline(SCENARIO.with_defaults(params), seed)
        pipe.run_until(t1)
        before = pipe.backlog(1)
        pipe.run_until(t2)
        slopes.append((pipe.backlog(1) - before) / (t2 - t1))
        pipe.finish()
        result = pipe.result()
        peaks.append(result["max_backlog_stage2"])
        throughputs.append(result["throughput_per_s"])
        assert result["bottleneck_stage"] == 2
        assert max(result["utilization_by_stage"]) == result["utilization_by_stage"][1] > 0.99
    # Arrivals into stage 2 are stage 1's Poisson departures (rate 4) and a saturated M/M/2
    # releases a Poisson stream at 2.5: the backlog change over t2 - t1 = 875 s has variance
    # (4 + 2.5)(t2 - t1), so one slope has sd sqrt(6.5 / 875) = 0.086, the mean of 4 runs 0.043.
    assert statistics.mean(slopes) == pytest.approx(rate - capacity, abs=4 * 0.043)
    # The peak comes as input ends: (4 - 2.5) x 1250 s = 1875, sd sqrt(6.5 x 1250) = 90 per run, 45 for the mean.
    assert statistics.mean(peaks) == pytest.approx((rate - capacity) * span, abs=4 * 45)
    # The makespan is stage 2's work, 5000 exponentials of 0.8 s over 2 workers: relative sd
    # 1/sqrt(5000) = 0.014 per run, 0.007 for the mean; 4 sigma plus 0.5 % for the start and the tail.
    assert statistics.mean(throughputs) == pytest.approx(2 * capacity, rel=4 * 0.007 + 0.005)


def test_a_stage_after_another_waits_as_erlang_c_predicts():
    # Copier graph, stage 1 M/M/2 at rho 0.5 feeding stage 2 M/M/2 at rho 0.7: by Burke's theorem
    # stage 2 sees a Poisson stream, so its mean wait is Erlang C's 0.336 s.
    params = preset("copier-two-transcodes", items=3000, stage2_workers=2, stage2_service_s=0.35)
    runs = [finished(params, seed)[1]["mean_wait_by_stage"][1] for seed in range(1, 13)]
    expected = erlang_c_wait(2, params["input_rate"], 0.35)
    assert expected == pytest.approx(0.336, abs=0.001)
    # Waits within a run are correlated, so the error is taken across 12 independent runs (the
    # method of independent replications): 4.5 standard errors (t with 11 df, p < 0.001).
    error = statistics.stdev(runs) / math.sqrt(len(runs))
    assert statistics.mean(runs) == pytest.approx(expected, abs=4.5 * error)
    # The check has teeth: 12 runs of 3000 items put the standard error near 5 % of the value
    # (its own estimate from 12 runs varies by about a quarter), so 4.5 of them stay well under 60 %.
    assert error < 0.12 * expected


def test_the_merge_of_a_split_stream_waits_as_erlang_c_predicts():
    # Filter and splitter: independent Bernoulli routing keeps the network a Jackson network, so
    # stage 4 (both branches merged, 3.6/s into one worker of 0.2 s) is M/M/1: W = rho S / (1 - rho).
    params = preset("filter-and-splitter", items=3000)
    runs = [finished(params, seed)[1]["mean_wait_by_stage"][3] for seed in range(1, 13)]
    expected = erlang_c_wait(1, 3.6, 0.2)
    assert expected == pytest.approx(0.72 * 0.2 / 0.28)
    error = statistics.stdev(runs) / math.sqrt(len(runs))
    assert statistics.mean(runs) == pytest.approx(expected, abs=4.5 * error)  # as above: 12 replications
    assert error < 0.12 * expected


def test_no_item_merges_before_all_its_shards_are_done():
    params = preset("sharder-and-merger")
    pipe, result = finished(params, 5)
    for item, merged in enumerate(pipe.merged_at):
        pieces = pipe.piece_done_at[item]
        assert len(pieces) == params["shards"]
        assert merged == max(pieces)
    # The merger holds an item from its first piece to its last: the max minus the min of 4 pieces.
    gaps = [max(p) - min(p) for p in pipe.piece_done_at]
    assert result["mean_merge_wait_s"] == pytest.approx(statistics.mean(gaps), abs=1e-6)
    assert result["mean_merge_wait_s"] > 0


@pytest.mark.parametrize("name", ["copier-two-transcodes", "filter-and-splitter", "sharder-and-merger"])
def test_every_item_is_out_dropped_or_still_inside_at_every_moment(name):
    params = preset(name)
    pipe = Pipeline(SCENARIO.with_defaults(params), 3)
    for t in (10, 50, 100.5, 150, 199, 250, math.inf):
        pipe.run_until(t)
        inside = pipe.in_flight_items()
        assert pipe.arrived == pipe.done + pipe.dropped + len(inside)
    result = pipe.result()
    assert result["in_flight_at_end"] == 0
    assert result["items_in"] == params["items"]
    if name == "copier-two-transcodes":
        assert result["items_out"] == 2 * result["items_in"] and result["dropped"] == 0
    elif name == "filter-and-splitter":
        assert result["items_out"] + result["dropped"] == result["items_in"]
        # the filter keeps a binomial share: 1200 x 0.6 = 720, sd sqrt(1200 x 0.24) = 17
        assert result["items_out"] == pytest.approx(720, abs=4 * 17)
    else:
        assert result["items_out"] == result["items_in"]


def test_frames_add_up_to_the_result_and_show_the_growing_backlog():
    playback = play(SCENARIO, SCENARIO.preset("bottleneck").values, 1)
    frames = list(playback)
    result = playback.result
    assert len(frames) <= 400
    widths = [b["t"] - a["t"] for a, b in zip([{"t": 0.0}, *frames], frames, strict=False)]
    assert round(sum(f["series"]["rate_out"] * w for f, w in zip(frames, widths, strict=True))) == result["items_out"]
    assert round(sum(f["series"]["rate_in"] * w for f, w in zip(frames, widths, strict=True))) == result["items_in"]
    assert max(f["series"]["backlog_stage2"] for f in frames) <= result["max_backlog_stage2"]
    assert frames[-1]["t"] == pytest.approx(result["makespan_s"]) and frames[-1]["progress"] == 1.0
    assert "degraded" in {f["nodes"]["stage2"] for f in frames}
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds[0] == "graph" and kinds[-1] == "done" and "backlog" in kinds
    assert len(kinds) < 30


def test_every_preset_runs_and_returns_every_required_key():
    for scenario_preset in SCENARIO.presets:
        playback = play(SCENARIO, scenario_preset.values, 1)
        frames = list(playback)
        assert 0 < len(frames) <= 400
        assert set(playback.result) >= REQUIRED, scenario_preset.name
        assert playback.result["max_backlog_by_stage"][0] == playback.result["max_backlog_stage1"]


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("sharder-and-merger").values

    def run(seed):
        playback = play(SCENARIO, params, seed)
        return list(playback), playback.result

    assert run(7) == run(7)
    assert run(7)[1] != run(8)[1]
