"""How much memory hostile or heavy requests cost `lyricgenre serve` (127.0.0.1 only).

    python benchmarks/server_memory.py [--model DIR] [--chunked-mb 1000] [--large 32] [--json]

Starts the server on a free loopback port and samples its resident memory (the process and its children,
every 20 ms) while it is sent:

1. one body of `--chunked-mb` MB in chunked transfer encoding, without Content-Length, as fast as the server
   reads it: it must answer 413 once the body limit is passed, having held no more than a chunk or so;
2. `--large` concurrent requests, each with lyrics just under the body limit: each song is cut to the text
   cap before tokenising and the requests classified at once are bounded, so memory must not grow with the
   number of requests.

Reports the server's memory before, the peak growth during each part and the growth left after it.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from load_test import free_port, start_server

CHUNK = 1 << 20
ROUTE = "/api/v1/classify"


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


class MemorySampler:
    """The peak of `process_tree_rss_mb` while a block runs."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.running = pid, 0.0, False

    def __enter__(self) -> MemorySampler:
        self.peak, self.running = process_tree_rss_mb(self.pid), True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, process_tree_rss_mb(self.pid))
            time.sleep(0.02)

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()


def send_chunked(port: int, megabytes: int) -> tuple[int | None, int]:
    """Stream a JSON body of `megabytes` MB in 1 MiB chunks; the answer's status and the MB sent."""
    head = (
        f"POST {ROUTE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = f"{CHUNK:x}\r\n".encode() + b"a" * CHUNK + b"\r\n"
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(head.encode() + b'5\r\n{"a":\r\n')  # a JSON object that never ends
        try:
            while sent < megabytes:
                connection.sendall(chunk)
                sent += 1
            connection.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed the connection: stop sending
            pass
        try:
            answer = connection.recv(200).decode("latin-1")
        except OSError:
            answer = ""
    status = int(answer.split()[1]) if answer.startswith("HTTP/") else None
    return status, sent


def send_large(port: int, count: int, characters: int) -> list[int]:
    """`count` concurrent classify requests, each with `characters` characters of lyrics; their statuses."""
    line = "the night is long and the road goes on and on\n"
    lyrics = (line * (characters // len(line) + 1))[:characters]

    def one(_):
        return httpx.post(f"http://127.0.0.1:{port}{ROUTE}", json={"lyrics": lyrics}, timeout=300).status_code

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="exported model folder (default: the shipped model)")
    parser.add_argument("--chunked-mb", type=int, default=1000, help="size of the chunked body sent")
    parser.add_argument("--large", type=int, default=32, help="concurrent requests with ~1 MB of lyrics each")
    parser.add_argument("--characters", type=int, default=900_000, help="lyrics characters per large request")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    port = free_port()
    server = start_server(port, args.model, threads=1)
    try:
        time.sleep(1)
        base = process_tree_rss_mb(server.pid)
        with MemorySampler(server.pid) as chunked:
            status, sent = send_chunked(port, args.chunked_mb)
        after_chunked = process_tree_rss_mb(server.pid)
        with MemorySampler(server.pid) as large:
            statuses = send_large(port, args.large, args.characters)
        time.sleep(1)
        after_large = process_tree_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "server_rss_mb": round(base, 1),
        "chunked_body_status": status,
        "chunked_mb_sent": sent,
        "chunked_peak_growth_mb": round(chunked.peak - base, 1),
        "chunked_growth_after_mb": round(after_chunked - base, 1),
        "large_requests": args.large,
        "large_characters": args.characters,
        "large_statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "large_peak_growth_mb": round(large.peak - after_chunked, 1),
        "large_growth_after_mb": round(after_large - after_chunked, 1),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result) if args.json else "\n".join(f"{k:>24}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
