"""Idle, slowloris and slow-body connections are closed; open connections are capped; /healthz keeps answering."""

import socket
import threading
import time

import pytest
import uvicorn

from lyricgenre.interfaces.web import guard as web_guard
from lyricgenre.interfaces.web.app import create_app
from lyricgenre.interfaces.web.connections import GuardedH11Protocol

pytestmark = pytest.mark.server


@pytest.fixture
def server(exported_baseline, monkeypatch):
    monkeypatch.setattr(GuardedH11Protocol, "header_timeout", 0.5)
    monkeypatch.setattr(GuardedH11Protocol, "max_connections", 6)
    monkeypatch.setattr(web_guard, "BODY_TIMEOUT_S", 0.5)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(exported_baseline, threads=1),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http=GuardedH11Protocol,
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.02)
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes `sock` (recv gives b"" or an HTTP answer ending the connection) in time."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def healthz(port: int) -> bytes:
    with connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return sock.recv(4096)


def test_an_idle_connection_is_closed(server):
    with connect(server) as idle:
        assert closed_within(idle, 3)


def test_headers_dripped_a_byte_at_a_time_are_cut_off(server):
    with connect(server) as slow:
        started = time.monotonic()
        slow.sendall(b"GET /healthz HTTP/1.1\r\n")
        with pytest.raises(OSError):  # the server closes it while it is still sending
            for _ in range(40):
                slow.sendall(b"X")
                time.sleep(0.1)
                if closed_within(slow, 0.01):
                    raise OSError("closed")
        assert time.monotonic() - started < 3


def test_a_stalled_body_gets_408(server):
    with connect(server) as slow:
        slow.sendall(
            b"POST /api/v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"lyrics": '
        )
        slow.settimeout(5)
        answer = b""
        while b"stalled" not in answer and (chunk := slow.recv(4096)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408") and b'{"error":"request body stalled for 0.5 s"}' in answer


def test_at_the_cap_a_new_connection_takes_the_place_of_the_longest_idle_one(server):
    held = [connect(server) for _ in range(6)]
    try:
        time.sleep(0.1)
        assert healthz(server).startswith(b"HTTP/1.1 200")  # at once, not after the idle ones time out
        assert closed_within(held[0], 1)  # the one that waited longest made room
    finally:
        for sock in held:
            sock.close()
    assert GuardedH11Protocol.evicted >= 1


def test_at_the_cap_with_every_connection_busy_a_new_one_is_refused(server):
    head = b"POST /api/v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"
    busy = [connect(server) for _ in range(6)]
    try:
        for sock in busy:
            sock.sendall(head)  # each in the middle of a request body
        time.sleep(0.1)
        with connect(server) as extra:
            assert closed_within(extra, 1)  # closed at once, not queued
    finally:
        for sock in busy:
            sock.close()
    assert GuardedH11Protocol.refused >= 1
    time.sleep(0.2)
    assert healthz(server).startswith(b"HTTP/1.1 200")  # and the server recovers


def test_health_checks_answer_through_a_flood_of_idle_connections(server):
    """Idle connections reopened as fast as they close while ten health checks are asked (bounded: 30 s)."""
    deadline = time.monotonic() + 30.0
    checks_done = threading.Event()
    opened = []

    def flood():  # bounded: until the checks end, 30 s or 20,000 connections; at most 50 held open at once
        while not checks_done.is_set() and time.monotonic() < deadline and len(opened) < 20_000:
            try:
                opened.append(connect(server))
            except OSError:
                time.sleep(0.005)
            if len(opened) > 50:
                opened.pop(0).close()

    flooder = threading.Thread(target=flood)
    flooder.start()
    try:
        time.sleep(0.3)  # the flood first fills the server's cap
        answers = []
        while len(answers) < 10 and time.monotonic() < deadline:
            try:
                answers.append(healthz(server)[:15] == b"HTTP/1.1 200 OK")
            except OSError:  # closed to make room for a flood connection before its request was read
                answers.append(False)
            time.sleep(0.1)
    finally:
        checks_done.set()
        flooder.join()
        for sock in opened:
            sock.close()
    # From one address no server can tell a health check from the flood before its request arrives, and on a loaded
    # machine more of them are evicted first (7 of 10 answered beside a training run): at least half are answered
    # (without the eviction, none is once the cap is full), and the server answers at once when the flood ends.
    assert len(opened) > 6 and len(answers) == 10 and sum(answers) >= 5, answers
    assert healthz(server).startswith(b"HTTP/1.1 200")


def test_a_normal_keep_alive_client_is_not_cut_off(server):
    with connect(server) as client:
        for _ in range(3):
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while not answer.endswith(b'"ok"}'):  # the head and the body may come in two reads
                answer += client.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200")
            time.sleep(0.3)  # under the keep-alive timeout between requests
