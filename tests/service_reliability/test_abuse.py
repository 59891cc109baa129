"""Abuse: wrong or missing API keys, a burst from one key, oversized bodies and slow clients.

Wrong or missing keys never reach storage (rows are counted in the database file, not through the API); the
token bucket of one key holds under a burst over REST and gRPC together while another key is served; an
oversized body is refused from its Content-Length before it is read, or as soon as a chunked body passes the
limit, and its unread bytes are never taken for a request; slow and stalled clients do not hold up others.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import socket
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import grpc
import httpx
import pytest
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc

from .conftest import API_KEY, SECOND_KEY, count_rows, report, rss_mib

BAD_KEYS: list[tuple[str, dict[str, str]]] = [
    ("missing", {}),
    ("empty", {"X-API-KEY": ""}),
    ("wrong", {"X-API-KEY": "wrong"}),
    ("longer", {"X-API-KEY": API_KEY + "x"}),
    ("prefix", {"X-API-KEY": API_KEY[:-1]}),
    ("other case", {"X-API-KEY": API_KEY.upper()}),
    ("both keys joined", {"X-API-KEY": f"{API_KEY},{SECOND_KEY}"}),
    ("very long", {"X-API-KEY": "k" * 6000}),
    ("bearer token instead", {"Authorization": f"Bearer {API_KEY}"}),
    ("other header", {"X-API-TOKEN": API_KEY}),
]


def _rest_attempts(base: str) -> list[tuple[str, str, dict[str, object]]]:
    entry = {"channel": "secure", "message": "must not be stored"}
    return [
        ("POST", "/api/logs", {"json": entry}),
        ("POST", "/api/logs/batch", {"json": [entry, entry]}),
        ("POST", "/api/logs/commit", {"json": {"channel": "secure", "consumerId": "c", "lastLogId": 5}}),
        ("POST", "/api/logs/seek", {"json": {"channel": "secure", "consumerId": "c", "operation": "LATEST"}}),
        ("GET", "/api/logs/secure", {"params": {"consumerId": "c"}}),
        ("GET", "/api/logs/secure", {"params": {"consumerId": "c", "api_key": API_KEY}}),
    ]


def test_wrong_or_missing_api_key_never_reaches_storage(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(LOGPILOT_PROTOCOL="all")
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=srv.base_url, timeout=10) as c:
        for _, headers in BAD_KEYS:
            for method, path, kwargs in _rest_attempts(srv.base_url):
                r = c.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
                statuses[r.status_code] += 1
                assert r.status_code in (400, 403, 431), (method, path, headers, r.status_code, r.text)
    grpc_codes: Counter[str] = Counter()
    entry = pb.LogRequest(channel="secure", message="must not be stored")
    with grpc.insecure_channel(srv.grpc_target) as channel:
        stub = pb_grpc.LogServiceStub(channel)
        calls = [
            (stub.SendLog, entry),
            (stub.SendLogs, pb.SendLogsRequest(log_requests=[entry, entry])),
            (stub.FetchLogs, pb.FetchLogsRequest(channel="secure", consumerId="c")),
            (stub.Seek, pb.SeekRequest(channel="secure", consumerId="c", operation="LATEST")),
            (stub.ListLogs, pb.ListLogsRequest(channel="secure")),
        ]
        metadata_variants: list[tuple[tuple[str, str], ...]] = [
            (),
            (("x-api-key", "wrong"),),
            (("x-api-key", API_KEY + "x"),),
            (("x-api-key", API_KEY[:-1]),),
            (("authorization", f"Bearer {API_KEY}"),),
        ]
        for metadata in metadata_variants:
            for method, request in calls:
                with pytest.raises(grpc.RpcError) as info:
                    method(request, metadata=metadata, timeout=10)
                grpc_codes[info.value.code().name] += 1
                assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    logs, offsets = count_rows(srv, "logs"), count_rows(srv, "consumer_offsets")
    metrics = httpx.get(f"{srv.management_url}/actuator/prometheus").text
    report(
        "abuse-api-keys",
        rest_attempts=sum(statuses.values()),
        rest_statuses=dict(statuses),
        grpc_attempts=sum(grpc_codes.values()),
        grpc_codes=dict(grpc_codes),
        rows_stored=logs,
        offsets_stored=offsets,
    )
    assert (logs, offsets) == (0, 0)
    assert 'channel="secure"' not in metrics
    # and the right key still works: the store was reachable all along
    r = httpx.post(
        f"{srv.base_url}/api/logs",
        json={"channel": "secure", "message": "ok"},
        headers={"X-API-KEY": API_KEY},
    )
    assert r.status_code == 201 and count_rows(srv, "logs") == 1


def test_rate_limit_holds_under_a_burst_from_one_key_without_starving_another(server_factory) -> None:  # type: ignore[no-untyped-def]
    capacity, refill = 30, 60.0
    srv = server_factory(
        LOGPILOT_PROTOCOL="all",
        LOGPILOT_RATE_LIMIT_ENABLED="true",
        LOGPILOT_RATE_LIMIT_CAPACITY=str(capacity),
        LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND=str(refill),
    )
    burst_seconds = 3.0
    lock = threading.Lock()
    burst: Counter[str] = Counter()
    retry_after: list[int] = []
    calm_latency: list[float] = []
    calm: Counter[int] = Counter()
    start = time.monotonic()
    stop_at = start + burst_seconds

    def rest_burst() -> None:
        with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": API_KEY}, timeout=10) as c:
            while time.monotonic() < stop_at:
                r = c.post("/api/logs", json={"channel": "burst", "message": "b"})
                with lock:
                    burst[str(r.status_code)] += 1
                    if r.status_code == 429:
                        retry_after.append(int(r.headers["Retry-After"]))

    def grpc_burst() -> None:
        with grpc.insecure_channel(srv.grpc_target) as channel:
            stub = pb_grpc.LogServiceStub(channel)
            while time.monotonic() < stop_at:
                try:
                    stub.SendLog(
                        pb.LogRequest(channel="burst", message="g"), metadata=(("x-api-key", API_KEY),)
                    )
                    code = "OK"
                except grpc.RpcError as exc:
                    code = exc.code().name
                with lock:
                    burst[code] += 1

    def calm_client() -> None:
        """The other key, at a sixth of the refill rate: every request must pass, promptly."""
        with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": SECOND_KEY}, timeout=10) as c:
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                r = c.post("/api/logs", json={"channel": "calm", "message": "c"})
                calm_latency.append(time.perf_counter() - t0)
                calm[r.status_code] += 1
                time.sleep(0.1)

    threads = [threading.Thread(target=rest_burst) for _ in range(5)]
    threads += [threading.Thread(target=grpc_burst) for _ in range(2)]
    threads.append(threading.Thread(target=calm_client))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    elapsed = time.monotonic() - start
    accepted = burst["201"] + burst["OK"]
    allowed = capacity + refill * elapsed
    stored_burst = count_rows(srv, "logs") - calm[201]
    report(
        "abuse-rate-limit",
        burst_requests=sum(burst.values()),
        burst_accepted=accepted,
        burst_allowed_by_bucket=round(allowed, 1),
        burst_refused=burst["429"] + burst["RESOURCE_EXHAUSTED"],
        stored_from_burst=stored_burst,
        other_key_requests=sum(calm.values()),
        other_key_accepted=calm[201],
        other_key_p50_ms=round(statistics.median(calm_latency) * 1000, 1),
        other_key_max_ms=round(max(calm_latency) * 1000, 1),
    )
    assert burst["429"] > 0 and burst["RESOURCE_EXHAUSTED"] > 0, burst
    assert set(burst) <= {"201", "429", "OK", "RESOURCE_EXHAUSTED"}, burst
    assert accepted <= allowed + 1, f"{accepted} accepted, the bucket allows {allowed:.0f}"
    assert accepted >= capacity, "the bucket's capacity was not even served"
    assert min(retry_after) >= 1
    assert stored_burst == accepted, "a refused request was stored, or an accepted one was not"
    assert calm[201] == sum(calm.values()) >= 15, calm
    assert max(calm_latency) < 1.0


def _response_within(sock: socket.socket, seconds: float) -> bytes:
    """What the server sends within `seconds` (until it closes the connection or stops sending)."""
    sock.settimeout(seconds)
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data:
            head, body = data.split(b"\r\n\r\n", 1)
            length = re.search(rb"(?i)content-length: (\d+)", head)
            if length and len(body) >= int(length.group(1)):
                break
    return data


def test_oversized_body_is_refused_before_it_is_read(server_factory) -> None:  # type: ignore[no-untyped-def]
    limit = 65536
    srv = server_factory(LOGPILOT_PROTOCOL="rest", LOGPILOT_MAX_BODY_BYTES=str(limit))
    rss_before = rss_mib(srv.proc.pid)

    # 1. A 10 GB Content-Length: refused from the header, with no body byte sent.
    with socket.create_connection(("127.0.0.1", srv.http_port)) as sock:
        sock.sendall(
            f"POST /api/logs/batch HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n"
            "Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n".encode()
        )
        started = time.monotonic()
        answer = _response_within(sock, 5)
        header_refusal_s = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]

    # 2. A chunked body trickling in: refused once it passes the limit, long before it ends.
    with socket.create_connection(("127.0.0.1", srv.http_port)) as sock:
        sock.sendall(
            f"POST /api/logs/batch HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        chunk = b" " * 8192
        sent = 0
        answer = b""
        while sent < 100 * limit:
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            if select.select([sock], [], [], 0.01)[0]:
                answer = _response_within(sock, 2)
                break
        chunked_sent_at_refusal = sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert chunked_sent_at_refusal <= 4 * limit, f"refused only after {chunked_sent_at_refusal} bytes"

    # 3. The unread rest of a refused body is never taken for a request (no request smuggling).
    smuggled = (
        f"POST /api/logs HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\nContent-Type: application/json\r\n"
        'Content-Length: 41\r\n\r\n{"channel":"smuggled","message":"inside"}'
    ).encode()
    body = smuggled + b" " * (limit + 10 - len(smuggled))
    with socket.create_connection(("127.0.0.1", srv.http_port)) as sock:
        sock.sendall(
            f"POST /api/logs/batch HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        first = _response_within(sock, 2)
        with_smuggled: bytes = b""
        try:
            sock.sendall(body)
            with_smuggled = _response_within(sock, 1)
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert first.startswith(b"HTTP/1.1 413"), first[:200]
    assert b"201" not in with_smuggled

    # 4. Bodies of 50 x 1 MiB sent whole after a refused header are not buffered by the server.
    for _ in range(50):
        with socket.create_connection(("127.0.0.1", srv.http_port)) as sock:
            sock.sendall(
                f"POST /api/logs HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n"
                "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n".encode()
            )
            assert _response_within(sock, 2).startswith(b"HTTP/1.1 413")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(b"x" * 1048576)
    time.sleep(0.3)
    rss_after = rss_mib(srv.proc.pid)
    stored = count_rows(srv, "logs")
    report(
        "abuse-oversized-body",
        limit_bytes=limit,
        header_refusal_ms=round(header_refusal_s * 1000, 1),
        chunked_bytes_sent_at_refusal=chunked_sent_at_refusal,
        rss_growth_mib=round(rss_after - rss_before, 1),
        rows_stored=stored,
    )
    assert header_refusal_s < 1.0
    assert stored == 0
    assert rss_after - rss_before < 30


def _closed_by_server(socks: list[socket.socket], wait: float) -> int:
    """How many of `socks` the server has hung up on (EOF or reset), waiting at most `wait` seconds in all."""
    closed: set[socket.socket] = set()
    deadline = time.monotonic() + wait
    while len(closed) < len(socks) and time.monotonic() < deadline:
        readable, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.2)
        for sock in readable:
            try:
                if sock.recv(4096) == b"":
                    closed.add(sock)
            except OSError:
                closed.add(sock)
    return len(closed)


def _connections_held(pid: int, client_ports: set[int]) -> int:
    """How many TCP connections from `client_ports` the server process still has open (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes and int(fields[2].rsplit(":", 1)[1], 16) in client_ports:
                    held += 1
    return held


def test_slow_clients_do_not_block_others(server_factory) -> None:  # type: ignore[no-untyped-def]
    request_timeout = 3.0
    srv = server_factory(LOGPILOT_PROTOCOL="all", LOGPILOT_REQUEST_TIMEOUT_SECONDS=str(request_timeout))
    with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": API_KEY}) as c:
        big = [{"channel": "big", "message": "m" * 2000} for _ in range(500)]
        for _ in range(4):
            assert c.post("/api/logs/batch", json=big).status_code == 201
    stalled: list[socket.socket] = []
    opened = time.monotonic()
    # slowloris: headers that never end
    for i in range(150):
        sock = socket.create_connection(("127.0.0.1", srv.http_port))
        sock.sendall(f"POST /api/logs HTTP/1.1\r\nHost: x\r\nX-Slow-{i}: ".encode())
        stalled.append(sock)
    # complete headers, a body that never arrives
    for _ in range(50):
        sock = socket.create_connection(("127.0.0.1", srv.http_port))
        sock.sendall(
            f"POST /api/logs HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\nContent-Length: 1000\r\n\r\n{{".encode()
        )
        stalled.append(sock)
    # readers that ask for 3 x 4 MB (more than socket buffers hold) and never read it: dropped once they have
    # taken no byte of it for the request timeout
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", srv.http_port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        get = f"GET /api/logs/big?limit=2000 HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n\r\n"
        sock.sendall(3 * get.encode())
        stalled.append(sock)
    reader_ports = {sock.getsockname()[1] for sock in stalled[200:205]}
    # idle connections on the gRPC port
    for _ in range(20):
        stalled.append(socket.create_connection(("127.0.0.1", srv.grpc_port)))

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    trickle = threading.Event()

    def keep_trickling() -> None:
        while not trickle.wait(0.5):
            for sock in stalled[:150]:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")

    trickler = threading.Thread(target=keep_trickling)
    trickler.start()
    try:
        with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": API_KEY}, timeout=5) as c:
            for i in range(150):
                t0 = time.perf_counter()
                r = c.post("/api/logs", json={"channel": "normal", "message": str(i)})
                r2 = c.get("/api/logs/normal", params={"consumerId": "n", "limit": 5})
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] += 1
                statuses[r2.status_code] += 1
        with grpc.insecure_channel(srv.grpc_target) as channel:
            stub = pb_grpc.LogServiceStub(channel)
            t0 = time.perf_counter()
            for i in range(50):
                stub.SendLog(
                    pb.LogRequest(channel="normal", message=f"g{i}"),
                    metadata=(("x-api-key", API_KEY),),
                    timeout=5,
                )
            grpc_ms = (time.perf_counter() - t0) / 50 * 1000
        health = httpx.get(f"{srv.management_url}/actuator/health", timeout=5).status_code
        # Past the request deadline the server has hung up on every client still sending its request,
        # although the slowloris ones kept sending a byte every half second.
        time.sleep(max(0.0, opened + request_timeout + 1.0 - time.monotonic()))
        trickle.set()
        trickler.join()
        closed = _closed_by_server(stalled[:200], 3.0)
        readers_held = _connections_held(srv.proc.pid, reader_ports)
    finally:
        trickle.set()
        trickler.join()
        for sock in stalled:
            sock.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    report(
        "abuse-slow-clients",
        slow_connections=len(stalled),
        normal_requests=sum(statuses.values()),
        normal_ok=statuses[201] + statuses[200],
        normal_p50_ms=round(statistics.median(latencies) * 1000, 1),
        normal_p99_ms=round(p99 * 1000, 1),
        grpc_mean_ms=round(grpc_ms, 1),
        server_rss_mib=round(rss_mib(srv.proc.pid), 1),
        incomplete_requests_closed_at_deadline=closed,
        non_reading_clients_still_held=readers_held,
    )
    assert statuses == Counter({201: 150, 200: 150})
    assert health == 200
    assert p99 < 0.5, f"p99 {p99 * 1000:.0f} ms with slow clients connected"
    assert srv.proc.poll() is None
    assert closed == 200, f"only {closed} of 200 incomplete requests were cut off at the deadline"
    assert readers_held == 0, f"{readers_held} of 5 clients that stopped reading still hold a connection"
    with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": API_KEY}) as c:
        assert c.post("/api/logs", json={"channel": "normal", "message": "after"}).status_code == 201


def test_a_slow_but_steady_reader_is_not_cut_off(server_factory) -> None:  # type: ignore[no-untyped-def]
    """The bound is on a reader that takes nothing: one that keeps taking its responses slowly gets them all."""
    srv = server_factory(LOGPILOT_PROTOCOL="rest", LOGPILOT_REQUEST_TIMEOUT_SECONDS="1")
    with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": API_KEY}) as c:
        batch = [{"channel": "big", "message": "m" * 2000} for _ in range(600)]
        assert c.post("/api/logs/batch", json=batch).status_code == 201
        one = c.get("/api/logs/big", params={"limit": 600})
    # 6 pipelined responses, ~7 MB in all: more than the socket buffers hold, so the server waits on the reader.
    get = f"GET /api/logs/big?limit=600 HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n\r\n".encode()
    expected_body = 6 * len(one.content)
    sock = socket.create_connection(("127.0.0.1", srv.http_port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    received = bytearray()
    started = time.monotonic()
    try:
        sock.sendall(6 * get)
        time.sleep(0.6)  # more than half the timeout without reading, several times over
        while time.monotonic() - started < 60:
            budget = 1_000_000
            while budget > 0:
                chunk = sock.recv(min(budget, 65536))
                if not chunk:
                    break
                received += chunk
                budget -= len(chunk)
            if not chunk or received.count(b"HTTP/1.1 200") == 6 and len(received) >= expected_body:
                break
            time.sleep(0.6)
    finally:
        sock.close()
    bodies = received.split(b"HTTP/1.1 200")[1:]
    report("abuse-slow-reader", bytes_read=len(received), seconds=round(time.monotonic() - started, 1))
    assert len(bodies) == 6 and all(b.endswith(one.content) for b in bodies), f"got {len(received)} bytes"
