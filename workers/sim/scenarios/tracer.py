"""tracer: counts to N with a short pause between steps.

It models nothing; it exists to prove the whole pipe (form, task, frames,
channel layer, socket, chart) with a run whose outcome is known exactly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Param, Preset


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    count: int = params["count"]
    delay_s: float = params["delay_ms"] / 1000
    total = 0
    for i in range(1, count + 1):
        if delay_s and i > 1:  # between steps: the first comes at once
            time.sleep(delay_s)
        total += i
        events = []
        if i == (count + 1) // 2:
            events.append(
                Event(
                    t=float(i),
                    kind="halfway",
                    text=Text(en=f"Halfway: reached {i} of {count}", ja=f"折り返し地点: {count} 中 {i} に到達しました"),
                )
            )
        yield Frame(
            t=float(i),
            progress=i / count,
            series={"count": i, "total": total},
            events=events,
            nodes={**PIPE_STATES, "worker": "busy"} if i < count else PIPE_STATES,
        )
    yield Result({"count": count, "total": total, "seed": seed})


# The path of a run, drawn as the topology: the worker is busy while it counts.
PIPE = Topology(
    nodes=(
        Node("form", Text(en="Run form", ja="実行フォーム"), 0.1, 0.25),
        Node("broker", Text(en="Task queue", ja="タスクキュー"), 0.4, 0.25),
        Node("worker", Text(en="Worker", ja="ワーカー"), 0.7, 0.25),
        Node("database", Text(en="Database", ja="データベース"), 0.7, 0.8),
        Node("socket", Text(en="WebSocket", ja="WebSocket"), 0.4, 0.8),
        Node("browser", Text(en="Browser", ja="ブラウザー"), 0.1, 0.8),
    ),
    # Frames are stored, then announced over the channel layer; a joining socket reads the store.
    links=(("form", "broker"), ("broker", "worker"), ("worker", "database"), ("worker", "socket"),
           ("database", "socket"), ("socket", "browser")),
)  # fmt: skip
PIPE_STATES = {node.id: "ok" for node in PIPE.nodes}

SCENARIO = Scenario(
    slug="tracer",
    pattern=None,
    title=Text(en="Tracer", ja="トレーサー"),
    description=Text(
        en=(
            "Counts from 1 to N, pausing briefly between steps, and reports each step as a frame. "
            "It models no pattern: it shows the path every run takes, from the form through the "
            "worker to the live chart, with a result you can check by hand (the total is N(N+1)/2)."
        ),
        ja=(
            "1 から N まで、少しずつ間を置きながら数え、その都度フレームとして報告します。"
            "特定のパターンを模したものではなく、フォームからワーカー、そしてライブチャートまで、"
            "すべての実行がたどる道筋を示します。結果は手計算で確かめられます（合計は N(N+1)/2 です）。"
        ),
    ),
    params=(
        Param(
            name="count",
            type="int",
            default=30,
            min=1,
            max=1000,
            label=Text(en="Count to", ja="数える上限"),
            help=Text(en="How many steps the run takes.", ja="実行するステップの数です。"),
        ),
        Param(
            name="delay_ms",
            type="int",
            default=100,
            min=0,
            max=1000,
            step=10,
            unit="ms",
            label=Text(en="Pause per step", ja="ステップごとの待ち時間"),
            help=Text(
                en="Wall-clock pause between steps, so you can watch the chart grow.",
                ja="ステップ間の実時間の待ち時間です。チャートが伸びていく様子を見られます。",
            ),
        ),
    ),
    charts=(
        Chart(
            id="count",
            title=Text(en="Count", ja="カウント"),
            x_title=Text(en="time (s)", ja="時間（秒）"),
            y_title=Text(en="value", ja="値"),
            series=(Series("count", Text(en="count", ja="カウント")),),
        ),
        Chart(
            id="total",
            title=Text(en="Running total", ja="累計"),
            x_title=Text(en="time (s)", ja="時間（秒）"),
            y_title=Text(en="total", ja="合計"),
            series=(Series("total", Text(en="total", ja="合計")),),
        ),
    ),
    run=run,
    results=(
        Measure("count", Text(en="Numbers counted", ja="数えた個数")),
        Measure("total", Text(en="Running total at the end", ja="最後の累計")),
        Measure("seed", Text(en="Seed", ja="シード")),
    ),
    topology=PIPE,
    presets=(
        Preset(name="quick", label=Text(en="Quick", ja="すぐ終わる"), values={"count": 10, "delay_ms": 50}),
        Preset(name="slow", label=Text(en="Slow and long", ja="ゆっくり長く"), values={"count": 100, "delay_ms": 200}),
    ),
)
