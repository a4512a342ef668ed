"""outbox against the guarantees of the transactional outbox and of log tailing.

References: Chris Richardson, microservices.io, "Pattern: Transactional outbox"
and "Pattern: Transaction log tailing", and Microservices Patterns (Manning,
2018), ch. 3 (the event commits with the state change, so it is never lost and
never published for a rolled-back change; the relay may publish it more than
once); the Debezium documentation on at-least-once delivery (after a crash a
connector resumes from its last committed offset and re-emits what followed);
Pat Helland, "Idempotence Is Not a Medical Condition", ACM Queue 10(4), 2012 (a
consumer that remembers what it processed makes redelivery harmless). The
dual write's failure rates are those of independent Bernoulli crash points.
"""

import math

import pytest

from workers.sim.engine import play
from workers.sim.scenarios import get
from workers.sim.scenarios.outbox import BATCH_ROWS, CONNECTOR_RETRY_S, DELIVERY_MS, LOG_DELAY_MS, PUBLISH_MS

SCENARIO = get("outbox")
REQUIRED = ("lost_events", "phantom_events", "duplicate_deliveries", "duplicates_applied", "max_lag_ms")
QUIET = dict(crash_prob=0.0, rollback_prob=0.0, broker_outage_s=0.0, idempotent_consumer=True)


def run(seed=1, **params):
    playback = play(SCENARIO, params, seed)
    frames = list(playback)
    return frames, playback.result


def within(value, expected, sigma, k=4):
    return abs(value - expected) <= k * sigma


@pytest.mark.parametrize("mode", ["outbox", "cdc"])
def test_an_outbox_or_a_log_never_loses_or_invents_an_event(mode):
    # 48 runs per mode: crashes from none to every other order, rollbacks, and a broker
    # outage that starts while orders are flowing; the consumer is idempotent on odd seeds.
    for crash in (0.0, 0.1, 0.5):
        for rollback in (0.0, 0.2):
            for outage in (0.0, 4.0):
                for interval in (50.0, 2000.0):
                    for seed in (1, 2):
                        idempotent = seed % 2 == 1
                        _frames, result = run(
                            seed, mode=mode, crash_prob=crash, rollback_prob=rollback, broker_outage_s=outage,
                            broker_outage_at_s=2.0, relay_interval_ms=interval, orders=150, order_rate=20,
                            idempotent_consumer=idempotent,
                        )  # fmt: skip
                        label = (crash, rollback, outage, interval, seed)
                        assert result["lost_events"] == 0, label
                        assert result["phantom_events"] == 0, label
                        assert result["events_published"] == result["orders_committed"], label
                        assert result["orders_committed"] + result["rolled_back"] == 150, label
                        duplicates = result["duplicate_deliveries"]
                        assert result["duplicates_applied"] == (0 if idempotent else duplicates), label
                        assert result["deliveries"] == result["events_published"] + duplicates, label


@pytest.mark.parametrize("mode", ["outbox", "cdc"])
def test_without_crashes_or_outages_nothing_is_delivered_twice(mode):
    _frames, result = run(3, mode=mode, **QUIET, orders=1000, order_rate=50)
    assert result["duplicate_deliveries"] == 0 and result["crashes"] == 0


@pytest.mark.parametrize("mode", ["outbox", "cdc"])
def test_each_crash_republishes_between_one_event_and_a_batch(mode):
    orders, q = 3000, 0.05
    _frames, result = run(4, mode=mode, **{**QUIET, "crash_prob": q}, orders=orders, order_rate=50)
    # One crash point per event: crashes ~ Binomial(3000, 0.05), mean 150, sd 11.9; 4 sigma = 48.
    assert within(result["crashes"], orders * q, math.sqrt(orders * q * (1 - q)))
    # A crash republishes at least the event it crashed after, and at most one batch.
    assert result["crashes"] <= result["duplicate_deliveries"] <= BATCH_ROWS * result["crashes"]


def test_a_consumer_that_is_not_idempotent_applies_every_duplicate():
    _frames, plain = run(5, **SCENARIO.preset("outbox-not-idempotent").values)
    _frames, idempotent = run(5, **{**SCENARIO.preset("outbox-not-idempotent").values, "idempotent_consumer": True})
    assert plain["duplicates_applied"] == plain["duplicate_deliveries"] > 0
    assert idempotent["duplicates_applied"] == 0
    assert idempotent["duplicate_deliveries"] == plain["duplicate_deliveries"]  # the consumer changes nothing upstream


def test_commit_then_publish_loses_an_event_per_crash():
    orders, q, r = 5000, 0.04, 0.05
    _frames, result = run(6, mode="dual_write", dual_write_order="commit_first", crash_prob=q, rollback_prob=r,
                          broker_outage_s=0, orders=orders, order_rate=100)  # fmt: skip
    committed = result["orders_committed"]
    # Committed ~ Binomial(5000, 0.95): sd 15.4; 4 sigma = 62.
    assert within(committed, orders * (1 - r), math.sqrt(orders * r * (1 - r)))
    # Each committed order crashes before publishing with probability q: Binomial(~4750, 0.04),
    # mean 190, sd 13.5; 4 sigma = 54.
    assert within(result["lost_events"], committed * q, math.sqrt(committed * q * (1 - q)))
    assert result["lost_events"] == result["lost_to_crash"] == result["crashes"]
    assert result["phantom_events"] == 0 and result["duplicate_deliveries"] == 0


def test_commit_then_publish_loses_every_event_the_broker_refuses():
    # No crashes, no rollbacks: exactly the orders that arrive during the outage are lost.
    outage = dict(broker_outage_s=10.0, broker_outage_at_s=5.0, orders=1000, order_rate=20)
    _frames, exact = run(7, mode="dual_write", dual_write_order="commit_first", **{**QUIET, **outage})
    assert exact["lost_events"] == exact["lost_to_outage"] == exact["orders_during_outage"]
    # Orders during a 10 s outage at 20/s: Poisson, mean 200, sd 14.1; 4 sigma = 57.
    assert within(exact["orders_during_outage"], 200, math.sqrt(200))
    # With crashes and rollbacks too, an order in the outage is lost to the outage when it
    # commits and does not crash first: Binomial(n, 0.95 x 0.97); ~200 orders, sd 3.3; 4 sigma = 13.
    _frames, mixed = run(
        8, mode="dual_write", dual_write_order="commit_first", crash_prob=0.03, rollback_prob=0.05, **outage
    )
    n, share = mixed["orders_during_outage"], 0.95 * 0.97
    assert within(mixed["lost_to_outage"], n * share, math.sqrt(n * share * (1 - share)))
    assert mixed["lost_events"] == mixed["lost_to_crash"] + mixed["lost_to_outage"]


def test_publish_then_commit_invents_events_instead():
    orders, q, r = 5000, 0.03, 0.04
    _frames, result = run(9, mode="dual_write", dual_write_order="publish_first", crash_prob=q, rollback_prob=r,
                          broker_outage_s=10, broker_outage_at_s=5, orders=orders, order_rate=100)  # fmt: skip
    assert result["lost_events"] == 0
    assert result["orders_refused"] == result["orders_during_outage"]  # the service refuses what it cannot publish
    published = result["events_published"]
    assert published == orders - result["orders_refused"]
    # A published event is a phantom when the process crashes (q) or the commit fails
    # afterwards ((1 - q) r): p = 0.0688 over ~4000 events, sd 16; 4 sigma = 64.
    share = q + (1 - q) * r
    assert within(result["phantom_events"], published * share, math.sqrt(published * share * (1 - share)))


def test_the_outbox_lag_is_the_wait_for_the_next_poll():
    interval = 500.0
    _frames, result = run(10, mode="outbox", **QUIET, relay_interval_ms=interval, orders=3000, order_rate=2)
    # Poisson commits land uniformly between polls: a row waits U(0, 500 ms) for the next
    # poll, then its place in the batch x 2 ms, then 10 ms to the consumer. With m = 2/s x
    # 0.5 s = 1 row per poll, a row's place in its batch is 1 + Poisson(1) rows, averaged
    # (m + 2) / 2 = 1.5. Mean 250 + 3 + 10 = 263 ms; the std error of the mean over 3000
    # rows is (500 / sqrt(12)) / sqrt(3000) = 2.6 ms; 4 sigma = 11 ms.
    assert result["mean_lag_ms"] == pytest.approx(interval / 2 + PUBLISH_MS * 1.5 + DELIVERY_MS, abs=11)
    # Over 3000 rows some commit just after a poll (P(all wait < 475 ms) = 0.95^3000), and
    # none waits more than a poll, a batch of at most 20 rows and the delivery.
    assert 0.95 * interval <= result["max_lag_ms"] <= interval + 20 * PUBLISH_MS + DELIVERY_MS


def test_log_tailing_lags_by_the_log_delay_only():
    _frames, result = run(11, mode="cdc", **QUIET, orders=2000, order_rate=20)
    # Each entry: 20 ms until the connector sees it, 2 ms to publish, 10 ms to deliver; it
    # waits longer only behind an entry published at the same moment (at 20/s, rare).
    assert result["max_lag_ms"] < LOG_DELAY_MS + 10 * PUBLISH_MS + DELIVERY_MS
    assert result["mean_lag_ms"] == pytest.approx(LOG_DELAY_MS + PUBLISH_MS + DELIVERY_MS, abs=0.5)


@pytest.mark.parametrize("mode", ["outbox", "cdc"])
def test_an_event_written_during_an_outage_waits_for_the_broker(mode):
    outage_s, interval = 8.0, 500.0
    _frames, result = run(12, mode=mode, **{**QUIET, "broker_outage_s": outage_s, "broker_outage_at_s": 10.0},
                          relay_interval_ms=interval, orders=600, order_rate=20)  # fmt: skip
    assert result["lost_events"] == 0
    # The first order of the outage commits within 0.5 s of its start (P(no order in 0.5 s at
    # 20/s) = e^-10) and cannot be published before the broker is back.
    assert result["max_lag_ms"] >= 1000 * outage_s - 500
    # It goes out at the first poll (outbox) or retry (cdc) after the outage, first in its batch.
    slack = interval + BATCH_ROWS * PUBLISH_MS if mode == "outbox" else 1000 * CONNECTOR_RETRY_S + LOG_DELAY_MS
    assert result["max_lag_ms"] <= 1000 * outage_s + slack + DELIVERY_MS + PUBLISH_MS
    assert result["max_backlog"] >= 0.5 * 20 * outage_s  # ~160 events pile up; far fewer than half is 13 sigma off


def test_frames_tell_the_same_story_as_the_result():
    frames, result = run(13, **SCENARIO.preset("dual-write-crashes").values)
    assert len(frames) <= 400
    last = frames[-1]["series"]
    assert last["committed"] == result["orders_committed"]
    assert last["published"] == result["events_published"]
    assert last["lost"] == result["lost_events"]
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert {"broker-down", "broker-up", "crash", "lost", "done"} <= set(kinds)
    assert kinds.count("crash") <= 3 and len(kinds) <= 30
    assert "down" in {f["nodes"]["broker"] for f in frames}
    assert {f["nodes"]["relay"] for f in frames} == {"idle"}

    frames, result = run(13, **SCENARIO.preset("outbox-crash-outage").values)
    last = frames[-1]["series"]
    assert last["duplicates"] == result["duplicate_deliveries"] and last["lost"] == last["phantom"] == 0
    assert max(f["series"]["oldest_waiting_ms"] for f in frames) >= 9000  # the outbox holds events through the outage
    assert "caught-up" in {e["kind"] for f in frames for e in f["events"]}
    assert "down" in {f["nodes"]["relay"] for f in frames}


def test_every_preset_runs_and_returns_every_result_key():
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        _frames, result = run(1, **preset.values)
        assert all(key in result for key in REQUIRED), preset.name


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("cdc").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
