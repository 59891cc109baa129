"""Graceful shutdown: SIGTERM while REST and gRPC producers send batches, on SQLite and on PostgreSQL.

What must hold: a request the server has started reading when the signal arrives still completes (a request
whose body is still arriving is finished and acknowledged), every acknowledged log is in storage exactly once,
no request the server stored goes unanswered, and the process exits 0 within the grace period even with a
client that never finishes its request. And the bundled client, logging through rolling restarts, loses nothing.
"""

from __future__ import annotations

import re
import signal
import socket
import threading
import time
from pathlib import Path

import grpc
import httpx
import orjson
import pytest
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc
from logpilot_server.client import LogPilotClient

from .conftest import API_KEY, ServerProcess, make_server, report, stored_rows

GRACE = 4.0
BATCH = 50


class Load:
    """Producers over REST and gRPC; every log message is unique, so storage can be checked per log."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.sent: set[str] = set()
        self.acked: set[str] = set()
        self.failed: set[str] = set()
        self.errors: dict[str, int] = {}
        self.threads = [threading.Thread(target=self._rest, args=(n,)) for n in range(3)]
        self.threads += [threading.Thread(target=self._grpc, args=(n,)) for n in range(2)]

    def _record(self, messages: list[str], ok: bool, error: str = "") -> None:
        with self.lock:
            self.sent.update(messages)
            (self.acked if ok else self.failed).update(messages)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1

    def _rest(self, n: int) -> None:
        with httpx.Client(base_url=self.server.base_url, headers={"X-API-KEY": API_KEY}, timeout=30) as c:
            i = 0
            while not self.stop.is_set():
                messages = [f"rest-{n}-{i}-{j}" for j in range(BATCH)]
                i += 1
                try:
                    r = c.post("/api/logs/batch", json=[{"channel": "term", "message": m} for m in messages])
                except httpx.HTTPError as exc:
                    self._record(messages, False, type(exc).__name__)
                    return  # the server is going away; a real producer would retry elsewhere
                ok = r.status_code == 201
                self._record(messages, ok, "" if ok else str(r.status_code))
                if not ok:
                    return

    def _grpc(self, n: int) -> None:
        with grpc.insecure_channel(self.server.grpc_target) as channel:
            stub = pb_grpc.LogServiceStub(channel)
            i = 0
            while not self.stop.is_set():
                messages = [f"grpc-{n}-{i}-{j}" for j in range(BATCH)]
                i += 1
                request = pb.SendLogsRequest(
                    log_requests=[pb.LogRequest(channel="term", message=m) for m in messages]
                )
                try:
                    stub.SendLogs(request, metadata=(("x-api-key", API_KEY),), timeout=30)
                except grpc.RpcError as exc:
                    self._record(messages, False, f"grpc {exc.code().name}")
                    return
                self._record(messages, True)

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)


def _open_request(server: ServerProcess, body: bytes, send: int) -> socket.socket:
    """A REST request whose headers and first `send` body bytes are sent; the rest is up to the caller."""
    sock = socket.create_connection(("127.0.0.1", server.http_port), timeout=30)
    head = (
        f"POST /api/logs/batch HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head + body[:send])
    return sock


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    match = re.match(rb"HTTP/1\.1 (\d{3})", data)
    assert match, f"no HTTP response: {data[:200]!r}"
    return int(match.group(1)), data.split(b"\r\n\r\n", 1)[1]


def _length(data: bytes) -> int:
    match = re.search(rb"(?i)content-length: (\d+)", data)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("storage", ["sqlite", "postgres"])
def test_sigterm_under_load_finishes_in_flight_requests_and_exits_zero_in_grace(
    storage: str, server_factory, request: pytest.FixtureRequest
) -> None:  # type: ignore[no-untyped-def]
    env = {"LOGPILOT_PROTOCOL": "all", "LOGPILOT_SHUTDOWN_GRACE_SECONDS": str(GRACE)}
    if storage == "postgres":
        env |= {
            "LOGPILOT_STORAGE_TYPE": "postgres",
            "LOGPILOT_POSTGRES_DSN": request.getfixturevalue("pg_database"),
        }
    srv = server_factory(**env)
    load = Load(srv)
    load.start()
    time.sleep(1.0)

    # In flight at the signal: a request with half its body sent (finished after the signal), and one that
    # never finishes (it must not hold the process past the grace period).
    slow_messages = [f"slow-{j}" for j in range(20)]
    slow_body = orjson.dumps([{"channel": "term", "message": m} for m in slow_messages])
    slow = _open_request(srv, slow_body, len(slow_body) // 2)
    stuck = _open_request(srv, slow_body, 10)
    idle = socket.create_connection(("127.0.0.1", srv.http_port))
    time.sleep(0.2)

    assert srv.proc is not None
    proc = srv.proc
    signalled = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    slow.sendall(slow_body[len(slow_body) // 2 :])
    slow_status, slow_answer = _read_response(slow)
    code = proc.wait(GRACE + 10)
    exit_seconds = time.monotonic() - signalled
    srv.proc = None
    load.join()
    for sock in (slow, stuck, idle):
        sock.close()

    stored = [m for _, m in stored_rows(srv, "term")]
    stored_set = set(stored)
    acked = load.acked | (set(slow_messages) if slow_status == 201 else set())
    found = acked & stored_set
    report(
        f"graceful-{storage}",
        sent=len(load.sent) + len(slow_messages),
        acknowledged=len(acked),
        found=len(found),
        duplicates=len(stored) - len(stored_set),
        stored_unacknowledged=len(stored_set - acked),
        failed_requests=load.errors,
        exit_code=code,
        exit_seconds=round(exit_seconds, 2),
        grace_seconds=GRACE,
    )
    assert code == 0, srv.logs()[-3000:]
    assert exit_seconds <= GRACE + 0.5, f"exit took {exit_seconds:.2f}s, grace {GRACE}s"
    assert slow_status == 201, slow_answer
    assert len(load.acked) > 500
    assert found == acked, f"{len(acked - found)} acknowledged logs missing"
    assert len(stored) == len(stored_set), "a log was stored twice"
    # A request the server stored was also answered: nothing in flight was cut off after its commit.
    assert stored_set <= acked, f"stored but never acknowledged: {sorted(stored_set - acked)[:5]}"


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_client_loses_nothing_across_rolling_restarts(tmp_path: Path, protocol: str) -> None:
    """The bundled client keeps logging while its server is SIGTERMed and started again on the same ports
    and database, twice: it retries what the stopping server refused, and every entry is stored once."""
    srv = make_server(tmp_path, LOGPILOT_PROTOCOL="all", LOGPILOT_SHUTDOWN_GRACE_SECONDS="5")
    srv.start()
    client = LogPilotClient(
        srv.base_url if protocol == "rest" else f"grpc://{srv.grpc_target}",
        API_KEY,
        batch_size=50,
        flush_interval=0.01,
        backoff_initial=0.05,
        backoff_max=0.3,
        max_retries=200,
        timeout=5,
    )
    total = 4000
    logging_done = threading.Event()

    def produce() -> None:
        for i in range(total):
            while not client.log("restarts", f"m{i}"):
                time.sleep(0.01)  # queue full while the server is down: wait instead of dropping
            if i % 100 == 0:
                time.sleep(0.02)
        logging_done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    try:
        for _ in range(2):
            time.sleep(0.3)
            assert srv.stop() == 0
            srv.start()
        producer.join(60)
        assert logging_done.is_set()
        assert client.flush(60)
        assert client.dropped == 0
        messages: list[str] = []
        while batch := client.fetch("restarts", "audit", limit=1000):
            messages.extend(str(e["message"]) for e in batch)
    finally:
        client.close()
        srv.stop()
    report(
        f"client-restarts-{protocol}",
        restarts=2,
        logged=total,
        stored=len(set(messages)),
        duplicates=len(messages) - len(set(messages)),
        client_retries=client.retries,
    )
    assert sorted(set(messages)) == sorted(f"m{i}" for i in range(total)), "entries were lost"
    assert len(messages) == total, f"{len(messages) - total} entries were stored twice"
