"""The registry of scenarios: every module here defines SCENARIO, found by its slug."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..engine import Scenario


@cache
def registry() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        scenario: Scenario = module.SCENARIO
        if scenario.slug in found:
            raise RuntimeError(f"two scenarios share the slug {scenario.slug!r}")
        found[scenario.slug] = scenario
    return dict(sorted(found.items()))


def get(slug: str) -> Scenario:
    """The scenario registered under slug; KeyError if there is none."""
    return registry()[slug]


def all_scenarios() -> list[Scenario]:
    return list(registry().values())
