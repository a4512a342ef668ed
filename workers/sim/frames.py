"""What a running scenario produces: frames with series and events, then a result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    """A reader-facing string in both interface languages."""

    en: str
    ja: str

    def get(self, language: str) -> str:
        return self.ja if language == "ja" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "ja": self.ja}


@dataclass(frozen=True)
class Event:
    """Something worth a line in the run's event log, e.g. "circuit opened"."""

    t: float
    kind: str
    text: Text

    def as_dict(self) -> dict[str, Any]:
        return {"t": self.t, "kind": self.kind, "text": self.text.as_dict()}


@dataclass
class Frame:
    """One step of a run as a scenario yields it; the engine numbers it (seq)."""

    t: float
    progress: float
    series: dict[str, float] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    # Live state of topology nodes by id: "ok", "busy", "degraded", "down" or "idle".
    nodes: dict[str, str] | None = None

    def as_dict(self, seq: int) -> dict[str, Any]:
        frame = {
            "seq": seq,
            "t": round(self.t, 6),
            "progress": min(1.0, max(0.0, round(self.progress, 6))),
            "series": dict(self.series),
            "events": [event.as_dict() for event in self.events],
        }
        if self.nodes is not None:
            frame["nodes"] = dict(self.nodes)
        return frame


@dataclass(frozen=True)
class Result:
    """The last thing a scenario yields: a flat dict of named numbers (and short lists)."""

    values: dict[str, Any]
