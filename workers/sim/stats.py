"""Formulas and summaries the scenarios share: queueing results and percentiles."""

from __future__ import annotations

import math

import numpy as np


def erlang_b(servers: int, load: float) -> float:
    """Erlang's loss formula B(c, a): the share of arrivals that find all c servers busy when
    Poisson load a = rate x holding time meets c servers and no queue (any holding time)."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Erlang C: the probability that an arrival waits in an M/M/c queue with load a = lambda/mu.

    Computed through the Erlang B recursion (stable for large c); 1 when a >= c.
    """
    if load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile (0..1) of sorted values, interpolating linearly between ranks; 0 if empty."""
    if not ordered:
        return 0.0
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def percentile_ms(seconds: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) of durations in seconds, in milliseconds; None if empty."""
    return round(float(np.percentile(seconds, q)) * 1000, 3) if seconds else None
