"""A run's frames and result as CSV, for spreadsheets and notebooks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from workers.sim.engine import Scenario


def series_columns(scenario: Scenario | None, frames: list[dict[str, Any]]) -> list[str]:
    """Series names in chart order, then any others the frames carry, each once."""
    names: list[str] = []
    if scenario is not None:
        for chart in scenario.charts:
            names.extend(s.name for s in chart.series if s.name not in names)
    for frame in frames:
        names.extend(name for name in frame["series"] if name not in names)
    return names


def frames_csv(scenario: Scenario | None, frames: list[dict[str, Any]]) -> str:
    columns = series_columns(scenario, frames)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["seq", "t", "progress", *columns, "events_en", "events_ja"])
    for frame in frames:
        events = frame.get("events", [])
        writer.writerow(
            [
                frame["seq"],
                frame["t"],
                frame["progress"],
                *(_cell(frame["series"].get(name)) for name in columns),
                " | ".join(e["text"]["en"] for e in events),
                " | ".join(e["text"]["ja"] for e in events),
            ]
        )
    return out.getvalue()


def result_csv(result: dict[str, Any] | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "value"])
    for name, value in (result or {}).items():
        writer.writerow([name, _cell(value)])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Iterable) and not isinstance(value, str):
        return " ".join(str(v) for v in value)
    return value
