# ruff: noqa: E501 - Japanese text counts double toward the line length
"""slo-error-budget: a service's error budget, an incident, and burn-rate alerts that page or open a ticket.

A service with an availability SLO `slo` over `period_days` answers a Poisson
stream of `request_rate` requests per second. Each request fails with the
baseline probability `baseline_error_rate`, except during the incident
(`incident_start_h` for `incident_duration_h`), when it fails with
`incident_error_rate` (the whole error rate of those hours, not an addition).

Time advances in steps of `eval_interval_s`, the interval at which the alerting
rules are evaluated (as Prometheus evaluates its rule groups). Per step,
requests ~ Poisson(request_rate x dt) and errors ~ Binomial(requests, the error
rate of that step; a step the incident covers in part gets the time-weighted
mix). A window's error ratio is errors / requests summed over the window's last
round(W / dt) steps, read from cumulative sums. The service has been running at
its baseline before t = 0, so every window starts full: the simulation starts
three days (or the single window, if longer) before t = 0 and evaluates the
rules from the first step after it.

burn rate = (error ratio over a window) / (1 - slo). Alerting:

- multiwindow: the SRE Workbook's multiwindow, multi-burn-rate alerts
  (Beyer et al., 2018, ch. 5 "Alerting on SLOs"). Page when the burn rate is
  above 14.4 over both 1 h and 5 min, or above 6 over both 6 h and 30 min; open
  a ticket when it is above 1 over both 3 days and 6 h.
- single_window: one page rule, the burn rate over `single_window_h` above
  `single_window_burn_threshold`, the Workbook's earlier iterations. A long
  window keeps paging long after recovery; a short one pages on noise.

An alert fires at the first evaluation at which its condition holds and
resolves at the first at which it does not (no `for:` clause).

Results: budget_minutes = (1 - slo) x period_days x 1440, the period's budget
as minutes of full outage. budget_consumed = errors from t = 0 to the end of
the run / (request_rate x period x (1 - slo)), the share of the whole period's
budget used so far (the period starts at t = 0; over 1 means overspent).
first_page_s and first_ticket_s: seconds from the incident's start to the first
evaluation at or after it with a page (ticket) firing; alert_reset_s,
page_reset_s, ticket_reset_s: seconds from the incident's end to the first
evaluation at or after it with no alert (no page, no ticket) firing. These are
None when there is no incident (duration 0, or it starts after the run) or when
it never happens within the run. alerts_fired counts alert onsets (pages plus
tickets), pages_fired and tickets_fired each kind. budget_at_first_page and
budget_at_first_ticket are budget_consumed at those moments: B x W / period for
a constant error rate, 2 %, 5 % and 10 % for the Workbook's three rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 400
HOUR = 3600.0
DAY = 86400.0
# Burn rates in the chart are shown relative to their thresholds and capped here,
# since the chart has no log scale and a full outage burns at 1000x.
BURN_CHART_CAP = 5.0
# Alert changes listed as events; a flapping alert lists this many, then one note.
MAX_ALERT_EVENTS = 24


@dataclass(frozen=True)
class AlertRule:
    """Fires when the burn rate is above `burn` over the long window and, if any, the short one."""

    key: str
    severity: str  # "page" or "ticket"
    burn: float
    long_s: float
    short_s: float | None
    label: Text


def _span(seconds: float) -> Text:
    if seconds >= DAY and seconds % DAY == 0:
        days = seconds / DAY
        return Text(f"{days:g} day{'s' if days != 1 else ''}", f"{days:g} 日")
    if seconds >= HOUR:
        return Text(f"{seconds / HOUR:g} h", f"{seconds / HOUR:g} 時間")
    return Text(f"{seconds / 60:g} min", f"{seconds / 60:g} 分")


def _rule(key: str, severity: str, burn: float, long_s: float, short_s: float | None) -> AlertRule:
    long = _span(long_s)
    if short_s is None:
        label = Text(f"burn rate above {burn:g}x over {long.en}", f"{long.ja}のバーンレートが {burn:g} 倍超")
    else:
        short = _span(short_s)
        label = Text(
            f"burn rate above {burn:g}x over both {long.en} and {short.en}",
            f"{long.ja}と{short.ja}の両方でバーンレートが {burn:g} 倍超",
        )
    return AlertRule(key, severity, burn, long_s, short_s, label)


# The SRE Workbook's recommended table (ch. 5, "Multiwindow, Multi-Burn-Rate Alerts").
WORKBOOK_RULES = (
    _rule("fast_page", "page", 14.4, 1 * HOUR, 5 * 60.0),
    _rule("slow_page", "page", 6.0, 6 * HOUR, 30 * 60.0),
    _rule("ticket_rule", "ticket", 1.0, 3 * DAY, 6 * HOUR),
)

# Windows drawn in the error-ratio chart: (series name, seconds).
CHART_WINDOWS = (
    ("ratio_5m", 300.0),
    ("ratio_30m", 1800.0),
    ("ratio_1h", HOUR),
    ("ratio_6h", 6 * HOUR),
    ("ratio_3d", 3 * DAY),
)


def budget_minutes(slo: float, period_days: float) -> float:
    """The period's error budget as minutes of full outage: (1 - slo) x period."""
    return (1.0 - slo) * period_days * 24 * 60


def single_rule(params: dict[str, Any]) -> AlertRule:
    return _rule(
        "single_rule",
        "page",
        float(params["single_window_burn_threshold"]),
        float(params["single_window_h"]) * HOUR,
        None,
    )


def active_rules(params: dict[str, Any]) -> tuple[AlertRule, ...]:
    """The rules the chosen alerting evaluates."""
    return WORKBOOK_RULES if params["alerting"] == "multiwindow" else (single_rule(params),)


def step_error_rates(
    starts: np.ndarray, dt: float, baseline: float, incident: float, inc_from: float, inc_to: float
) -> np.ndarray:
    """Error probability of each step [start, start + dt): the time-weighted mix of baseline and incident."""
    covered = np.clip(np.minimum(starts + dt, inc_to) - np.maximum(starts, inc_from), 0.0, dt) / dt
    return baseline + (incident - baseline) * covered


class Windows:
    """Error ratios over trailing windows at each evaluation, from cumulative sums of per-step counts."""

    def __init__(self, requests: np.ndarray, errors: np.ndarray, history: int, dt: float) -> None:
        self.cum_requests = np.concatenate(([0], np.cumsum(requests)))
        self.cum_errors = np.concatenate(([0], np.cumsum(errors)))
        self.history = history
        self.evaluations = len(requests) - history
        self.dt = dt

    def steps(self, seconds: float) -> int:
        return max(1, round(seconds / self.dt))

    def ratio(self, seconds: float, at: np.ndarray | None = None) -> np.ndarray:
        """The error ratio over the last `seconds` at every evaluation, or at the evaluations `at` (0-based)."""
        k = self.steps(seconds)
        ends = self.history + 1 + (np.arange(self.evaluations) if at is None else at)
        requests = self.cum_requests[ends] - self.cum_requests[ends - k]
        errors = self.cum_errors[ends] - self.cum_errors[ends - k]
        return errors / np.maximum(requests, 1)

    def burn_over_threshold(self, rule: AlertRule, slo: float) -> np.ndarray:
        """min(burn rate over each of the rule's windows) / the rule's threshold: above 1 means firing."""
        burn = self.ratio(rule.long_s)
        if rule.short_s is not None:
            burn = np.minimum(burn, self.ratio(rule.short_s))
        return burn / (1.0 - slo) / rule.burn


def onsets(firing: np.ndarray) -> np.ndarray:
    """Indices of evaluations where an alert starts firing (the first one counts if it fires)."""
    before = np.concatenate(([False], firing[:-1]))
    return np.flatnonzero(firing & ~before)


def resolutions(firing: np.ndarray) -> np.ndarray:
    before = np.concatenate(([False], firing[:-1]))
    return np.flatnonzero(~firing & before)


def first_at_or_after(times: np.ndarray, mask: np.ndarray, t0: float) -> float | None:
    """The first evaluation time >= t0 where mask holds, as seconds after t0; None if none."""
    start = int(np.searchsorted(times, t0 - 1e-9))
    hits = np.flatnonzero(mask[start:])
    return None if hits.size == 0 else float(times[start + hits[0]] - t0)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _pct(x: float) -> str:
    return f"{100 * x:.3g} %"


def _times(burn: float) -> str:
    """A burn rate for a sentence: 14.4, 0.2, 1,000."""
    return f"{burn:,.0f}" if burn >= 100 else f"{burn:.3g}"


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = np.random.default_rng(seed)
    slo = float(params["slo"])
    allowed = 1.0 - slo
    period_s = float(params["period_days"]) * DAY
    rate = float(params["request_rate"])
    baseline = float(params["baseline_error_rate"])
    incident = float(params["incident_error_rate"])
    inc_from = float(params["incident_start_h"]) * HOUR
    inc_to = inc_from + float(params["incident_duration_h"]) * HOUR
    dt = float(params["eval_interval_s"])
    duration = float(params["duration_h"]) * HOUR
    n = max(1, math.floor(duration / dt + 1e-9))
    has_incident = inc_to > inc_from and inc_from < n * dt

    rules = active_rules(params)
    longest = max(3 * DAY, single_rule(params).long_s)
    history = math.ceil(longest / dt + 1e-9)
    starts = (np.arange(history + n) - history) * dt
    p = step_error_rates(starts, dt, baseline, incident, inc_from, inc_to)
    requests = rng.poisson(rate * dt, size=history + n)
    errors = rng.binomial(requests, p)
    windows = Windows(requests, errors, history, dt)
    times = np.arange(1, n + 1) * dt

    # Frames: up to MAX_FRAMES, each covering `group` evaluations.
    group = math.ceil(n / MAX_FRAMES)
    first = np.arange(0, n, group)
    last = np.minimum(first + group, n) - 1

    # Every rule is charted (the inactive ones for comparison); only the active ones alert.
    frame_relative: dict[str, np.ndarray] = {}
    condition: dict[str, np.ndarray] = {}
    for rule in (*WORKBOOK_RULES, single_rule(params)):
        relative = windows.burn_over_threshold(rule, slo)
        frame_relative[rule.key] = np.maximum.reduceat(relative, first)
        if rule.key in {active.key for active in rules}:
            condition[rule.key] = relative > 1.0
    page = np.zeros(n, dtype=bool)
    ticket = np.zeros(n, dtype=bool)
    for rule in rules:
        if rule.severity == "page":
            page |= condition[rule.key]
        else:
            ticket |= condition[rule.key]
    alerting = page | ticket

    period_budget = rate * period_s * allowed  # errors the whole period may have
    run_requests = requests[history:]
    run_errors = errors[history:]
    spent = np.cumsum(run_errors) / period_budget  # budget_consumed after each evaluation

    def spent_at(after_start: float | None) -> float | None:
        if after_start is None:
            return None
        return float(spent[round((inc_from + after_start) / dt) - 1])

    first_page = first_at_or_after(times, page, inc_from) if has_incident else None
    first_ticket = first_at_or_after(times, ticket, inc_from) if has_incident else None
    ended = has_incident and inc_to <= n * dt
    alert_reset = first_at_or_after(times, ~alerting, inc_to) if ended else None
    page_reset = first_at_or_after(times, ~page, inc_to) if ended else None
    ticket_reset = first_at_or_after(times, ~ticket, inc_to) if ended else None
    exhausted = np.flatnonzero(spent >= 1.0)

    # Events at evaluation indices, then handed to the frame that holds them.
    events: list[tuple[int, Event]] = []
    if has_incident:
        events.append(
            (
                max(0, math.ceil(inc_from / dt - 1e-9) - 1),
                Event(
                    inc_from, "incident-start",
                    Text(
                        f"Incident: {_pct(incident)} of requests fail (burn rate {_times(incident / allowed)}x)",
                        f"障害が始まりました。リクエストの {_pct(incident)} が失敗しています（バーンレート {_times(incident / allowed)} 倍）",
                    ),
                ),
            )
        )  # fmt: skip
        if ended:
            events.append(
                (
                    min(n - 1, max(0, math.ceil(inc_to / dt - 1e-9) - 1)),
                    Event(
                        inc_to, "incident-end",
                        Text(f"Incident over: error rate back to {_pct(baseline)}", f"障害が収まり、エラー率が {_pct(baseline)} に戻りました"),
                    ),
                )
            )  # fmt: skip
    alert_events: list[tuple[int, Event]] = []
    for severity, firing in (("page", page), ("ticket", ticket)):
        for i in onsets(firing):
            why = [rule.label for rule in rules if rule.severity == severity and condition[rule.key][i]]
            reason_en = "; ".join(t.en for t in why)
            reason_ja = "、".join(t.ja for t in why)
            text = (
                Text(f"Page fired: {reason_en}", f"オンコール担当者を呼び出しました（{reason_ja}）")
                if severity == "page"
                else Text(f"Ticket opened: {reason_en}", f"チケットを起票しました（{reason_ja}）")
            )
            alert_events.append((int(i), Event(float(times[i]), f"{severity}-fired", text)))
        for i in resolutions(firing):
            text = (
                Text("Page resolved", "呼び出しのアラートが解消しました")
                if severity == "page"
                else Text("Ticket alert resolved", "チケットのアラートが解消しました")
            )
            alert_events.append((int(i), Event(float(times[i]), f"{severity}-resolved", text)))
    alert_events.sort(key=lambda item: item[1].t)
    if len(alert_events) > MAX_ALERT_EVENTS:
        hidden = len(alert_events) - MAX_ALERT_EVENTS
        shown_last = alert_events[MAX_ALERT_EVENTS - 1]
        alert_events = alert_events[:MAX_ALERT_EVENTS]
        alert_events.append(
            (
                shown_last[0],
                Event(
                    shown_last[1].t, "more-alerts",
                    Text(f"{hidden} more alert changes are not listed: the alert is flapping", f"このほかに {hidden} 回のアラートの切り替わりがあります（アラートがばたついています）"),
                ),
            )
        )  # fmt: skip
    if exhausted.size:
        i = int(exhausted[0])
        events.append(
            (
                i,
                Event(
                    float(times[i]), "budget-exhausted",
                    Text("The period's error budget is used up", "期間のエラーバジェットを使い切りました"),
                ),
            )
        )  # fmt: skip
    events.extend(alert_events)

    frame_requests = np.add.reduceat(run_requests, first)
    frame_errors = np.add.reduceat(run_errors, first)
    frame_page = np.maximum.reduceat(page, first)
    frame_ticket = np.maximum.reduceat(ticket, first)
    chart_ratios = {name: windows.ratio(seconds, at=last) for name, seconds in CHART_WINDOWS}
    by_frame: dict[int, list[Event]] = {}
    for i, event in sorted(events, key=lambda item: item[1].t):
        by_frame.setdefault(i // group, []).append(event)

    for f in range(len(first)):
        end = int(last[f])
        t = float(times[end])
        t_from = float(times[int(first[f])]) - dt
        now = frame_errors[f] / max(1, frame_requests[f])
        series = {"ratio_now": round(100 * now, 5)}
        for name, values in chart_ratios.items():
            series[name] = round(100 * float(values[f]), 5)
        for key, values in frame_relative.items():
            series[key] = round(min(BURN_CHART_CAP, float(values[f])), 4)
        series.update(
            threshold=1.0,
            budget_remaining=round(100 * (1 - float(spent[end])), 4),
            steady_burn=round(100 * (1 - t / period_s), 4),
            page=int(frame_page[f]),
            ticket=int(frame_ticket[f]),
            incident=int(has_incident and t_from < inc_to and t > inc_from),
        )
        nodes = {
            "service": "down" if now >= 0.5 else "degraded" if now > allowed else "ok",
            "monitoring": "busy" if chart_ratios["ratio_1h"][f] > allowed else "ok",
            "alertmanager": "busy" if frame_page[f] or frame_ticket[f] else "ok",
            "oncall": "busy" if frame_page[f] else "idle",
            "tickets": "busy" if frame_ticket[f] else "idle",
        }
        yield Frame(t=t, progress=t / (n * dt), series=series, events=by_frame.get(f, []), nodes=nodes)

    total_requests = int(run_requests.sum())
    total_errors = int(run_errors.sum())
    page_onsets = len(onsets(page))
    ticket_onsets = len(onsets(ticket))
    yield Result(
        {
            "budget_minutes": round(budget_minutes(slo, float(params["period_days"])), 6),
            "budget_consumed": round(float(spent[-1]), 6),
            "first_page_s": _round(first_page),
            "first_ticket_s": _round(first_ticket),
            "alert_reset_s": _round(alert_reset),
            "alerts_fired": page_onsets + ticket_onsets,
            "pages_fired": page_onsets,
            "tickets_fired": ticket_onsets,
            "page_reset_s": _round(page_reset),
            "ticket_reset_s": _round(ticket_reset),
            "budget_at_first_page": _round(spent_at(first_page), 6),
            "budget_at_first_ticket": _round(spent_at(first_ticket), 6),
            "page_hours": round(float(page.sum()) * dt / HOUR, 4),
            "budget_exhausted_h": round(float(times[exhausted[0]]) / HOUR, 4) if exhausted.size else None,
            "requests": total_requests,
            "errors": total_errors,
            "error_ratio": round(total_errors / max(1, total_requests), 8),
        }
    )


def _preset(**values: Any) -> dict[str, Any]:
    """Every parameter, explicitly: the common traffic and SLO, then the case's own values."""
    base = {
        "slo": 0.999,
        "period_days": 30,
        "request_rate": 100.0,
        "baseline_error_rate": 0.0002,
        "incident_error_rate": 0.02,
        "incident_start_h": 2.0,
        "incident_duration_h": 2.0,
        "alerting": "multiwindow",
        "single_window_h": 1.0,
        "single_window_burn_threshold": 14.4,
        "eval_interval_s": 60.0,
        "duration_h": 12.0,
    }
    unknown = set(values) - set(base)
    if unknown:
        raise ValueError(f"unknown preset values {sorted(unknown)}")
    return {**base, **values}


SCENARIO = Scenario(
    slug="slo-error-budget",
    pattern="error-budget",
    also_patterns=("sli-slo-sla",),
    title=Text("Error budget and burn-rate alerts", "エラーバジェットとバーンレートアラート"),
    description=Text(
        "A service with an availability SLO answers a steady stream of requests; a few fail all the time, and then "
        "an incident raises the error rate for a while. Every failed request spends the period's error budget. The "
        "alerting rules, evaluated every minute or so as Prometheus does, page the on-call engineer or open a ticket: "
        "either the SRE Workbook's multiwindow, multi-burn-rate rules or a single window. Watch how soon each rule "
        "fires, how much budget is gone by then, and how soon the alerts stop after the incident ends.",
        "可用性の SLO を持つサービスに、一定のペースでリクエストが届きます。ふだんからわずかに失敗があり、途中で障害が起きてしばらくエラー率が上がります。"
        "失敗したリクエストはそのつど期間のエラーバジェットを減らします。Prometheus のように 1 分ほどごとに評価するアラートルールが、"
        "オンコール担当者を呼び出すか、チケットを起票します。ルールは SRE Workbook のマルチウィンドウ・マルチバーンレートアラートか、1 つの期間だけを見るアラートから選べます。"
        "各ルールがどれだけ早く発火するか、その時点でバジェットをどれだけ使ったか、障害が収まってからどれだけ早くアラートが止まるかを確かめられます。",
    ),
    params=(
        Param(
            "slo",
            "float",
            0.999,
            Text("SLO (availability target)", "SLO（可用性の目標）"),
            Text(
                "The share of requests that must succeed over the SLO period; 0.999 means 99.9 %. The error budget is 1 − SLO.",
                "SLO の期間を通じて成功すべきリクエストの割合です。0.999 は 99.9 % を表します。エラーバジェットは 1 − SLO です。",
            ),
            min=0.9,
            max=0.99999,
            step=0.00001,
        ),
        Param(
            "period_days",
            "int",
            30,
            Text("SLO period", "SLO の期間"),
            Text(
                "The window the SLO and its budget cover, e.g. a rolling 30 days. The burn rate 1 spends exactly the whole budget over it.",
                "SLO とそのバジェットが対象とする期間です（たとえば直近 30 日）。バーンレート 1 ならこの期間でちょうどバジェットを使い切ります。",
            ),
            unit="d",
            min=1,
            max=365,
        ),
        Param(
            "request_rate",
            "float",
            100.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Mean rate of requests (Poisson arrivals). At low rates a single failure is a large error ratio.",
                "リクエストの平均レートです（ポアソン到着）。レートが低いと、1 件の失敗でもエラー率が大きく動きます。",
            ),
            unit="req/s",
            min=0.01,
            max=1_000_000,
            step=None,
        ),
        Param(
            "baseline_error_rate",
            "float",
            0.0002,
            Text("Baseline error rate", "平常時のエラー率"),
            Text(
                "The share of requests that fail outside the incident; 0.0002 is 0.02 %, a burn rate of 0.2 at a 99.9 % SLO.",
                "障害の外で失敗するリクエストの割合です。0.0002 は 0.02 % で、SLO 99.9 % ならバーンレート 0.2 に当たります。",
            ),
            min=0,
            max=1,
            step=None,
        ),
        Param(
            "incident_error_rate",
            "float",
            0.02,
            Text("Error rate during the incident", "障害中のエラー率"),
            Text(
                "The share of requests that fail while the incident lasts (in place of the baseline); 1 is a full outage.",
                "障害が続く間に失敗するリクエストの割合です（平常時の値に置き換わります）。1 なら全面停止です。",
            ),
            min=0,
            max=1,
            step=None,
        ),
        Param(
            "incident_start_h",
            "float",
            2.0,
            Text("Incident starts at", "障害の開始時刻"),
            Text(
                "When the incident begins, in hours from the start of the run.",
                "障害が始まる時刻です。シミュレーション開始からの時間で指定します。",
            ),
            unit="h",
            min=0,
            max=720,
            step=None,
        ),
        Param(
            "incident_duration_h",
            "float",
            2.0,
            Text("Incident duration", "障害の継続時間"),
            Text("How long the incident lasts; 0 for no incident.", "障害が続く時間です。0 なら障害は起きません。"),
            unit="h",
            min=0,
            max=720,
            step=None,
        ),
        Param(
            "alerting",
            "choice",
            "multiwindow",
            Text("Alerting rules", "アラートルール"),
            Text(
                "Multiwindow: the SRE Workbook's three rules (page at 14.4x over 1 h and 5 min or 6x over 6 h and 30 min; ticket at 1x over 3 days and 6 h). "
                "Single window: one page rule on one window, set below.",
                "マルチウィンドウは SRE Workbook の 3 つのルールです（1 時間と 5 分で 14.4 倍、または 6 時間と 30 分で 6 倍なら呼び出し、3 日と 6 時間で 1 倍ならチケット）。"
                "シングルウィンドウは、下で指定する 1 つの期間だけを見る呼び出しのルールです。",
            ),
            choices=(
                Choice(
                    "multiwindow",
                    Text(
                        "Multiwindow, multi-burn-rate (SRE Workbook)",
                        "マルチウィンドウ・マルチバーンレート（SRE Workbook）",
                    ),
                ),
                Choice("single_window", Text("Single window", "シングルウィンドウ")),
            ),
        ),
        Param(
            "single_window_h",
            "float",
            1.0,
            Text("Single window: length", "シングルウィンドウ：期間の長さ"),
            Text(
                "The one window the single-window rule looks at (0.25 is 15 minutes). Only the single-window alerting uses it.",
                "シングルウィンドウのルールが見る唯一の期間です（0.25 は 15 分）。シングルウィンドウのときだけ使います。",
            ),
            unit="h",
            min=0.05,
            max=72,
            step=None,
        ),
        Param(
            "single_window_burn_threshold",
            "float",
            14.4,
            Text("Single window: burn-rate threshold", "シングルウィンドウ：バーンレートの閾値"),
            Text(
                "The single-window rule pages while the burn rate over its window is above this. Only the single-window alerting uses it.",
                "期間のバーンレートがこの値を超えている間、シングルウィンドウのルールが呼び出します。シングルウィンドウのときだけ使います。",
            ),
            unit="x",
            min=0.1,
            max=1000,
            step=None,
        ),
        Param(
            "eval_interval_s",
            "float",
            60.0,
            Text("Evaluation interval", "評価間隔"),
            Text(
                "How often the alerting rules are evaluated, and the simulation's time step. Windows are rounded to whole intervals.",
                "アラートルールを評価する間隔で、シミュレーションの時間の刻みでもあります。各期間はこの間隔の整数倍に丸めます。",
            ),
            unit="s",
            min=1,
            max=600,
            step=None,
        ),
        Param(
            "duration_h",
            "float",
            12.0,
            Text("Duration", "シミュレーション時間"),
            Text(
                "Simulated time. The windows start full of baseline traffic, as for a service that was already running.",
                "シミュレーション上の時間です。すでに稼働していたサービスとして、各期間は平常時のトラフィックで満たされた状態から始まります。",
            ),
            unit="h",
            min=0.1,
            max=720,
            step=None,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="error_ratio",
            title=Text("Error ratio over each window", "各期間のエラー率"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("% of requests failed", "失敗したリクエストの割合（%）"),
            series=(
                Series("ratio_now", Text("now (this frame)", "現在（このフレーム）")),
                Series("ratio_5m", Text("5 min", "5 分")),
                Series("ratio_30m", Text("30 min", "30 分")),
                Series("ratio_1h", Text("1 h", "1 時間")),
                Series("ratio_6h", Text("6 h", "6 時間")),
                Series("ratio_3d", Text("3 days", "3 日")),
            ),
        ),
        Chart(
            id="burn",
            title=Text(
                "Burn rate relative to each rule's threshold (capped at 5)",
                "各ルールの閾値に対するバーンレート（5 で頭打ち）",
            ),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("burn rate ÷ threshold (above 1 fires)", "バーンレート ÷ 閾値（1 を超えると発火）"),
            series=(
                Series("fast_page", Text("page: 14.4x over 1 h and 5 min", "呼び出し：1 時間と 5 分で 14.4 倍")),
                Series("slow_page", Text("page: 6x over 6 h and 30 min", "呼び出し：6 時間と 30 分で 6 倍")),
                Series("ticket_rule", Text("ticket: 1x over 3 days and 6 h", "チケット：3 日と 6 時間で 1 倍")),
                Series("single_rule", Text("single window", "シングルウィンドウ")),
                Series("threshold", Text("threshold", "閾値")),
            ),
        ),
        Chart(
            id="budget",
            title=Text("Error budget remaining", "エラーバジェットの残り"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("% of the period's budget", "期間のバジェットに対する割合（%）"),
            series=(
                Series("budget_remaining", Text("remaining", "残り")),
                Series("steady_burn", Text("at burn rate 1", "バーンレート 1 の場合")),
            ),
        ),
        Chart(
            id="alerts",
            title=Text("Alerts firing", "発火中のアラート"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("1 = firing", "1 = 発火中"),
            series=(
                Series("page", Text("page", "呼び出し")),
                Series("ticket", Text("ticket", "チケット")),
                Series("incident", Text("incident", "障害")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure(
            "first_page_s",
            Text("First page after the incident starts", "障害の開始から最初の呼び出しまで"),
            "s",
            Text(
                "Empty when no page fired (or there was no incident).",
                "呼び出しがなかった（または障害がなかった）ときは値がありません。",
            ),
        ),
        Measure(
            "first_ticket_s",
            Text("First ticket after the incident starts", "障害の開始から最初のチケットまで"),
            "s",
            Text("Empty when no ticket was opened.", "チケットが起票されなかったときは値がありません。"),
        ),
        Measure(
            "alert_reset_s",
            Text("Alerts quiet after the incident ends", "障害の終了からアラートが止むまで"),
            "s",
            Text(
                "Time from the end of the incident until no page and no ticket is firing; empty if they still fire when the run ends.",
                "障害が終わってから、呼び出しもチケットも発火していない状態になるまでの時間です。終了時点でまだ発火していれば値がありません。",
            ),
        ),
        Measure(
            "page_reset_s",
            Text("Page quiet after the incident ends", "障害の終了から呼び出しが止むまで"),
            "s",
            Text(
                "The short windows bound it: about 5 or 30 minutes with the Workbook's rules.",
                "短い期間がこの時間の上限を決めます。Workbook のルールならおよそ 5 分か 30 分です。",
            ),
        ),
        Measure(
            "ticket_reset_s",
            Text("Ticket quiet after the incident ends", "障害の終了からチケットのアラートが止むまで"),
            "s",
        ),
        Measure(
            "budget_consumed",
            Text("Share of the period's budget used", "期間のバジェットの消費割合"),
            help=Text(
                "Errors from the start of the run / (requests the whole period is expected to have × (1 − SLO)); above 1 means overspent.",
                "シミュレーション開始からのエラー数 ÷（期間全体で見込まれるリクエスト数 ×（1 − SLO））です。1 を超えたら使い過ぎです。",
            ),
        ),
        Measure(
            "budget_at_first_page",
            Text("Share of the budget used at the first page", "最初の呼び出しの時点でのバジェット消費割合"),
            help=Text(
                "For a constant error rate, burn-rate threshold × long window ÷ period: 2 % for 14.4x over 1 h of 30 days.",
                "エラー率が一定なら、バーンレートの閾値 × 長い期間 ÷ SLO の期間です。30 日で 1 時間・14.4 倍なら 2 % です。",
            ),
        ),
        Measure(
            "budget_at_first_ticket",
            Text("Share of the budget used at the first ticket", "最初のチケットの時点でのバジェット消費割合"),
            help=Text("10 % for 1x over 3 of 30 days.", "30 日のうち 3 日で 1 倍なら 10 % です。"),
        ),
        Measure(
            "budget_minutes", Text("Error budget as full-outage minutes", "全面停止に換算したエラーバジェット"), "min"
        ),
        Measure(
            "budget_exhausted_h",
            Text("Budget used up at", "バジェットを使い切った時刻"),
            "h",
            Text(
                "Empty when budget remains at the end of the run.", "終了時点でバジェットが残っていれば値がありません。"
            ),
        ),
        Measure("alerts_fired", Text("Alerts fired (pages and tickets)", "発火したアラートの数（呼び出しとチケット）")),
        Measure("pages_fired", Text("Pages fired", "呼び出しの回数")),
        Measure("tickets_fired", Text("Tickets opened", "起票したチケットの数")),
        Measure("page_hours", Text("Time with a page firing", "呼び出しが発火していた時間"), "h"),
        Measure("requests", Text("Requests", "リクエスト数"), "req"),
        Measure("errors", Text("Failed requests", "失敗したリクエスト数"), "req"),
        Measure("error_ratio", Text("Error ratio over the run", "全体のエラー率")),
    ),
    source=Text(
        "The SRE Workbook's multiwindow, multi-burn-rate alerts and their detection times and budget shares (Beyer et al., 2018, ch. 5 'Alerting on SLOs')",
        "SRE Workbook のマルチウィンドウ・マルチバーンレートアラートと、その検知時間・バジェット消費割合（Beyer ほか、2018 年、5 章「Alerting on SLOs」）",
    ),
    topology=Topology(
        nodes=(
            Node("service", Text("Service", "サービス"), 0.1, 0.5),
            Node("monitoring", Text("Monitoring (rules)", "監視（ルール評価）"), 0.36, 0.5),
            Node("alertmanager", Text("Alertmanager", "Alertmanager"), 0.62, 0.5),
            Node("oncall", Text("On-call (page)", "オンコール（呼び出し）"), 0.9, 0.25),
            Node("tickets", Text("Ticket queue", "チケットキュー"), 0.9, 0.75),
        ),
        links=(
            ("service", "monitoring"),
            ("monitoring", "alertmanager"),
            ("alertmanager", "oncall"),
            ("alertmanager", "tickets"),
        ),
    ),
    presets=(
        Preset(
            "outage-1h",
            Text("100 % outage for 1 hour: the fast page in ~52 s", "1 時間の全面停止：約 52 秒で速い呼び出し"),
            _preset(
                incident_error_rate=1.0,
                incident_start_h=1.0,
                incident_duration_h=1.0,
                eval_interval_s=2.0,
                duration_h=9.0,
            ),
        ),
        Preset(
            "burn-8x-12h",
            Text("8x for 12 hours: the 6-hour page", "12 時間にわたり 8 倍：6 時間のルールで呼び出し"),
            _preset(incident_error_rate=0.008, incident_start_h=2.0, incident_duration_h=12.0, duration_h=24.0),
        ),
        Preset(
            "slow-burn-2x-3d",
            Text(
                "Slow burn, 2x for 3 days: a ticket, no page",
                "3 日にわたり 2 倍のゆっくりした消費：呼び出しなしでチケット",
            ),
            _preset(incident_error_rate=0.002, incident_start_h=6.0, incident_duration_h=72.0, duration_h=84.0),
        ),
        Preset(
            "single-window-slow-reset",
            Text(
                "Single 1-hour window: pages for most of an hour after a 9-minute incident",
                "1 時間のシングルウィンドウ：9 分の障害のあと 1 時間近く呼び出し続ける",
            ),
            _preset(
                incident_error_rate=0.2,
                incident_start_h=0.5,
                incident_duration_h=0.15,
                alerting="single_window",
                eval_interval_s=30.0,
                duration_h=3.0,
            ),
        ),
        Preset(
            "single-window-flapping",
            Text("Single 15-minute window at 1x: pages on noise", "15 分・1 倍のシングルウィンドウ：揺らぎで呼び出す"),
            _preset(
                request_rate=4.0,
                baseline_error_rate=0.0005,
                incident_duration_h=0.0,
                alerting="single_window",
                single_window_h=0.25,
                single_window_burn_threshold=1.0,
                duration_h=24.0,
            ),
        ),
        Preset(
            "baseline-only",
            Text("Baseline only: no alert", "平常時のみ：アラートなし"),
            _preset(request_rate=4.0, baseline_error_rate=0.0005, incident_duration_h=0.0, duration_h=24.0),
        ),
    ),  # fmt: skip
)
