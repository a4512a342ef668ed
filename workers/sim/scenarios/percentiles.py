# ruff: noqa: E501 - Japanese text counts double toward the line length
"""percentiles: latencies with a tail, their percentiles, and what averaging per-window percentiles does.

`requests` requests arrive at `request_rate` per second, so the run lasts
D = requests / request_rate seconds, cut into reporting windows of `window_s`
(a dashboard's points; the last one may be shorter). Arrivals are a Poisson
process given its count: each request falls in a window with probability
proportional to the window's length, so the counts per window are multinomial.
Each request's latency is drawn independently from the chosen distribution,
whose median is `median_ms` and whose tail grows with `tail_weight`:

- lognormal: ln(latency) is normal with mean ln(median) and sd sigma = tail_weight.
  Quantile median x exp(sigma z_p), mean median x exp(sigma^2 / 2), share
  above the mean 1 - Phi(sigma / 2).
- bimodal: a share s = tail_weight (values above 1 count as 1) of slow requests,
  as from cache misses: a mixture of two narrow lognormals (sigma 0.25) whose
  medians are a and 10a, a chosen so that the mixture's median is `median_ms`.
  Its quantiles are found by bisection on the mixture's distribution function.
- pareto: Pareto with tail index xi = tail_weight, i.e. shape alpha = 1 / xi:
  P(X > x) = (x_m / x)^alpha for x >= x_m, x_m = median / 2^xi. Quantile
  x_m (1 - p)^(-xi); mean alpha x_m / (alpha - 1), finite only for xi < 1, and
  the sample mean obeys the central limit theorem only for xi < 0.5.

Percentiles are nearest-rank, as on the catalog page: the p-quantile of n
values is the ceil(p n)-th smallest, so the p99 of 100 values or fewer is their
maximum. The pooled percentiles (p50_ms ... p999_ms) are over every request;
each window also gets its own p99. averaged_window_p99_ms is the mean of the
window p99s, what a dashboard gets by averaging its points: not the p99 of
anything, and for small windows biased by the order statistic it really is.
max_window_p99_ms is the worst point. The analytic values of the distribution
and the asymptotic standard error of the pooled p99, sqrt(p (1 - p) / n) /
f(x_p), are reported beside them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist
from typing import Any

import numpy as np

from ..engine import Chart, Measure, Node, Scenario, Series, Topology
from ..frames import Event, Frame, Result, Text
from ..params import Choice, Param, Preset

MAX_FRAMES = 400
NORMAL = NormalDist()
# Bimodal: the slow mode's median is this many times the fast mode's, each mode this narrow.
SLOW_FACTOR = 10.0
MODE_SIGMA = 0.25
# Mean jumps (relative, within one frame) worth an event, and how many to list at most.
MEAN_JUMP = 0.1
MAX_JUMP_EVENTS = 5


def nearest_rank(sorted_values: np.ndarray, p: float) -> float:
    """The ceil(p n)-th smallest of n sorted values: the smallest with at least p of them at or below it."""
    n = len(sorted_values)
    return float(sorted_values[max(0, math.ceil(p * n - 1e-9) - 1)])


@dataclass(frozen=True)
class Latency:
    """A latency distribution by kind, median and tail weight, with its analytic quantities."""

    kind: str
    median_ms: float
    tail_weight: float

    @property
    def share_slow(self) -> float:
        return min(1.0, self.tail_weight)

    @property
    def alpha(self) -> float:
        return 1.0 / self.tail_weight

    @property
    def x_min(self) -> float:
        """Pareto's scale x_m: the median is x_m x 2^xi."""
        return self.median_ms / 2.0**self.tail_weight

    @cached_property
    def fast_median(self) -> float:
        """Bimodal: the fast mode's median a, so that the mixture's median is median_ms."""
        unit = Latency(self.kind, 1.0, self.tail_weight)
        return self.median_ms / _bisect_quantile(unit._mixture_cdf_unit, 0.5)

    def _mixture_cdf_unit(self, x: float) -> float:
        """Bimodal distribution function for a fast-mode median of 1."""
        if x <= 0:
            return 0.0
        s = self.share_slow
        z = math.log(x) / MODE_SIGMA
        return (1 - s) * NORMAL.cdf(z) + s * NORMAL.cdf(z - math.log(SLOW_FACTOR) / MODE_SIGMA)

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        if self.kind == "lognormal":
            return NORMAL.cdf(math.log(x / self.median_ms) / self.tail_weight)
        if self.kind == "pareto":
            return 0.0 if x < self.x_min else 1.0 - (self.x_min / x) ** self.alpha
        return self._mixture_cdf_unit(x / self.fast_median)

    def pdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        if self.kind == "lognormal":
            sigma = self.tail_weight
            return NORMAL.pdf(math.log(x / self.median_ms) / sigma) / (sigma * x)
        if self.kind == "pareto":
            return 0.0 if x < self.x_min else self.alpha * self.x_min**self.alpha / x ** (self.alpha + 1)
        a, s = self.fast_median, self.share_slow
        z = math.log(x / a) / MODE_SIGMA
        slow = z - math.log(SLOW_FACTOR) / MODE_SIGMA
        return ((1 - s) * NORMAL.pdf(z) + s * NORMAL.pdf(slow)) / (MODE_SIGMA * x)

    def quantile(self, p: float) -> float:
        if self.kind == "lognormal":
            return self.median_ms * math.exp(self.tail_weight * NORMAL.inv_cdf(p))
        if self.kind == "pareto":
            return self.x_min * (1.0 - p) ** (-self.tail_weight)
        return self.fast_median * _bisect_quantile(self._mixture_cdf_unit, p)

    def mean(self) -> float:
        """The distribution's mean; infinite for a Pareto tail with xi >= 1."""
        if self.kind == "lognormal":
            return self.median_ms * math.exp(self.tail_weight**2 / 2)
        if self.kind == "pareto":
            return math.inf if self.alpha <= 1 else self.alpha * self.x_min / (self.alpha - 1)
        s = self.share_slow
        return self.fast_median * math.exp(MODE_SIGMA**2 / 2) * ((1 - s) + s * SLOW_FACTOR)

    def share_above_mean(self) -> float:
        mean = self.mean()
        return 0.0 if math.isinf(mean) else 1.0 - self.cdf(mean)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.kind == "lognormal":
            return self.median_ms * np.exp(self.tail_weight * rng.standard_normal(n))
        if self.kind == "pareto":
            return self.x_min * (1.0 - rng.random(n)) ** (-self.tail_weight)  # 1 - U lies in (0, 1]
        slow = rng.random(n) < self.share_slow
        return self.fast_median * np.where(slow, SLOW_FACTOR, 1.0) * np.exp(MODE_SIGMA * rng.standard_normal(n))


def _bisect_quantile(cdf, p: float) -> float:
    """x with cdf(x) = p, by bisection on ln x (a scale family needs no better start)."""
    lo, hi = -50.0, 50.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if cdf(math.exp(mid)) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return math.exp((lo + hi) / 2)


def window_p99s(
    samples: np.ndarray, window_of: np.ndarray, windows: int, by_value: np.ndarray | None = None
) -> np.ndarray:
    """The nearest-rank p99 of each window's samples (NaN for a window without requests).

    `by_value` is argsort(samples) when the caller already has it.
    """
    counts = np.bincount(window_of, minlength=windows)
    by_value = np.argsort(samples) if by_value is None else by_value
    # A stable sort by window of the samples in value order leaves each window's samples sorted.
    ordered = samples[by_value[np.argsort(window_of[by_value], kind="stable")]]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.maximum(1, np.ceil(0.99 * counts - 1e-9).astype(np.int64))
    values = ordered[np.minimum(starts + rank - 1, len(ordered) - 1)]
    return np.where(counts > 0, values, np.nan)


class RunningOrder:
    """Exact order statistics of the first m arrivals, for m growing frame by frame.

    Every sample's rank in the whole run is known up front; the ranks are cut into
    blocks of about sqrt(n) and each frame adds its arrivals to the block counts, so
    a query scans one block's counts and then one block: O(sqrt(n)), not O(n).
    """

    def __init__(self, samples: np.ndarray) -> None:
        self.order = np.argsort(samples, kind="stable")  # rank -> arrival index
        self.sorted = samples[self.order]
        self.rank = np.empty(len(samples), dtype=np.int64)
        self.rank[self.order] = np.arange(len(samples))
        self.block = max(1, math.isqrt(len(samples)))
        self.counts = np.zeros(len(samples) // self.block + 1, dtype=np.int64)
        self.cumulative = np.cumsum(self.counts)
        self.seen = 0

    def advance(self, upto: int) -> None:
        """Take in arrivals seen..upto-1."""
        added = np.bincount(self.rank[self.seen : upto] // self.block, minlength=len(self.counts))
        self.counts += added
        self.cumulative = np.cumsum(self.counts)
        self.seen = upto

    def kth(self, k: int) -> float:
        """The k-th smallest (1-based) of the arrivals taken in."""
        b = int(np.searchsorted(self.cumulative, k))
        before = int(self.cumulative[b - 1]) if b else 0
        start = b * self.block
        inside = np.flatnonzero(self.order[start : start + self.block] < self.seen)
        return float(self.sorted[start + inside[k - before - 1]])

    def quantile(self, p: float) -> float:
        """Nearest-rank quantile of the arrivals taken in."""
        return self.kth(max(1, math.ceil(p * self.seen - 1e-9)))

    def count_above(self, x: float) -> int:
        at_most = int(np.searchsorted(self.sorted, x, side="right"))  # in the whole run
        b = at_most // self.block
        below = int(self.cumulative[b - 1]) if b else 0
        below += int(np.count_nonzero(self.order[b * self.block : at_most] < self.seen))
        return self.seen - below


def _ms(x: float) -> str:
    return f"{x:,.3g}" if x < 1000 else f"{x:,.0f}"


def run(params: dict[str, Any], seed: int) -> Iterator[Frame | Result]:
    rng = np.random.default_rng(seed)
    dist = Latency(params["distribution"], float(params["median_ms"]), float(params["tail_weight"]))
    n = int(params["requests"])
    window_s = float(params["window_s"])
    duration = n / float(params["request_rate"])
    windows = max(1, math.ceil(duration / window_s - 1e-9))
    # A Poisson process given its count: arrival times are uniform order statistics.
    arrivals = np.sort(rng.uniform(0.0, duration, n))
    window_of = np.minimum((arrivals / window_s).astype(np.int64), windows - 1)
    counts = np.bincount(window_of, minlength=windows)
    samples = dist.draw(rng, n)
    so_far = RunningOrder(samples)
    per_window = window_p99s(samples, window_of, windows, so_far.order)

    analytic_p99 = dist.quantile(0.99)
    analytic_p999 = dist.quantile(0.999)
    analytic_mean = dist.mean()
    analytic_share = dist.share_above_mean()

    # Running sums over windows, read at the windows completed by each frame's end.
    has_p99 = ~np.isnan(per_window)
    p99_sums = np.cumsum(np.where(has_p99, per_window, 0.0))
    p99_seen = np.cumsum(has_p99)
    worst_so_far = np.fmax.accumulate(np.where(has_p99, per_window, -np.inf))
    latest = np.maximum.accumulate(np.where(has_p99, np.arange(windows), -1))  # last window with a p99
    worst_window = int(np.nanargmax(per_window))
    cumulative = np.cumsum(samples)

    mean_per_window = n / windows
    if mean_per_window <= 100:
        opening = Text(
            f"Each window holds about {mean_per_window:.0f} requests: its p99 is simply its slowest request",
            f"各ウィンドウのリクエストは約 {mean_per_window:.0f} 件なので、その p99 は単にいちばん遅いリクエストです",
        )
    else:
        slower = mean_per_window - math.ceil(0.99 * mean_per_window - 1e-9)
        opening = Text(
            f"Each window holds about {mean_per_window:,.0f} requests: only about {slower:,.0f} of them are slower than its p99",
            f"各ウィンドウのリクエストは約 {mean_per_window:,.0f} 件で、その p99 より遅いリクエストは約 {slower:,.0f} 件しかありません",
        )
    worst = float(per_window[worst_window])
    worst_at = min(duration, (worst_window + 1) * window_s)
    pending = [
        Event(0.0, "windows", opening),
        Event(
            worst_at, "worst-window",
            Text(
                f"Worst window: p99 {_ms(worst)} ms from {int(counts[worst_window])} requests, {worst / analytic_p99:.2g}x the distribution's p99",
                f"最悪のウィンドウでは、{int(counts[worst_window])} 件のリクエストから求めた p99 が {_ms(worst)} ms で、分布の p99 の {worst / analytic_p99:.2g} 倍です",
            ),
        ),
    ]  # fmt: skip
    averaged = float(np.nanmean(per_window))
    pooled_p99 = nearest_rank(so_far.sorted, 0.99)
    pending.append(
        Event(
            duration, "averaged-p99",
            Text(
                f"Average of the {int(has_p99.sum())} window p99s: {_ms(averaged)} ms; the p99 of all {n:,} requests: {_ms(pooled_p99)} ms",
                f"{int(has_p99.sum())} 個のウィンドウの p99 の平均は {_ms(averaged)} ms、全 {n:,} 件のリクエストの p99 は {_ms(pooled_p99)} ms です",
            ),
        )
    )  # fmt: skip

    frames = min(MAX_FRAMES, n)
    done = 0
    previous_mean: float | None = None
    jumps = 0
    for f in range(frames):
        t = duration * (f + 1) / frames
        upto = n if f == frames - 1 else int(np.searchsorted(arrivals, t, side="right"))
        slowest = float(samples[done:upto].max()) if upto > done else 0.0
        so_far.advance(upto)
        done = upto
        events = [e for e in pending if e.t <= t]
        pending = [e for e in pending if e.t > t]
        completed = windows if f == frames - 1 else min(windows, math.floor(t / window_s + 1e-9))
        series: dict[str, float] = dict.fromkeys(
            ("p50", "p95", "p99", "p999", "mean", "pooled_p99", "share_above_mean"), 0.0
        )
        if upto:
            mean = float(cumulative[upto - 1]) / upto
            p99 = so_far.quantile(0.99)
            series.update(
                p50=so_far.quantile(0.5),
                p95=so_far.quantile(0.95),
                p99=p99,
                p999=so_far.quantile(0.999),
                mean=mean,
                pooled_p99=p99,
                share_above_mean=100 * so_far.count_above(mean) / upto,
            )
            if (
                previous_mean is not None
                and f >= frames // 20
                and jumps < MAX_JUMP_EVENTS
                and mean > previous_mean * (1 + MEAN_JUMP)
            ):
                jumps += 1
                events.append(
                    Event(
                        t, "mean-jump",
                        Text(
                            f"The mean jumps from {_ms(previous_mean)} to {_ms(mean)} ms: the slowest request in this stretch took {_ms(slowest)} ms; the median stays at {_ms(series['p50'])} ms",
                            f"平均が {_ms(previous_mean)} ms から {_ms(mean)} ms に跳ね上がりました。この間で最も遅いリクエストは {_ms(slowest)} ms かかりましたが、中央値は {_ms(series['p50'])} ms のままです",
                        ),
                    )
                )  # fmt: skip
            previous_mean = mean
        seen = int(p99_seen[completed - 1]) if completed else 0
        shown = int(latest[completed - 1]) if completed else -1
        window_p99 = float(per_window[shown]) if shown >= 0 else 0.0
        series.update(
            window_p99=window_p99,
            averaged_window_p99=float(p99_sums[completed - 1]) / seen if seen else 0.0,
            max_window_p99=float(worst_so_far[completed - 1]) if seen else 0.0,
            analytic_p99=analytic_p99,
            analytic_share_above_mean=100 * analytic_share,
        )
        dashboard_off = seen and abs(window_p99 - series["pooled_p99"]) > 0.25 * series["pooled_p99"]
        nodes = {
            "clients": "ok",
            "service": "idle" if not slowest else "degraded" if slowest > analytic_p999 else "ok",
            "metrics": "busy" if slowest else "idle",
            "dashboard": "degraded" if dashboard_off else "ok",
        }
        yield Frame(
            t=t,
            progress=(f + 1) / frames,
            series={k: round(v, 4) for k, v in series.items()},
            events=events,
            nodes=nodes,
        )

    mean = float(samples.mean())
    pooled = so_far.sorted
    finite = per_window[has_p99]
    density = dist.pdf(analytic_p99)
    yield Result(
        {
            "mean_ms": round(mean, 4),
            "p50_ms": round(nearest_rank(pooled, 0.5), 4),
            "p95_ms": round(nearest_rank(pooled, 0.95), 4),
            "p99_ms": round(pooled_p99, 4),
            "p999_ms": round(nearest_rank(pooled, 0.999), 4),
            "share_above_mean": round(float(np.mean(samples > mean)), 6),
            "averaged_window_p99_ms": round(averaged, 4),
            "max_window_p99_ms": round(float(finite.max()), 4),
            "window_p99_sd_ms": round(float(finite.std()), 4),
            "windows": int(finite.size),
            "requests_per_window": round(n / windows, 3),
            "max_ms": round(float(pooled[-1]), 4),
            "analytic_mean_ms": None if math.isinf(analytic_mean) else round(analytic_mean, 4),
            "analytic_p99_ms": round(analytic_p99, 4),
            "analytic_p999_ms": round(analytic_p999, 4),
            "analytic_share_above_mean": round(analytic_share, 6),
            "p99_std_error_ms": round(math.sqrt(0.99 * 0.01 / n) / density, 4) if density > 0 else None,
        }
    )


def _preset(**values: Any) -> dict[str, Any]:
    """Every parameter, explicitly."""
    names = {"distribution", "median_ms", "tail_weight", "requests", "request_rate", "window_s"}
    if set(values) != names:
        raise ValueError(f"a preset sets exactly {sorted(names)}")
    return values


SCENARIO = Scenario(
    slug="percentiles",
    pattern="percentile-latency",
    title=Text("Percentile latency", "パーセンタイルレイテンシー"),
    description=Text(
        "Requests arrive at a steady rate and each takes a latency drawn from a distribution with a tail: lognormal, "
        "bimodal (a few slow cache misses) or Pareto. The charts follow the mean and the p50, p95, p99 and p99.9 of "
        "every request so far, and the p99 of each reporting window, as a dashboard plots it. Watch how far the mean "
        "sits from the median, how few requests a window's p99 rests on, and why the average of the windows' p99s is "
        "not the p99.",
        "リクエストが一定のレートで届き、それぞれのレイテンシーは裾の長い分布（対数正規分布、少数の遅いキャッシュミスを含む二峰性分布、パレート分布）から決まります。"
        "グラフでは、それまでの全リクエストの平均と p50・p95・p99・p99.9、そしてダッシュボードが描くような集計ウィンドウごとの p99 を追います。"
        "平均が中央値からどれだけ離れるか、ウィンドウの p99 がどれだけ少ないリクエストに頼っているか、ウィンドウごとの p99 の平均がなぜ p99 にならないのかを確かめられます。",
    ),
    params=(
        Param(
            "distribution",
            "choice",
            "lognormal",
            Text("Latency distribution", "レイテンシーの分布"),
            Text(
                "The shape of the latencies: lognormal (a long right tail), bimodal (mostly fast, some slow, as with cache misses) or Pareto (a power-law tail).",
                "レイテンシーの形です。対数正規分布（右に長い裾）、二峰性分布（大半は速く一部が遅い、キャッシュミスのような形）、パレート分布（べき乗の裾）から選びます。",
            ),
            choices=(
                Choice("lognormal", Text("Lognormal", "対数正規分布")),
                Choice("bimodal", Text("Bimodal (cache misses)", "二峰性分布（キャッシュミス）")),
                Choice("pareto", Text("Pareto (heavy tail)", "パレート分布（重い裾）")),
            ),
        ),
        Param(
            "median_ms",
            "float",
            20.0,
            Text("Median latency", "レイテンシーの中央値"),
            Text(
                "Half of the requests are faster than this, whatever the distribution.",
                "どの分布でも、リクエストの半数がこの時間より速く返ります。",
            ),
            unit="ms",
            min=0.01,
            max=100000,
            step=None,
        ),
        Param(
            "tail_weight",
            "float",
            1.0,
            Text("Tail weight", "裾の重さ"),
            Text(
                "Larger means a heavier tail. Lognormal: sigma, the sd of ln(latency) (1 puts the p99 at 10x the median). "
                "Bimodal: the share of slow requests, whose median is 10x the fast ones' (values above 1 count as 1). "
                "Pareto: the tail index 1/alpha; from 0.5 the variance is infinite, from 1 the mean too.",
                "大きいほど裾が重くなります。対数正規分布では sigma（ln(レイテンシー) の標準偏差。1 なら p99 が中央値の約 10 倍）です。"
                "二峰性分布では遅いリクエストの割合で、遅い側の中央値は速い側の 10 倍です（1 を超える値は 1 とみなします）。"
                "パレート分布では裾の指数 1/alpha で、0.5 以上で分散が、1 以上で平均も無限大になります。",
            ),
            min=0.01,
            max=2,
            step=None,
        ),
        Param(
            "requests",
            "int",
            200000,
            Text("Requests", "リクエスト数"),
            Text("How many requests the run measures.", "計測するリクエストの数です。"),
            min=100,
            max=1_000_000,
        ),
        Param(
            "request_rate",
            "float",
            100.0,
            Text("Request rate", "リクエストレート"),
            Text(
                "Requests per second; with the window it sets how many requests each window's p99 rests on.",
                "1 秒あたりのリクエスト数です。ウィンドウの長さと合わせて、各ウィンドウの p99 が何件のリクエストから求まるかが決まります。",
            ),
            unit="req/s",
            min=1,
            max=100000,
            step=None,
        ),
        Param(
            "window_s",
            "float",
            10.0,
            Text("Reporting window", "集計ウィンドウ"),
            Text(
                "The span of one dashboard point: each window's p99 is computed from the requests in it alone.",
                "ダッシュボードの 1 点が表す時間幅です。各ウィンドウの p99 は、そのウィンドウ内のリクエストだけから求めます。",
            ),
            unit="s",
            min=1,
            max=3600,
            step=None,
        ),
    ),  # fmt: skip
    charts=(
        Chart(
            id="percentiles",
            title=Text("Percentiles of every request so far", "それまでの全リクエストのパーセンタイル"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("latency (ms)", "レイテンシー（ms）"),
            series=(
                Series("p50", Text("p50 (median)", "p50（中央値）")),
                Series("p95", Text("p95", "p95")),
                Series("p99", Text("p99", "p99")),
                Series("p999", Text("p99.9", "p99.9")),
                Series("mean", Text("mean", "平均")),
            ),
        ),
        Chart(
            id="windows",
            title=Text(
                "p99 per reporting window versus the p99 of all requests",
                "集計ウィンドウごとの p99 と全リクエストの p99",
            ),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("latency (ms)", "レイテンシー（ms）"),
            series=(
                Series("window_p99", Text("p99 of the latest window", "直近のウィンドウの p99")),
                Series("averaged_window_p99", Text("average of the window p99s", "ウィンドウごとの p99 の平均")),
                Series("max_window_p99", Text("worst window p99", "最悪のウィンドウの p99")),
                Series("pooled_p99", Text("p99 of all requests", "全リクエストの p99")),
                Series("analytic_p99", Text("the distribution's p99", "分布の p99")),
            ),
        ),
        Chart(
            id="share",
            title=Text("Requests slower than the mean", "平均より遅いリクエスト"),
            x_title=Text("time (s)", "時間（秒）"),
            y_title=Text("% of requests", "リクエストの割合（%）"),
            series=(
                Series("share_above_mean", Text("measured", "計測値")),
                Series("analytic_share_above_mean", Text("the distribution's", "分布の理論値")),
            ),
        ),
    ),
    run=run,
    results=(
        Measure("p50_ms", Text("p50 (median)", "p50（中央値）"), "ms"),
        Measure("p95_ms", Text("p95", "p95"), "ms"),
        Measure("p99_ms", Text("p99 of all requests", "全リクエストの p99"), "ms"),
        Measure("p999_ms", Text("p99.9", "p99.9"), "ms"),
        Measure("mean_ms", Text("Mean", "平均"), "ms"),
        Measure(
            "share_above_mean",
            Text("Share of requests slower than the mean", "平均より遅いリクエストの割合"),
            help=Text(
                "Well under half for a right-skewed distribution: the mean is not a typical request.",
                "右に裾の長い分布では半分を大きく下回ります。平均は典型的なリクエストではありません。",
            ),
        ),
        Measure(
            "averaged_window_p99_ms",
            Text("Average of the window p99s", "ウィンドウごとの p99 の平均"),
            "ms",
            Text(
                "What averaging a dashboard's p99 points gives: not a percentile of anything.",
                "ダッシュボードの p99 の点を平均した値です。何のパーセンタイルでもありません。",
            ),
        ),
        Measure("max_window_p99_ms", Text("Worst window p99", "最悪のウィンドウの p99"), "ms"),
        Measure(
            "window_p99_sd_ms",
            Text("Spread of the window p99s (sd)", "ウィンドウごとの p99 のばらつき（標準偏差）"),
            "ms",
            Text(
                "How much a window's p99 moves by chance alone; compare with the pooled p99's standard error.",
                "偶然だけでウィンドウの p99 がどれだけ動くかを示します。全リクエストの p99 の標準誤差と比べてください。",
            ),
        ),
        Measure("windows", Text("Windows with requests", "リクエストのあったウィンドウ数")),
        Measure(
            "requests_per_window", Text("Requests per window (mean)", "ウィンドウあたりのリクエスト数（平均）"), "req"
        ),
        Measure("max_ms", Text("Slowest request", "最も遅いリクエスト"), "ms"),
        Measure("analytic_p99_ms", Text("The distribution's p99", "分布の p99"), "ms"),
        Measure("analytic_p999_ms", Text("The distribution's p99.9", "分布の p99.9"), "ms"),
        Measure(
            "analytic_mean_ms",
            Text("The distribution's mean", "分布の平均"),
            "ms",
            Text(
                "Empty when it is infinite (Pareto with tail weight 1 or more).",
                "無限大のとき（裾の重さが 1 以上のパレート分布）は値がありません。",
            ),
        ),
        Measure("analytic_share_above_mean", Text("The distribution's share above its mean", "分布で平均を上回る割合")),
        Measure(
            "p99_std_error_ms",
            Text("Standard error of the p99 of all requests", "全リクエストの p99 の標準誤差"),
            "ms",
            Text(
                "The asymptotic standard error sqrt(p(1 − p) / n) / f(x_p) of a sample quantile.",
                "標本分位数の漸近標準誤差 sqrt(p(1 − p) / n) / f(x_p) です。",
            ),
        ),
    ),
    source=Text(
        "Analytic quantiles of the lognormal and Pareto distributions and the asymptotic standard error of a sample quantile; "
        "Dean and Barroso, 'The Tail at Scale' (2013); Gil Tene, 'How NOT to Measure Latency' (2015), on averaging percentiles",
        "対数正規分布とパレート分布の分位数の解析値と標本分位数の漸近標準誤差、Dean と Barroso「The Tail at Scale」（2013 年）、"
        "パーセンタイルの平均について Gil Tene「How NOT to Measure Latency」（2015 年）",
    ),
    topology=Topology(
        nodes=(
            Node("clients", Text("Clients", "クライアント"), 0.1, 0.5),
            Node("service", Text("Service", "サービス"), 0.37, 0.5),
            Node("metrics", Text("Metrics (per window)", "メトリクス（ウィンドウごと）"), 0.63, 0.5),
            Node("dashboard", Text("Dashboard", "ダッシュボード"), 0.9, 0.5),
        ),
        links=(("clients", "service"), ("service", "metrics"), ("metrics", "dashboard")),
    ),
    presets=(
        Preset(
            "lognormal-tail",
            Text("A lognormal tail", "対数正規分布の裾"),
            _preset(
                distribution="lognormal",
                median_ms=20.0,
                tail_weight=1.0,
                requests=200000,
                request_rate=100.0,
                window_s=10.0,
            ),
        ),
        Preset(
            "bimodal-cache-misses",
            Text("Bimodal: 2 % slow requests (cache misses)", "二峰性分布：2 % の遅いリクエスト（キャッシュミス）"),
            _preset(
                distribution="bimodal",
                median_ms=5.0,
                tail_weight=0.02,
                requests=200000,
                request_rate=100.0,
                window_s=10.0,
            ),
        ),
        Preset(
            "pareto-heavy-tail",
            Text(
                "Pareto: a heavy tail, the mean far above the median",
                "パレート分布：重い裾で平均が中央値を大きく上回る",
            ),
            _preset(
                distribution="pareto",
                median_ms=10.0,
                tail_weight=0.8,
                requests=200000,
                request_rate=100.0,
                window_s=10.0,
            ),
        ),
        Preset(
            "small-windows",
            Text("Small windows: a noisy p99", "小さなウィンドウ：ばらつく p99"),
            _preset(
                distribution="lognormal",
                median_ms=20.0,
                tail_weight=1.0,
                requests=20000,
                request_rate=5.0,
                window_s=10.0,
            ),
        ),
        Preset(
            "small-windows-bimodal",
            Text(
                "Small windows, 2 % slow: the averaged p99 hides the slow requests",
                "小さなウィンドウで 2 % が遅い：p99 の平均が遅いリクエストを隠す",
            ),
            _preset(
                distribution="bimodal", median_ms=5.0, tail_weight=0.02, requests=20000, request_rate=5.0, window_s=10.0
            ),
        ),
    ),  # fmt: skip
)
