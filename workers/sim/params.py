"""Parameter specs: what a scenario accepts, with bounds, units and bilingual labels.

Validation of reader input happens where the reader is (a Django form built from
these specs); this module only describes parameters and fills in defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .frames import Text

ParamType = Literal["int", "float", "bool", "choice"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    default: Any
    label: Text
    help: Text
    unit: str = ""
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[Choice, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.type == "choice" and self.default not in {c.value for c in self.choices}:
            raise ValueError(f"{self.name}: default {self.default!r} is not one of its choices")
        if self.type in ("int", "float") and not self._in_bounds(self.default):
            raise ValueError(f"{self.name}: default {self.default!r} is outside its bounds")

    def _in_bounds(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def as_dict(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "unit": self.unit,
            "label": self.label.as_dict(),
            "help": self.help.as_dict(),
        }
        if self.type in ("int", "float"):
            spec.update(min=self.min, max=self.max, step=self.step)
        if self.type == "choice":
            spec["choices"] = [{"value": c.value, "label": c.label.as_dict()} for c in self.choices]
        return spec


@dataclass(frozen=True)
class Preset:
    """A named parameter set that shows an interesting case."""

    name: str
    label: Text
    values: dict[str, Any]
