"""percentiles against the distributions' analytic quantiles and the theory of sample quantiles.

References: the closed-form quantiles, means and shares above the mean of the
lognormal (median x exp(sigma z_p), median x exp(sigma^2 / 2), 1 - Phi(sigma / 2))
and Pareto (x_m (1 - p)^(-1/alpha), alpha x_m / (alpha - 1)) distributions; the
asymptotic standard error of a sample quantile, sqrt(p (1 - p) / n) / f(x_p),
and the exact distribution of an order statistic, F(X_(k:n)) ~ Beta(k, n - k + 1),
for what a window's p99 is (H. A. David and H. N. Nagaraja, Order Statistics,
3rd ed., Wiley, 2003); Jeffrey Dean and Luiz Andre
Barroso, "The Tail at Scale", CACM 56(2), 2013, and Gil Tene, "How NOT to
Measure Latency" (2015), on why percentiles of windows cannot be averaged; the
catalog page's worked example (980 requests at 20 ms and 20 at 2 s).

Tolerances are 4 standard errors unless a comment says otherwise.
"""

import math
from statistics import NormalDist

import numpy as np
import pytest

from workers.sim.engine import play
from workers.sim.scenarios.percentiles import SCENARIO, Latency, RunningOrder, nearest_rank

N = NormalDist()
BASE = {"median_ms": 20.0, "requests": 200000, "request_rate": 100.0, "window_s": 10.0}


def run(seed=1, **params):
    playback = play(SCENARIO, {**BASE, **params}, seed)
    frames = list(playback)
    return frames, playback.result


# The distributions, written out here independently of the module.
def lognormal(median, sigma):
    return {
        "quantile": lambda p: median * math.exp(sigma * N.inv_cdf(p)),
        "upper_quantile": lambda q: median * math.exp(-sigma * N.inv_cdf(q)),  # Q(1 - q), exact for tiny q
        "pdf": lambda x: N.pdf(math.log(x / median) / sigma) / (sigma * x),
        "mean": median * math.exp(sigma**2 / 2),
        "sd": median * math.exp(sigma**2 / 2) * math.sqrt(math.exp(sigma**2) - 1),
        "share_above_mean": 1 - N.cdf(sigma / 2),
    }


def pareto(median, xi):
    alpha = 1 / xi
    x_m = median / 2**xi  # so that x_m x 2^(1/alpha) is the median
    mean = alpha * x_m / (alpha - 1) if alpha > 1 else math.inf
    return {
        "quantile": lambda p: x_m * (1 - p) ** (-xi),
        "upper_quantile": lambda q: x_m * q ** (-xi),
        "pdf": lambda x: alpha * x_m**alpha / x ** (alpha + 1),
        "mean": mean,
        "sd": x_m * math.sqrt(alpha / ((alpha - 1) ** 2 * (alpha - 2))) if alpha > 2 else math.inf,
        "share_above_mean": (x_m / mean) ** alpha,
    }


def bimodal(median, share):
    """Two lognormals (sigma 0.25), medians a and 10a, scaled so the mixture's median is `median`."""

    def cdf_unit(x):
        z = math.log(x) / 0.25
        return (1 - share) * N.cdf(z) + share * N.cdf(z - math.log(10) / 0.25)

    def solve(cdf, p):
        lo, hi = 1e-6, 1e6
        for _ in range(200):
            mid = math.sqrt(lo * hi)
            lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
        return math.sqrt(lo * hi)

    a = median / solve(cdf_unit, 0.5)
    m1 = a * math.exp(0.25**2 / 2) * (1 - share + 10 * share)
    m2 = a * a * math.exp(2 * 0.25**2) * (1 - share + 100 * share)
    # The upper quantiles, tabulated: P(X > x) on a fine grid of ln x, inverted by interpolation.
    grid = np.linspace(math.log(a) - 3, math.log(10 * a) + 3, 20000)
    survival = np.array([1 - cdf_unit(math.exp(v) / a) for v in grid])
    keep = survival > 0
    log_q, log_x = np.log(survival[keep])[::-1], grid[keep][::-1]
    return {
        "quantile": lambda p: a * solve(cdf_unit, p),
        "upper_quantile": lambda q: math.exp(np.interp(math.log(q), log_q, log_x)),
        "pdf": lambda x: (
            ((1 - share) * N.pdf(math.log(x / a) / 0.25) + share * N.pdf(math.log(x / a / 10) / 0.25)) / (0.25 * x)
        ),
        "mean": m1,
        "sd": math.sqrt(m2 - m1 * m1),
        "share_above_mean": 1 - cdf_unit(m1 / a),
    }


def window_p99_moments(dist, requests, windows):
    """Raw moments E[X^0..4] of one window's nearest-rank p99 when `requests` fall uniformly into `windows`.

    A window holds n ~ Binomial(requests, 1 / windows) requests; its p99 is the order
    statistic X_(k:n), k = ceil(0.99 n), and F(X_(k:n)) ~ Beta(k, n - k + 1). With q the
    upper tail probability, E[X_(k:n)^j] = integral of Q(1 - q)^j x Beta density dq,
    taken on q = exp(-s), s in [0, 32] (down to q = 1e-14).
    """
    s = np.linspace(0, 32, 8001)
    q = np.exp(-s)[1:]  # q = 1 has Q = 0 weight for every k >= 1
    ds = s[1] - s[0]
    x = np.array([dist["upper_quantile"](v) for v in q])
    powers = np.vstack([x**j for j in range(5)])
    log_q, log_1mq = np.log(q), np.log1p(-q)
    mean_n = requests / windows
    lo, hi = max(1, int(mean_n - 8 * math.sqrt(mean_n))), int(mean_n + 8 * math.sqrt(mean_n)) + 1
    raw = np.zeros(5)
    mass = 0.0
    for n in range(lo, hi):
        p_n = math.exp(
            math.lgamma(requests + 1) - math.lgamma(n + 1) - math.lgamma(requests - n + 1)
            + n * math.log(1 / windows) + (requests - n) * math.log1p(-1 / windows)
        )  # fmt: skip
        k = max(1, math.ceil(0.99 * n - 1e-9))
        log_beta = math.lgamma(n + 1) - math.lgamma(k) - math.lgamma(n - k + 1)
        weight = np.exp(log_beta + (k - 1) * log_1mq + (n - k) * log_q) * q * ds  # density x |dq/ds|
        raw += p_n * (powers @ weight)
        mass += p_n
    return raw / mass


def mean_and_sd(raw):
    return raw[1], math.sqrt(raw[2] - raw[1] ** 2)


def sd_standard_error(raw, count):
    """Standard error of a sample sd over `count` values: Var(s^2) = (mu4 - sigma^4) / count, delta method."""
    m = raw[1]
    var = raw[2] - m * m
    mu4 = raw[4] - 4 * m * raw[3] + 6 * m * m * raw[2] - 3 * m**4
    return math.sqrt((mu4 - var * var) / count) / (2 * math.sqrt(var))


def test_the_catalog_example_mean_against_percentiles():
    # 980 requests at 20 ms and 20 at 2,000 ms: mean 59.6 ms, which no request had.
    values = np.sort(np.array([20.0] * 980 + [2000.0] * 20))
    assert values.mean() == pytest.approx(59.6)
    assert nearest_rank(values, 0.5) == 20 and nearest_rank(values, 0.99) == 2000
    assert nearest_rank(values, 0.98) == 20  # the 980th value: exactly 98 % at or below it
    assert nearest_rank(np.arange(1.0, 51.0), 0.99) == 50  # the p99 of 50 values is their maximum


@pytest.mark.parametrize(
    ("kind", "tail", "reference"),
    [
        ("lognormal", 1.0, lognormal(20, 1.0)),
        ("lognormal", 0.4, lognormal(20, 0.4)),
        ("pareto", 0.25, pareto(20, 0.25)),
        ("pareto", 0.8, pareto(20, 0.8)),
        ("bimodal", 0.02, bimodal(20, 0.02)),
        ("bimodal", 0.3, bimodal(20, 0.3)),
    ],
)
def test_the_analytic_quantities_match_their_closed_forms(kind, tail, reference):
    dist = Latency(kind, 20.0, tail)
    for p in (0.5, 0.9, 0.95, 0.99, 0.999):
        assert dist.quantile(p) == pytest.approx(reference["quantile"](p), rel=1e-7)
        assert dist.cdf(dist.quantile(p)) == pytest.approx(p, abs=1e-9)
        assert dist.pdf(dist.quantile(p)) == pytest.approx(reference["pdf"](reference["quantile"](p)), rel=1e-6)
    assert dist.quantile(0.5) == pytest.approx(20.0, rel=1e-9)
    assert dist.mean() == pytest.approx(reference["mean"], rel=1e-9)
    assert dist.share_above_mean() == pytest.approx(reference["share_above_mean"], rel=1e-7)


def test_a_pareto_tail_of_index_one_or_more_has_no_mean():
    _frames, result = run(distribution="pareto", tail_weight=1.0, requests=1000)
    assert math.isinf(Latency("pareto", 20.0, 1.0).mean())
    assert result["analytic_mean_ms"] is None


@pytest.mark.parametrize(
    ("kind", "tail", "reference"),
    [
        ("lognormal", 1.0, lognormal(20, 1.0)),
        ("pareto", 0.8, pareto(20, 0.8)),
        ("bimodal", 0.02, bimodal(20, 0.02)),
    ],
)
def test_the_pooled_percentiles_match_the_distribution_within_their_standard_error(kind, tail, reference):
    # A sample quantile of n values is asymptotically normal with sd sqrt(p(1 - p) / n) / f(x_p).
    # n = 200,000: e.g. the lognormal's p99.9 has sd 9.3 ms around 440 ms.
    _frames, result = run(distribution=kind, tail_weight=tail)
    n = BASE["requests"]
    for key, p in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99), ("p999_ms", 0.999)):
        x = reference["quantile"](p)
        se = math.sqrt(p * (1 - p) / n) / reference["pdf"](x)
        assert result[key] == pytest.approx(x, abs=4 * se), key
    x99 = reference["quantile"](0.99)
    assert result["p99_std_error_ms"] == pytest.approx(math.sqrt(0.99 * 0.01 / n) / reference["pdf"](x99), rel=1e-3)
    assert result["analytic_p99_ms"] == pytest.approx(x99, rel=1e-6)


@pytest.mark.parametrize(
    ("kind", "tail", "reference"),
    [
        ("lognormal", 1.0, lognormal(20, 1.0)),
        ("pareto", 0.25, pareto(20, 0.25)),  # alpha = 4: finite variance, so the mean obeys the CLT
        ("bimodal", 0.02, bimodal(20, 0.02)),
    ],
)
def test_the_mean_and_the_share_above_it_match_the_distribution(kind, tail, reference):
    _frames, result = run(distribution=kind, tail_weight=tail)
    n = BASE["requests"]
    se_mean = reference["sd"] / math.sqrt(n)
    assert result["mean_ms"] == pytest.approx(reference["mean"], abs=4 * se_mean)
    # The share above the sample mean moves with the share's own binomial error and with the
    # sample mean's error times the density there; their sds add at most linearly.
    share = reference["share_above_mean"]
    se_share = math.sqrt(share * (1 - share) / n) + reference["pdf"](reference["mean"]) * se_mean
    assert result["share_above_mean"] == pytest.approx(share, abs=4 * se_share)
    assert result["share_above_mean"] < 0.5  # right-skewed: most requests are faster than the mean


def test_a_pareto_tail_puts_the_mean_far_above_the_median_while_the_median_stays_put():
    _frames, result = run(**SCENARIO.preset("pareto-heavy-tail").values)
    reference = pareto(10, 0.8)
    # alpha = 1.25: mean / median = alpha / (alpha - 1) / 2^0.8 = 2.87.
    assert reference["mean"] / 10 == pytest.approx(2.872, abs=1e-3)
    assert result["analytic_mean_ms"] == pytest.approx(reference["mean"], abs=1e-4)  # rounded to 4 places
    se_median = math.sqrt(0.25 / 200000) / reference["pdf"](10)
    assert result["p50_ms"] == pytest.approx(10, abs=4 * se_median)
    # The share above the mean, (x_m / mean)^alpha = 0.134, whatever the (unstable) sample mean does
    # within a factor of 2 of its true value.
    assert reference["share_above_mean"] == pytest.approx(0.1337, abs=1e-4)
    assert 0.05 < result["share_above_mean"] < 0.25


@pytest.mark.parametrize(
    ("kind", "tail", "requests", "rate", "reference"),
    [
        ("lognormal", 1.0, 40000, 5.0, lognormal(20, 1.0)),  # 800 windows of ~50
        ("bimodal", 0.02, 40000, 5.0, bimodal(20, 0.02)),  # 800 windows of ~50
        ("lognormal", 1.0, 200000, 100.0, lognormal(20, 1.0)),  # 200 windows of ~1000
    ],
)
def test_the_average_of_window_p99s_is_the_mean_of_an_order_statistic_not_the_p99(
    kind, tail, requests, rate, reference
):
    _frames, result = run(distribution=kind, tail_weight=tail, requests=requests, request_rate=rate)
    windows = int(requests / rate / BASE["window_s"])
    raw = window_p99_moments(reference, requests, windows)
    expected, sd = mean_and_sd(raw)
    # Windows are (all but) independent, so the average of W window p99s has sd sd / sqrt(W).
    assert result["windows"] == windows
    assert result["averaged_window_p99_ms"] == pytest.approx(expected, abs=4 * sd / math.sqrt(windows))
    true_p99 = reference["quantile"](0.99)
    assert result["p99_ms"] == pytest.approx(
        true_p99, abs=4 * math.sqrt(0.99 * 0.01 / requests) / reference["pdf"](true_p99)
    )
    # The spread of the window p99s is the order statistic's sd, up to the sample sd's own error.
    se_sd = sd_standard_error(raw, windows)
    assert result["window_p99_sd_ms"] == pytest.approx(sd, abs=4 * se_sd)
    if requests / windows <= 100:
        # A window's p99 is its maximum: its spread dwarfs the pooled p99's standard error.
        assert sd > 10 * result["p99_std_error_ms"]
        assert result["max_window_p99_ms"] == result["max_ms"]


def test_averaging_small_windows_hides_two_percent_of_slow_requests():
    # Bimodal with 2 % slow requests: the true p99 is the slow mode's median (10x the fast
    # one). A window of ~50 requests has no slow request at all with probability 0.98^50 =
    # 36 %, and then its p99 is a fast request: the averaged p99 comes out about a quarter low.
    reference = bimodal(5, 0.02)
    _frames, result = run(**SCENARIO.preset("small-windows-bimodal").values)
    expected, sd = mean_and_sd(window_p99_moments(reference, 20000, 400))
    true_p99 = reference["quantile"](0.99)
    assert expected < 0.8 * true_p99
    assert result["averaged_window_p99_ms"] == pytest.approx(expected, abs=4 * sd / math.sqrt(400))
    se_pooled = math.sqrt(0.99 * 0.01 / 20000) / reference["pdf"](true_p99)
    assert result["p99_ms"] == pytest.approx(true_p99, abs=4 * se_pooled)
    assert result["averaged_window_p99_ms"] < result["p99_ms"] - 4 * (sd / math.sqrt(400) + se_pooled)


def test_running_order_statistics_are_exact():
    rng = np.random.default_rng(5)
    samples = rng.lognormal(size=5000)
    order = RunningOrder(samples)
    for upto in (1, 2, 17, 600, 4999, 5000):
        order.advance(upto)
        prefix = np.sort(samples[:upto])
        for p in (0.01, 0.5, 0.99, 0.999, 1.0):
            assert order.quantile(p) == nearest_rank(prefix, p)
        mean = float(prefix.mean())
        assert order.count_above(mean) == int(np.sum(prefix > mean))


def test_frames_follow_the_run_and_end_at_the_result():
    frames, result = run(**SCENARIO.preset("small-windows").values)
    charted = {s.name for chart in SCENARIO.charts for s in chart.series}
    assert len(frames) <= 400
    assert all(charted <= set(f["series"]) for f in frames)
    last = frames[-1]["series"]
    assert last["p99"] == result["p99_ms"] and last["p999"] == result["p999_ms"]
    assert last["averaged_window_p99"] == pytest.approx(result["averaged_window_p99_ms"], abs=1e-3)
    assert last["max_window_p99"] == result["max_window_p99_ms"]
    assert last["share_above_mean"] == pytest.approx(100 * result["share_above_mean"], abs=1e-3)
    assert frames[-1]["t"] == pytest.approx(20000 / 5.0)
    kinds = [e["kind"] for f in frames for e in f["events"]]
    assert kinds.count("worst-window") == 1 and kinds[-1] == "averaged-p99"
    assert "degraded" in {f["nodes"]["dashboard"] for f in frames}  # 50-request windows stray far


def test_every_preset_runs_and_returns_every_result_key():
    required = {"mean_ms", "p50_ms", "p95_ms", "p99_ms", "p999_ms", "share_above_mean"}
    labelled = {measure.name for measure in SCENARIO.results}
    for preset in SCENARIO.presets:
        assert set(preset.values) == {spec.name for spec in SCENARIO.params}, preset.name
        frames, result = run(**preset.values)
        assert required <= set(result) and set(result) <= labelled, preset.name
        assert 0 < len(frames) <= 400


def test_the_same_seed_gives_the_same_run():
    params = SCENARIO.preset("small-windows").values
    assert run(7, **params) == run(7, **params)
    assert run(7, **params)[1] != run(8, **params)[1]
