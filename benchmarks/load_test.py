"""Bounded load test of `lyricgenre serve` on 127.0.0.1 only.

    python benchmarks/load_test.py [--model DIR] [--requests 10000] [--concurrency 32] [--json]

Starts the server in a subprocess on a free loopback port, sends a fixed number of classify requests
from `--concurrency` concurrent clients (bounded in count and time), then stops the server and
reports requests/s, p50/p99 latency and the error count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter

import httpx

LYRICS = (
    "I drove all night down the empty highway\nthe radio playing our song\n"
    "and every mile I thought of you\nbaby come home where you belong\n"
) * 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, model: str | None, threads: int, workers: int | None = None) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "lyricgenre",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--threads",
        str(threads),
    ]
    if model:
        command += ["--model", model]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not become ready within 60 s")


async def run_load(url: str, total: int, concurrency: int, deadline_s: float) -> tuple[list[float], Counter]:
    """Latencies of the requests sent, and the failures counted by kind (HTTP status or exception name)."""
    latencies: list[float] = []
    errors: Counter = Counter()
    remaining = iter(range(total))
    stop_at = time.monotonic() + deadline_s

    async def client(session: httpx.AsyncClient) -> None:
        for _ in remaining:
            if time.monotonic() > stop_at:
                return
            started = time.perf_counter()
            try:
                answer = await session.post(url, json={"lyrics": LYRICS})
                if answer.status_code != 200:
                    errors[f"HTTP {answer.status_code}"] += 1
            except httpx.HTTPError as error:
                errors[type(error).__name__] += 1
            latencies.append((time.perf_counter() - started) * 1000)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="exported model folder (default: the shipped model)")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="inference threads per request")
    parser.add_argument("--workers", type=int, help="requests classified at once (default: the server's, one per core)")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop sending after this long")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    port = free_port()
    server = start_server(port, args.model, args.threads, args.workers)
    try:
        started = time.perf_counter()
        latencies, errors = asyncio.run(
            run_load(f"http://127.0.0.1:{port}/api/v1/classify", args.requests, args.concurrency, args.max_seconds)
        )
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "requests": len(latencies),
        "concurrency": args.concurrency,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(statistics.quantiles(latencies, n=100)[98], 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }
    print(json.dumps(result) if args.json else "\n".join(f"{k:>16}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
