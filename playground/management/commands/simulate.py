"""Run a scenario in this process, with no broker, and print its result as JSON.

    python manage.py simulate --list
    python manage.py simulate SCENARIO [--set name=value]… [--seed N] [--repeat N] [--json]

Bad input (unknown scenario or parameter, a value out of range) exits with
status 2 and one line saying what is wrong.
"""

from __future__ import annotations

import json
from numbers import Number
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from playground.forms import MAX_SEED, form_for_values
from workers.sim.engine import play
from workers.sim.scenarios import all_scenarios
from workers.sim.scenarios import get as get_scenario


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def mean_results(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean of each numeric value over runs; lists of numbers are averaged element-wise."""
    merged: dict[str, Any] = {}
    for key, first in results[0].items():
        values = [r.get(key) for r in results]
        if isinstance(first, Number) and not isinstance(first, bool) and all(isinstance(v, Number) for v in values):
            merged[key] = sum(values) / len(values)
        elif isinstance(first, list) and all(isinstance(v, list) and len(v) == len(first) for v in values):
            columns = list(zip(*values, strict=True))
            if all(isinstance(x, Number) and not isinstance(x, bool) for col in columns for x in col):
                merged[key] = [sum(col) / len(col) for col in columns]
            else:
                merged[key] = first
        else:
            merged[key] = first
    merged["runs"] = len(results)
    return merged


class Command(BaseCommand):
    help = "Run a scenario in-process (no broker) and print its result as one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("scenario", nargs="?", help="The scenario slug, e.g. tracer.")
        parser.add_argument("--list", action="store_true", help="List the registered scenarios.")
        parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="Set a parameter.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--repeat", type=int, default=1, help="Run with seeds SEED..SEED+N-1 and average.")
        parser.add_argument("--json", action="store_true", help="Print compact JSON on one line.")

    def handle(self, *args, **options):
        if options["list"]:
            for scenario in all_scenarios():
                self.stdout.write(f"{scenario.slug}\t{scenario.title.en}")
            return
        if not options["scenario"]:
            raise usage_error("name a scenario (see --list)")
        try:
            scenario = get_scenario(options["scenario"])
        except KeyError:
            known = ", ".join(s.slug for s in all_scenarios())
            raise usage_error(f"unknown scenario {options['scenario']!r} (known: {known})") from None
        if options["repeat"] < 1:
            raise usage_error("--repeat must be at least 1")
        if not 0 <= options["seed"] <= MAX_SEED - options["repeat"]:
            raise usage_error(f"--seed must be between 0 and {MAX_SEED - options['repeat']}")

        params = self.parse_params(scenario, options["set"])
        results = []
        for seed in range(options["seed"], options["seed"] + options["repeat"]):
            playback = play(scenario, params, seed)
            for _frame in playback:
                pass
            results.append(playback.result or {})
        result = results[0] if options["repeat"] == 1 else mean_results(results)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if options["json"] else 2))

    def parse_params(self, scenario, assignments: list[str]) -> dict[str, Any]:
        specs = {spec.name: spec for spec in scenario.params}
        data: dict[str, Any] = {}
        for assignment in assignments:
            name, sep, value = assignment.partition("=")
            name = name.strip()
            if not sep:
                raise usage_error(f"--set expects NAME=VALUE, got {assignment!r}")
            if name not in specs:
                raise usage_error(f"unknown parameter {name!r} for {scenario.slug} (known: {', '.join(specs)})")
            if specs[name].type == "bool":
                if value.lower() not in ("true", "false"):
                    raise usage_error(f"{name}: expected true or false, got {value!r}")
                data[name] = value.lower() == "true"
            else:
                data[name] = value
        form = form_for_values(scenario, data)
        if not form.is_valid():
            name, errors = next(iter(form.errors.items()))
            raise usage_error(f"{name}: {' '.join(errors)}")
        return form.params()
