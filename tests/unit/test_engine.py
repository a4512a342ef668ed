"""The scenario contract: numbered frames, a captured result, bounded frame counts."""

import pytest

from workers.sim import engine
from workers.sim.engine import Chart, EventLoop, Scenario, ScenarioError, Series, play
from workers.sim.frames import Frame, Result, Text
from workers.sim.params import Choice, Param

T = Text(en="x", ja="x")


def make_scenario(run) -> Scenario:
    return Scenario(
        slug="probe",
        pattern=None,
        title=T,
        description=T,
        params=(Param(name="n", type="int", default=3, min=0, max=5000, label=T, help=T),),
        charts=(Chart(id="c", title=T, x_title=T, y_title=T, series=(Series("v", T),)),),
        run=run,
    )


def counting(params, seed):
    for i in range(params["n"]):
        yield Frame(t=i, progress=(i + 1) / params["n"], series={"v": i})
    yield Result({"n": params["n"], "seed": seed})


def test_play_numbers_frames_from_zero_and_keeps_the_result():
    playback = play(make_scenario(counting), {}, seed=7)
    frames = list(playback)
    assert [f["seq"] for f in frames] == [0, 1, 2]
    assert frames[-1]["progress"] == 1.0
    assert playback.result == {"n": 3, "seed": 7}


def test_play_fills_in_defaults_and_lets_params_override_them():
    playback = play(make_scenario(counting), {"n": 5}, seed=0)
    assert len(list(playback)) == 5


def test_a_scenario_without_a_result_is_an_error():
    def no_result(params, seed):
        yield Frame(t=0, progress=1)

    with pytest.raises(ScenarioError, match="without a result"):
        list(play(make_scenario(no_result), {}, seed=0))


def test_frame_count_is_bounded(monkeypatch):
    monkeypatch.setattr(engine, "MAX_FRAMES", 10)
    with pytest.raises(ScenarioError, match="more than 10 frames"):
        list(play(make_scenario(counting), {"n": 11}, seed=0))


def test_progress_is_clamped_to_the_unit_interval():
    assert Frame(t=0, progress=1.5).as_dict(0)["progress"] == 1.0
    assert Frame(t=0, progress=-0.1).as_dict(0)["progress"] == 0.0


def test_event_loop_runs_in_time_order_and_breaks_ties_by_scheduling_order():
    loop = EventLoop()
    seen = []
    loop.schedule(2.0, lambda: seen.append(("b", loop.now)))
    loop.schedule(1.0, lambda: seen.append(("a", loop.now)))
    loop.schedule(2.0, lambda: seen.append(("c", loop.now)))
    loop.run_until(1.5)
    assert seen == [("a", 1.0)]
    assert loop.now == 1.5
    loop.run_until(10)
    assert seen == [("a", 1.0), ("b", 2.0), ("c", 2.0)]
    with pytest.raises(ValueError):
        loop.schedule(-1, lambda: None)


def test_param_specs_reject_defaults_outside_their_bounds_or_choices():
    with pytest.raises(ValueError, match="outside its bounds"):
        Param(name="n", type="int", default=10, min=0, max=5, label=T, help=T)
    with pytest.raises(ValueError, match="not one of its choices"):
        Param(name="c", type="choice", default="z", choices=(Choice("a", T),), label=T, help=T)
