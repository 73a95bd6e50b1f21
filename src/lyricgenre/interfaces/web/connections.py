"""Connections that cannot hold the server: a deadline for each request's headers, a cap on open ones.

uvicorn times out only idle keep-alive connections between requests. A client that connects and sends
nothing, or drips its headers a byte at a time (slowloris), would hold its socket for ever, and a few
hundred of them exhaust the process's file descriptors (then every accept fails, /healthz with it, and the
log fills with errors). This protocol closes a connection whose request headers are not complete
`HEADER_TIMEOUT_S` after its first byte (or after the connection opened), and keeps at most `max_connections`
open, below the open-file limit. At the cap a new connection takes the place of the one that has waited longest
for request headers (idle, or dripping them), so a flood of idle connections reopened as fast as they close
cannot keep a health check out; only when every connection is busy with a request is the new one closed at
once. Slow bodies are `guard.Guard`'s (`guard.BODY_TIMEOUT_S` between two chunks).
"""

from __future__ import annotations

import asyncio
import resource

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 512
RESERVED_FILES = 64  # descriptors left for the model, logs and the event loop


def connection_cap() -> int:
    """MAX_CONNECTIONS, or fewer when the open-file limit would not leave room for them."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(8, min(MAX_CONNECTIONS, soft - RESERVED_FILES)) if soft != resource.RLIM_INFINITY else MAX_CONNECTIONS


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline per request and a cap on open connections."""

    header_timeout: float = HEADER_TIMEOUT_S
    max_connections: int = connection_cap()
    refused = 0  # connections closed at once because every one was busy at the cap (for the log and the tests)
    evicted = 0  # connections waiting for headers closed to make room for a new one

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._waiting_since = self.loop.time()
        if len(self.connections) > self.max_connections and not self._evict_longest_waiting():
            GuardedH11Protocol.refused += 1
            transport.close()
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting_for_headers():
            self._arm()
        else:
            self._disarm()
            self._waiting_since = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._waiting_since = self.loop.time()  # an idle keep-alive connection waits for the next headers

    def _evict_longest_waiting(self) -> bool:
        """Close the other connection that has waited longest for request headers; False when none waits."""
        waiting = [
            other
            for other in self.connections
            if other is not self and isinstance(other, GuardedH11Protocol) and other._waiting_since is not None
        ]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda other: other._waiting_since)
        GuardedH11Protocol.evicted += 1
        oldest._waiting_since = None
        oldest.transport.close()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._waiting_since is None:
            self._waiting_since = self.loop.time()
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.transport.close()
