"""The original LogPilot's clients against our server: a declined h2c upgrade is served as HTTP/1.1.

The JDK's HttpClient (and so the original's Java SDK, Logback appender and Spring Boot starter) and
`curl --http2` offer an h2c upgrade on cleartext requests; we decline it and must still read the body
(Content-Length or chunked), keep the connection alive and answer pipelined requests in order.
The Java client is compiled by the test with `javac`; without a JDK it is skipped, except when the CI
environment variable is set: then it fails.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from tests.tools import require_java

from .conftest import API_KEY, ServerProcess, make_server

H = {"X-API-KEY": API_KEY}
JAVA_SOURCE = Path(__file__).with_name("java") / "SdkRestCalls.java"
UPGRADE = b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = make_server(tmp_path_factory.mktemp("clients"), LOGPILOT_PROTOCOL="rest")
    srv.start()
    yield srv
    assert srv.stop() == 0


def _post(path: str, body: bytes, *, chunked: bool = False, upgrade: bool = True) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-KEY: {API_KEY}\r\n"
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {len(body)}\r\n".encode()
    if chunked:
        half = len(body) // 2
        body = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:]))
        body += b"0\r\n\r\n"
    return head.encode() + (UPGRADE if upgrade else b"") + framing + b"\r\n" + body


def _responses(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    """Reads `count` HTTP/1.1 responses (with Content-Length) off a connection."""
    buffer = b""
    out: list[tuple[int, bytes]] = []
    while len(out) < count:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {len(out)} responses: {buffer!r}"
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(v)
            for k, _, v in (line.partition(b":") for line in lines[1:])
            if k.lower() == b"content-length"
        )
        while len(buffer) < length:
            buffer += sock.recv(65536)
        out.append((status, buffer[:length]))
        buffer = buffer[length:]
    return out


def _messages(server: ServerProcess, channel: str) -> list[str]:
    logs = httpx.get(f"{server.base_url}/api/logs/{channel}", params={"limit": 100}, headers=H).json()
    return [e["message"] for e in reversed(logs)]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_declined_h2c_upgrade_keeps_body_keep_alive_and_pipelining(
    server: ServerProcess, chunked: bool
) -> None:
    channel = f"h2c-{'chunked' if chunked else 'length'}"
    entry = orjson.dumps({"channel": channel, "message": "first"})
    batch = orjson.dumps([{"channel": channel, "message": f"batch-{i}"} for i in range(3)])
    with socket.create_connection(("127.0.0.1", server.http_port), timeout=10) as sock:
        sock.sendall(_post("/api/logs", entry, chunked=chunked))
        ((status, body),) = _responses(sock, 1)
        assert status == 201, body
        # Keep-alive, then three requests pipelined in one write, upgrade offers and plain ones mixed.
        pipelined = (
            _post("/api/logs/batch", batch, chunked=chunked)
            + _post("/api/logs", orjson.dumps({"channel": channel, "message": "plain"}), upgrade=False)
            + _post("/api/logs", orjson.dumps({"channel": channel, "message": "last"}), chunked=chunked)
        )
        sock.sendall(pipelined)
        answers = _responses(sock, 3)
        assert [s for s, _ in answers] == [201, 201, 201], answers
        assert orjson.loads(answers[0][1])["count"] == 3
        # The same connection still serves a GET offering the upgrade.
        sock.sendall(
            f"GET /api/logs/{channel}?limit=1 HTTP/1.1\r\nHost: x\r\nX-API-KEY: {API_KEY}\r\n".encode()
            + UPGRADE
            + b"\r\n"
        )
        ((status, body),) = _responses(sock, 1)
        assert status == 200 and [e["message"] for e in orjson.loads(body)] == ["last"]
    assert _messages(server, channel) == ["first", "batch-0", "batch-1", "batch-2", "plain", "last"]


def test_declined_upgrade_with_body_split_across_packets(server: ServerProcess) -> None:
    request = _post("/api/logs", orjson.dumps({"channel": "h2c-split", "message": "split"}))
    cut = request.index(b"\r\n\r\n") + 4
    with socket.create_connection(("127.0.0.1", server.http_port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request[: cut - 10])
        sock.sendall(request[cut - 10 : cut + 5])
        sock.sendall(request[cut + 5 :])
        ((status, body),) = _responses(sock, 1)
    assert status == 201, body
    assert _messages(server, "h2c-split") == ["split"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_http2_on_cleartext_is_served_as_http1(server: ServerProcess) -> None:
    for chunked in (False, True):
        command = ["curl", "-sS", "--http2", "-o", "-", "-w", "\n%{http_code} %{http_version}"]
        command += ["-H", "Content-Type: application/json", "-H", f"X-API-KEY: {API_KEY}"]
        if chunked:
            command += ["-H", "Transfer-Encoding: chunked"]
        body = orjson.dumps({"channel": "curl", "message": f"chunked={chunked}"}).decode()
        out = subprocess.run(
            [*command, "--data-binary", body, f"{server.base_url}/api/logs"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
        assert out.rsplit("\n", 1)[1] == "201 1.1", out
    assert _messages(server, "curl") == ["chunked=False", "chunked=True"]


def test_java_sdk_rest_calls_all_succeed(server: ServerProcess, tmp_path: Path) -> None:
    _, javac = require_java()
    subprocess.run([javac, "-d", str(tmp_path), str(JAVA_SOURCE)], check=True, timeout=120)
    java = str(Path(javac).with_name("java"))
    out = subprocess.run(
        [java, "-cp", str(tmp_path), "SdkRestCalls", server.base_url, API_KEY],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    calls = {}
    for line in out.splitlines():
        name, status, version, body = line.split(" ", 3)
        calls[name] = (int(status), version, body)
    statuses = {name: status for name, (status, _, _) in calls.items()}
    assert statuses == {
        "log": 201,
        "logBatch": 201,
        "logBatchChunked": 201,
        "logBatchEmpty": 201,
        "getLogs": 200,
        "getAllLogs": 200,
        "seekToBeginning": 200,
        "getLogsAgain": 200,
        "seekToId": 200,
        "seekToEnd": 200,
        "logWrongKey": 403,
    }, out
    assert {version for _, version, _ in calls.values()} == {"HTTP_1_1"}
    logs = orjson.loads(calls["getLogs"][2])
    # Every field the SDK's LogEntry reads (it fails on unknown ones), timestamps as the client sent them.
    assert [{k: e[k] for k in ("channel", "level", "message", "meta", "timestamp")} for e in logs] == [
        {
            "channel": "java",
            "level": "INFO",
            "message": "single",
            "meta": {"userId": 123},
            "timestamp": "2025-09-25T10:30:00.123",
        },
        {
            "channel": "java",
            "level": "WARN",
            "message": "batch-1",
            "meta": {},
            "timestamp": "2025-09-25T10:30:00",
        },
        {
            "channel": "java",
            "level": "ERROR",
            "message": "batch-2",
            "meta": {"k": "v"},
            "timestamp": "2025-09-25T10:31:05",
        },
        {
            "channel": "java",
            "level": "DEBUG",
            "message": "chunked",
            "meta": {},
            "timestamp": "2025-09-25T10:31:05",
        },
    ]
    assert set(logs[0]) == {"id", "channel", "level", "message", "meta", "timestamp"}
    assert [e["message"] for e in orjson.loads(calls["getAllLogs"][2])] == ["chunked", "batch-2"]
    assert [e["message"] for e in orjson.loads(calls["getLogsAgain"][2])] == ["single"]
    error = orjson.loads(calls["logWrongKey"][2])
    assert error["errorCode"] == "FORBIDDEN" and error["message"] and error["timestamp"]


def test_upgrade_header_of_a_whole_head_is_renamed_and_nothing_else_is_touched() -> None:
    from logpilot_server.http_server import _rename_upgrade_header

    offer = b"POST /api/logs HTTP/1.1\r\nHost: x\r\n" + UPGRADE + b"Content-Length: 2\r\n\r\n{}"
    renamed = _rename_upgrade_header(offer, keep_websocket=False)
    assert renamed == offer.replace(b"\r\nUpgrade: h2c", b"\r\nX-Declined-Upgrade: h2c")
    plain = b"POST /api/logs HTTP/1.1\r\nUser-Agent: Upgrader\r\nContent-Length: 2\r\n\r\n{}"
    assert _rename_upgrade_header(plain, keep_websocket=False) is plain
    # in the body, not the head: untouched
    body = b"POST / HTTP/1.1\r\nContent-Length: 20\r\n\r\n\r\nUpgrade: h2c\r\n\r\n"
    assert _rename_upgrade_header(body, keep_websocket=False) is body
    websocket = b"GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
    assert _rename_upgrade_header(websocket, keep_websocket=True) is websocket
    # a head not yet whole is left to the parser (the replay path serves it)
    partial = offer[:40]
    assert _rename_upgrade_header(partial, keep_websocket=False) is partial
