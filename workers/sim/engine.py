"""The scenario contract and the loop that numbers a scenario's frames.

A scenario declares its parameters and charts and provides `run(params, seed)`,
a generator of Frame objects whose last item is a Result. `play()` drives it,
numbering frames and keeping the result, for every caller alike (the Celery
task, `manage.py simulate`, tests).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .frames import Frame, Result, Text
from .params import Param, Preset

# A run may produce at most this many frames, whatever its length: long runs
# aggregate into coarser frames so every run costs the browser the same.
MAX_FRAMES = 1000


@dataclass(frozen=True)
class Series:
    name: str
    label: Text


@dataclass(frozen=True)
class Chart:
    id: str
    title: Text
    x_title: Text
    y_title: Text
    series: tuple[Series, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.as_dict(),
            "x_title": self.x_title.as_dict(),
            "y_title": self.y_title.as_dict(),
            "series": [{"name": s.name, "label": s.label.as_dict()} for s in self.series],
        }


@dataclass(frozen=True)
class Node:
    """A box in a scenario's topology view; x and y are 0..1 across and down."""

    id: str
    label: Text
    x: float
    y: float


@dataclass(frozen=True)
class Topology:
    """Nodes and links drawn beside the charts; frames colour nodes by their live state."""

    nodes: tuple[Node, ...]
    links: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        ids = {node.id for node in self.nodes}
        for source, target in self.links:
            if source not in ids or target not in ids:
                raise ValueError(f"link {source}->{target} names a node that does not exist")

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": [{"id": n.id, "label": n.label.as_dict(), "x": n.x, "y": n.y} for n in self.nodes],
            "links": [{"source": s, "target": t} for s, t in self.links],
        }


@dataclass(frozen=True)
class Measure:
    """One key of a scenario's result, as a reader sees it: label, unit and meaning."""

    name: str
    label: Text
    unit: str = ""
    help: Text | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label.as_dict(),
            "unit": self.unit,
            "help": self.help.as_dict() if self.help else None,
        }


RunFunction = Callable[[dict[str, Any], int], Iterator[Frame | Result]]


@dataclass(frozen=True)
class Scenario:
    slug: str
    pattern: str | None
    title: Text
    description: Text
    params: tuple[Param, ...]
    charts: tuple[Chart, ...]
    run: RunFunction
    presets: tuple[Preset, ...] = field(default_factory=tuple)
    topology: Topology | None = None
    # What the simulation is checked against (a formula, a paper, a book chapter),
    # shown beside "Run the demo" and on the scenario page.
    source: Text | None = None
    # Other pattern pages (slugs) whose "Run the demo" leads here too.
    also_patterns: tuple[str, ...] = ()
    # Labels for the result's keys, in the order a reader should see them.
    results: tuple[Measure, ...] = ()

    def preset(self, name: str) -> Preset:
        for preset in self.presets:
            if preset.name == name:
                return preset
        raise KeyError(name)

    def param(self, name: str) -> Param:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {spec.name: spec.default for spec in self.params}

    def with_defaults(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.defaults(), **params}

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "pattern": self.pattern,
            "title": self.title.as_dict(),
            "description": self.description.as_dict(),
            "params": [spec.as_dict() for spec in self.params],
            "charts": [chart.as_dict() for chart in self.charts],
            "presets": [{"name": p.name, "label": p.label.as_dict(), "values": p.values} for p in self.presets],
            "topology": self.topology.as_dict() if self.topology else None,
            "source": self.source.as_dict() if self.source else None,
            "results": [measure.as_dict() for measure in self.results],
        }


class ScenarioError(RuntimeError):
    """A scenario broke its contract (no result, too many frames)."""


@dataclass
class Playback:
    """Iterates a scenario's numbered frames; `result` is set once it is exhausted."""

    frames: Iterator[dict[str, Any]]
    result: dict[str, Any] | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self.frames


def play(scenario: Scenario, params: dict[str, Any], seed: int) -> Playback:
    """Run a scenario, numbering its frames 0, 1, 2… and capturing its result."""
    playback = Playback(frames=iter(()))

    def frames() -> Iterator[dict[str, Any]]:
        seq = 0
        for item in scenario.run(scenario.with_defaults(params), seed):
            if isinstance(item, Result):
                playback.result = item.values
                return
            if seq >= MAX_FRAMES:
                raise ScenarioError(f"{scenario.slug} produced more than {MAX_FRAMES} frames")
            yield item.as_dict(seq)
            seq += 1  # noqa: SIM113 - the result item takes no number
        raise ScenarioError(f"{scenario.slug} ended without a result")

    playback.frames = frames()
    return playback


class EventLoop:
    """A discrete-event simulation clock: schedule callbacks at simulated times.

    Ties are broken by scheduling order, so a run is reproducible.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()

    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        if delay < 0:
            raise ValueError("cannot schedule into the past")
        heapq.heappush(self._queue, (self.now + delay, next(self._counter), action))

    def run_until(self, t_end: float) -> None:
        """Run every action due up to and including t_end, then set the clock to t_end."""
        while self._queue and self._queue[0][0] <= t_end:
            t, _, action = heapq.heappop(self._queue)
            self.now = t
            action()
        self.now = max(self.now, t_end)

    def __len__(self) -> int:
        return len(self._queue)
