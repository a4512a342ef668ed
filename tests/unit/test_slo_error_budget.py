"""slo-error-budget against the SRE Workbook's burn-rate alerting.

Reference: Betsy Beyer, Niall Richard Murphy, David K. Rensin, Kent Kawahara and
Stephen Thorne (eds.), The Site Reliability Workbook (O'Reilly, 2018), ch. 5
"Alerting on SLOs": burn rate = error ratio / (1 - SLO); the multiwindow,
multi-burn-rate table (page at 14.4x over 1 h and 5 min, page at 6x over 6 h and
30 min, ticket at 1x over 3 days and 6 h), whose rows fire after 2 %, 5 % and
10 % of a 30-day budget is spent; detection time W x B x (1 - SLO) / error
rate for a window W and threshold B; reset times bounded by the short window;
and the earlier single-window iterations (slow reset with a long window, alerts
on noise with a short one at burn rate 1).

The expected values below are computed here from those formulas with expected
counts (no baseline errors unless stated, so a window of length W holds
e x min(t, W) / W errors per request t seconds into an incident of rate e).
Alerts are evaluated every dt seconds, so the simulation sees a crossing at
the first evaluation after it: within [t, t + dt]. The counts are Poisson, so
each bound is widened by 4 standard deviations of the crossing time, from
`crossing_sd` below.
"""

import math

import pytest

from workers.sim.engine import play
from workers.sim.scenarios.slo_error_budget import SCENARIO, budget_minutes

DAY = 86400
PERIOD_S = 30 * DAY
# The Workbook's table: (burn-rate threshold, long window, short window), seconds.
FAST_PAGE = (14.4, 3600, 300)
SLOW_PAGE = (6.0, 6 * 3600, 1800)
TICKET = (1.0, 3 * DAY, 6 * 3600)

QUIET = {
    "slo": 0.999,
    "period_days": 30,
    "request_rate": 1000.0,
    "baseline_error_rate": 0.0,
    "incident_error_rate": 0.0,
    "incident_start_h": 1.0,
    "incident_duration_h": 0.0,
    "alerting": "multiwindow",
    "single_window_h": 1.0,
    "single_window_burn_threshold": 14.4,
    "eval_interval_s": 60.0,
    "duration_h": 1.0,
}


def run(seed=1, **params):
    playback = play(SCENARIO, {**QUIET, **params}, seed)
    frames = list(playback)
    return frames, playback.result


def crossing_sd(rate, error_rate, burn, window_s, slo=0.999):
    """Standard deviation of the moment a window's ratio crosses B x (1 - slo).

    At the crossing the window holds N = rate x W requests and B(1 - slo) N errors.
    The error count is Poisson (sd sqrt(B(1 - slo) N)) and so, through the
    denominator, is the threshold (sd B(1 - slo) sqrt(N)); errors enter or leave
    the window at rate x e per second, which turns counts into seconds.
    """
    n = rate * window_s
    threshold = burn * (1 - slo)
    return math.sqrt(threshold * n + threshold**2 * n) / (rate * error_rate)


def assert_at_first_evaluation_after(measured, analytic, dt, sd):
    assert measured is not None
    assert analytic - 4 * sd <= measured <= analytic + dt + 4 * sd, (measured, analytic)


@pytest.mark.parametrize(
    ("slo", "period_days", "minutes"),
    [(0.999, 30, 43.2), (0.99, 30, 432.0), (0.995, 30, 216.0), (0.9999, 30, 4.32), (0.999, 28, 40.32)],
)
def test_the_budget_is_one_minus_the_slo_of_the_period_in_outage_minutes(slo, period_days, minutes):
    # The catalog's table (43,200 minutes in 30 days): exact up to float rounding.
    assert budget_minutes(slo, period_days) == pytest.approx(minutes, rel=1e-9)
    _frames, result = run(slo=slo, period_days=period_days, duration_h=0.1)
    assert result["budget_minutes"] == pytest.approx(minutes, rel=1e-9)


@pytest.mark.parametrize(
    ("error_rate", "rate", "dt", "duration_h"),
    [
        (1.0, 10000.0, 1.0, 1.1),  # a full outage: the Workbook's 51.84 s, seen at the 52 s evaluation
        (0.02, 1000.0, 60.0, 2.0),  # burn 20, the catalog's promtool test: paged after 43.2 min
    ],
)
def test_the_fast_page_fires_when_the_hour_has_spent_two_percent_of_the_budget(error_rate, rate, dt, duration_h):
    burn, long_s, _short_s = FAST_PAGE
    detection = long_s * burn * 0.001 / error_rate  # W x B x (1 - SLO) / e
    _frames, result = run(
        request_rate=rate, incident_error_rate=error_rate, incident_duration_h=1.0, eval_interval_s=dt,
        duration_h=duration_h,
    )  # fmt: skip
    sd = crossing_sd(rate, error_rate, burn, long_s)
    assert_at_first_evaluation_after(result["first_page_s"], detection, dt, sd)
    # Budget spent by then: e x t / (period x (1 - SLO)) = B x W / period = 14.4 h / 720 h = 2 %,
    # plus up to one evaluation interval (and 4 sd) of errors at rate e.
    late = (dt + 4 * sd) * error_rate / (PERIOD_S * 0.001)
    assert burn * long_s / PERIOD_S == pytest.approx(0.02)
    assert 0.02 - late <= result["budget_at_first_page"] <= 0.02 + late


def test_a_six_times_burn_pages_through_the_six_hour_window_after_five_percent():
    # e = 8x: below the fast page's 14.4x, so only the 6 h / 30 min row can fire,
    # after 6 h x 6 / 8 = 4.5 h, when 6 x 6 h / 720 h = 5 % of the budget is gone.
    burn, long_s, _short_s = SLOW_PAGE
    e, rate, dt = 0.008, 100000.0, 60.0
    _frames, result = run(
        request_rate=rate, incident_error_rate=e, incident_duration_h=12.0, eval_interval_s=dt, duration_h=6.0
    )
    detection = long_s * burn * 0.001 / e
    sd = crossing_sd(rate, e, burn, long_s)
    assert detection == pytest.approx(4.5 * 3600)
    assert_at_first_evaluation_after(result["first_page_s"], detection, dt, sd)
    late = (dt + 4 * sd) * e / (PERIOD_S * 0.001)
    assert 0.05 - late <= result["budget_at_first_page"] <= 0.05 + late
    assert result["pages_fired"] == 1


def test_a_slow_burn_opens_a_ticket_after_ten_percent_and_never_pages():
    # e = 2x: the 3-day ratio passes 1x after 3 d / 2 = 36 h, when 1 x 3 d / 30 d = 10 % is spent.
    burn, long_s, _short_s = TICKET
    e, rate, dt = 0.002, 100000.0, 60.0
    _frames, result = run(
        request_rate=rate, incident_error_rate=e, incident_duration_h=40.0, eval_interval_s=dt, duration_h=38.0
    )
    detection = long_s * burn * 0.001 / e
    sd = crossing_sd(rate, e, burn, long_s)
    assert detection == pytest.approx(36 * 3600)
    assert_at_first_evaluation_after(result["first_ticket_s"], detection, dt, sd)
    late = (dt + 4 * sd) * e / (PERIOD_S * 0.001)
    assert 0.10 - late <= result["budget_at_first_ticket"] <= 0.10 + late
    assert result["first_page_s"] is None and result["pages_fired"] == 0


# 20 % of requests fail for 10 minutes: enough for the fast page (the hour reaches
# 3.3 % > 1.44 %) but not the 6-hour row (0.56 % < 0.6 %) nor the ticket (0.05 % < 0.1 %).
SHORT_INCIDENT = dict(incident_error_rate=0.2, incident_duration_h=1 / 6, eval_interval_s=10.0, duration_h=2.5)


def test_after_recovery_the_page_stops_when_the_short_window_clears():
    # s seconds after the end, the 5-minute window holds e x (300 - s) / 300 errors per
    # request; it falls to 14.4 x 0.001 at s = 300 x (1 - 0.0144 / 0.2) = 278.4 s.
    burn, _long_s, short_s = FAST_PAGE
    e, rate, dt = 0.2, 1000.0, 10.0
    _frames, result = run(request_rate=rate, **SHORT_INCIDENT)
    reset = short_s * (1 - burn * 0.001 / e)
    assert_at_first_evaluation_after(result["alert_reset_s"], reset, dt, crossing_sd(rate, e, burn, short_s))
    assert result["alert_reset_s"] == result["page_reset_s"]
    assert result["pages_fired"] == 1 and result["first_ticket_s"] is None


def test_a_single_one_hour_window_keeps_paging_for_most_of_an_hour_after_recovery():
    # Without the short window the page lasts until the incident has nearly left the hour:
    # s = 3600 x (1 - 0.0144 / 0.2) = 3340.8 s, twelve times the multiwindow reset.
    burn, long_s, _short_s = FAST_PAGE
    e, rate, dt = 0.2, 1000.0, 10.0
    _frames, single = run(request_rate=rate, alerting="single_window", **SHORT_INCIDENT)
    _frames, multi = run(request_rate=rate, **SHORT_INCIDENT)
    reset = long_s * (1 - burn * 0.001 / e)
    assert_at_first_evaluation_after(single["alert_reset_s"], reset, dt, crossing_sd(rate, e, burn, long_s))
    assert single["alert_reset_s"] > 10 * multi["alert_reset_s"]
    # Both detect at the same moment: the hour's ratio decides, 3600 x 0.0144 / 0.2 = 259.2 s.
    assert single["first_page_s"] == multi["first_page_s"]


def test_a_short_single_window_at_burn_rate_one_pages_on_noise_that_the_workbook_rules_ignore():
    # 4 req/s failing at 0.05 % (half the budget rate) and no incident. A 15-minute window
    # holds ~3600 requests (sd 60), so it fires once it holds 4 or more errors (4 / 3600 >
    # 0.001 > 3 / 3600); errors in it are Poisson(1.8): P(>= 4) = 0.109 of the time.
    lam = 4 * 900 * 0.0005
    p = 1 - math.exp(-lam) * (1 + lam + lam**2 / 2 + lam**3 / 6)
    noisy = dict(
        request_rate=4.0, baseline_error_rate=0.0005, alerting="single_window", single_window_h=0.25,
        single_window_burn_threshold=1.0, duration_h=720.0,
    )  # fmt: skip
    _frames, single = run(**noisy)
    share = single["page_hours"] / 720
    # Overlapping windows are correlated for one window length, so 720 h holds about
    # 720 x 4 = 2880 independent looks: sd = sqrt(p(1 - p) / 2880) = 0.0058; 4 sd = 0.023.
    assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 2880))
    assert single["alerts_fired"] > 100
    # The Workbook's rules on the same traffic: the 3-day ratio would have to double (its
    # ~520 errors sit 20 sd below the 1,037 needed) and the hour would need 207 errors, not 7.
    _frames, multi = run(**{**noisy, "alerting": "multiwindow", "duration_h": 72.0})
    assert multi["alerts_fired"] == 0


def test_budget_consumed_is_errors_over_the_whole_periods_allowance():
    # Defaults: 100 req/s at 0.02 %, 2 h of 2 % errors in a 12 h run. Expected errors
    # 100 x (0.0002 x 36000 + 0.02 x 7200) = 15,120 of an allowance of 100 x 30 d x 0.001
    # = 259,200: 0.0583. The error count is Poisson: sd sqrt(15120) / 259200 = 0.00047.
    frames, result = run(**SCENARIO.defaults())
    allowance = 100 * PERIOD_S * 0.001
    assert result["budget_consumed"] == pytest.approx(result["errors"] / allowance, abs=1e-6)
    assert result["budget_consumed"] == pytest.approx(15120 / allowance, abs=4 * math.sqrt(15120) / allowance)
    assert frames[-1]["series"]["budget_remaining"] == pytest.approx(100 * (1 - result["budget_consumed"]), abs=1e-3)


def test_an_hour_of_full_outage_overspends_a_43_minute_budget():
    _frames, result = run(**SCENARIO.preset("outage-1h").values)
    # 60 min of outage plus 8 h at 0.02 % against 43.2 min: (60 + 0.0002 x 480) / 43.2 = 1.391,
    # sd sqrt(100 x 3605.8) / 259200 = 0.0023.
    assert result["budget_consumed"] == pytest.approx((60 + 0.0002 * 480) / 43.2, abs=0.01)
    assert result["budget_exhausted_h"] is not None and 1.0 < result["budget_exhausted_h"] < 2.0
    # Fast page at 3600 x (0.0144 - 0.0002) / (1 - 0.0002) = 51.1 s, seen at the 52 s evaluation
    # (sd of the crossing 0.7 s at 100 req/s).
    assert result["first_page_s"] == pytest.approx(52, abs=4)
    # The ticket's 6-hour short window still holds the outage: it clears about 6 h after the end.
    assert result["page_reset_s"] < 1800 < 5 * 3600 < result["ticket_reset_s"] == result["alert_reset_s"]


def test_each_preset_shows_its_case():
    results = {p.name: play(SCENARIO, p.values, 1) for p in SCENARIO.presets}
    for playback in results.values():
        list(playback)
    r = {name: playback.result for name, playback in results.items()}
    # 8x: the 6-hour row pages at 6 h x (0.006 - 0.0002) / (0.008 - 0.0002) = 4.46 h; the 1-hour row never.
    assert r["burn-8x-12h"]["first_page_s"] == pytest.approx(16062, abs=600)
    # 2x for 3 days: ticket after 72 h x (0.001 - 0.0002) / (0.002 - 0.0002) = 32 h; no page.
    assert r["slow-burn-2x-3d"]["first_ticket_s"] == pytest.approx(32 * 3600, abs=3 * 3600)
    assert r["slow-burn-2x-3d"]["pages_fired"] == 0
    assert r["single-window-slow-reset"]["page_reset_s"] > 45 * 60
    assert r["single-window-flapping"]["alerts_fired"] > 5
    assert r["baseline-only"]["alerts_fired"] == 0


def test_every_preset_runs_and_returns_every_result_key():
    required = {"budget_minutes", "budget_consumed", "first_page_s", "first_ticket_s", "alert_reset_s", "alerts_fired"}
    labelled = {measure.name for measure in SCENARIO.results}
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        frames, result = run(**preset.values)
        assert required <= set(result) and set(result) <= labelled, preset.name
        assert 0 < len(frames) <= 400


def test_frames_carry_every_series_and_show_the_alerts_the_events_announce():
    frames, result = run(**SCENARIO.preset("outage-1h").values)
    charted = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert len(frames) <= 400
    assert all(charted <= set(f["series"]) for f in frames)
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds.count("page-fired") == result["pages_fired"] == 1
    assert kinds.count("ticket-fired") == result["tickets_fired"] == 1
    assert {"incident-start", "incident-end", "page-resolved", "ticket-resolved"} <= set(kinds)
    fired_at = next(f for f in frames if any(e["kind"] == "page-fired" for e in f["events"]))
    assert fired_at["series"]["page"] == 1 and fired_at["nodes"]["oncall"] == "busy"
    assert {"ok", "down"} <= {f["nodes"]["service"] for f in frames}
    # The hour-long incident overlaps 3600 / width frames, plus up to one partial frame at each end.
    width = frames[1]["t"] - frames[0]["t"]
    assert 3600 / width <= sum(f["series"]["incident"] for f in frames) <= 3600 / width + 2


def test_a_flapping_alert_does_not_flood_the_event_log():
    frames, result = run(**SCENARIO.preset("single-window-flapping").values)
    events = [e for f in frames for e in f["events"]]
    assert result["alerts_fired"] > 12
    assert len(events) <= 25 and events[-1]["kind"] == "more-alerts"


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("burn-8x-12h").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
