"""load-balancing speed: a 1,000,000-request run per algorithm, beside a bare event loop over the same events.

    .venv/bin/python -m bench.load_balancing [--requests 1000000] [--servers 8] [--utilization 0.9] [--repeat 1]

(a) The scenario's own run (every frame and the result, as a worker would
    consume them) for each balancing algorithm.
(b) A bare event loop over the same events: a heapq of each request's arrival
    and then its departure (the times of the random-routing run in (a), drawn
    again from the same seed), popped in time order with nothing done per
    event. It is the floor a classic event-driven simulation of the same run
    would pay before any balancing logic or statistics.

Prints figures; asserts nothing. The scenario is required to finish 1,000,000
requests in under 5 s on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import heapq
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.sim.engine import play  # noqa: E402
from workers.sim.scenarios.load_balancing import (  # noqa: E402
    SCENARIO,
    by_replica,
    fifo_departures,
    service_times,
    static_routes,
)

ALGORITHMS = ("round_robin", "random", "least_connections", "two_choices", "session_affinity")


def time_scenario(params: dict, seed: int) -> tuple[float, float, int, dict]:
    """Wall and CPU seconds of one run, its frame count and result."""
    started, cpu = time.perf_counter(), time.process_time()
    playback = play(SCENARIO, params, seed)
    frames = sum(1 for _ in playback)
    return time.perf_counter() - started, time.process_time() - cpu, frames, playback.result


def same_events(params: dict, seed: int) -> tuple[list[float], list[float]]:
    """Arrival and departure times of the scenario's random-routing run with these parameters:
    the same draws in the same order, so the same events."""
    rng = np.random.default_rng(seed)
    n, servers = params["requests"], params["servers"]
    mean_s = params["mean_service_ms"] / 1000
    arrivals = np.cumsum(rng.exponential(mean_s / (params["utilization"] * servers), n))
    services = service_times("exponential", mean_s, n, rng)
    routes, _shares = static_routes("random", arrivals, servers, n, rng)
    departures = np.empty(n)
    for idx in by_replica(routes, servers):
        departures[idx] = fifo_departures(arrivals[idx], services[idx])
    return arrivals.tolist(), departures.tolist()


def time_bare_loop(arrivals: list[float], departures: list[float]) -> tuple[float, float]:
    """Pop every arrival, push its departure, pop that: 2n heap pushes and pops, no logic."""
    started, cpu = time.perf_counter(), time.process_time()
    heap: list[tuple[float, int, int]] = []
    push, pop = heapq.heappush, heapq.heappop
    n, i = len(arrivals), 0
    push(heap, (arrivals[0], 0, 0))
    while heap:
        _t, kind, k = pop(heap)
        if kind == 0:
            push(heap, (departures[k], 1, k))
            i = k + 1
            if i < n:
                push(heap, (arrivals[i], 0, i))
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--servers", type=int, default=8)
    parser.add_argument("--utilization", type=float, default=0.9)
    parser.add_argument("--repeat", type=int, default=1, help="time each case this many times and keep the best")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    base = {
        "servers": args.servers,
        "utilization": args.utilization,
        "mean_service_ms": 100.0,
        "service_dist": "exponential",
        "requests": args.requests,
        "slow_server_at_s": 0.0,
        "readiness_checks": True,
    }
    print(
        f"{os.cpu_count()} cores; {args.requests:,} requests, {args.servers} replicas, "
        f"utilization {args.utilization}, exponential service; best of {args.repeat}; "
        f"load average {os.getloadavg()[0]:.1f} (wall time suffers when others share the cores, CPU time less)"
    )
    print(f"{'case':<34}{'wall s':>8}{'CPU s':>8}{'frames':>8}{'us/request':>12}  mean response")
    for algorithm in ALGORITHMS:
        runs = [time_scenario({**base, "algorithm": algorithm}, args.seed) for _ in range(args.repeat)]
        wall, cpu, frames, result = min(runs, key=lambda r: r[0])
        print(
            f"{'(a) scenario, ' + algorithm:<34}{wall:>8.2f}{cpu:>8.2f}{frames:>8}"
            f"{wall / args.requests * 1e6:>12.2f}  {result['mean_response_ms']:.1f} ms"
        )
    arrivals, departures = same_events({**base, "algorithm": "random"}, args.seed)
    wall, cpu = min((time_bare_loop(arrivals, departures) for _ in range(args.repeat)), key=lambda r: r[0])
    print(
        f"{'(b) bare heapq loop, 2n events':<34}{wall:>8.2f}{cpu:>8.2f}{'-':>8}"
        f"{wall / args.requests * 1e6:>12.2f}  (no routing, no statistics)"
    )


if __name__ == "__main__":
    main()
