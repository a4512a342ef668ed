"""The tracer scenario: its result can be checked by hand."""

from workers.sim.engine import play
from workers.sim.scenarios import get


def test_tracer_counts_to_n_and_totals_n_times_n_plus_one_over_two():
    playback = play(get("tracer"), {"count": 40, "delay_ms": 0}, seed=3)
    frames = list(playback)
    assert [f["series"]["count"] for f in frames] == list(range(1, 41))
    assert frames[-1]["series"]["total"] == 40 * 41 // 2
    assert playback.result == {"count": 40, "total": 820, "seed": 3}


def test_tracer_reports_the_halfway_point_once_in_both_languages():
    frames = list(play(get("tracer"), {"count": 9, "delay_ms": 0}, seed=0))
    events = [e for f in frames for e in f["events"]]
    assert len(events) == 1
    assert events[0]["kind"] == "halfway"
    assert set(events[0]["text"]) == {"en", "ja"}


def test_tracer_is_reproducible():
    def run():
        playback = play(get("tracer"), {"count": 5, "delay_ms": 0}, seed=11)
        return list(playback), playback.result

    assert run() == run()


def test_tracer_defaults_finish_in_a_few_seconds():
    scenario = get("tracer")
    defaults = scenario.defaults()
    assert defaults["count"] * defaults["delay_ms"] / 1000 <= 5


def test_tracer_pauses_between_steps_only_so_the_first_frame_comes_at_once(monkeypatch):
    from workers.sim.scenarios import tracer

    pauses: list[tuple[float, int]] = []
    frames: list[dict] = []
    monkeypatch.setattr(tracer.time, "sleep", lambda seconds: pauses.append((seconds, len(frames))))
    for frame in play(get("tracer"), {"count": 4, "delay_ms": 250}, seed=0):
        frames.append(frame)
    # one pause before each step but the first, each taken after the step before it was out
    assert pauses == [(0.25, 1), (0.25, 2), (0.25, 3)]
