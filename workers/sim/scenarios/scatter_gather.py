# ruff: noqa: E501 - Japanese text counts double toward the line length
"""scatter-gather: a root fans each request out to every leaf and waits for the slowest.

A client sends `requests` requests back to back; the root sends each one to all
`leaves` leaves at once. A leaf answers after

    base_ms x exp(0.5 Z)                 with probability 1 - slow_prob (Z standard normal:
                                         a lognormal with median base_ms, p99 = 3.2 x base_ms)
    slow_ms + base_ms x exp(0.5 Z)       with probability slow_prob (a slow episode such as a
                                         GC pause or a busy disk adds slow_ms to the work)

independently of every other leaf and request. Without a deadline the root
answers when the last leaf has answered; with `deadline_ms` it answers at the
deadline with what has arrived (a partial answer), or earlier if all arrived.
With `hedge_after_ms`, a leaf that has not answered by then is sent a second copy
on another replica, with its own independent latency; the first answer wins
(no hedge goes out at or after the deadline, when the root has already answered).

So a root request takes at least slow_ms when any leaf does: with q the chance
that one leaf answer takes slow_ms or more, slow_fraction = 1 - (1 - q)^leaves,
and q is slow_prob plus the fast path's negligible tail (Dean and Barroso: 1 in
100 slow and 100 leaves make 63% of requests slow). A hedged leaf is slow only
if both copies are, q ~ slow_prob^2, at the cost of one extra request per leaf
answer not in by hedge_after_ms. The result carries these analytic expectations
(expected_*) beside the simulated values.

Results: p50_ms, p99_ms, p999_ms (root latency), slow_fraction (root requests
taking slow_ms or more), extra_load (hedged copies / leaf requests),
completeness (share of leaf answers the root included).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from statistics import NormalDist
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Param, Preset

LEAF_SIGMA = 0.5  # spread of the lognormal fast path; its median is base_ms
MAX_FRAMES = 200
DRAWN_LEAVES = 8  # the topology draws leaves 1-7 and one box for the rest
STANDARD_NORMAL = NormalDist()


def fast_survival(t: float, base_ms: float) -> float:
    """P(a fast-path answer takes longer than t ms)."""
    if t <= 0:
        return 1.0
    return 1.0 - STANDARD_NORMAL.cdf(math.log(t / base_ms) / LEAF_SIGMA)


def leaf_survival(t: float, params: dict[str, Any]) -> float:
    """P(one leaf copy has not answered by t ms): the fast-path and slow-path mixture."""
    p, base = params["slow_prob"], params["base_ms"]
    return (1 - p) * fast_survival(t, base) + p * fast_survival(t - params["slow_ms"], base)


def hedging(params: dict[str, Any]) -> bool:
    """Hedges go out only if hedge_after_ms comes before the root's deadline."""
    h, deadline = params["hedge_after_ms"], params["deadline_ms"]
    return h > 0 and (deadline == 0 or h < deadline)


def answer_survival(t: float, params: dict[str, Any]) -> float:
    """P(the root has no answer from one leaf by t ms), counting the hedged copy."""
    h = params["hedge_after_ms"]
    if hedging(params) and t > h:
        return leaf_survival(t, params) * leaf_survival(t - h, params)
    return leaf_survival(t, params)


def expected(params: dict[str, Any]) -> dict[str, float]:
    """The analytic slow fraction, extra load and completeness for these parameters."""
    slow_ms, deadline = params["slow_ms"], params["deadline_ms"]
    cut_short = 0 < deadline < slow_ms
    q = answer_survival(slow_ms, params)
    return {
        "slow_fraction": 0.0 if cut_short else 1 - (1 - q) ** params["leaves"],
        "extra_load": leaf_survival(params["hedge_after_ms"], params) if hedging(params) else 0.0,
        "completeness": 1 - answer_survival(deadline, params) if deadline > 0 else 1.0,
    }


def leaf_latencies(
    rng: np.random.Generator, shape: tuple[int, int], params: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Latency of one copy per (request, leaf), and which copies were slow."""
    fast = params["base_ms"] * np.exp(LEAF_SIGMA * rng.standard_normal(shape))
    slow = rng.random(shape) < params["slow_prob"]
    return fast + slow * params["slow_ms"], slow


def node_states(leaves: int, slow_leaves: np.ndarray, root_slow: bool, partial: bool) -> dict[str, str]:
    """A leaf is busy in a frame where one of its answers was slow; the root is busy when a request
    waited slow_ms or more, and degraded when it answered without every leaf."""
    states = {"client": "ok", "root": "degraded" if partial else ("busy" if root_slow else "ok")}
    for i in range(DRAWN_LEAVES - 1):
        states[f"leaf{i + 1}"] = ("busy" if slow_leaves[i] else "ok") if i < leaves else "idle"
    rest = slow_leaves[DRAWN_LEAVES - 1 :]
    states["rest"] = "idle" if not len(rest) else ("busy" if rest.any() else "ok")
    return states


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = np.random.default_rng(seed)
    n, total = params["leaves"], params["requests"]
    slow_ms, h, deadline = params["slow_ms"], params["hedge_after_ms"], params["deadline_ms"]
    hedged_on = hedging(params)
    want = expected(params)

    root = np.empty(total)
    one_leaf = np.empty(total)  # leaf 1's answer times, for a single leaf's percentiles
    slow_count = hedges = included = partial_count = 0
    clock = 0.0
    done = 0
    events: list[Event] = []
    seen = {"slow": False, "hedge": False, "partial": False}
    milestones = [total // 4, total // 2, 3 * total // 4, total]
    frames = min(MAX_FRAMES, total)

    for f in range(frames):
        end = round(total * (f + 1) / frames)
        size = end - done
        first, slow = leaf_latencies(rng, (size, n), params)
        answer = first
        hedged = np.zeros((size, n), dtype=bool)
        if hedged_on:
            hedged = first > h
            second, _ = leaf_latencies(rng, (size, n), params)
            answer = np.where(hedged, np.minimum(first, h + second), first)
        latest = answer.max(axis=1)
        if deadline > 0:
            arrived = answer <= deadline
            took = np.minimum(latest, deadline)
            partial = ~arrived.all(axis=1)
        else:
            arrived = np.ones((size, n), dtype=bool)
            took = latest
            partial = np.zeros(size, dtype=bool)
        is_slow = took >= slow_ms
        starts = clock + np.concatenate(([0.0], np.cumsum(took)[:-1])) / 1000

        for kind, hits in (("slow", is_slow), ("hedge", hedged.any(axis=1)), ("partial", partial)):
            if seen[kind] or not hits.any():
                continue
            seen[kind] = True
            r = int(np.argmax(hits))
            events.append(
                first_event(kind, done + r, starts[r] + took[r] / 1000, took[r], answer[r], arrived[r], hedged[r], h)
            )

        root[done:end] = took
        one_leaf[done:end] = answer[:, 0]
        slow_count += int(is_slow.sum())
        hedges += int(hedged.sum())
        included += int(arrived.sum())
        partial_count += int(partial.sum())
        clock += float(took.sum()) / 1000
        done = end

        p50, p99, p999 = np.percentile(root[:done], [50, 99, 99.9])
        while milestones and done >= milestones[0]:
            milestones.pop(0)
            counts = {"slow": slow_count, "hedges": hedges, "included": included, "partial": partial_count}
            events.append(milestone_event(round(clock, 6), done, counts, float(p99), params, want))
        events.sort(key=lambda event: event.t)
        yield Frame(
            t=clock,
            progress=done / total,
            series={
                "p50_ms": round(float(p50), 3),
                "p99_ms": round(float(p99), 3),
                "p999_ms": round(float(p999), 3),
                "slow_fraction": round(slow_count / done, 6),
                "expected_slow_fraction": round(want["slow_fraction"], 6),
                "extra_load": round(hedges / (done * n), 6),
                "completeness": round(included / (done * n), 6),
            },
            events=list(events),
            nodes=node_states(n, slow.any(axis=0), bool(is_slow.any()), bool(partial.any())),
        )
        events.clear()

    p50, p99, p999 = np.percentile(root, [50, 99, 99.9])
    leaf_p50, leaf_p99 = np.percentile(one_leaf, [50, 99])
    yield Result(
        {
            "p50_ms": round(float(p50), 3),
            "p99_ms": round(float(p99), 3),
            "p999_ms": round(float(p999), 3),
            "slow_fraction": round(slow_count / total, 6),
            "extra_load": round(hedges / (total * n), 6),
            "completeness": round(included / (total * n), 6),
            "mean_ms": round(float(root.mean()), 3),
            "partial_fraction": round(partial_count / total, 6),
            "hedges": hedges,
            "leaf_p50_ms": round(float(leaf_p50), 3),
            "leaf_p99_ms": round(float(leaf_p99), 3),
            "expected_slow_fraction": round(want["slow_fraction"], 6),
            "expected_extra_load": round(want["extra_load"], 6),
            "expected_completeness": round(want["completeness"], 6),
        }
    )


def milestone_event(
    t: float, done: int, counts: dict[str, int], p99: float, params: dict[str, Any], want: dict[str, float]
) -> Event:
    """A progress line: the slow share against its expectation, and what hedging and the deadline did."""
    slow_ms, deadline, leaf_answers = params["slow_ms"], params["deadline_ms"], done * params["leaves"]
    en, ja = [], []
    if not 0 < deadline < slow_ms:  # a deadline before slow_ms leaves no slow request to count
        slow = counts["slow"] / done
        en.append(f"{slow:.1%} took {slow_ms:g} ms or more (expected {want['slow_fraction']:.1%})")
        ja.append(
            f"リクエストの {slow:.1%} が {slow_ms:g} ミリ秒以上かかりました（期待値 {want['slow_fraction']:.1%}）"
        )
    if hedging(params):
        extra = counts["hedges"] / leaf_answers
        en.append(f"hedging added {extra:.1%} leaf requests (expected {want['extra_load']:.1%})")
        ja.append(f"ヘッジでリーフへのリクエストが {extra:.1%} 増えました（期待値 {want['extra_load']:.1%}）")
    if deadline > 0:
        partial, included = counts["partial"] / done, counts["included"] / leaf_answers
        en.append(
            f"{partial:.1%} answered at the deadline without every leaf, {included:.2%} of leaf answers included (expected {want['completeness']:.2%})"
        )
        ja.append(
            f"リクエストの {partial:.1%} は全リーフの応答を待たずに期限で応答し、取り込めたリーフの応答は {included:.2%} でした（期待値 {want['completeness']:.2%}）"
        )
    en.append(f"p99 {p99:.0f} ms")
    ja.append(f"p99 は {p99:.0f} ミリ秒です")
    return Event(
        t,
        "milestone",
        Text(f"After {done} requests: " + "; ".join(en), f"{done} 件を処理した時点で、" + "。".join(ja)),
    )


def first_event(kind: str, request: int, t: float, took: float, answer: np.ndarray, arrived: np.ndarray,
                 hedged: np.ndarray, h: float) -> Event:  # fmt: skip
    """The event for the first slow, hedged or partial root request (request is 0-based)."""
    number = request + 1
    if kind == "slow":
        leaf = int(np.argmax(answer)) + 1
        return Event(round(t, 6), "slow", Text(
            f"Request {number} took {took:.0f} ms: it waited for leaf {leaf}",
            f"リクエスト {number} は {took:.0f} ミリ秒かかりました。リーフ {leaf} を待っていたためです",
        ))  # fmt: skip
    if kind == "hedge":
        leaf = int(np.argmax(hedged)) + 1
        return Event(round(t, 6), "hedge", Text(
            f"Request {number}: leaf {leaf} had not answered after {h:g} ms, so a copy went to another replica",
            f"リクエスト {number}：リーフ {leaf} が {h:g} ミリ秒たっても応答しないため、別のレプリカにも同じリクエストを送りました",
        ))  # fmt: skip
    count, total = int(arrived.sum()), len(arrived)
    return Event(round(t, 6), "partial", Text(
        f"Request {number} hit the deadline: answered at {took:.0f} ms with {count} of {total} leaves",
        f"リクエスト {number} は期限に達し、リーフ {total} 個中 {count} 個の結果だけで、{took:.0f} ミリ秒の時点で応答しました",
    ))  # fmt: skip


def _topology() -> Topology:
    nodes = [
        Node("client", Text("Client", "クライアント"), 0.08, 0.5),
        Node("root", Text("Root", "ルート"), 0.4, 0.5),
    ]
    for i in range(DRAWN_LEAVES):
        y = round(0.06 + 0.88 * i / (DRAWN_LEAVES - 1), 3)
        if i < DRAWN_LEAVES - 1:
            nodes.append(Node(f"leaf{i + 1}", Text(f"Leaf {i + 1}", f"リーフ {i + 1}"), 0.85, y))
        else:
            nodes.append(Node("rest", Text(f"Leaves {DRAWN_LEAVES}+", f"リーフ {DRAWN_LEAVES} 以降"), 0.85, y))
    links = [("client", "root")] + [("root", node.id) for node in nodes[2:]]
    return Topology(nodes=tuple(nodes), links=tuple(links))


TAIL_AT_SCALE = {
    "leaves": 100,
    "base_ms": 10.0,
    "slow_prob": 0.01,
    "slow_ms": 1000.0,
    "hedge_after_ms": 0.0,
    "deadline_ms": 0.0,
    "requests": 2000,
}

SCENARIO = Scenario(
    slug="scatter-gather",
    pattern="scatter-gather",
    title=Text("Scatter/gather and the tail at scale", "スキャッタ・ギャザーと大規模システムのテールレイテンシー"),
    description=Text(
        "A root sends every request to all of its leaves at once and waits for their answers. Each leaf is usually "
        "quick but now and then slow, so the more leaves a request touches, the more often one of them holds it up. "
        "Try hedged requests (a second copy to another replica when a leaf is late) and a deadline (answer with what "
        "has arrived), and watch the root's percentiles, the share of slow requests against 1 − (1 − p)^n, the extra "
        "load hedging costs and the share of leaf answers the root includes. The view draws leaves 1 to 7 and one box "
        "for all the others.",
        "ルートは各リクエストをすべてのリーフに同時に送り、応答を待ちます。各リーフはふだん速いものの、ときどき遅くなるので、"
        "1 つのリクエストが関わるリーフが多いほど、どれか 1 つに足を引っ張られる頻度が上がります。ヘッジリクエスト（応答が遅れた"
        "リーフについて別のレプリカにも同じリクエストを送る）と期限（届いた分だけで答える）を試し、ルートのパーセンタイル、"
        "1 − (1 − p)^n と比べた遅いリクエストの割合、ヘッジで増える負荷、ルートが取り込めたリーフの応答の割合を確かめられます。"
        "構成図にはリーフ 1〜7 と、残りをまとめた 1 つの箱を描きます。",
    ),
    params=(
        Param(
            "leaves",
            "int",
            100,
            Text("Leaves", "リーフ数"),
            Text(
                "Leaves each request is sent to; the root needs an answer from every one.",
                "各リクエストを送るリーフの数です。ルートはすべてのリーフの応答を必要とします。",
            ),
            min=1,
            max=1000,
        ),
        Param(
            "base_ms",
            "float",
            10.0,
            Text("Typical leaf latency", "リーフの典型的なレイテンシー"),
            Text(
                "Median time of a normal leaf answer; normal answers are lognormal around it (σ = 0.5, so the 99th percentile is 3.2 times it).",
                "通常時のリーフの応答時間の中央値です。通常の応答時間はこれを中心とする対数正規分布（σ = 0.5、99 パーセンタイルはこの 3.2 倍）に従います。",
            ),
            unit="ms",
            min=0.1,
            max=10000,
            step=0.1,
        ),
        Param(
            "slow_prob",
            "float",
            0.01,
            Text("Chance a leaf is slow", "リーフが遅くなる確率"),
            Text(
                "Probability that one leaf answer is slow, independently for every leaf and request.",
                "1 つのリーフの応答が遅くなる確率です。リーフごと、リクエストごとに独立です。",
            ),
            min=0,
            max=1,
            step=0.001,
        ),
        Param(
            "slow_ms",
            "float",
            1000.0,
            Text("Slow answer delay", "遅い応答の遅延"),
            Text(
                "Time a slow episode (a GC pause, a busy disk) adds to a leaf answer; a root request taking this long or longer counts as slow.",
                "遅くなったとき（GC による停止、ディスクの混雑など）にリーフの応答に加わる時間です。ルートのリクエストがこの時間以上かかると「遅い」と数えます。",
            ),
            unit="ms",
            min=1,
            max=60000,
            step=1,
        ),
        Param(
            "hedge_after_ms",
            "float",
            0.0,
            Text("Hedge after", "ヘッジまでの時間"),
            Text(
                "0 sends no hedged requests; otherwise a leaf that has not answered after this long is sent a second copy on another replica, and the first answer wins.",
                "0 ならヘッジリクエストを送りません。0 より大きければ、この時間がたっても応答しないリーフについて別のレプリカにも同じリクエストを送り、先に届いた応答を使います。",
            ),
            unit="ms",
            min=0,
            max=60000,
            step=1,
        ),
        Param(
            "deadline_ms",
            "float",
            0.0,
            Text("Deadline", "期限"),
            Text(
                "0 waits for every leaf; otherwise the root answers at this time with the leaf answers that have arrived.",
                "0 ならすべてのリーフを待ちます。0 より大きければ、ルートはこの時刻に、それまでに届いたリーフの応答だけで答えます。",
            ),
            unit="ms",
            min=0,
            max=60000,
            step=1,
        ),
        Param(
            "requests",
            "int",
            2000,
            Text("Requests", "リクエスト数"),
            Text(
                "Root requests the client sends, one after another.",
                "クライアントが 1 件ずつ順に送る、ルートへのリクエストの数です。",
            ),
            min=10,
            max=20000,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="latency",
            title=Text("Root latency so far", "これまでのルートのレイテンシー"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("ms", "ミリ秒"),
            series=(
                Series("p50_ms", Text("p50", "p50")),
                Series("p99_ms", Text("p99", "p99")),
                Series("p999_ms", Text("p99.9", "p99.9")),
            ),
        ),
        Chart(
            id="slow",
            title=Text("Requests that waited for a slow leaf", "遅いリーフを待ったリクエスト"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share of requests", "リクエストの割合"),
            series=(
                Series("slow_fraction", Text("slow (≥ slow delay)", "遅い（遅い応答の遅延以上）")),
                Series("expected_slow_fraction", Text("expected 1 − (1 − q)^n", "期待値 1 − (1 − q)^n")),
            ),
        ),
        Chart(
            id="cost",
            title=Text("Hedging cost and answer completeness", "ヘッジのコストと応答の完全性"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("share", "割合"),
            series=(
                Series("extra_load", Text("extra leaf requests from hedging", "ヘッジで増えたリーフへのリクエスト")),
                Series("completeness", Text("leaf answers included", "取り込めたリーフの応答")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure("p50_ms", Text("Root latency, median (p50)", "ルートのレイテンシーの中央値（p50）"), "ms"),
        Measure("p99_ms", Text("Root latency, p99", "ルートのレイテンシー（p99）"), "ms"),
        Measure("p999_ms", Text("Root latency, p99.9", "ルートのレイテンシー（p99.9）"), "ms"),
        Measure(
            "slow_fraction",
            Text("Share of slow requests", "遅いリクエストの割合"),
            help=Text(
                "Root requests that took the slow answer delay or longer: they waited for a leaf answer at least that slow.",
                "「遅い応答の遅延」以上かかったルートのリクエストの割合です。それだけ遅いリーフの応答を待ったリクエストにあたります。",
            ),
        ),
        Measure(
            "expected_slow_fraction",
            Text("Expected share of slow requests", "遅いリクエストの割合の期待値"),
            help=Text(
                "1 − (1 − q)^n, with q the chance that one leaf answer (counting its hedged copy) takes the slow answer delay or longer; 0 when the deadline comes first.",
                "1 − (1 − q)^n です。q は 1 つのリーフの応答（ヘッジした分も含む）が「遅い応答の遅延」以上かかる確率です。期限のほうが早ければ 0 です。",
            ),
        ),
        Measure(
            "extra_load",
            Text("Share of extra leaf requests from hedging", "ヘッジで増えたリーフへのリクエストの割合"),
            help=Text(
                "Hedged copies sent / (requests × leaves).",
                "送ったヘッジリクエストの数 / (リクエスト数 × リーフ数) です。",
            ),
        ),
        Measure(
            "expected_extra_load",
            Text(
                "Expected share of extra leaf requests from hedging", "ヘッジで増えるリーフへのリクエストの割合の期待値"
            ),
            help=Text(
                "The chance that a leaf has not answered by the hedge time; 0 without hedging.",
                "リーフがヘッジまでの時間内に応答しない確率です。ヘッジしなければ 0 です。",
            ),
        ),
        Measure(
            "completeness",
            Text("Share of leaf answers included", "取り込めたリーフの応答の割合"),
            help=Text(
                "Leaf answers that arrived by the deadline / (requests × leaves); 1 without a deadline.",
                "期限までに届いたリーフの応答の数 / (リクエスト数 × リーフ数) です。期限がなければ 1 です。",
            ),
        ),
        Measure(
            "expected_completeness",
            Text("Expected share of leaf answers included", "取り込めるリーフの応答の割合の期待値"),
            help=Text(
                "The chance that a leaf answers by the deadline, counting its hedged copy; 1 without a deadline.",
                "ヘッジした分も含めて、リーフが期限までに応答する確率です。期限がなければ 1 です。",
            ),
        ),
        Measure(
            "partial_fraction",
            Text("Share of partial answers", "一部のリーフを欠いた応答の割合"),
            help=Text(
                "Root requests answered at the deadline without every leaf's answer.",
                "すべてのリーフの応答がそろわないまま、期限で答えたルートのリクエストの割合です。",
            ),
        ),
        Measure(
            "hedges",
            Text("Hedged requests sent", "送ったヘッジリクエストの数"),
            help=Text(
                "Second copies sent to another replica, one for each leaf answer not in by the hedge time.",
                "ヘッジまでの時間内に届かなかったリーフの応答 1 つにつき 1 件ずつ、別のレプリカに送ったリクエストです。",
            ),
        ),
        Measure("mean_ms", Text("Root latency, mean", "ルートのレイテンシーの平均"), "ms"),
        Measure(
            "leaf_p50_ms",
            Text("One leaf's latency, median (p50)", "1 つのリーフのレイテンシーの中央値（p50）"),
            "ms",
            Text(
                "Leaf 1's answer times (the first answer to arrive when it was hedged), to compare with the root's.",
                "リーフ 1 の応答時間です（ヘッジしたときは先に届いた応答）。ルートと比べるためのものです。",
            ),
        ),
        Measure(
            "leaf_p99_ms",
            Text("One leaf's latency, p99", "1 つのリーフのレイテンシー（p99）"),
            "ms",
            Text(
                "Leaf 1's answer times (the first answer to arrive when it was hedged), to compare with the root's.",
                "リーフ 1 の応答時間です（ヘッジしたときは先に届いた応答）。ルートと比べるためのものです。",
            ),
        ),
    ),
    source=Text(
        "Dean and Barroso, 'The Tail at Scale' (CACM, 2013): 1 − (1 − p)^n slow requests, hedged requests after the 95th percentile",
        "Dean と Barroso「The Tail at Scale」（CACM、2013 年）：遅いリクエストの割合 1 − (1 − p)^n、95 パーセンタイルを過ぎてから送るヘッジリクエスト",
    ),
    topology=_topology(),
    presets=(
        Preset(
            "tail-at-scale",
            Text(
                "1 in 100 slow, 100 leaves: 63% of requests slow",
                "100 回に 1 回遅くなるリーフが 100 個：リクエストの 63 % が遅い",
            ),
            dict(TAIL_AT_SCALE),
        ),
        Preset(
            "one-leaf",
            Text("The same leaves, one at a time: 1% slow", "同じ性質のリーフ 1 つだけに問い合わせる：遅いのは 1 %"),
            {**TAIL_AT_SCALE, "leaves": 1, "requests": 5000},
        ),
        Preset(
            "hedge-at-p95",
            Text(
                "Hedge after the leaf's 95th percentile: about 5% more load",
                "リーフの 95 パーセンタイルでヘッジ：負荷の増加は約 5 %",
            ),
            {**TAIL_AT_SCALE, "hedge_after_ms": 24.0},
        ),
        Preset(
            "deadline",
            Text("A 50 ms deadline: fast, slightly partial answers", "50 ミリ秒の期限：速いが、わずかに欠けた応答"),
            {**TAIL_AT_SCALE, "deadline_ms": 50.0},
        ),
    ),  # fmt: skip
)
