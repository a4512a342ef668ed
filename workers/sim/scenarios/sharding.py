# ruff: noqa: E501 - Japanese text counts double toward the line length
"""sharding: placing keys on the nodes of a sharded service, then adding nodes.

`keys` keys (key i has popularity rank i + 1) are hashed with a 64-bit mix
function (the splitmix64 finaliser, salted with the seed) and placed on `nodes`
nodes by one strategy; then `add_nodes` nodes join one at a time and the keys
are placed again. Strategies:

- modulo: node = h mod n. A key stays when n becomes m only if h mod n equals
  h mod m, which holds for n of every lcm(n, m) consecutive hashes, a share
  gcd(n, m)/m: 1 - gcd(n, m)/m of the keys move (n/(n+1) for one added node).
- ring (Karger et al., 1997): each node owns `vnodes` points on a 64-bit hash
  ring; a key goes to the first point clockwise from its hash. A new node takes
  only the arcs in front of its points, so about a/(n+a) of the keys move, all
  to the new nodes. A node's share of the ring is the sum of v of the n x v
  uniform spacings, Beta(v, n v - v), with a coefficient of variation
  sqrt((n v - v)/(v (n v + 1))), about 1/sqrt(v).
- rendezvous (highest random weight; Thaler and Ravishankar, 1998): a key goes
  to the node with the largest mix(h xor node hash). Adding a node moves a key
  only if the new node wins, with probability a/(n+a) each.
- jump (Lamping and Veach, 2014): their jump consistent hash, exactly as
  published, on the key's 64-bit hash. Minimal movement like rendezvous, and
  each key lands on each node with probability 1/n.
- bounded_load (Mirrokni, Thorup and Zadimoghaddam, SODA 2018): the ring, but
  every node holds at most ceil((1 + load_factor) x keys / nodes) keys. Keys
  are placed in order (most popular first); each goes clockwise to the first
  point whose node still has room. Adding a node lowers that capacity and
  re-places every key, so when the cap binds, more keys move on average than
  on the plain ring (overflow chains shift, not only the new node's arcs).

For modulo, rendezvous and jump the keys per node are multinomial: the
coefficient of variation is sqrt((n - 1)/keys).

Requests pick keys with Zipf weights (rank r has weight r^-zipf_s; 0 is
uniform); a node's request share is the exact sum of its keys' weights, not a
sample, so the busiest node's share is a function of the placement alone.

Frames: keys are placed in 40 batches, then every added node's moves are shown
in batches of keys. The x axis counts these steps, not seconds.

Results: moved_fraction (keys whose node differs after all additions),
load_cv and max_load_ratio (keys per node: std/mean and max/mean before the
change), hot_shard_share (busiest node's share of requests before the change),
with the same measures after the change and the references they are held to.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15  # splitmix64's increment
PLACEMENT_FRAMES = 40
MAX_FRAMES_PER_NODE = 10
ADDITION_FRAMES = 320
DRAWN_NODES = 8  # the topology draws nodes 1-7 and one box for the rest
BUSY_SHARE = 1.25  # a node is drawn busy above 1.25 x its fair share of requests


def mix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a bijective 64-bit mix with full avalanche (uint64 in, uint64 out)."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB
    return x ^ (x >> 31)


def salt(seed: int, purpose: int) -> int:
    """A 64-bit salt for one use of the hash (keys, ring points, node weights) under one seed."""
    value = np.array([(seed * GOLDEN_GAMMA + purpose) & MASK64], dtype=np.uint64)
    return int(mix64(mix64(value))[0])


def hash64(values: np.ndarray, salt_value: int) -> np.ndarray:
    """Stable 64-bit hashes of non-negative integers under a salt."""
    return mix64(values.astype(np.uint64) * GOLDEN_GAMMA + np.uint64(salt_value))


def key_hashes(keys: int, seed: int) -> np.ndarray:
    return hash64(np.arange(keys, dtype=np.uint64), salt(seed, 1))


def jump_hash(key: int, buckets: int) -> int:
    """Lamping and Veach's jump consistent hash, line for line as published (64-bit key)."""
    b, j = -1, 0
    while j < buckets:
        b = j
        key = (key * 2862933555777941757 + 1) & MASK64
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b


def jump_hashes(keys: np.ndarray, buckets: int) -> np.ndarray:
    """jump_hash over an array of uint64 keys, the same float64 steps applied element-wise."""
    keys = keys.astype(np.uint64)
    b = np.full(len(keys), -1, dtype=np.int64)
    j = np.zeros(len(keys), dtype=np.int64)
    active = np.flatnonzero(j < buckets)
    while len(active):
        b[active] = j[active]
        keys[active] = keys[active] * 2862933555777941757 + 1
        ratio = float(1 << 31) / ((keys[active] >> 33) + 1).astype(np.float64)
        j[active] = ((b[active] + 1).astype(np.float64) * ratio).astype(np.int64)
        active = active[j[active] < buckets]
    return b


def ring(nodes: int, vnodes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ring's points sorted by hash, and the node that owns each. Node j's points do not depend on n."""
    ids = np.arange(nodes, dtype=np.uint64)[:, None] * (1 << 20) + np.arange(vnodes, dtype=np.uint64)[None, :]
    points = hash64(ids.ravel(), salt(seed, 2))
    owners = np.repeat(np.arange(nodes), vnodes)
    order = np.argsort(points, kind="stable")
    return points[order], owners[order]


def ring_start(hashes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Index of the first point clockwise from each key (at or after its hash, wrapping)."""
    return np.searchsorted(points, hashes, side="left") % len(points)


def bounded_loads(start: np.ndarray, owners: np.ndarray, nodes: int, capacity: int) -> np.ndarray:
    """Keys in order; each goes clockwise from start to the first point whose node has room.

    nxt[p] == p while p's node has room; a full node's points point at the next
    point, and path compression keeps the walks short even when eps is 0.
    """
    owner = owners.tolist()
    count = len(owner)
    nxt = list(range(count))
    points_of: list[list[int]] = [[] for _ in range(nodes)]
    for p, node in enumerate(owner):
        points_of[node].append(p)
    load = [0] * nodes
    placed = [0] * len(start)
    for i, p in enumerate(start.tolist()):
        root = p
        while nxt[root] != root:
            root = nxt[root]
        while p != root:
            nxt[p], p = root, nxt[p]
        node = owner[root]
        placed[i] = node
        load[node] += 1
        if load[node] == capacity:
            for q in points_of[node]:
                nxt[q] = (q + 1) % count
    return np.array(placed, dtype=np.int64)


def capacity(keys: int, nodes: int, load_factor: float) -> int:
    """Consistent hashing with bounded loads: at most ceil((1 + eps) x keys / nodes) per node."""
    return math.ceil((1 + load_factor) * keys / nodes - 1e-9)


def place(strategy: str, hashes: np.ndarray, nodes: int, vnodes: int, load_factor: float, seed: int) -> np.ndarray:
    """The node (0..nodes-1) of every key under one strategy."""
    if strategy == "modulo":
        return (hashes % np.uint64(nodes)).astype(np.int64)
    if strategy == "jump":
        return jump_hashes(hashes, nodes)
    if strategy == "rendezvous":
        node_hashes = hash64(np.arange(nodes, dtype=np.uint64), salt(seed, 3))
        best = mix64(hashes ^ node_hashes[0])
        winner = np.zeros(len(hashes), dtype=np.int64)
        for node in range(1, nodes):
            weight = mix64(hashes ^ node_hashes[node])
            wins = weight > best
            best = np.where(wins, weight, best)
            winner[wins] = node
        return winner
    points, owners = ring(nodes, vnodes, seed)
    start = ring_start(hashes, points)
    if strategy == "ring":
        return owners[start]
    if strategy == "bounded_load":
        return bounded_loads(start, owners, nodes, capacity(len(hashes), nodes, load_factor))
    raise ValueError(f"unknown strategy {strategy!r}")


def zipf_weights(keys: int, s: float) -> np.ndarray:
    """Request probability of each key: rank r (key r - 1) has weight r^-s, normalised."""
    weights = np.arange(1, keys + 1, dtype=np.float64) ** -s
    return weights / weights.sum()


def loads(assignment: np.ndarray, nodes: int) -> np.ndarray:
    return np.bincount(assignment, minlength=nodes)


def load_cv(counts: np.ndarray) -> float:
    """Population std / mean of keys per node."""
    mean = counts.mean()
    return float(counts.std() / mean) if mean else 0.0


def shares(assignment: np.ndarray, weights: np.ndarray, nodes: int) -> np.ndarray:
    """Each node's share of requests: the summed weights of its keys, normalised."""
    total = weights.sum()
    return np.bincount(assignment, weights=weights, minlength=nodes) / total if total else np.zeros(nodes)


STRATEGY_NAMES = {
    "modulo": Text("hash mod N", "hash mod N"),
    "ring": Text("the hash ring", "ハッシュリング"),
    "rendezvous": Text("rendezvous hashing", "ランデブーハッシュ"),
    "jump": Text("jump consistent hash", "ジャンプコンシステントハッシュ"),
    "bounded_load": Text("the ring with bounded loads", "負荷上限付きのハッシュリング"),
}


def node_states(present: int, request_shares: np.ndarray) -> dict[str, str]:
    """Nodes 1-7 and the box for the rest: idle before they join, busy above 1.25 x the fair share."""
    fair = 1.0 / present

    def state(share: float) -> str:
        return "busy" if share > BUSY_SHARE * fair else "ok"

    states = {"router": "ok"}
    for j in range(DRAWN_NODES - 1):
        states[f"n{j + 1}"] = state(request_shares[j]) if j < present else "idle"
    rest = request_shares[DRAWN_NODES - 1 : present]
    states["rest"] = "idle" if not len(rest) else ("busy" if any(state(s) == "busy" for s in rest) else "ok")
    return states


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    strategy, n, added = params["strategy"], params["nodes"], params["add_nodes"]
    vnodes, key_count, eps = params["vnodes"], params["keys"], params["load_factor"]
    hashes = key_hashes(key_count, seed)
    weights = zipf_weights(key_count, params["zipf_s"])
    name = STRATEGY_NAMES[strategy]

    placements = [place(strategy, hashes, n + i, vnodes, eps, seed) for i in range(added + 1)]
    initial = placements[0]

    batches = min(PLACEMENT_FRAMES, key_count)
    per_node = max(1, min(MAX_FRAMES_PER_NODE, ADDITION_FRAMES // added)) if added else 0
    total_steps = batches + added * per_node
    step = 0
    events: list[Event] = []

    def frame(assignment: np.ndarray, present: int, placed: int, moved: float, minimum: float) -> Frame:
        nonlocal step
        step += 1
        counts = loads(assignment[:placed], present)
        request_shares = shares(assignment[:placed], weights[:placed], present)
        made = Frame(
            t=float(step),
            progress=step / total_steps,
            series={
                "keys_max": int(counts.max()),
                "keys_mean": round(placed / present, 3),
                "keys_min": int(counts.min()),
                "capacity": capacity(key_count, present, eps),
                "moved_fraction": round(moved, 6),
                "moved_minimum": round(minimum, 6),
                "hot_shard_share": round(float(request_shares.max()), 6),
                "fair_share": round(1 / present, 6),
            },
            events=list(events),
            nodes=node_states(present, request_shares),
        )
        events.clear()
        return made

    events.append(
        Event(0.0, "placing", Text(
            f"Placing {key_count} keys on {n} nodes with {name.en}",
            f"{key_count} 個のキーを {n} 台のノードに配置します（方式：{name.ja}）",
        ))
    )  # fmt: skip
    full_at = first_full_key(initial, n, capacity(key_count, n, eps)) if strategy == "bounded_load" else None
    for b in range(batches):
        placed = round(key_count * (b + 1) / batches)
        if full_at is not None and full_at < placed:
            node, key = int(initial[full_at]), full_at
            events.append(
                Event(float(step + 1), "node-full", Text(
                    f"Node {node + 1} is full after key {key + 1} ({capacity(key_count, n, eps)} keys); later keys that hash to it go on clockwise",
                    f"キー {key + 1} でノード {node + 1} が上限（{capacity(key_count, n, eps)} 個）に達しました。以降このノードに割り当たるキーは、時計回りに次のノードへ回ります",
                ))
            )  # fmt: skip
            full_at = None
        if b == batches - 1:
            events.append(placed_event(float(step + 1), initial, weights, n))
        yield frame(initial, n, placed, 0.0, 0.0)

    current = initial.copy()
    for i in range(1, added + 1):
        target, present = placements[i], n + i
        changed = np.flatnonzero(target != current)
        step_moved = len(changed) / key_count
        events.append(
            Event(float(step + 1), "node-added", Text(
                f"Node {present} joins: {step_moved:.1%} of keys move (at least {1 / present:.1%} must, to give it its share)",
                f"ノード {present} が加わりました。キーの {step_moved:.1%} が移動します（新しいノードに均等な分を持たせるには、最低でも {1 / present:.1%} の移動が必要です）",
            ))
        )  # fmt: skip
        for f in range(per_node):
            chunk = changed[round(len(changed) * f / per_node) : round(len(changed) * (f + 1) / per_node)]
            current[chunk] = target[chunk]
            yield frame(current, present, key_count, float(np.mean(current != initial)), i / present)

    before = loads(initial, n)
    before_shares = shares(initial, weights, n)
    after_n = n + added
    final = placements[-1]
    after = loads(final, after_n)
    after_shares = shares(final, weights, after_n)
    moved = float(np.mean(final != initial))
    yield Result(
        {
            "moved_fraction": round(moved, 6),
            "load_cv": round(load_cv(before), 6),
            "max_load_ratio": round(float(before.max() / before.mean()), 6),
            "hot_shard_share": round(float(before_shares.max()), 6),
            "minimal_moved_fraction": round(added / after_n, 6),
            "min_load_ratio": round(float(before.min() / before.mean()), 6),
            "max_load": int(before.max()),
            "capacity": capacity(key_count, n, eps),
            "hot_key_share": round(float(weights[0]), 6),
            "load_cv_after": round(load_cv(after), 6),
            "max_load_ratio_after": round(float(after.max() / after.mean()), 6),
            "hot_shard_share_after": round(float(after_shares.max()), 6),
        }
    )


def placed_event(t: float, assignment: np.ndarray, weights: np.ndarray, nodes: int) -> Event:
    """The event that closes the first placement: how uneven the keys and the requests came out."""
    counts, request_shares = loads(assignment, nodes), shares(assignment, weights, nodes)
    ratio, hot = counts.max() / counts.mean(), request_shares.max()
    return Event(t, "placed", Text(
        f"All keys placed: the node with the most keys holds {ratio:.2f} x the mean; the busiest node gets {hot:.1%} of requests (fair share {1 / nodes:.1%})",
        f"全キーを配置しました。キーが最も多いノードのキー数は平均の {ratio:.2f} 倍で、最も忙しいノードはリクエストの {hot:.1%} を受けます（均等なら {1 / nodes:.1%}）",
    ))  # fmt: skip


def first_full_key(assignment: np.ndarray, nodes: int, cap: int) -> int | None:
    """Index of the key that first fills a node to capacity, or None if none is full."""
    counts = loads(assignment, nodes)
    full = [int(np.flatnonzero(assignment == node)[cap - 1]) for node in range(nodes) if counts[node] >= cap]
    return min(full) if full else None


def _ring_layout() -> tuple[Node, ...]:
    nodes = [Node("router", Text("Router", "ルーター"), 0.5, 0.5)]
    for j in range(DRAWN_NODES):
        angle = 2 * math.pi * j / DRAWN_NODES - math.pi / 2
        x, y = round(0.5 + 0.4 * math.cos(angle), 3), round(0.5 + 0.4 * math.sin(angle), 3)
        if j < DRAWN_NODES - 1:
            nodes.append(Node(f"n{j + 1}", Text(f"Node {j + 1}", f"ノード {j + 1}"), x, y))
        else:
            nodes.append(Node("rest", Text(f"Nodes {DRAWN_NODES}+", f"ノード {DRAWN_NODES} 以降"), x, y))
    return tuple(nodes)


COMMON = {"vnodes": 100, "keys": 10000, "zipf_s": 0.0, "load_factor": 0.25}

SCENARIO = Scenario(
    slug="sharding",
    pattern="sharded-service",
    title=Text("Sharding: placing keys and adding nodes", "シャーディング：キーの配置とノードの追加"),
    description=Text(
        "Keys are hashed onto the nodes of a sharded service with one sharding function: hash mod N, a consistent "
        "hash ring with virtual nodes, rendezvous hashing, jump consistent hash, or a ring that caps every node's "
        "load. Then nodes join one at a time and the keys are placed again. Watch how evenly the keys spread, how "
        "many move when a node joins compared with the minimum any scheme must move, and how much of the traffic the "
        "busiest node gets when a few keys are far more popular than the rest. The view draws nodes 1 to 7 and one box "
        "for all the others.",
        "シャーディングされたサービスのノードに、1 つのシャーディング関数でキーをハッシュして配置します。関数は hash mod N、"
        "仮想ノード付きのコンシステントハッシュリング、ランデブーハッシュ、ジャンプコンシステントハッシュ、各ノードの負荷に上限を設けた"
        "リングから選べます。その後ノードを 1 台ずつ加え、キーを配置し直します。キーがどれだけ均等に分かれるか、ノードが加わったときに"
        "どの方式でも避けられない最小限に比べてどれだけのキーが動くか、一部のキーにアクセスが集中するとき最も忙しいノードがトラフィックの"
        "どれだけを受けるかを確かめられます。構成図にはノード 1〜7 と、残りをまとめた 1 つの箱を描きます。",
    ),
    params=(
        Param(
            "strategy",
            "choice",
            "ring",
            Text("Sharding function", "シャーディング関数"),
            Text(
                "How a key's hash picks its node.",
                "キーのハッシュからノードを選ぶ方法です。",
            ),
            choices=(
                Choice("modulo", Text("hash mod N", "hash mod N")),
                Choice(
                    "ring",
                    Text("Hash ring with virtual nodes (Karger et al.)", "仮想ノード付きハッシュリング（Karger ら）"),
                ),
                Choice(
                    "rendezvous", Text("Rendezvous / highest random weight", "ランデブーハッシュ（最大ランダム重み）")
                ),
                Choice(
                    "jump",
                    Text(
                        "Jump consistent hash (Lamping and Veach)", "ジャンプコンシステントハッシュ（Lamping と Veach）"
                    ),
                ),
                Choice(
                    "bounded_load",
                    Text("Ring with bounded loads (Mirrokni et al.)", "負荷上限付きリング（Mirrokni ら）"),
                ),
            ),
        ),
        Param(
            "nodes",
            "int",
            5,
            Text("Nodes", "ノード数"),
            Text("Nodes the keys are placed on first.", "最初にキーを配置するノードの数です。"),
            min=1,
            max=64,
        ),
        Param(
            "vnodes",
            "int",
            100,
            Text("Points per node", "ノードあたりの点の数"),
            Text(
                "Virtual nodes: how many points each node owns on the hash ring. Only the ring and the ring with bounded loads use it.",
                "仮想ノードの数、つまり各ノードがハッシュリング上に持つ点の数です。リングと負荷上限付きリングでのみ使います。",
            ),
            min=1,
            max=1000,
        ),
        Param(
            "keys",
            "int",
            10000,
            Text("Keys", "キー数"),
            Text(
                "Keys to place; key number r is the r-th most requested.",
                "配置するキーの数です。r 番目のキーは、r 番目に多くリクエストされるキーです。",
            ),
            min=100,
            max=50000,
        ),
        Param(
            "add_nodes",
            "int",
            1,
            Text("Nodes added", "追加するノード数"),
            Text(
                "Nodes that join, one at a time, after the first placement; 0 adds none.",
                "最初の配置の後に 1 台ずつ加えるノードの数です。0 なら加えません。",
            ),
            min=0,
            max=32,
        ),
        Param(
            "zipf_s",
            "float",
            0.0,
            Text("Request skew (Zipf s)", "リクエストの偏り（Zipf の s）"),
            Text(
                "Requests pick key number r with weight r^-s: 0 spreads them evenly over the keys, 1 or more makes a few keys hot.",
                "リクエストは r 番目のキーを r^-s に比例する確率で選びます。0 ならすべてのキーに均等で、1 以上では一部のキーにアクセスが集中します。",
            ),
            min=0,
            max=3,
            step=0.1,
        ),
        Param(
            "load_factor",
            "float",
            0.25,
            Text("Load bound ε", "負荷上限の ε"),
            Text(
                "With bounded loads no node holds more than ceil((1 + ε) x keys / nodes) keys. Only the ring with bounded loads uses it.",
                "負荷上限付きリングでは、どのノードも ceil((1 + ε) × キー数 / ノード数) 個を超えるキーを持ちません。負荷上限付きリングでのみ使います。",
            ),
            min=0,
            max=3,
            step=0.05,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="keys",
            title=Text("Keys per node", "ノードあたりのキー数"),
            x_title=Text("step (keys placed, then nodes added)", "ステップ（キーの配置、続いてノードの追加）"),
            y_title=Text("keys", "キー数"),
            series=(
                Series("keys_max", Text("busiest node", "キーが最も多いノード")),
                Series("keys_mean", Text("mean", "平均")),
                Series("keys_min", Text("emptiest node", "キーが最も少ないノード")),
                Series("capacity", Text("cap with bounded loads", "負荷上限付きリングの上限")),
            ),
        ),
        Chart(
            id="moved",
            title=Text("Keys moved since the first placement", "最初の配置から移動したキーの割合"),
            x_title=Text("step (keys placed, then nodes added)", "ステップ（キーの配置、続いてノードの追加）"),
            y_title=Text("share of keys", "キーの割合"),
            series=(
                Series("moved_fraction", Text("moved", "移動したキー")),
                Series("moved_minimum", Text("minimum: added / all nodes", "最小限：追加数 / 全ノード数")),
            ),
        ),
        Chart(
            id="requests",
            title=Text("Requests on the busiest node", "最も忙しいノードが受けるリクエスト"),
            x_title=Text("step (keys placed, then nodes added)", "ステップ（キーの配置、続いてノードの追加）"),
            y_title=Text("share of requests", "リクエストの割合"),
            series=(
                Series("hot_shard_share", Text("busiest node", "最も忙しいノード")),
                Series("fair_share", Text("fair share 1/N", "均等な割合 1/N")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "moved_fraction",
            Text("Share of keys moved", "移動したキーの割合"),
            help=Text(
                "Keys whose node after all added nodes have joined differs from their node in the first placement.",
                "すべてのノードが加わった後に、最初の配置とは別のノードに置かれているキーの割合です。",
            ),
        ),
        Measure(
            "minimal_moved_fraction",
            Text("Least share of keys that must move", "移動が避けられないキーの最小の割合"),
            help=Text(
                "Added nodes / all nodes after the additions: the share the new nodes must take to hold an even share, whatever the sharding function.",
                "追加したノード数 / 追加後の全ノード数です。新しいノードが均等な分を持つには、どのシャーディング関数でも少なくともこれだけのキーが移動します。",
            ),
        ),
        Measure(
            "load_cv",
            Text(
                "Spread of keys per node (CV, first placement)",
                "ノードあたりのキー数のばらつき（変動係数、最初の配置）",
            ),
            help=Text(
                "Standard deviation / mean of the keys per node; for hash mod N, rendezvous and jump it is about sqrt((nodes − 1) / keys).",
                "ノードあたりのキー数の標準偏差 / 平均です。hash mod N、ランデブーハッシュ、ジャンプコンシステントハッシュでは約 sqrt((ノード数 − 1) / キー数) になります。",
            ),
        ),
        Measure(
            "load_cv_after",
            Text(
                "Spread of keys per node (CV, after nodes joined)",
                "ノードあたりのキー数のばらつき（変動係数、ノード追加後）",
            ),
            help=Text(
                "The same measure once all added nodes have joined.",
                "すべてのノードが加わった後の、同じ指標です。",
            ),
        ),
        Measure(
            "max_load_ratio",
            Text("Busiest node's keys / mean (first placement)", "キーが最も多いノードのキー数 / 平均（最初の配置）"),
            help=Text(
                "With bounded loads it cannot exceed the cap / mean, about 1 + ε.",
                "負荷上限付きリングでは、上限 / 平均（ほぼ 1 + ε）を超えません。",
            ),
        ),
        Measure(
            "max_load_ratio_after",
            Text(
                "Busiest node's keys / mean (after nodes joined)", "キーが最も多いノードのキー数 / 平均（ノード追加後）"
            ),
        ),
        Measure(
            "min_load_ratio",
            Text(
                "Emptiest node's keys / mean (first placement)", "キーが最も少ないノードのキー数 / 平均（最初の配置）"
            ),
        ),
        Measure(
            "max_load",
            Text("Keys on the busiest node (first placement)", "1 ノードあたりのキー数の最大値（最初の配置）"),
        ),
        Measure(
            "capacity",
            Text(
                "Cap per node with bounded loads (first placement)",
                "負荷上限付きリングでのノードあたりの上限（最初の配置）",
            ),
            help=Text(
                "ceil((1 + ε) × keys / nodes); only the ring with bounded loads enforces it.",
                "ceil((1 + ε) × キー数 / ノード数) です。この上限を守るのは負荷上限付きリングだけです。",
            ),
        ),
        Measure(
            "hot_shard_share",
            Text(
                "Busiest node's share of requests (first placement)", "最も忙しいノードのリクエストの割合（最初の配置）"
            ),
            help=Text(
                "The summed Zipf weights of its keys, exact rather than sampled; the fair share is 1 / nodes.",
                "そのノードのキーの Zipf 重みの合計で、サンプリングではなく厳密な値です。均等な割合は 1 / ノード数です。",
            ),
        ),
        Measure(
            "hot_shard_share_after",
            Text(
                "Busiest node's share of requests (after nodes joined)",
                "最も忙しいノードのリクエストの割合（ノード追加後）",
            ),
            help=Text(
                "The same measure once all added nodes have joined; the fair share is then 1 / all nodes.",
                "すべてのノードが加わった後の、同じ指標です。均等な割合は 1 / 全ノード数になります。",
            ),
        ),
        Measure(
            "hot_key_share",
            Text("Most popular key's share of requests", "最も人気のあるキーが受けるリクエストの割合"),
            help=Text(
                "No placement can split a key, so the busiest node's share never falls below this.",
                "1 つのキーを分けて置くことはできないので、最も忙しいノードの割合がこれを下回ることはありません。",
            ),
        ),
    ),
    source=Text(
        "Karger et al., 'Consistent Hashing and Random Trees' (1997); Thaler and Ravishankar, rendezvous hashing (1998); "
        "Lamping and Veach, jump consistent hash (2014); Mirrokni, Thorup and Zadimoghaddam, bounded loads (2018)",
        "Karger ら「Consistent Hashing and Random Trees」（1997 年）、Thaler と Ravishankar のランデブーハッシュ（1998 年）、"
        "Lamping と Veach のジャンプコンシステントハッシュ（2014 年）、Mirrokni、Thorup、Zadimoghaddam の負荷上限付きコンシステントハッシュ（2018 年）",
    ),
    topology=Topology(
        nodes=_ring_layout(),
        links=tuple(("router", node) for node in [f"n{j + 1}" for j in range(DRAWN_NODES - 1)] + ["rest"]),
    ),
    presets=(
        Preset(
            "modulo-3-to-4",
            Text(
                "hash mod N: 3 to 4 nodes moves three quarters",
                "hash mod N：3 台から 4 台にすると 4 分の 3 のキーが移動する",
            ),
            {**COMMON, "strategy": "modulo", "nodes": 3, "add_nodes": 1},
        ),
        Preset(
            "ring-3-to-4",
            Text(
                "Ring with 160 points per node: 3 to 4 moves a quarter",
                "ノードあたり 160 点のリング：3 台から 4 台にしても移動は 4 分の 1 だけ",
            ),
            {**COMMON, "strategy": "ring", "vnodes": 160, "nodes": 3, "add_nodes": 1},
        ),
        Preset(
            "jump-even",
            Text("Jump hash: even shares, minimal moves", "ジャンプハッシュ：均等な分担と最小限の移動"),
            {**COMMON, "strategy": "jump", "nodes": 10, "add_nodes": 2},
        ),
        Preset(
            "bounded-loads",
            Text(
                "Bounded loads cap a thin ring at 1.25 x the mean",
                "負荷上限で、点の少ないリングでも平均の 1.25 倍に収まる",
            ),
            {**COMMON, "strategy": "bounded_load", "vnodes": 10, "nodes": 8, "add_nodes": 1, "load_factor": 0.25},
        ),
        Preset(
            "hot-key",
            Text("A hot key makes a hot shard", "ホットキーがホットシャードを生む"),
            {**COMMON, "strategy": "rendezvous", "nodes": 8, "add_nodes": 2, "zipf_s": 1.1},
        ),
    ),  # fmt: skip
)
