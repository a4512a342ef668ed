"""Shapes of the JSON API, for django-ninja: they validate what goes out and describe it in /api/openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import model_validator
from pydantic_core import PydanticCustomError


class Localized(Schema):
    en: str
    ja: str


class Errors(Schema):
    errors: dict[str, list[str]] = Field(
        description="One list of messages per bad field, in the language of Accept-Language; "
        "`__all__` for errors about the whole request."
    )


class ChoiceOut(Schema):
    value: str
    label: Localized


class ParamOut(Schema):
    name: str
    type: Literal["int", "float", "bool", "choice"]
    default: Any
    unit: str
    label: Localized
    help: Localized
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: list[ChoiceOut] | None = None


class SeriesOut(Schema):
    name: str
    label: Localized


class ChartOut(Schema):
    id: str
    title: Localized
    x_title: Localized
    y_title: Localized
    series: list[SeriesOut]


class PresetOut(Schema):
    name: str
    label: Localized
    values: dict[str, Any]


class NodeOut(Schema):
    id: str
    label: Localized
    x: float
    y: float


class LinkOut(Schema):
    source: str
    target: str


class TopologyOut(Schema):
    nodes: list[NodeOut]
    links: list[LinkOut]


class MeasureOut(Schema):
    name: str = Field(description="A key of the run's result.")
    label: Localized
    unit: str
    help: Localized | None = None


class ScenarioOut(Schema):
    slug: str
    pattern: str | None
    title: Localized
    description: Localized
    params: list[ParamOut]
    charts: list[ChartOut]
    presets: list[PresetOut]
    topology: TopologyOut | None = None
    source: Localized | None = Field(None, description="What the simulation is validated against.")
    results: list[MeasureOut] = Field(default_factory=list, description="What the result's keys mean.")


class ScenariosOut(Schema):
    scenarios: list[ScenarioOut]


class RunIn(Schema):
    scenario: str = Field("", description="A scenario slug from /api/scenarios.")
    params: dict[str, Any] | None = Field(
        None, description="Parameter values by name; unset parameters take their defaults."
    )
    seed: int | None = Field(None, description="0 to 2147483647; omitted means a random seed.")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's Schema would read attributes off anything; a request body must be an object.
        if not isinstance(getattr(data, "_obj", data), dict):
            raise PydanticCustomError("model_attributes_type", "The request body must be a JSON object.")
        return data


class RunUrls(Schema):
    self: str
    frames: str
    websocket: str
    page: str
    cancel: str
    export_json: str
    frames_csv: str
    result_csv: str


RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class RunOut(Schema):
    id: int
    scenario: str
    params: dict[str, Any]
    seed: int
    status: RunStatus
    progress: float
    error: str = Field(description="Why the run failed, in English; empty unless failed.")
    error_text: str = Field(description="The same reason in the language of Accept-Language.")
    queue_position: int | None = Field(description="1 for the next run to start; null unless queued.")
    last_seq: int = Field(description="The highest stored frame number; -1 before the first frame.")
    result: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    urls: RunUrls


class RunCreated(RunOut):
    cancel_token: str = Field(description="Send as the X-Cancel-Token header to cancel this run.")


class RunList(Schema):
    runs: list[RunOut]


class EventOut(Schema):
    t: float
    kind: str
    text: Localized


class FrameOut(Schema):
    seq: int
    t: float = Field(description="Simulated seconds.")
    progress: float
    series: dict[str, float | None]
    events: list[EventOut]
    nodes: dict[str, str] | None = Field(
        None, description="Live state of topology nodes by id (ok, busy, degraded, down, idle)."
    )


class FramesOut(Schema):
    run: int
    status: RunStatus
    frames: list[FrameOut]
    next_after: int | None = Field(description="Pass as `after` to read on; null when nothing more is stored yet.")


class RunExport(Schema):
    run: RunOut
    frames: list[FrameOut]
