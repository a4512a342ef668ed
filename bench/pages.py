"""Page throughput: the WSGI page server versus the ASGI socket server, as `make run` starts them.

    .venv/bin/python -m bench.pages [--seconds 10] [--clients 16] [--url /en/ ...]

Starts the real processes in a temporary var/ (or uses DATABASE_URL/REDIS_URL)
with DEBUG off, then loads each URL for a fixed time on both servers and prints
requests per second and latency. It uses wrk when installed (Debian: wrk), else
Python client threads, which share the CPU with the servers and read lower.
A benchmark, not a test: it asserts nothing and prints figures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from tests.stack import start_stack  # noqa: E402


def hammer(url: str, seconds: float, clients: int) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                    response.read()
                mine.append(time.perf_counter() - start)
            except OSError:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors


def wrk(url: str, seconds: float, clients: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) from wrk's --latency report."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--latency", url], capture_output=True, text=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rate, percentile("50"), percentile("99")


def measure(url: str, seconds: float, clients: int) -> tuple[float, float, float]:
    if shutil.which("wrk"):
        return wrk(url, seconds, clients)
    hammer(url, 1, 2)  # warm up
    count, latencies, _errors = hammer(url, seconds, clients)
    latencies.sort()
    if not latencies:
        return 0.0, float("nan"), float("nan")
    return count / seconds, statistics.median(latencies) * 1000, latencies[int(0.99 * (len(latencies) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--url", action="append", default=None)
    args = parser.parse_args()
    urls = args.url or ["/healthz", "/en/", "/en/patterns/sidecar/", "/ja/playground/scenarios/tracer/"]

    production = {
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
    }
    with tempfile.TemporaryDirectory() as var_dir:
        os.environ.update(production)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env={**os.environ, "VAR_DIR": var_dir},
            check=True,
        )
        stack = start_stack(Path(var_dir), extra_env=production)
        try:
            client = "wrk" if shutil.which("wrk") else "Python threads"
            print(
                f"{os.cpu_count()} cores; {args.clients} connections ({client}); {args.seconds:.0f} s a row; DEBUG off"
            )
            print(f"{'url':36} {'server':26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
            servers = [
                ("gunicorn WSGI, 2 workers", stack.base_url),
                ("uvicorn ASGI, 1 process", f"http://127.0.0.1:{stack.socket_port}"),
            ]
            for path in urls:
                for name, base in servers:
                    rate, p50, p99 = measure(base + path, args.seconds, args.clients)
                    print(f"{path:36} {name:26} {rate:8.0f} {p50:8.1f} {p99:8.1f}")
        finally:
            stack.stop_all()


if __name__ == "__main__":
    main()
