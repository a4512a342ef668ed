"""fan-out against conservation, queueing theory and the dead-letter rule.

References: conservation of messages in a topic-to-queues fan-out (every copy is
delivered, dead-lettered or still queued), as the Amazon SNS "Fanout to Amazon
SQS queues" guide and G. Hohpe and B. Woolf, *Enterprise Integration Patterns*
(2003), ch. 4 (Publish-Subscribe Channel, Dead Letter Channel) describe it; the
M/M/1 mean time in system 1 / (mu - lambda) (L. Kleinrock, *Queueing Systems,
Vol. 1*, 1975, sec. 3.2); the fluid approximation of an overloaded queue (the
backlog grows at lambda - mu, so the oldest message ages at (lambda - mu) /
lambda seconds per second); the SQS redrive policy (a message is moved to the
dead-letter queue once its receive count reaches maxReceiveCount).

Latencies of successive messages are autocorrelated, so the M/M/1 test takes its
standard error from independent runs (one per seed), not from one run's messages.
"""

import math
import statistics

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.fan_out import BASE

SCENARIO = get("fan-out")
REQUIRED = {"delivered", "max_lag_s", "dead_lettered", "lost", "pending"}
NODE_STATES = {"ok", "busy", "degraded", "down", "idle"}


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


@pytest.mark.parametrize(
    "params",
    [
        dict(subscribers=1, consumer_rates="equal"),
        dict(subscribers=3, consumer_rates="one_slow", poison_prob=0.1, max_receives=3),
        dict(subscribers=4, consumer_rates="one_failing", poison_prob=0.02, outage_at_s=10, outage_s=30),
        dict(subscribers=10, consumer_rates="equal", consumer_rate=15.0, poison_prob=0.3, max_receives=1),
        dict(subscribers=2, consumer_rates="one_failing", outage_at_s=0, outage_s=60),  # down until the end
    ],
)
def test_every_published_copy_is_delivered_dead_lettered_or_pending(params):
    for seed in range(1, 6):
        frames, result = run(seed, **{**params, "duration_s": 60.0})
        published = result["published"]
        for delivered, dead, pending in zip(
            result["delivered"], result["dead_lettered_by_subscriber"], result["pending"], strict=True
        ):
            assert delivered + dead + pending == published
        assert result["lost"] == 0
        assert result["dead_lettered"] == sum(result["dead_lettered_by_subscriber"])
        # The frames tell the same story: what they count as published adds up to the result.
        step = frames[0]["t"]
        assert round(sum(f["series"]["published_per_s"] for f in frames) * step) == published
        assert frames[-1]["series"]["dead_lettered"] == result["dead_lettered"]


@pytest.mark.parametrize("max_receives", [1, 3, 5])
def test_poison_messages_go_to_the_dead_letter_queue_after_exactly_max_receives(max_receives):
    params = {**SCENARIO.preset("poison-dlq").values, "max_receives": max_receives}
    _frames, result = run(2, **params)
    n, p, subscribers = result["published"], params["poison_prob"], params["subscribers"]
    # Poison is a property of the message, so each subscriber dead-letters the same
    # Binomial(n, p) copies: sd = subscribers x sqrt(n p (1 - p)) = 3 x 16.9 = 51 for
    # n ~ 6000, p = 0.05; 4 sd = 203. Copies still queued at the end (a handful) are
    # inside that too.
    expected = n * subscribers * p
    assert result["dead_lettered"] == pytest.approx(expected, abs=4 * subscribers * math.sqrt(n * p * (1 - p)))
    # Exact: every poison copy is dead-lettered unless it is still queued at the end.
    poison_copies = subscribers * result["poison_published"]
    assert poison_copies - sum(result["pending"]) <= result["dead_lettered"] <= poison_copies
    assert result["dead_letter_receives_min"] == result["dead_letter_receives_max"] == max_receives
    assert result["lost"] == 0


def test_without_poison_nothing_is_dead_lettered():
    _frames, result = run(3, **SCENARIO.preset("all-healthy").values)
    assert result["dead_lettered"] == 0
    assert result["dead_letter_receives_min"] is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_subscriber_slower_than_the_publisher_falls_behind_linearly(seed):
    # Publish 20/s, slow consumer 10/s: fluid approximation says the oldest message
    # ages at (20 - 10) / 20 = 0.5 s per second. With D(t) ~ Poisson(mu t) departures
    # and Gamma publish times, the age at t has sd sqrt(2 mu t) / lambda: 2.7 s at
    # 150 s and 3.9 s at 300 s; the tolerances are 4 sd.
    frames, result = run(seed, **SCENARIO.preset("one-slow").values)
    at_150 = next(f for f in frames if f["t"] >= 150)
    assert at_150["series"]["lag_last"] == pytest.approx(0.5 * at_150["t"], abs=4 * math.sqrt(2 * 10 * 150) / 20)
    assert result["lag_at_end_s"][-1] == pytest.approx(0.5 * 300, abs=4 * math.sqrt(2 * 10 * 300) / 20)
    assert result["max_lag_s"][-1] >= result["lag_at_end_s"][-1]
    # Its queue holds what it could not take: ~ (20 - 10) x 300 = 3000 (sd ~ sqrt(30 x 300) = 95).
    assert result["pending"][-1] == pytest.approx(3000, abs=4 * 95)


def test_the_others_keep_the_mm1_time_in_system_while_one_subscriber_is_slow():
    # Healthy consumers: M/M/1 with lambda = 20, mu = 30, so W = 1 / (mu - lambda) = 0.1 s.
    per_run = []
    for seed in range(1, 9):
        _frames, result = run(seed, **SCENARIO.preset("one-slow").values)
        healthy = result["mean_latency_s"][:-1]
        per_run.append(statistics.mean(healthy))
        # Under FIFO the worst lag is the longest time in system: P(> 3 s) = e^-30 per message.
        assert max(result["max_lag_s"][:-1]) < 3.0
        assert result["pending"][:-1] == [0, 0] or max(result["pending"][:-1]) < 30
    mean = statistics.mean(per_run)
    error = statistics.stdev(per_run) / math.sqrt(len(per_run))
    assert error < 0.01
    assert mean == pytest.approx(0.1, abs=4 * error)  # 4 standard errors over 8 independent runs


@pytest.mark.parametrize("profile", ["one_slow", "one_failing"])
def test_a_slow_or_failing_subscriber_changes_nothing_for_the_others(profile):
    # Each subscriber has its own queue and its own random stream, so the healthy
    # subscribers' runs must be identical, message for message, to an all-healthy run.
    _frames, healthy = run(5, consumer_rates="equal", subscribers=4)
    _frames, troubled = run(5, consumer_rates=profile, subscribers=4)
    for key in ("delivered", "max_lag_s", "mean_latency_s", "max_depth", "pending"):
        assert troubled[key][:-1] == healthy[key][:-1], key
    assert troubled["max_lag_s"][-1] > 10 * healthy["max_lag_s"][-1]


def test_a_failing_consumer_keeps_its_messages_and_catches_up():
    params = SCENARIO.preset("failing-catches-up").values  # down 60..120 s; 20/s published, 30/s consumed
    for seed in (1, 2, 3):
        _frames, result = run(seed, **params)
        # The queue holds what arrived during the outage: Poisson(20 x 60), sd 35; 4 sd = 139.
        assert result["max_depth"][-1] == pytest.approx(1200, abs=4 * math.sqrt(1200))
        # The oldest message waits out the outage, give or take a fraction of a second.
        assert result["max_lag_s"][-1] == pytest.approx(60, abs=2)
        # Fluid: the backlog drains at 30 - 20 = 10/s, empty at 120 + 1200 / 10 = 240 s. The
        # hitting time has sd ~ sqrt(1200/10^2 + 1200 x 50 / 10^3) = 8.5 s; 4 sd = 34 s.
        assert result["caught_up_at_s"] == pytest.approx(240, abs=34)
        assert result["delivered"][-1] + result["pending"][-1] == result["published"]
        assert result["lost"] == 0


def test_frames_are_bounded_complete_and_colour_the_topology():
    names = {s.name for chart in SCENARIO.charts for s in chart.series}
    node_ids = {n.id for n in SCENARIO.topology.nodes}
    seen: dict[str, set] = {}
    for preset in SCENARIO.presets:
        frames, _result = run(1, **preset.values)
        assert len(frames) <= 400
        assert frames[-1]["t"] == preset.values["duration_s"] and frames[-1]["progress"] == 1.0
        for frame in frames:
            assert set(frame["series"]) == names
            assert set(frame["nodes"]) == node_ids and set(frame["nodes"].values()) <= NODE_STATES
            for node, state in frame["nodes"].items():
                seen.setdefault(node, set()).add(state)
        assert sum(len(f["events"]) for f in frames) <= 40
    assert {"ok", "degraded", "down"} <= seen["consumer_3"]  # healthy, slow, failed
    assert {"ok", "busy", "degraded"} <= seen["queue_3"]
    assert seen["queue_4"] == {"idle"}  # three subscribers: the fourth node is unused
    assert seen["dlq"] == {"idle", "degraded"}


@pytest.mark.parametrize("preset", SCENARIO.presets, ids=lambda p: p.name)
def test_every_preset_runs_and_returns_every_result(preset):
    assert set(preset.values) == {p.name for p in SCENARIO.params}  # presets set every parameter
    _frames, result = run(1, **preset.values)
    assert set(result) >= REQUIRED
    assert result["lost"] == 0
    assert len(result["delivered"]) == len(result["max_lag_s"]) == preset.values["subscribers"]


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("poison-dlq").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
