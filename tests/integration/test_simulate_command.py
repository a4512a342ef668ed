"""`manage.py simulate`: runs in-process, prints one JSON object, exits 2 on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from playground.management.commands.simulate import mean_results

ROOT = Path(__file__).resolve().parents[2]


def simulate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "simulate", *args], cwd=ROOT, capture_output=True, text=True)


def test_list_names_every_registered_scenario(capsys):
    call_command("simulate", "--list")
    assert "tracer" in capsys.readouterr().out


def test_tracer_result_is_one_json_object(capsys):
    call_command("simulate", "tracer", "--set", "count=12", "--set", "delay_ms=0", "--seed", "5", "--json")
    out = capsys.readouterr().out.strip()
    assert json.loads(out) == {"count": 12, "total": 78, "seed": 5}
    assert "\n" not in out


def test_repeat_averages_numeric_results_over_consecutive_seeds(capsys):
    call_command("simulate", "tracer", "--set", "delay_ms=0", "--set", "count=4", "--seed", "10", "--repeat", "3")
    result = json.loads(capsys.readouterr().out)
    assert result["runs"] == 3
    assert result["seed"] == pytest.approx(11.0)  # mean of seeds 10, 11, 12
    assert result["total"] == 10


def test_mean_results_averages_lists_element_wise_and_keeps_text():
    merged = mean_results([{"a": 1, "l": [1, 2], "s": "x"}, {"a": 3, "l": [3, 4], "s": "y"}])
    assert merged == {"a": 2, "l": [2, 3], "s": "x", "runs": 2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown scenario 'nope'"),
        (["tracer", "--set", "speed=3"], "unknown parameter 'speed'"),
        (["tracer", "--set", "count=0"], "count: Ensure this value is greater than or equal to 1."),
        (["tracer", "--set", "count=many"], "count: Enter a whole number."),
        (["tracer", "--set", "count"], "--set expects NAME=VALUE"),
        (["tracer", "--repeat", "0"], "--repeat must be at least 1"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args, message):
    done = simulate(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert done.stdout == ""


def _preset_cases():
    from workers.sim.scenarios import all_scenarios

    for scenario in all_scenarios():
        yield pytest.param(scenario, None, id=f"{scenario.slug}-defaults")
        for preset in scenario.presets:
            yield pytest.param(scenario, preset, id=f"{scenario.slug}-{preset.name}")


@pytest.mark.parametrize(("scenario", "preset"), list(_preset_cases()))
def test_every_scenario_and_preset_runs_from_the_command_line(scenario, preset, capsys):
    values = {} if preset is None else preset.values
    if scenario.slug == "tracer":
        values = {**values, "delay_ms": 0}
    sets = [arg for name, value in values.items() for arg in ("--set", f"{name}={str(value).lower()}")]
    call_command("simulate", scenario.slug, *sets, "--json")
    result = json.loads(capsys.readouterr().out)
    assert result and all(isinstance(key, str) for key in result)
    assert set(values) <= {p.name for p in scenario.params}  # presets only name real parameters
