"""What every registered scenario owes its readers: each result key labelled in both
languages, a named source for what it demonstrates, and a topology that its frames colour."""

import pytest

from workers.sim.engine import MAX_FRAMES, play
from workers.sim.scenarios import all_scenarios

NODE_STATES = {"ok", "busy", "degraded", "down", "idle"}


@pytest.fixture(scope="module", params=all_scenarios(), ids=lambda s: s.slug)
def played(request):
    scenario = request.param
    params = {"delay_ms": 0} if scenario.slug == "tracer" else {}
    playback = play(scenario, params, seed=3)
    return scenario, list(playback), playback.result


def test_every_result_key_has_a_label_in_both_languages(played):
    scenario, _frames, result = played
    described = {measure.name: measure for measure in scenario.results}
    missing = [key for key in result if key not in described]
    assert missing == [], f"{scenario.slug}: no label for {missing}"
    for measure in scenario.results:
        assert measure.label.en.strip() and measure.label.ja.strip()


def test_a_scenario_for_a_pattern_names_what_it_is_checked_against(played):
    scenario, _frames, _result = played
    if scenario.pattern:
        assert scenario.source and scenario.source.en.strip() and scenario.source.ja.strip()


def test_frames_carry_every_charted_series_and_colour_only_known_nodes(played):
    scenario, frames, _result = played
    assert 0 < len(frames) <= MAX_FRAMES
    charted = {series.name for chart in scenario.charts for series in chart.series}
    node_ids = {node.id for node in scenario.topology.nodes} if scenario.topology else set()
    for frame in frames:
        assert charted <= set(frame["series"]), f"{scenario.slug} frame {frame['seq']} lacks a charted series"
        for node, state in (frame.get("nodes") or {}).items():
            assert node in node_ids and state in NODE_STATES


def test_every_pattern_a_scenario_names_has_a_page():
    from pathlib import Path

    pages = {path.name for path in (Path(__file__).resolve().parents[2] / "catalog/content/patterns").iterdir()}
    for scenario in all_scenarios():
        named = [scenario.pattern, *scenario.also_patterns] if scenario.pattern else list(scenario.also_patterns)
        assert set(named) <= pages, f"{scenario.slug} names a page that does not exist: {set(named) - pages}"
