# ruff: noqa: E501 - Japanese text counts double toward the line length
"""retry-amplification: retries at every layer of a call chain multiply, and a retry budget caps them.

Requests arrive as a Poisson stream at `request_rate` for `duration_s`. A request
is a call into layer 1; layer l serves a call by calling layer l + 1, and the
last layer calls the dependency, which fails each call independently with
probability f = `dependency_failure_rate`. A layer that sees a call below it
fail tries again at once, up to `tries_per_layer` tries in all (the first
included); with `retry_at` = top_only only layer 1 retries and the others try
once. A call into a layer succeeds when one of its tries does. Calls take no
time: the model counts work, not latency.

Without a budget, write T_l for layer l's tries and N = T_1 x ... x T_L. A call
into the bottom layer makes K tries with P(K >= k) = f^(k-1), k <= T_L, so it
fails with probability f^T_L and costs E[K] = 1 + f + ... + f^(T_L - 1)
dependency calls. One layer up the same holds with the failure probability
q = f^T_L of a call into the layer below, and by Wald's identity (whether a try
happens depends only on the tries before it) the expected cost multiplies:
E = prod_l (1 - q_(l+1)^T_l) / (1 - q_(l+1)), which telescopes to

    backend calls per request = (1 - f^N) / (1 - f) = 1 + f + ... + f^(N-1),
    succeeded fraction        = 1 - f^N,

exactly as if one client tried the dependency up to N times: with the
dependency down (f = 1) every request costs N = T^layers backend calls (3 tries
at 5 layers: 3^5 = 243; the SRE book's 4 attempts at 3 layers: 4^3 = 64).
Calls without a budget are independent, so each step's counts are drawn exactly
from their distribution: a failed call into a layer made all its tries and each
failed; a successful one made k tries, the last successful, with probability
proportional to q^(k-1) (1 - q).

With `retry_budget_pct` = b % > 0 every layer has a token bucket, as the SRE
book's "Handling Overload" recommends a per-client budget (retries at most 10 %
of requests): each call a layer receives adds b/100 of a token, a retry costs one
token and is refused when there is less than one (the call then fails at once),
and a bucket holds at most BUDGET_TOKENS tokens and starts full. So a layer that
receives R calls makes at most (1 + b/100) x R + BUDGET_TOKENS calls below it,
and the amplification is capped at about (1 + b/100) per layer. Budgeted calls
share the buckets, so they are simulated one by one.

Results: backend_calls_per_request, succeeded_fraction, requests, backend_calls,
calls_per_request_by_layer (calls into layers 1..L and the dependency, per
request), retries, retries_denied, the no-budget formulas
(expected_backend_calls_no_budget, expected_succeeded_fraction_no_budget) and
budget_cap_per_request, prod_l min(T_l, 1 + b/100) (None without a budget).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 300
MIN_STEP_S = 0.1
MAX_LAYERS = 6
BUDGET_TOKENS = 10.0


def tries_by_layer(params: dict[str, Any]) -> list[int]:
    """How many tries each layer makes per call it receives."""
    tries, layers = params["tries_per_layer"], params["layers"]
    if params["retry_at"] == "top_only":
        return [tries] + [1] * (layers - 1)
    return [tries] * layers


def expected_backend_calls(f: float, total_tries: int) -> float:
    """(1 - f^N) / (1 - f): the mean dependency calls per request without a budget; N when f = 1."""
    if f >= 1.0:
        return float(total_tries)
    return (1.0 - f**total_tries) / (1.0 - f)


def failure_probabilities(tries: list[int], f: float) -> list[float]:
    """q[l]: probability that a call into level l fails; level L is the dependency (q = f)."""
    q = [0.0] * len(tries) + [f]
    for level in range(len(tries) - 1, -1, -1):
        q[level] = q[level + 1] ** tries[level]
    return q


@dataclass
class Step:
    """What happened during one frame step, per level (layers 1..L, then the dependency)."""

    levels: int
    requests: int = 0
    succeeded: int = 0
    calls: list[int] = field(default_factory=list)
    successes: list[int] = field(default_factory=list)
    retries: list[int] = field(default_factory=list)
    denied: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.calls = [0] * (self.levels + 1)
        self.successes = [0] * (self.levels + 1)
        self.retries = [0] * self.levels
        self.denied = [0] * self.levels


def expand_counts(arrivals: int, tries: list[int], q: list[float], rng: np.random.Generator, step: Step) -> None:
    """Draw the calls of `arrivals` independent requests level by level (no budget)."""
    succeeded = int(rng.binomial(arrivals, 1.0 - q[0]))
    failed = arrivals - succeeded
    step.requests += arrivals
    step.succeeded += succeeded
    step.calls[0] += arrivals
    step.successes[0] += succeeded
    for level, t in enumerate(tries):
        below = q[level + 1]
        failed_below = t * failed  # a failed call used every try, and each failed
        if succeeded and t > 1:
            # A successful call made k tries (k - 1 failed, the last succeeded) with
            # probability proportional to below^(k-1) (1 - below).
            weights = np.array([below**k for k in range(t)])
            counts = rng.multinomial(succeeded, weights / weights.sum())
            failed_below += int(np.dot(np.arange(t), counts))
        made = failed_below + succeeded
        step.retries[level] += made - (failed + succeeded)
        step.calls[level + 1] += made
        step.successes[level + 1] += succeeded
        failed = failed_below


class RetryBudget:
    """A token bucket: each call received earns `ratio` tokens, each retry costs one."""

    def __init__(self, ratio: float) -> None:
        self.ratio = ratio
        self.tokens = BUDGET_TOKENS

    def earn(self) -> None:
        self.tokens = min(BUDGET_TOKENS, self.tokens + self.ratio)

    def spend(self) -> bool:
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class BudgetedChain:
    """The chain with a retry budget per layer, one call at a time."""

    def __init__(self, tries: list[int], f: float, ratio: float, rng: random.Random) -> None:
        self.tries, self.f, self.rng = tries, f, rng
        self.budgets = [RetryBudget(ratio) for _ in tries]
        self.step = Step(len(tries))

    def request(self) -> None:
        self.step.requests += 1
        self.step.succeeded += self.call(0)

    def call(self, level: int) -> bool:
        step = self.step
        step.calls[level] += 1
        if level == len(self.tries):
            ok = self.rng.random() >= self.f
            step.successes[level] += ok
            return ok
        budget = self.budgets[level]
        budget.earn()
        for attempt in range(self.tries[level]):
            if attempt:
                if not budget.spend():
                    step.denied[level] += 1
                    return False
                step.retries[level] += 1
            if self.call(level + 1):
                step.successes[level] += 1
                return True
        return False


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = np.random.default_rng(seed)
    layers, f, duration = params["layers"], params["dependency_failure_rate"], params["duration_s"]
    tries = tries_by_layer(params)
    total_tries = math.prod(tries)
    q = failure_probabilities(tries, f)
    budgeted = params["retry_budget_pct"] > 0
    ratio = params["retry_budget_pct"] / 100
    chain = BudgetedChain(tries, f, ratio, random.Random(seed)) if budgeted else None
    n_frames = max(1, min(MAX_FRAMES, math.ceil(duration / MIN_STEP_S)))
    step_s = duration / n_frames
    expected_success = 1.0 - f**total_tries

    totals = Step(layers)
    dry_reported = [False] * layers
    first_reported = False
    for k in range(1, n_frames + 1):
        arrivals = int(rng.poisson(params["request_rate"] * step_s))
        if chain is not None:
            chain.step = step = Step(layers)
            for _ in range(arrivals):
                chain.request()
        else:
            step = Step(layers)
            expand_counts(arrivals, tries, q, rng, step)
        _accumulate(totals, step)
        t = k * step_s

        events = []
        if not first_reported and step.requests:
            first_reported = True
            per = step.calls[layers] / step.requests
            events.append(
                Event(
                    t, "fan-out",
                    Text(
                        en=f"The first {step.requests} requests made {step.calls[layers]} calls to the dependency: {per:.2f} per request",
                        ja=f"最初の {step.requests} 件のリクエストが依存先を {step.calls[layers]} 回呼び出しました。1 件あたり {per:.2f} 回です",
                    ),
                )
            )  # fmt: skip
        for level in range(layers):
            if step.denied[level] and not dry_reported[level]:
                dry_reported[level] = True
                events.append(
                    Event(
                        t, "budget-dry",
                        Text(
                            en=f"Layer {level + 1}'s retry budget runs dry: it refuses retries and fails the call instead",
                            ja=f"{level + 1} 層目のリトライバジェットが尽きました。以降はリトライせず、呼び出しを失敗として返します",
                        ),
                    )
                )  # fmt: skip
        if k == n_frames:
            events.append(_summary_event(t, totals, layers, f, total_tries))

        series: dict[str, float | None] = {}
        for level in range(MAX_LAYERS):
            present = level < layers
            series[f"layer_{level + 1}"] = round(step.calls[level] / step_s, 3) if present else None
            series[f"tokens_{level + 1}"] = round(chain.budgets[level].tokens, 3) if present and chain else None
        series["dependency"] = round(step.calls[layers] / step_s, 3)
        series["succeeded"] = round(totals.succeeded / totals.requests, 6) if totals.requests else None
        series["expected_success"] = round(expected_success, 6)
        series["retries_per_s"] = round(sum(step.retries) / step_s, 3)
        series["denied_per_s"] = round(sum(step.denied) / step_s, 3)
        yield Frame(t=t, progress=k / n_frames, series=series, events=events, nodes=_node_states(step, layers))

    requests = totals.requests
    yield Result(
        {
            "backend_calls_per_request": round(totals.calls[layers] / requests, 6) if requests else None,
            "succeeded_fraction": round(totals.succeeded / requests, 6) if requests else None,
            "requests": requests,
            "backend_calls": totals.calls[layers],
            "calls_per_request_by_layer": [round(c / requests, 6) for c in totals.calls] if requests else None,
            "retries": sum(totals.retries),
            "retries_denied": sum(totals.denied),
            "expected_backend_calls_no_budget": round(expected_backend_calls(f, total_tries), 6),
            "expected_succeeded_fraction_no_budget": round(expected_success, 6),
            "budget_cap_per_request": (round(math.prod(min(t, 1 + ratio) for t in tries), 6) if budgeted else None),
        }
    )


def _accumulate(totals: Step, step: Step) -> None:
    totals.requests += step.requests
    totals.succeeded += step.succeeded
    for level in range(len(step.calls)):
        totals.calls[level] += step.calls[level]
        totals.successes[level] += step.successes[level]
    for level in range(len(step.retries)):
        totals.retries[level] += step.retries[level]
        totals.denied[level] += step.denied[level]


def _node_states(step: Step, layers: int) -> dict[str, str]:
    """A layer is down when none of its calls succeeded, degraded when its budget refused
    retries, busy when it retried; the dependency is degraded when some calls failed."""

    def state(level: int) -> str:
        if step.calls[level] == 0:
            return "idle"
        if step.successes[level] == 0:
            return "down"
        if level == layers:
            return "ok" if step.successes[level] == step.calls[level] else "degraded"
        if step.denied[level]:
            return "degraded"
        return "busy" if step.retries[level] else "ok"

    states = {"client": "idle" if step.requests == 0 else ("ok" if step.succeeded == step.requests else "degraded")}
    if step.requests and step.succeeded == 0:
        states["client"] = "down"
    for level in range(MAX_LAYERS):
        states[f"layer_{level + 1}"] = state(level) if level < layers else "idle"
    states["dependency"] = state(layers)
    return states


def _summary_event(t: float, totals: Step, layers: int, f: float, total_tries: int) -> Event:
    requests = max(1, totals.requests)
    per = totals.calls[layers] / requests
    share = 100 * totals.succeeded / requests
    formula = expected_backend_calls(f, total_tries)
    return Event(
        t, "summary",
        Text(
            en=f"Over {totals.requests} requests: {per:.3g} dependency calls per request (without a budget the formula gives {formula:.4g}); {share:.1f} % succeeded",
            ja=f"{totals.requests} 件のリクエスト全体で、依存先の呼び出しは 1 件あたり {per:.3g} 回（バジェットなしの式では {formula:.4g} 回）、成功は {share:.1f} % でした",
        ),
    )  # fmt: skip


def _topology() -> Topology:
    # A snake over three rows: client, layers 1-6, dependency.
    places = [(0.1, 0.1), (0.5, 0.1), (0.9, 0.1), (0.9, 0.5), (0.5, 0.5), (0.1, 0.5), (0.1, 0.9), (0.5, 0.9)]
    ids = ["client"] + [f"layer_{level + 1}" for level in range(MAX_LAYERS)] + ["dependency"]
    labels = (
        [Text("Client", "クライアント")]
        + [Text(f"Layer {level + 1}", f"{level + 1} 層目") for level in range(MAX_LAYERS)]
        + [Text("Dependency", "依存先")]
    )
    nodes = tuple(Node(i, label, x, y) for i, label, (x, y) in zip(ids, labels, places, strict=True))
    return Topology(nodes=nodes, links=tuple(zip(ids, ids[1:], strict=False)))


def _preset_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "layers": 3,
        "tries_per_layer": 3,
        "dependency_failure_rate": 1.0,
        "retry_budget_pct": 0.0,
        "retry_at": "every_layer",
        "request_rate": 100.0,
        "duration_s": 30.0,
    }
    return {**values, **overrides}


SCENARIO = Scenario(
    slug="retry-amplification",
    pattern="retry-backoff",
    also_patterns=("load-shedding",),
    title=Text("Retry amplification: retries at every layer", "リトライの増幅：すべての層がリトライする場合"),
    description=Text(
        "A request passes through a chain of layers to a dependency, and every layer retries a failed call a few "
        "times. When the dependency fails, the retries multiply: 3 tries at each of 3 layers make 27 calls to the "
        "dependency per request. Compare retrying at every layer with retrying only at the top, and see how a retry "
        "budget (retries at most a small percentage of requests, per layer) caps the storm.",
        "リクエストは複数の層を順に通って依存先に届き、どの層も失敗した呼び出しを何回かリトライします。依存先が失敗すると"
        "リトライは掛け算で増え、3 層がそれぞれ 3 回試行すれば、1 件のリクエストが依存先を 27 回呼び出します。"
        "すべての層でリトライする場合と最上位の層だけでリトライする場合を比べ、リトライバジェット（層ごとに、リトライを"
        "受けたリクエストの数 % までに抑える仕組み）がリトライの嵐にどう歯止めをかけるかを確かめられます。",
    ),
    params=(
        Param(
            "layers",
            "int",
            3,
            Text("Layers", "層の数"),
            Text(
                "Services in the chain between the client and the dependency; the last one calls the dependency.",
                "クライアントと依存先の間に連なるサービスの数です。最後の層が依存先を呼び出します。",
            ),
            min=1,
            max=MAX_LAYERS,
        ),
        Param(
            "tries_per_layer",
            "int",
            3,
            Text("Tries per layer", "層ごとの試行回数"),
            Text(
                "How many times a layer tries a call below it, the first try included (3 = 1 try and 2 retries).",
                "各層が下の層への呼び出し 1 件につき試行する回数の上限で、最初の試行を含みます（3 なら最初の試行 1 回とリトライ 2 回です）。",
            ),
            min=1,
            max=5,
        ),
        Param(
            "dependency_failure_rate",
            "float",
            1.0,
            Text("Dependency failure rate", "依存先の失敗率"),
            Text(
                "Probability that one call to the dependency fails, independently of the others; 1 means it is down.",
                "依存先への 1 回の呼び出しが、他とは無関係に失敗する確率です。1 なら依存先は停止しています。",
            ),
            min=0,
            max=1,
            step=0.01,
        ),
        Param(
            "retry_budget_pct",
            "float",
            0.0,
            Text("Retry budget", "リトライバジェット"),
            Text(
                "0 means unlimited. Otherwise each layer's retries may be at most this percentage of the calls it "
                "receives (a token bucket: each call earns budget/100 of a token, a retry costs one, at most 10 are saved).",
                "0 なら無制限です。0 より大きければ、各層のリトライは受けた呼び出しのこの割合までに制限されます"
                "（トークンバケットで、呼び出しを 1 件受けるごとにバジェット/100 トークンがたまり、リトライ 1 回で 1 トークン使います。"
                "ためておけるのは 10 トークンまでです）。",
            ),
            unit="%",
            min=0,
            max=50,
            step=1,
        ),
        Param(
            "retry_at",
            "choice",
            "every_layer",
            Text("Who retries", "リトライする層"),
            Text(
                "Every layer retries, or only layer 1 does and the layers below try once and pass the error up.",
                "すべての層がリトライするか、1 層目だけがリトライし、それより下の層は 1 回だけ試行してエラーを上に返すかです。",
            ),
            choices=(
                Choice("every_layer", Text("Every layer", "すべての層")),
                Choice("top_only", Text("Top layer only", "最上位の層だけ")),
            ),
        ),
        Param(
            "request_rate",
            "float",
            100.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of the Poisson stream of requests into layer 1.",
                "1 層目に届くリクエスト（ポアソン到着）の平均レートです。",
            ),
            unit="req/s",
            min=1,
            max=500,
            step=1,
        ),
        Param(
            "duration_s",
            "float",
            30.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=1,
            max=60,
            step=1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="calls",
            title=Text("Calls per second into each layer", "各層が受ける 1 秒あたりの呼び出し数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("calls/s", "呼び出し/秒"),
            series=tuple(
                Series(f"layer_{level + 1}", Text(f"layer {level + 1}", f"{level + 1} 層目"))
                for level in range(MAX_LAYERS)
            )
            + (Series("dependency", Text("dependency", "依存先")),),
        ),
        Chart(
            id="success",
            title=Text("Requests that succeeded", "成功したリクエスト"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share of requests so far", "これまでのリクエストに占める割合"),
            series=(
                Series("succeeded", Text("succeeded", "成功")),
                Series("expected_success", Text("without a budget: 1 − f^N", "バジェットなしの場合：1 − f^N")),
            ),
        ),
        Chart(
            id="retries",
            title=Text("Retries per second, all layers", "1 秒あたりのリトライ（全層の合計）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("retries/s", "リトライ/秒"),
            series=(
                Series("retries_per_s", Text("made", "実行")),
                Series("denied_per_s", Text("refused by the budget", "バジェットにより拒否")),
            ),
        ),
        Chart(
            id="budget",
            title=Text("Retry budget: tokens left", "リトライバジェット：残りのトークン"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("tokens", "トークン"),
            series=tuple(
                Series(f"tokens_{level + 1}", Text(f"layer {level + 1}", f"{level + 1} 層目"))
                for level in range(MAX_LAYERS)
            ),
        ),
    ),  # fmt: skip
    run=run,
    results=(
        Measure(
            "backend_calls_per_request",
            Text("Dependency calls per request", "1 リクエストあたりの依存先の呼び出し回数"),
            help=Text(
                "The amplification: calls that reached the dependency divided by the requests.",
                "増幅の度合いです。依存先に届いた呼び出しの数を、リクエストの数で割ったものです。",
            ),
        ),
        Measure("succeeded_fraction", Text("Share of requests that succeeded", "成功したリクエストの割合")),
        Measure(
            "expected_backend_calls_no_budget",
            Text(
                "Dependency calls per request without a budget (formula)",
                "バジェットなしの場合の 1 リクエストあたりの依存先の呼び出し回数（式）",
            ),
            help=Text(
                "(1 − f^N)/(1 − f), N when f = 1, where N is the product of the layers' tries (T^layers when every layer retries).",
                "(1 − f^N)/(1 − f) で、f = 1 なら N です。N は各層の試行回数の積です（すべての層がリトライするなら T^層数）。",
            ),
        ),
        Measure(
            "expected_succeeded_fraction_no_budget",
            Text(
                "Share that succeeds without a budget (formula)", "バジェットなしの場合に成功するリクエストの割合（式）"
            ),
            help=Text("1 − f^N, with the same N.", "同じ N を使った 1 − f^N です。"),
        ),
        Measure(
            "budget_cap_per_request",
            Text(
                "Most dependency calls per request the budget allows",
                "バジェットが許す 1 リクエストあたりの依存先の呼び出し回数の上限",
            ),
            help=Text(
                f"The product over the layers of min(tries, 1 + budget/100), leaving out the {BUDGET_TOKENS:g} tokens each bucket starts with; empty without a budget.",
                f"各層の min(試行回数, 1 + バジェット/100) の積で、各バケットが最初に持つ {BUDGET_TOKENS:g} トークンの分は含みません。バジェットがなければ値はありません。",
            ),
        ),
        Measure(
            "calls_per_request_by_layer",
            Text(
                "Calls per request into layer 1, 2, … and the dependency",
                "1 リクエストあたりの呼び出し回数（1 層目から順に、最後は依存先）",
            ),
            help=Text(
                "One number per level, top first: the calls each layer received, then the calls to the dependency, each divided by the requests.",
                "上の層から順に並べた値で、各層が受けた呼び出しの数、最後に依存先への呼び出しの数を、それぞれリクエストの数で割ったものです。",
            ),
        ),
        Measure("retries", Text("Retries made, all layers", "実行したリトライ（全層の合計）")),
        Measure(
            "retries_denied",
            Text("Retries refused by the budget, all layers", "バジェットにより拒否されたリトライ（全層の合計）"),
            help=Text(
                "A call whose retry was refused failed at once.",
                "リトライを拒否された呼び出しは、その場で失敗します。",
            ),
        ),
        Measure("requests", Text("Requests", "リクエスト数")),
        Measure("backend_calls", Text("Dependency calls", "依存先の呼び出し回数")),
    ),  # fmt: skip
    source=Text(
        "Expected calls (1 − f^N)/(1 − f) with N = T^layers, derived exactly; Beyer et al. (eds.), Site Reliability Engineering (2016), ch. 21 'Handling Overload' (10 % retry budget) and ch. 22 'Addressing Cascading Failures' (4^3 = 64 attempts)",
        "厳密に導いた期待呼び出し回数 (1 − f^N)/(1 − f)（N = T^層数）、Beyer ほか編『Site Reliability Engineering』（2016 年）21 章「Handling Overload」（10 % のリトライバジェット）と 22 章「Addressing Cascading Failures」（4^3 = 64 回の試行）",
    ),
    topology=_topology(),
    presets=(
        Preset(
            "dependency-down",
            Text("3 tries at 3 layers, dependency down", "3 層がそれぞれ 3 回試行、依存先は停止"),
            _preset_values(),
        ),
        Preset(
            "down-with-budget",
            Text("The same with a 10 % retry budget", "同じ条件で 10 % のリトライバジェット"),
            _preset_values(retry_budget_pct=10.0),
        ),
        Preset(
            "partial-failure",
            Text("A partial failure: 30 % of dependency calls fail", "部分的な障害：依存先への呼び出しの 30 % が失敗"),
            _preset_values(dependency_failure_rate=0.3),
        ),
        Preset(
            "top-only",
            Text("Retry only at the top layer, dependency down", "最上位の層だけでリトライ、依存先は停止"),
            _preset_values(retry_at="top_only"),
        ),
        Preset(
            "five-layers",
            Text(
                "3 tries at 5 layers: 3^5 = 243 calls per request",
                "5 層がそれぞれ 3 回試行：1 件あたり 3^5 = 243 回の呼び出し",
            ),
            _preset_values(layers=5),
        ),
    ),  # fmt: skip
)
