# ruff: noqa: E501 - Japanese text counts double toward the line length
"""ambassador-split: an ambassador beside the client splits traffic to a new version or tees a copy of it.

The application sends every request to its local ambassador, a Poisson stream of
`request_rate` requests per second for `duration_s`, each from a user drawn
uniformly from `users`. The ambassador picks a share `new_share` of them for the
new version of the backend:

- routing random: each request independently with probability new_share (Envoy's
  weighted clusters, nginx `split_clients` keyed on the request id);
- routing sticky_user: by a hash of the user id (splitmix64 with a salt drawn
  per run, the way `split_clients` hashes a key), so a user is always on the
  same side. The share of users on the new version is Binomial(users, s) / users,
  and since users are the sampling unit, the share of requests varies more from
  run to run than under random routing: s(1 - s)(1/U + (1 - 1/U)/N) instead of
  s(1 - s)/N for U users and N requests.

What happens to a picked request depends on `mode`:

- split: the new version serves it and the user gets its answer. The users see
  errors at the mixed rate (1 - s) e_old + s e_new.
- tee: the old version serves every request; the ambassador also sends a copy
  of each picked request to the new version (shadow traffic, Envoy's request
  mirroring) and discards its answer after logging it, as Twitter's Diffy and
  GitHub's Scientist compare the two answers. Users see only the old version's
  errors and latency; the new version's errors appear only in the ambassador's
  log (shadow_errors), and the copies add a share s of extra load.

Each version fails a request independently with its error rate and answers
after an exponential latency with mean `old_latency_ms` (times
`new_latency_factor` for the new version); the ambassador adds no time and sends
the copy without waiting for it. Each version draws its outcomes from its own
random stream, so in tee mode nothing about the new version can change a single
user-visible outcome of the same seed.

Results: observed_new_share (share of requests the new version served to users;
0 in tee mode), shadowed_share and extra_load (copies per user request; 0 in
split mode), user_visible_errors, shadow_errors, the measured error rates of
both versions, the answers that differed between old and new (tee), mean
latencies, and per-user counts: users_on_new (every request of theirs went to
the new version), users_mixed (their requests went both ways; always 0 with
sticky routing) and new_user_share.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterator
from typing import Any

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 240
MIN_STEP_S = 0.25
WINDOW_S = 10.0  # error rates on the charts and node colours cover the trailing 10 s
DEGRADED, DOWN = 0.05, 0.5  # error rates at which a node turns degraded, down
MASK64 = (1 << 64) - 1


def user_bucket(user: int, salt: int) -> float:
    """A user's place in [0, 1): splitmix64 of the salted user id, the same user always the same place."""
    z = (salt + (user + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return (z ^ (z >> 31)) / 2.0**64


def expected_user_errors(params: dict[str, Any], requests: int) -> float:
    """Mean errors users see: the mixed rate when splitting, the old version's alone when teeing."""
    s, e_old, e_new = params["new_share"], params["old_error_rate"], params["new_error_rate"]
    if params["mode"] == "tee":
        return requests * e_old
    return requests * ((1 - s) * e_old + s * e_new)


def node_state(errors: int, requests: int) -> str:
    if requests == 0:
        return "idle"
    rate = errors / requests
    return "down" if rate >= DOWN else "degraded" if rate >= DEGRADED else "ok"


def _pct(errors: int, requests: int) -> float:
    return round(100 * errors / requests, 3) if requests else 0.0


def _rate(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    base = random.Random(seed)
    traffic = random.Random(base.getrandbits(64))  # arrivals, users, routing
    old_rng = random.Random(base.getrandbits(64))  # the old version's outcomes
    new_rng = random.Random(base.getrandbits(64))  # the new version's outcomes
    salt = base.getrandbits(64)

    duration, rate, users = params["duration_s"], params["request_rate"], params["users"]
    share, tee = params["new_share"], params["mode"] == "tee"
    e_old, e_new = params["old_error_rate"], params["new_error_rate"]
    old_mean = params["old_latency_ms"]
    new_mean = old_mean * params["new_latency_factor"]
    sticky = params["routing"] == "sticky_user"
    on_new = [user_bucket(u, salt) < share for u in range(users)] if sticky else []
    routed = bytearray(users)  # per user: bit 1 if a request went to old, bit 2 if one went to new

    n_frames = max(1, min(MAX_FRAMES, math.ceil(duration / MIN_STEP_S)))
    step = duration / n_frames
    # Per frame: requests, user-visible errors, requests to old, its errors, to new, its errors.
    window: deque[tuple[int, int, int, int, int, int]] = deque(maxlen=max(1, round(WINDOW_S / step)))

    requests = picked_total = user_errors = 0
    old_n = old_errors = new_n = new_errors = mismatches = 0
    user_latency = new_latency = 0.0
    events: list[Event] = [Event(0.0, "start", _start_text(params, sum(on_new)))]
    first_new_error = False
    worst_new_state = "ok"

    t = traffic.expovariate(rate)
    for i in range(1, n_frames + 1):
        frame_end = duration * i / n_frames
        f_req = f_user_err = f_old = f_old_err = f_new = f_new_err = 0
        while t < frame_end:
            f_req += 1
            user = traffic.randrange(users)
            picked = on_new[user] if sticky else traffic.random() < share
            routed[user] |= 2 if picked else 1
            failed_new, latency_new = False, 0.0
            if picked:
                f_new += 1
                failed_new = new_rng.random() < e_new
                latency_new = new_rng.expovariate(1.0 / new_mean)
                new_latency += latency_new
                if failed_new:
                    f_new_err += 1
                    if not first_new_error:
                        first_new_error = True
                        events.append(Event(round(t, 3), "new-error", _first_error_text(tee)))
            if tee or not picked:
                f_old += 1
                failed_user = old_rng.random() < e_old
                latency = old_rng.expovariate(1.0 / old_mean)
                f_old_err += failed_user
                if picked and failed_user != failed_new:  # a teed copy whose answer differs
                    mismatches += 1
            else:
                failed_user, latency = failed_new, latency_new
            f_user_err += failed_user
            user_latency += latency
            t += traffic.expovariate(rate)

        requests += f_req
        user_errors += f_user_err
        old_n, old_errors = old_n + f_old, old_errors + f_old_err
        new_n, new_errors = new_n + f_new, new_errors + f_new_err
        picked_total += f_new
        window.append((f_req, f_user_err, f_old, f_old_err, f_new, f_new_err))
        w_req, w_user_err, w_old, w_old_err, w_new, w_new_err = (sum(col) for col in zip(*window, strict=True))

        new_state = node_state(w_new_err, w_new)
        if w_new >= 20 and _RANK[new_state] > _RANK[worst_new_state]:
            worst_new_state = new_state
            events.append(
                Event(round(frame_end, 3), "new-" + new_state, _new_state_text(tee, _pct(w_new_err, w_new), _pct(w_old_err, w_old)))
            )  # fmt: skip
        if i == n_frames:
            events.append(
                Event(round(frame_end, 3), "summary", _summary_text(tee, requests, new_n, new_errors, user_errors))
            )
        yield Frame(
            t=frame_end,
            progress=frame_end / duration,
            series={
                "old_rps": round(f_old / step, 3),
                "new_rps": 0.0 if tee else round(f_new / step, 3),
                "shadow_rps": round(f_new / step, 3) if tee else 0.0,
                "old_error_pct": _pct(w_old_err, w_old),
                "new_error_pct": _pct(w_new_err, w_new),
                "user_error_pct": _pct(w_user_err, w_req),
                "new_share_pct": _pct(picked_total, requests),
                "target_pct": round(100 * share, 3),
            },
            events=events,
            nodes={
                "client": node_state(w_user_err, w_req),
                "ambassador": "busy" if tee and w_new else "ok",
                "old": node_state(w_old_err, w_old),
                "new": new_state,
            },
        )
        events = []

    active = sum(1 for flags in routed if flags)
    on_new_only = sum(1 for flags in routed if flags == 2)
    mixed = sum(1 for flags in routed if flags == 3)
    served_by_new = 0 if tee else new_n
    copies = new_n if tee else 0
    yield Result(
        {
            "observed_new_share": _rate(served_by_new / requests if requests else 0.0),
            "shadowed_share": _rate(copies / requests if requests else 0.0),
            "user_visible_errors": user_errors,
            "shadow_errors": new_errors if tee else 0,
            "extra_load": _rate(copies / requests if requests else 0.0),
            "requests": requests,
            "expected_user_errors": round(expected_user_errors(params, requests), 3),
            "user_error_rate": _rate(user_errors / requests if requests else None),
            "old_error_rate_measured": _rate(old_errors / old_n if old_n else None),
            "new_error_rate_measured": _rate(new_errors / new_n if new_n else None),
            "shadow_mismatches": mismatches,
            "user_latency_ms": round(user_latency / requests, 3) if requests else None,
            "new_latency_ms": round(new_latency / new_n, 3) if new_n else None,
            "users_active": active,
            "users_on_new": on_new_only,
            "users_mixed": mixed,
            "new_user_share": _rate(on_new_only / active if active else None),
        }
    )


_RANK = {"idle": 0, "ok": 0, "degraded": 1, "down": 2}


def _start_text(params: dict[str, Any], users_on_new: int) -> Text:
    pct = f"{100 * params['new_share']:g} %"
    if params["mode"] == "tee":
        what = Text(
            f"The ambassador copies {pct} of requests to the new version (shadow traffic) and discards its answers; every user gets the old version's answer.",
            f"アンバサダーはリクエストの {pct} を新バージョンにも複製して送り（シャドウトラフィック）、その応答は捨てます。利用者には常に旧バージョンの応答が返ります。",
        )
    else:
        what = Text(
            f"The ambassador sends {pct} of requests to the new version; those users get its answers.",
            f"アンバサダーはリクエストの {pct} を新バージョンに送ります。それらのリクエストの利用者には新バージョンの応答が返ります。",
        )
    if params["routing"] != "sticky_user":
        return what
    users = params["users"]
    return Text(
        f"{what.en} Sticky routing by a hash of the user ID: {users_on_new} of {users} users are on the new side.",
        f"{what.ja}ユーザー ID のハッシュで振り分けるので、{users} 人のうち {users_on_new} 人が常に新バージョン側です。",
    )


def _first_error_text(tee: bool) -> Text:
    if tee:
        return Text(
            "First error of the new version: logged by the ambassador only; the user got the old version's answer",
            "新バージョンで最初のエラーが出ました。記録されるのはアンバサダーのログだけで、利用者には旧バージョンの応答が返っています",
        )
    return Text(
        "First error of the new version: a user sees it",
        "新バージョンで最初のエラーが出ました。そのエラーは利用者に返っています",
    )


def _new_state_text(tee: bool, new_pct: float, old_pct: float) -> Text:
    en = f"The new version fails {new_pct:g} % of requests over the last 10 s (old version: {old_pct:g} %)"
    ja = f"直近 10 秒の新バージョンのエラー率は {new_pct:g} % です（旧バージョンは {old_pct:g} %）"
    if tee:
        return Text(f"{en}; users see none of it", f"{ja}。利用者には 1 件も見えていません")
    return Text(
        f"{en}; users on the new version see these errors", f"{ja}。新バージョン側の利用者にはこのエラーが見えています"
    )


def _summary_text(tee: bool, requests: int, new_n: int, new_errors: int, user_errors: int) -> Text:
    if tee:
        return Text(
            f"{requests} requests: {new_n} copied to the new version, {new_errors} shadow errors in the log, {user_errors} errors seen by users (all from the old version)",
            f"リクエスト {requests} 件のうち {new_n} 件を新バージョンに複製しました。ログに残ったシャドウのエラーは {new_errors} 件、利用者が受けたエラーは {user_errors} 件（すべて旧バージョン）です",
        )
    return Text(
        f"{requests} requests: {new_n} served by the new version ({new_errors} errors), {user_errors} errors seen by users in all",
        f"リクエスト {requests} 件のうち {new_n} 件を新バージョンが処理し（エラー {new_errors} 件）、利用者が受けたエラーは合計 {user_errors} 件です",
    )


def _preset(**values: Any) -> dict[str, Any]:
    return {
        "mode": "split",
        "new_share": 0.1,
        "new_error_rate": 0.01,
        "old_error_rate": 0.01,
        "request_rate": 100.0,
        "duration_s": 60.0,
        "routing": "random",
        "users": 1000,
        "old_latency_ms": 50.0,
        "new_latency_factor": 1.0,
        **values,
    }


SCENARIO = Scenario(
    slug="ambassador-split",
    pattern="ambassador",
    also_patterns=("sidecar",),
    title=Text(
        "Ambassador: split or tee traffic to a new version", "アンバサダー：新バージョンへの振り分けと複製（tee）"
    ),
    description=Text(
        "An application sends its requests to an ambassador beside it. The ambassador either splits them, sending a "
        "share to a new version of the backend whose answers the users get, or tees them, copying that share to the "
        "new version as shadow traffic and discarding its answers. Compare the errors users see, the errors only the "
        "ambassador's log sees, the extra load the copies cost, and how sticky routing by user ID keeps each user on "
        "one version.",
        "アプリケーションはリクエストを隣のアンバサダーに送ります。アンバサダーは、その一部を新バージョンのバックエンドに振り分けて"
        "利用者に新バージョンの応答を返す（分割）か、同じ割合を新バージョンにも複製して送り、その応答を捨てる（tee、シャドウトラフィック）"
        "かのどちらかを行います。利用者が受けるエラー、アンバサダーのログにしか現れないエラー、複製が生む追加の負荷を比べ、ユーザー ID で"
        "固定して振り分けると各利用者が 1 つのバージョンを使い続ける様子も確かめられます。",
    ),
    params=(
        Param(
            "mode",
            "choice",
            "split",
            Text("Mode", "モード"),
            Text(
                "split: the new version serves its share and users get its answers. tee: the old version serves everything; the share is also copied to the new version and its answers are discarded.",
                "「分割」では、新バージョンが割り当てられた割合を処理し、利用者にその応答が返ります。「tee」では、旧バージョンがすべてを処理し、同じ割合を新バージョンにも複製して送り、その応答は捨てます。",
            ),
            choices=(
                Choice("split", Text("Split (canary)", "分割（カナリア）")),
                Choice("tee", Text("Tee (shadow traffic)", "tee（シャドウトラフィック）")),
            ),
        ),
        Param(
            "new_share",
            "float",
            0.1,
            Text("Share for the new version", "新バージョンに回す割合"),
            Text(
                "Fraction of requests (or of users, with sticky routing) the ambassador sends to the new version: served there when splitting, copied there when teeing.",
                "アンバサダーが新バージョンに回すリクエスト（ユーザー ID で固定する場合は利用者）の割合です。分割なら新バージョンが処理し、tee なら複製を送ります。",
            ),
            min=0,
            max=1,
            step=0.01,
        ),
        Param(
            "new_error_rate",
            "float",
            0.01,
            Text("New version's error rate", "新バージョンのエラー率"),
            Text(
                "Probability that the new version fails a request.",
                "新バージョンがリクエストの処理に失敗する確率です。",
            ),
            min=0,
            max=1,
            step=0.01,
        ),
        Param(
            "old_error_rate",
            "float",
            0.01,
            Text("Old version's error rate", "旧バージョンのエラー率"),
            Text(
                "Probability that the old version fails a request.",
                "旧バージョンがリクエストの処理に失敗する確率です。",
            ),
            min=0,
            max=1,
            step=0.01,
        ),
        Param(
            "request_rate",
            "float",
            100.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of the application's requests (Poisson arrivals).",
                "アプリケーションが送るリクエストの平均レートです（ポアソン到着）。",
            ),
            unit="req/s",
            min=1,
            max=2000,
            step=1,
        ),
        Param(
            "duration_s",
            "float",
            60.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=10,
            max=600,
            step=10,
        ),
        Param(
            "routing",
            "choice",
            "random",
            Text("Routing", "振り分け方"),
            Text(
                "random: each request on its own. sticky_user: by a hash of the user ID, so every user stays on one version.",
                "「リクエストごとにランダム」では、リクエストごとに独立に決めます。「ユーザー ID で固定」では、ユーザー ID のハッシュで決めるので、各利用者は常に同じバージョンを使います。",
            ),
            choices=(
                Choice("random", Text("Random per request", "リクエストごとにランダム")),
                Choice("sticky_user", Text("Sticky by user ID", "ユーザー ID で固定")),
            ),
        ),
        Param(
            "users",
            "int",
            1000,
            Text("Users", "利用者数"),
            Text(
                "Each request comes from one of this many users, picked at random.",
                "各リクエストは、この人数の利用者のうちランダムに選ばれた 1 人から届きます。",
            ),
            min=1,
            max=100000,
        ),
        Param(
            "old_latency_ms",
            "float",
            50.0,
            Text("Old version's mean latency", "旧バージョンの平均応答時間"),
            Text(
                "Mean of the old version's response time (exponentially distributed).",
                "旧バージョンの応答時間の平均です（指数分布）。",
            ),
            unit="ms",
            min=1,
            max=5000,
            step=1,
        ),
        Param(
            "new_latency_factor",
            "float",
            1.0,
            Text("New version's latency factor", "新バージョンの応答時間の倍率"),
            Text(
                "The new version's mean latency is the old version's times this factor.",
                "新バージョンの平均応答時間は、旧バージョンの値にこの倍率を掛けたものです。",
            ),
            min=0.1,
            max=10,
            step=0.1,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="traffic",
            title=Text("Requests per second by version", "バージョンごとの 1 秒あたりのリクエスト数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series("old_rps", Text("old version", "旧バージョン")),
                Series("new_rps", Text("new version (served to users)", "新バージョン（利用者に応答）")),
                Series("shadow_rps", Text("new version (shadow copies)", "新バージョン（シャドウの複製）")),
            ),
        ),
        Chart(
            id="errors",
            title=Text("Error rates over the last 10 s", "直近 10 秒のエラー率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("% of requests", "リクエストに占める割合（%）"),
            series=(
                Series("old_error_pct", Text("old version", "旧バージョン")),
                Series("new_error_pct", Text("new version", "新バージョン")),
                Series("user_error_pct", Text("seen by users", "利用者が受けたエラー")),
            ),
        ),
        Chart(
            id="share",
            title=Text("Share sent to the new version so far", "新バージョンに回した割合（累計）"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("% of requests", "リクエストに占める割合（%）"),
            series=(
                Series("new_share_pct", Text("observed (served or copied)", "実測（処理または複製）")),
                Series("target_pct", Text("configured share", "設定した割合")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "observed_new_share",
            Text("Share served by the new version", "新バージョンが応答した割合"),
            help=Text(
                "Share of requests whose answer came from the new version; 0 when teeing, since shadow answers are discarded.",
                "利用者への応答を新バージョンが返したリクエストの割合です。tee ではシャドウの応答を捨てるので 0 です。",
            ),
        ),
        Measure(
            "shadowed_share",
            Text("Share copied to the new version", "新バージョンに複製した割合"),
            help=Text(
                "Share of requests teed to the new version as shadow traffic; 0 when splitting.",
                "シャドウトラフィックとして新バージョンに複製したリクエストの割合です。分割では 0 です。",
            ),
        ),
        Measure("user_visible_errors", Text("Errors seen by users", "利用者が受けたエラー"), "req"),
        Measure(
            "shadow_errors",
            Text("Shadow errors (ambassador's log only)", "シャドウのエラー（アンバサダーのログのみ）"),
            "req",
            Text(
                "Errors of the new version on teed copies; no user saw them.",
                "複製したリクエストで新バージョンが返したエラーです。利用者には見えていません。",
            ),
        ),
        Measure(
            "extra_load",
            Text("Extra load from copies (share)", "複製による追加の負荷（割合）"),
            help=Text(
                "Copies sent per user request: the teed share; 0 when splitting.",
                "利用者のリクエスト 1 件あたりに送った複製の数で、tee で複製した割合と同じです。分割では 0 です。",
            ),
        ),
        Measure("requests", Text("User requests", "利用者のリクエスト数"), "req"),
        Measure(
            "expected_user_errors",
            Text("Expected errors seen by users", "利用者が受けるエラーの期待値"),
            "req",
            Text(
                "requests × ((1 − s) × old rate + s × new rate) when splitting, requests × old rate when teeing.",
                "分割ではリクエスト数 × ((1 − s) × 旧バージョンのエラー率 + s × 新バージョンのエラー率)、tee ではリクエスト数 × 旧バージョンのエラー率です（s は新バージョンに回す割合）。",
            ),
        ),
        Measure(
            "user_error_rate", Text("Share of requests failed for users", "利用者にエラーが返ったリクエストの割合")
        ),
        Measure(
            "old_error_rate_measured", Text("Old version's measured error share", "旧バージョンで実測したエラーの割合")
        ),
        Measure(
            "new_error_rate_measured",
            Text("New version's measured error share", "新バージョンで実測したエラーの割合"),
            help=Text(
                "What the experiment learns about the new version, from its served or copied requests.",
                "新バージョンが処理したリクエスト、または新バージョンに複製したリクエストから実験で分かる、新バージョンのエラーの割合です。",
            ),
        ),
        Measure(
            "shadow_mismatches",
            Text("Copies whose answer differed", "応答が食い違った複製"),
            "req",
            Text(
                "Teed requests where one version failed and the other did not, as Diffy or Scientist would report them.",
                "tee したリクエストのうち、片方のバージョンだけが失敗したものです。Diffy や Scientist が報告する差分にあたります。",
            ),
        ),
        Measure("user_latency_ms", Text("Mean latency seen by users", "利用者が受けた平均応答時間"), "ms"),
        Measure("new_latency_ms", Text("New version's mean latency", "新バージョンの平均応答時間"), "ms"),
        Measure("users_active", Text("Users who sent requests", "リクエストを送った利用者数"), "users"),
        Measure(
            "users_on_new",
            Text("Users sent only to the new version", "新バージョンにだけ回された利用者"),
            "users",
            Text(
                "Users every one of whose requests went to the new version (served when splitting, copied when teeing).",
                "すべてのリクエストが新バージョンに回された利用者です（分割なら処理、tee なら複製）。",
            ),
        ),
        Measure(
            "users_mixed",
            Text("Users sent to both versions", "両方のバージョンに回された利用者"),
            "users",
            Text(
                "Users whose requests went both ways; always 0 with sticky routing.",
                "リクエストが両方に分かれた利用者です。ユーザー ID で固定して振り分ければ常に 0 です。",
            ),
        ),
        Measure(
            "new_user_share", Text("Share of users only on the new version", "新バージョンだけに回された利用者の割合")
        ),
    ),  # fmt: skip
    source=Text(
        "Brendan Burns, Designing Distributed Systems (2018), ch. 3 \"Ambassadors\" (request splitting); Envoy traffic shifting and request mirroring; Twitter's Diffy and GitHub's Scientist; binomial sampling error of the split",
        "Brendan Burns『Designing Distributed Systems』（2018 年）3 章「Ambassadors」のリクエスト分割、Envoy のトラフィックシフトとリクエストミラーリング、Twitter の Diffy と GitHub の Scientist、振り分け割合の二項分布による標本誤差",
    ),
    topology=Topology(
        nodes=(
            Node("client", Text("App (users' requests)", "アプリケーション（利用者のリクエスト）"), 0.1, 0.5),
            Node("ambassador", Text("Ambassador", "アンバサダー"), 0.42, 0.5),
            Node("old", Text("Old version", "旧バージョン"), 0.85, 0.22),
            Node("new", Text("New version (canary or shadow)", "新バージョン（カナリアまたはシャドウ）"), 0.85, 0.78),
        ),
        links=(("client", "ambassador"), ("ambassador", "old"), ("ambassador", "new")),
    ),
    presets=(
        Preset(
            "healthy-canary",
            Text("10 % canary split of a healthy version", "健全な新バージョンに 10 % をカナリアとして振り分ける"),
            _preset(),
        ),
        Preset(
            "bad-canary",
            Text(
                "10 % split of a bad version (users see errors)",
                "不具合のある新バージョンに 10 % を振り分ける（利用者にエラーが見える）",
            ),
            _preset(new_error_rate=0.3, new_latency_factor=2.0),
        ),
        Preset(
            "tee-bad",
            Text("Tee a bad version (users see none)", "不具合のある新バージョンに tee する（利用者には見えない）"),
            _preset(mode="tee", new_error_rate=0.3, new_latency_factor=2.0),
        ),
        Preset(
            "sticky-users",
            Text(
                "Sticky users: the same few meet every error", "ユーザー固定：同じ少数の利用者がすべてのエラーを受ける"
            ),
            _preset(routing="sticky_user", users=200, new_error_rate=0.3),
        ),
    ),  # fmt: skip
)
