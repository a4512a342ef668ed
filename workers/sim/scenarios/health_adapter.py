# ruff: noqa: E501 - Japanese text counts double toward the line length
"""health-adapter: a shallow process check versus a deep health-check adapter, feeding a load balancer.

A load balancer spreads a Poisson stream of `request_rate` requests per second
over `replicas` replicas in rotation (round robin over the replicas it
currently considers ready). At `hang_at_s` something hangs for
`hang_duration_s`: the dependency of replica 1 (`hang_scope` one_replica), the
dependency every replica shares (all_replicas), or, with `hang_in` app, the
application itself deadlocks. The process keeps running either way, so the
replica is alive but not ready: every request it receives times out and fails.

- check process: the check only asks whether the process runs. It always
  passes, the load balancer never removes the hung replica, and its requests
  fail for the whole hang: request_rate x share x hang_duration of them.
- check deep: a health-check adapter beside the app probes the app's real path
  (through the dependency) every `probe_interval_s`, at a phase drawn at random
  per replica. A probe on a healthy path passes at once; on a hung path it fails
  when `probe_timeout_s` runs out (a timeout longer than the interval is cut to
  the interval). After `failure_threshold` failures in a row the replica is
  marked not ready and leaves the rotation; one passing probe brings it back
  (success threshold 1). This is a Kubernetes readiness probe: the first probe
  after the hang comes uniform on [0, interval) later, so detection takes
  (k - 1) x interval + timeout to k x interval + timeout, (k - 0.5) x interval +
  timeout on average, and the replica fails request_rate x share x that many
  requests meanwhile.
- restart_on_failure: the same deep check is also the liveness probe, so the
  k-th failure restarts the container as well. The restart takes `restart_s`,
  during which the replica is out of rotation; it then probes at once and joins
  the rotation on its first passing probe. A restart cures a deadlocked app;
  when the dependency hangs it cannot help (a false restart), and with a shared
  dependency every replica restarts over and over while nothing improves, which
  is why Kubernetes advises that liveness probes not check dependencies.
  Kubelet's restart back-off is not modelled: each restart takes restart_s.
- When no replica is in rotation the load balancer fails the request at once
  (503), as a Kubernetes Service with no ready endpoints does; with `fail_open`
  it sends to every running replica instead, as an AWS load balancer does when
  all its targets are unhealthy and Envoy does below its panic threshold.

The load balancer acts on a probe result at once (no endpoint propagation
delay), and a request takes no time except that it fails on a hung replica.

Results: time_to_detect_s (hang start until the checks have taken every hung
replica out of rotation while its hang lasted; None if never), failed_requests,
false_restarts (restarts that did not cure a hung app), recovered_s (hang end
until every hung replica is back in rotation; a cured app's hang ends when it is
restarted; None if not within the run), restarts, and detect_expected_s, the
mean detection time of the deep check.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..engine import Chart, EventLoop, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 240
MIN_STEP_S = 0.25
MAX_EVENTS = 60  # probe failures can repeat for every replica; the log stays readable
DRAWN = 4  # replicas drawn in the topology; the 4th box stands for replicas 4..N


@dataclass
class Replica:
    index: int
    hangs: bool  # inside the hang's scope
    ready: bool = True  # in the load balancer's rotation
    restarting: bool = False
    streak: int = 0  # probe failures in a row
    last_failed: bool = False
    generation: int = 0  # bumps on every restart, so a dead container's probes are dropped
    cured_at: float | None = None  # a deadlocked app's hang ends when it is restarted
    removed_at: float | None = None  # first removal from rotation during its hang
    hang_over_at: float | None = None
    serving_again_at: float | None = None


def expected_detection_s(params: dict[str, Any]) -> float | None:
    """Mean time from the hang to removal for the deep check: (k - 0.5) x interval + timeout."""
    if params["check"] != "deep":
        return None
    interval = params["probe_interval_s"]
    return (params["failure_threshold"] - 0.5) * interval + min(params["probe_timeout_s"], interval)


class Simulation:
    """The replicas, their probes and the load balancer, driven by an EventLoop."""

    def __init__(self, params: dict[str, Any], rng: random.Random) -> None:
        self.p = params
        self.loop = EventLoop()
        self.interval = params["probe_interval_s"]
        self.timeout = min(params["probe_timeout_s"], self.interval)
        self.threshold = params["failure_threshold"]
        self.hang_at = params["hang_at_s"]
        self.hang_end = params["hang_at_s"] + params["hang_duration_s"]
        self.app_hang = params["hang_in"] == "app"
        n = params["replicas"]
        scope_all = params["hang_scope"] == "all_replicas"
        self.replicas = [Replica(i, hangs=scope_all or i == 0) for i in range(n)]
        self.rr = 0
        self.restarts = self.false_restarts = self.probes_failed = 0
        self.events: list[Event] = []
        self.event_count = 0
        self.none_ready = False
        self.blind_pass_told = False
        for replica in self.replicas:
            self.loop.schedule(rng.uniform(0.0, self.interval), self._prober(replica, 0))
        if params["hang_duration_s"] > 0:
            self.loop.schedule(self.hang_at, self._hang_starts)
            self.loop.schedule(self.hang_end, self._hang_ends)

    # --- state -------------------------------------------------------------

    def hung(self, replica: Replica, t: float) -> bool:
        if not replica.hangs or not (self.hang_at <= t < self.hang_end):
            return False
        return replica.cured_at is None

    def in_rotation(self) -> list[Replica]:
        return [r for r in self.replicas if r.ready and not r.restarting]

    def pick(self) -> Replica | None:
        """Round robin over the replicas in rotation (all running ones when failing open), or None."""
        candidates = self.in_rotation()
        if not candidates and self.p["fail_open"]:
            candidates = [r for r in self.replicas if not r.restarting]
        if not candidates:
            return None
        chosen = candidates[self.rr % len(candidates)]
        self.rr += 1
        return chosen

    def emit(self, kind: str, text: Text) -> None:
        self.event_count += 1
        if self.event_count <= MAX_EVENTS:
            self.events.append(Event(round(self.loop.now, 3), kind, text))
        elif self.event_count == MAX_EVENTS + 1:
            self.events.append(
                Event(
                    round(self.loop.now, 3),
                    "omitted",
                    Text("Further events are not listed", "以降のイベントは表示を省略します"),
                )
            )

    # --- the hang ------------------------------------------------------------

    def _hang_starts(self) -> None:
        self.emit("hang", _hang_text(self.p))

    def _hang_ends(self) -> None:
        still_hung = [r for r in self.replicas if r.hangs and r.cured_at is None]
        if still_hung:  # a deadlock every restart already cleared has nothing left to end
            self.emit("hang-over", _hang_over_text(self.p))
        for replica in still_hung:
            replica.hang_over_at = self.loop.now
            if replica.ready and not replica.restarting:
                replica.serving_again_at = self.loop.now

    # --- probes --------------------------------------------------------------

    def _prober(self, replica: Replica, generation: int):
        def probe() -> None:
            if generation != replica.generation:
                return
            self.loop.schedule(self.interval, probe)
            if self.p["check"] == "process" or not self.hung(replica, self.loop.now):
                if self.hung(replica, self.loop.now) and not self.blind_pass_told:
                    self.blind_pass_told = True
                    self.emit("blind-pass", Text(
                        f"Replica {replica.index + 1}: the process check passes, since the process runs; the load balancer keeps sending to it",
                        f"レプリカ {replica.index + 1}：プロセスは動いているのでプロセスチェックには合格し、ロードバランサーはリクエストを送り続けます",
                    ))  # fmt: skip
                self._report(replica, generation, passed=True)
            else:
                self.loop.schedule(self.timeout, lambda: self._report(replica, generation, passed=False))

        return probe

    def _report(self, replica: Replica, generation: int, passed: bool) -> None:
        if generation != replica.generation:
            return
        name = replica.index + 1
        if passed:
            replica.streak, replica.last_failed = 0, False
            if not replica.ready:
                replica.ready = True
                if replica.hang_over_at is not None and replica.serving_again_at is None:
                    replica.serving_again_at = self.loop.now
                self.emit(
                    "back",
                    Text(
                        f"Replica {name} passes its check: back in rotation",
                        f"レプリカ {name} がチェックに合格し、ローテーションに戻りました",
                    ),
                )
                self.none_ready = False
            return
        self.probes_failed += 1
        replica.streak += 1
        replica.last_failed = True
        if replica.streak <= self.threshold:
            self.emit("probe-failed", Text(
                f"Replica {name}: health check timed out ({replica.streak}/{self.threshold})",
                f"レプリカ {name}：ヘルスチェックがタイムアウトしました（{replica.streak}/{self.threshold}）",
            ))  # fmt: skip
        if replica.streak != self.threshold:
            return
        now = self.loop.now
        if replica.ready:
            replica.ready = False
            if replica.removed_at is None and replica.hangs and self.hang_at <= now <= self.hang_end:
                replica.removed_at = now
            self.emit("removed", Text(
                f"Replica {name} marked not ready: the load balancer stops sending to it",
                f"レプリカ {name} を準備未完了（not ready）とし、ロードバランサーのローテーションから外しました",
            ))  # fmt: skip
            if not self.in_rotation() and not self.none_ready:
                self.none_ready = True
                self.emit("none-ready", _none_ready_text(self.p["fail_open"]))
        if self.p["restart_on_failure"]:
            self._restart(replica)

    def _restart(self, replica: Replica) -> None:
        now, name = self.loop.now, replica.index + 1
        cures = self.app_hang and self.hung(replica, now)
        self.restarts += 1
        if cures:
            replica.cured_at = replica.hang_over_at = now
        else:
            self.false_restarts += 1
        replica.restarting, replica.generation = True, replica.generation + 1
        restart_s = self.p["restart_s"]
        if cures:
            text = Text(
                f"Liveness check failed: replica {name} is restarted ({restart_s:g} s); the restart clears its deadlock",
                f"liveness チェックが失敗し、レプリカ {name} を再起動します（{restart_s:g} 秒）。再起動でデッドロックは解消します",
            )
        else:
            text = Text(
                f"Liveness check failed: replica {name} is restarted ({restart_s:g} s), a false restart: the app was not what hung",
                f"liveness チェックが失敗し、レプリカ {name} を再起動します（{restart_s:g} 秒）。止まっているのはアプリケーションではないので、無駄な再起動です",
            )
        self.emit("restart", text)
        generation = replica.generation

        def started() -> None:
            replica.restarting, replica.streak, replica.last_failed = False, 0, False
            self._prober(replica, generation)()

        self.loop.schedule(restart_s, started)

    # --- what a frame shows ---------------------------------------------------

    def states(self, failed_in_frame: int) -> dict[str, str]:
        now = self.loop.now
        rotation = self.in_rotation()
        if not rotation:  # nowhere to send: 503s, or failing open onto replicas it knows are failing
            lb = "degraded" if self.p["fail_open"] else "down"
        else:
            lb = "degraded" if failed_in_frame else "ok"
        states = {"lb": lb}
        for i in range(DRAWN):
            group = self.replicas[i : i + 1] if i < DRAWN - 1 else self.replicas[i:]
            states[f"app{i + 1}"] = _worst([self._app_state(r, now) for r in group])
            states[f"adapter{i + 1}"] = _worst([self._adapter_state(r) for r in group])
        shared_hang = self.hang_at <= now < self.hang_end and not self.app_hang
        if shared_hang and self.p["hang_scope"] == "all_replicas":
            states["dependency"] = "down"
        else:
            states["dependency"] = "degraded" if shared_hang else "ok"
        return states

    def _app_state(self, replica: Replica, now: float) -> str:
        if replica.restarting:
            return "down"
        if not replica.ready:
            return "idle"
        return "down" if self.hung(replica, now) else "ok"

    def _adapter_state(self, replica: Replica) -> str:
        if replica.restarting:
            return "idle"
        if replica.streak >= self.threshold:
            return "down"
        return "degraded" if replica.last_failed else "ok"


_ORDER = {"ok": 0, "idle": 1, "busy": 2, "degraded": 3, "down": 4}


def _worst(states: list[str]) -> str:
    return max(states, key=_ORDER.__getitem__) if states else "idle"


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    base = random.Random(seed)
    arrivals = random.Random(base.getrandbits(64))
    sim = Simulation(params, random.Random(base.getrandbits(64)))
    duration, rate = params["duration_s"], params["request_rate"]
    n_frames = max(1, min(MAX_FRAMES, math.ceil(duration / MIN_STEP_S)))
    step = duration / n_frames
    sim.events.append(Event(0.0, "start", _start_text(params)))

    requests = failed = 0
    t = arrivals.expovariate(rate)
    for i in range(1, n_frames + 1):
        frame_end = duration * i / n_frames
        f_ok = f_failed = 0
        while t < frame_end:
            sim.loop.run_until(t)
            replica = sim.pick()
            if replica is None or sim.hung(replica, t):
                f_failed += 1
            else:
                f_ok += 1
            t += arrivals.expovariate(rate)
        sim.loop.run_until(frame_end)
        requests += f_ok + f_failed
        failed += f_failed
        running = [r for r in sim.replicas if not r.restarting]
        yield Frame(
            t=frame_end,
            progress=frame_end / duration,
            series={
                "ok_rps": round(f_ok / step, 3),
                "failed_rps": round(f_failed / step, 3),
                "in_rotation": len(sim.in_rotation()),
                "hung": sum(sim.hung(r, frame_end) for r in sim.replicas),
                "restarting": len(sim.replicas) - len(running),
                "failing_checks": sum(r.last_failed for r in running),
                "failure_streak": max((r.streak for r in running), default=0),
                "threshold": params["failure_threshold"],
            },
            events=sim.events,
            nodes=sim.states(f_failed),
        )
        sim.events = []

    hung = [r for r in sim.replicas if r.hangs] if params["hang_duration_s"] > 0 else []
    detected = [r.removed_at for r in hung]
    recovered = [None if r.serving_again_at is None else r.serving_again_at - r.hang_over_at for r in hung]
    yield Result(
        {
            "time_to_detect_s": _round(max(detected) - sim.hang_at) if hung and None not in detected else None,
            "failed_requests": failed,
            "false_restarts": sim.false_restarts,
            "recovered_s": _round(max(recovered)) if hung and None not in recovered else None,
            "restarts": sim.restarts,
            "requests": requests,
            "failed_share": _round(failed / requests if requests else 0.0),
            "probes_failed": sim.probes_failed,
            "detect_expected_s": _round(expected_detection_s(params)),
        }
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _start_text(params: dict[str, Any]) -> Text:
    if params["check"] == "process":
        return Text(
            "Process check: the load balancer only learns whether each replica's process is running",
            "プロセスチェック：ロードバランサーに分かるのは、各レプリカのプロセスが動いているかどうかだけです",
        )
    every, k = params["probe_interval_s"], params["failure_threshold"]
    if params["restart_on_failure"]:
        return Text(
            f"Deep check every {every:g} s as readiness and liveness probe: {k} failures in a row take a replica out of rotation and restart it",
            f"詳細なチェックを {every:g} 秒ごとに readiness と liveness の両方のプローブとして実行します。{k} 回続けて失敗したレプリカはローテーションから外し、再起動します",
        )
    return Text(
        f"Deep check every {every:g} s as readiness probe: {k} failures in a row take a replica out of rotation, one pass brings it back",
        f"詳細なチェックを {every:g} 秒ごとに readiness プローブとして実行します。{k} 回続けて失敗したレプリカはローテーションから外し、1 回合格すれば戻します",
    )


def _hang_text(params: dict[str, Any]) -> Text:
    every = params["hang_scope"] == "all_replicas"
    if params["hang_in"] == "app":
        if every:
            return Text(
                "Every replica's app deadlocks: the processes run but answer nothing",
                "すべてのレプリカでアプリケーションがデッドロックしました。プロセスは動いていますが、何も応答しません",
            )
        return Text(
            "Replica 1's app deadlocks: the process runs but answers nothing",
            "レプリカ 1 のアプリケーションがデッドロックしました。プロセスは動いていますが、何も応答しません",
        )
    if every:
        return Text(
            "The shared dependency hangs: every replica's requests time out, though every process runs",
            "共有の依存先が応答しなくなりました。どのプロセスも動いていますが、すべてのレプリカでリクエストがタイムアウトします",
        )
    return Text(
        "Replica 1's dependency hangs: its requests time out, though its process runs",
        "レプリカ 1 の依存先が応答しなくなりました。プロセスは動いていますが、リクエストはタイムアウトします",
    )


def _hang_over_text(params: dict[str, Any]) -> Text:
    if params["hang_in"] == "app":
        return Text("The deadlock clears by itself", "デッドロックが自然に解消しました")
    return Text("The dependency answers again", "依存先が再び応答するようになりました")


def _none_ready_text(fail_open: bool) -> Text:
    if fail_open:
        return Text(
            "No replica is ready: the load balancer fails open and sends to every running replica",
            "準備が整ったレプリカがありません。ロードバランサーはフェイルオープンし、動いているすべてのレプリカに送ります",
        )
    return Text(
        "No replica is ready: the load balancer has nowhere to send requests and answers 503",
        "準備が整ったレプリカがありません。ロードバランサーには送り先がなく、503 を返します",
    )


def _preset(**values: Any) -> dict[str, Any]:
    return {
        "check": "deep",
        "probe_interval_s": 5.0,
        "failure_threshold": 3,
        "probe_timeout_s": 1.0,
        "hang_at_s": 20.0,
        "hang_duration_s": 60.0,
        "hang_scope": "one_replica",
        "hang_in": "dependency",
        "replicas": 3,
        "request_rate": 100.0,
        "duration_s": 120.0,
        "restart_on_failure": False,
        "restart_s": 10.0,
        "fail_open": False,
        **values,
    }


_ROWS = (0.1, 0.34, 0.58, 0.82)

SCENARIO = Scenario(
    slug="health-adapter",
    pattern="adapter",
    title=Text(
        "Health-check adapter: alive but not ready", "ヘルスチェック用アダプター：生きているが準備ができていない"
    ),
    description=Text(
        "A load balancer spreads requests over replicas. Then a dependency hangs: the process still runs, but every "
        "request the replica gets times out. A shallow process check keeps passing and the load balancer keeps "
        "sending to the hung replica; a deep check by a health-check adapter probes the app's real path and takes "
        "the replica out of rotation after a few failed probes. Used as a liveness probe as well, the same deep "
        "check restarts containers, which cures a deadlocked app but not a hung dependency.",
        "ロードバランサーがリクエストを複数のレプリカに振り分けています。そこへ依存先が応答しなくなる障害が起きます。プロセスは動き続けますが、"
        "そのレプリカに届くリクエストはすべてタイムアウトします。浅いプロセスチェックは合格し続けるので、ロードバランサーは止まったレプリカに"
        "送り続けます。ヘルスチェック用のアダプターによる詳細なチェックはアプリケーションの実際の処理経路を確かめ、数回の失敗でそのレプリカを"
        "ローテーションから外します。同じチェックを liveness プローブにも使うとコンテナが再起動されます。デッドロックしたアプリケーションは"
        "それで直りますが、止まった依存先は直りません。",
    ),
    params=(
        Param(
            "check",
            "choice",
            "deep",
            Text("Health check", "ヘルスチェック"),
            Text(
                "process: passes while the process runs. deep: a health-check adapter sends a request through the app's real path, dependency included.",
                "「プロセスチェック」は、プロセスが動いていれば合格です。「詳細なチェック」では、ヘルスチェック用のアダプターが、依存先を含むアプリケーションの実際の処理経路にリクエストを通して確かめます。",
            ),
            choices=(
                Choice("process", Text("Process check (shallow)", "プロセスチェック（浅いチェック）")),
                Choice("deep", Text("Deep check via the adapter", "アダプターによる詳細なチェック")),
            ),
        ),
        Param(
            "probe_interval_s",
            "float",
            5.0,
            Text("Probe interval", "プローブの間隔"),
            Text(
                "Time between two probes of the same replica (Kubernetes periodSeconds).",
                "同じレプリカへのプローブの間隔です（Kubernetes の periodSeconds）。",
            ),
            unit="s",
            min=0.5,
            max=60,
            step=0.5,
        ),
        Param(
            "failure_threshold",
            "int",
            3,
            Text("Failure threshold", "失敗の閾値"),
            Text(
                "Failed probes in a row before a replica is taken out of rotation (failureThreshold).",
                "レプリカをローテーションから外すまでに続けて失敗するプローブの回数です（failureThreshold）。",
            ),
            min=1,
            max=10,
        ),
        Param(
            "probe_timeout_s",
            "float",
            1.0,
            Text("Probe timeout", "プローブのタイムアウト"),
            Text(
                "A probe on a hung path fails when this runs out (timeoutSeconds); at most the interval.",
                "止まった経路へのプローブは、この時間が過ぎると失敗になります（timeoutSeconds）。間隔より長い値は間隔に切り詰めます。",
            ),
            unit="s",
            min=0.1,
            max=10,
            step=0.1,
        ),
        Param(
            "hang_at_s",
            "float",
            20.0,
            Text("Hang starts at", "停止の開始時刻"),
            Text(
                "When the dependency (or the app) stops answering.",
                "依存先（またはアプリケーション）が応答しなくなる時刻です。",
            ),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "hang_duration_s",
            "float",
            60.0,
            Text("Hang lasts", "停止の長さ"),
            Text("How long it stays hung; 0 for no hang.", "応答しない状態が続く時間です。0 なら止まりません。"),
            unit="s",
            min=0,
            max=600,
            step=1,
        ),
        Param(
            "hang_scope",
            "choice",
            "one_replica",
            Text("What hangs for whom", "止まる範囲"),
            Text(
                "one_replica: only replica 1's dependency (or app) hangs. all_replicas: a dependency every replica shares hangs.",
                "「レプリカ 1 だけ」では、レプリカ 1 の依存先（またはアプリケーション）だけが止まります。「全レプリカ」では、全レプリカが共有する依存先が止まります。",
            ),
            choices=(
                Choice("one_replica", Text("Replica 1 only", "レプリカ 1 だけ")),
                Choice("all_replicas", Text("All replicas (shared dependency)", "全レプリカ（共有の依存先）")),
            ),
        ),
        Param(
            "hang_in",
            "choice",
            "dependency",
            Text("What hangs", "止まるもの"),
            Text(
                "dependency: the app is fine but what it calls hangs, so a restart cannot help. app: the app itself deadlocks, which a restart clears.",
                "「依存先」では、アプリケーションは正常でも呼び出し先が止まるため、再起動しても直りません。「アプリケーション」では、アプリケーション自体がデッドロックし、再起動で解消します。",
            ),
            choices=(
                Choice("dependency", Text("The dependency", "依存先")),
                Choice("app", Text("The app (deadlock)", "アプリケーション（デッドロック）")),
            ),
        ),
        Param(
            "replicas",
            "int",
            3,
            Text("Replicas", "レプリカ数"),
            Text(
                "Replicas behind the load balancer, which takes them in turn (round robin).",
                "ロードバランサーの背後にあるレプリカの数です。ロードバランサーはレプリカに順番に振り分けます（ラウンドロビン）。",
            ),
            min=1,
            max=10,
        ),
        Param(
            "request_rate",
            "float",
            100.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of requests to the load balancer (Poisson arrivals).",
                "ロードバランサーに届くリクエストの平均レートです（ポアソン到着）。",
            ),
            unit="req/s",
            min=1,
            max=1000,
            step=1,
        ),
        Param(
            "duration_s",
            "float",
            120.0,
            Text("Duration", "シミュレーション時間"),
            Text("Simulated time.", "シミュレーション上の時間です。"),
            unit="s",
            min=10,
            max=600,
            step=10,
        ),
        Param(
            "restart_on_failure",
            "bool",
            False,
            Text("Restart on failure (liveness)", "失敗したら再起動（liveness）"),
            Text(
                "Off: the deep check is a readiness probe and failing only takes the replica out of rotation. On: it is the liveness probe too, and failing also restarts the container.",
                "オフなら詳細なチェックは readiness プローブで、失敗してもローテーションから外すだけです。オンなら liveness プローブも兼ね、失敗するとコンテナを再起動します。",
            ),
        ),
        Param(
            "restart_s",
            "float",
            10.0,
            Text("Restart takes", "再起動にかかる時間"),
            Text(
                "Time a restarted container needs before it can be probed again.",
                "再起動したコンテナが再びプローブを受けられるようになるまでの時間です。",
            ),
            unit="s",
            min=1,
            max=120,
            step=1,
        ),
        Param(
            "fail_open",
            "bool",
            False,
            Text("Fail open", "フェイルオープン"),
            Text(
                "When no replica is ready: off answers 503 (a Kubernetes Service); on sends to every running replica anyway (an AWS load balancer, Envoy's panic mode).",
                "準備が整ったレプリカがないとき、オフなら 503 を返します（Kubernetes の Service）。オンならそれでも動いているすべてのレプリカに送ります（AWS のロードバランサー、Envoy のパニックモード）。",
            ),
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="requests",
            title=Text("Requests per second", "1 秒あたりのリクエスト数"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("requests/s", "リクエスト/秒"),
            series=(
                Series("ok_rps", Text("succeeded", "成功")),
                Series("failed_rps", Text("failed (timed out or 503)", "失敗（タイムアウトまたは 503）")),
            ),
        ),
        Chart(
            id="replicas",
            title=Text("Replicas", "レプリカ"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("replicas", "レプリカ数"),
            series=(
                Series("in_rotation", Text("in rotation (ready)", "ローテーション内（ready）")),
                Series("hung", Text("hung", "停止中")),
                Series("restarting", Text("restarting", "再起動中")),
            ),
        ),
        Chart(
            id="checks",
            title=Text("Health-check results", "ヘルスチェックの結果"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("count", "回数・台数"),
            series=(
                Series("failing_checks", Text("replicas whose last check failed", "直近のチェックに失敗したレプリカ")),
                Series("failure_streak", Text("longest run of failed checks", "続けて失敗したチェックの最大回数")),
                Series("threshold", Text("failure threshold", "失敗の閾値")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "time_to_detect_s",
            Text("Time to take the hung replica out", "止まったレプリカを外すまでの時間"),
            "s",
            Text(
                "From the hang until the checks have taken every hung replica out of rotation; empty if that never happened while the hang lasted.",
                "停止の開始から、止まったすべてのレプリカをチェックがローテーションから外すまでの時間です。停止が続く間に外れなかった場合は値がありません。",
            ),
        ),
        Measure("failed_requests", Text("Failed requests", "失敗したリクエスト"), "req"),
        Measure(
            "false_restarts",
            Text("Restarts that did not help", "効果のなかった再起動"),
            help=Text(
                "Liveness restarts of replicas whose app was not what hung, e.g. because the dependency hung.",
                "止まっていたのがアプリケーションではない（依存先が止まっていたなど）のに行われた、liveness による再起動です。",
            ),
        ),
        Measure(
            "recovered_s",
            Text("Time back into service", "サービスに戻るまでの時間"),
            "s",
            Text(
                "From the end of the hang (for a restarted deadlocked app, the restart) until every hung replica is back in rotation.",
                "停止の終わり（デッドロックしたアプリケーションを再起動した場合はその時点）から、止まっていたすべてのレプリカがローテーションに戻るまでの時間です。",
            ),
        ),
        Measure("restarts", Text("Restarts", "再起動の回数")),
        Measure("requests", Text("Requests", "リクエスト数"), "req"),
        Measure("failed_share", Text("Share of requests failed", "失敗したリクエストの割合")),
        Measure("probes_failed", Text("Failed health checks", "失敗したヘルスチェック")),
        Measure(
            "detect_expected_s",
            Text("Expected time to take a replica out", "レプリカを外すまでの時間の期待値"),
            "s",
            Text(
                "(threshold − 0.5) × interval + timeout for the deep check; empty for the process check.",
                "詳細なチェックでは (閾値 − 0.5) × 間隔 + タイムアウトです。プロセスチェックでは値がありません。",
            ),
        ),
    ),  # fmt: skip
    source=Text(
        'Brendan Burns, Designing Distributed Systems (2018), ch. 4 "Adapters" (health monitoring); Kubernetes, "Configure Liveness, Readiness and Startup Probes"; David Yanacek, "Implementing health checks" (Amazon Builders\' Library)',
        "Brendan Burns『Designing Distributed Systems』（2018 年）4 章「Adapters」のヘルスモニタリング、Kubernetes ドキュメント「Liveness Probe、Readiness Probe および Startup Probe を使用する」、David Yanacek「ヘルスチェックの実装」（Amazon Builders' Library）",
    ),
    topology=Topology(
        nodes=(
            Node("lb", Text("Load balancer", "ロードバランサー"), 0.08, 0.5),
            *(
                Node(
                    f"app{i + 1}",
                    Text(f"Replica {i + 1}", f"レプリカ {i + 1}")
                    if i < DRAWN - 1
                    else Text(f"Replicas {DRAWN}+", f"レプリカ {DRAWN} 以降"),
                    0.5,
                    y,
                )
                for i, y in enumerate(_ROWS)
            ),
            *(
                Node(
                    f"adapter{i + 1}",
                    Text(f"Adapter {i + 1}", f"アダプター {i + 1}")
                    if i < DRAWN - 1
                    else Text(f"Adapters {DRAWN}+", f"アダプター {DRAWN} 以降"),
                    0.5,
                    y + 0.1,
                )
                for i, y in enumerate(_ROWS)
            ),
            Node("dependency", Text("Dependency (database)", "依存先（データベース）"), 0.92, 0.5),
        ),
        links=(
            *(("lb", f"app{i + 1}") for i in range(DRAWN)),
            *((f"adapter{i + 1}", f"app{i + 1}") for i in range(DRAWN)),
            *((f"app{i + 1}", "dependency") for i in range(DRAWN)),
        ),
    ),
    presets=(
        Preset(
            "process-check",
            Text(
                "Process check: the LB keeps sending to a hung replica",
                "プロセスチェック：ロードバランサーは止まったレプリカに送り続ける",
            ),
            _preset(check="process"),
        ),
        Preset(
            "deep-check",
            Text("Deep check removes it within seconds", "詳細なチェックなら数秒でローテーションから外す"),
            _preset(probe_interval_s=2.0),
        ),
        Preset(
            "restart-loop",
            Text(
                "Liveness restarts on a shared dependency: restart loop (false restarts)",
                "共有の依存先が止まると liveness が再起動を繰り返す（無駄な再起動）",
            ),
            _preset(hang_scope="all_replicas", restart_on_failure=True),
        ),
        Preset(
            "fast-probing",
            Text("Fast probing (1 s, threshold 2)", "頻繁なプローブ（1 秒間隔、閾値 2）"),
            _preset(probe_interval_s=1.0, failure_threshold=2, probe_timeout_s=0.5),
        ),
        Preset(
            "liveness-cures-deadlock",
            Text("Liveness restart cures a deadlocked app", "liveness による再起動でデッドロックが解消する"),
            _preset(hang_in="app", restart_on_failure=True),
        ),
    ),  # fmt: skip
)
