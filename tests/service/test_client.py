"""The Python client and logging handler against a real server, over REST and gRPC."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import orjson
import pytest
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc
from logpilot_server.client import LogPilotClient, LogPilotClientError, LogPilotHandler

from .conftest import API_KEY, ServerProcess, free_port, make_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    srv = make_server(tmp_path_factory.mktemp("client"), LOGPILOT_PROTOCOL="all")
    srv.start()
    yield srv
    assert srv.stop() == 0


def _urls(server: ServerProcess) -> dict[str, str]:
    return {"rest": server.base_url, "grpc": f"grpc://{server.grpc_target}"}


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_background_batching_delivers_everything_in_order(server: ServerProcess, protocol: str) -> None:
    channel = f"bg-{protocol}"
    with LogPilotClient(_urls(server)[protocol], API_KEY, batch_size=100, flush_interval=0.05) as client:
        for i in range(1050):
            assert client.log(channel, f"m{i}", "warning", {"i": i})
        assert client.flush(30)
        assert client.sent == 1050 and client.dropped == 0
        received: list[dict[str, object]] = []
        while batch := client.fetch(channel, "reader", limit=400):
            received.extend(batch)
    assert [e["message"] for e in received] == [f"m{i}" for i in range(1050)]
    assert {e["level"] for e in received} == {"WARN"}
    assert received[5]["meta"] == ({"i": 5} if protocol == "rest" else {"i": "5"})


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_synchronous_send_commit_and_seek(server: ServerProcess, protocol: str) -> None:
    channel = f"sync-{protocol}"
    with LogPilotClient(_urls(server)[protocol], API_KEY) as client:
        first = client.send(channel, "one")
        ids = client.send_batch(
            [{"channel": channel, "message": "two"}, {"channel": channel, "message": "three"}]
        )
        assert first is not None and ids is not None
        start, end = ids
        assert (start, end) == (first + 1, first + 2)
        client.commit(channel, "c", first)
        assert [e["message"] for e in client.fetch(channel, "c")] == ["two", "three"]
        client.seek(channel, "c", "EARLIEST")
        assert len(client.fetch(channel, "c")) == 3
        client.seek(channel, "c", "SPECIFIC", end)
        assert [e["message"] for e in client.fetch(channel, "c")] == ["three"]


def test_wrong_key_is_not_retried(server: ServerProcess) -> None:
    with LogPilotClient(server.base_url, "wrong", max_retries=3) as client:
        started = time.monotonic()
        with pytest.raises(LogPilotClientError) as info:
            client.send("x", "y")
        assert not info.value.retryable
        assert time.monotonic() - started < 2


def test_request_refused_in_a_grpc_response_is_not_retried(server: ServerProcess) -> None:
    with LogPilotClient(_urls(server)["grpc"], API_KEY, max_retries=3) as client:
        with pytest.raises(LogPilotClientError) as info:
            client.send("", "no channel")
        assert not info.value.retryable and "channel" in str(info.value)
        assert client.retries == 0
        assert client.send_batch([]) is None


class _OriginalRest(BaseHTTPRequestHandler):
    """Answers as the original LogPilot's LogController and security filter do (empty 201 / 200 bodies,
    LocalDateTime text, 403 without a key); the original itself cannot be built without Maven Central."""

    stored: list[Any] = []

    def _reply(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        if body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        payload = orjson.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("X-API-KEY") != API_KEY:
            self._reply(
                403, b'{"timestamp":"2025-09-25T10:30:00.000+00:00","status":403,"error":"Forbidden"}'
            )
        elif self.path in ("/api/logs", "/api/logs/batch"):
            entries = payload if isinstance(payload, list) else [payload]
            # Its LogEntry: channel, level (exactly one of the four names) and message are required.
            if any(e.get("level") not in ("DEBUG", "INFO", "WARN", "ERROR") for e in entries):
                self._reply(
                    400, b'{"errorCode":"BAD_REQUEST","message":"Malformed JSON or invalid parameters"}'
                )
                return
            self.stored.extend(entries)
            self._reply(201)
        else:
            self._reply(200)

    def do_GET(self) -> None:
        logs = [
            {
                "channel": e["channel"],
                "level": e["level"],
                "message": e["message"],
                "id": i + 1,
                "timestamp": "2025-09-25T10:30:00.5",
            }
            for i, e in enumerate(self.stored)
        ]
        self._reply(200, orjson.dumps(logs))

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _OriginalGrpc(pb_grpc.LogServiceServicer):
    """The original's gRPC result messages (status and text; no ids)."""

    def SendLogs(self, request: Any, context: Any) -> Any:
        return pb.SendLogsResponse(status="success", message="Logs stored successfully")

    def Seek(self, request: Any, context: Any) -> Any:
        return pb.SeekResponse(status="success", message="Seek operation successful")


def test_client_works_against_the_original_servers_answers() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _OriginalRest)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    grpc_server = grpc.server(ThreadPoolExecutor(2))
    pb_grpc.add_LogServiceServicer_to_server(_OriginalGrpc(), grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    grpc_server.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        with LogPilotClient(url, API_KEY, flush_interval=0.05) as client:
            assert client.send("orig", "one", "WARN") is None
            assert client.send_batch([{"channel": "orig", "message": "two", "level": "warning"}]) is None
            client.seek("orig", "c", "EARLIEST")
            assert (
                client.log("orig", "three") and client.flush(10) and client.sent == 1 and client.dropped == 0
            )
            assert [e["message"] for e in client.fetch("orig", "c")] == ["one", "two", "three"]
        with LogPilotClient(url, "wrong", max_retries=3) as client:
            with pytest.raises(LogPilotClientError, match="HTTP 403") as info:
                client.send("orig", "refused")
            assert not info.value.retryable
        with LogPilotClient(f"grpc://127.0.0.1:{port}", API_KEY) as client:
            assert client.send("orig", "one") is None
            assert client.send_batch([{"channel": "orig", "message": "two"}]) is None
            client.seek("orig", "c", "LATEST")
    finally:
        httpd.shutdown()
        grpc_server.stop(None)


def test_retries_with_backoff_until_the_server_comes_up(tmp_path: Path) -> None:
    srv = make_server(tmp_path, LOGPILOT_PROTOCOL="rest")
    client = LogPilotClient(
        srv.base_url, API_KEY, flush_interval=0.01, backoff_initial=0.1, backoff_max=0.5, max_retries=40
    )
    for i in range(20):
        client.log("late", f"m{i}")
    timer = threading.Timer(1.0, srv.start)
    timer.start()
    try:
        assert client.flush(30)
        assert client.sent == 20 and client.dropped == 0
        assert [e["message"] for e in client.fetch("late", "r")] == [f"m{i}" for i in range(20)]
    finally:
        timer.join()
        client.close()
        assert srv.stop() == 0


def test_bounded_queue_drops_instead_of_blocking() -> None:
    client = LogPilotClient(
        f"http://127.0.0.1:{free_port()}", API_KEY, max_queue=10, max_retries=0, timeout=0.5
    )
    started = time.monotonic()
    results = [client.log("q", str(i)) for i in range(100)]
    assert time.monotonic() - started < 1.0
    assert results.count(False) >= 80 and client.dropped >= 80
    client.close(timeout=5)


def test_close_gives_up_after_its_timeout_and_counts_what_it_could_not_send() -> None:
    client = LogPilotClient(
        f"http://127.0.0.1:{free_port()}", API_KEY, max_retries=1000, backoff_initial=0.05, timeout=0.5
    )
    crashes: list[BaseException | None] = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: crashes.append(args.exc_value)
    try:
        for i in range(10):
            client.log("unsent", str(i))
        started = time.monotonic()
        client.close(timeout=0.5)
        assert time.monotonic() - started < 2.5
        deadline = time.monotonic() + 5
        while client.dropped < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        threading.excepthook = previous_hook
    assert (client.sent, client.dropped) == (0, 10)
    assert not crashes, crashes


def test_logging_handler_ships_records_with_meta(server: ServerProcess) -> None:
    logger = logging.getLogger("tests.client.handler")
    logger.setLevel(logging.DEBUG)
    handler = LogPilotHandler("app-logs", url=server.base_url, api_key=API_KEY, flush_interval=0.05)
    logger.addHandler(handler)
    try:
        logger.info("user %s logged in", "ada", extra={"meta": {"tenant": "t1"}})
        logger.warning("disk almost full")
        try:
            raise ValueError("bad value")
        except ValueError:
            logger.exception("failed")
        logging.getLogger("logpilot.client").warning("must not loop back")
        handler.flush()
        entries = handler.client.fetch("app-logs", "check")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert [(e["level"], e["message"]) for e in entries] == [
        ("INFO", "user ada logged in"),
        ("WARN", "disk almost full"),
        ("ERROR", "failed"),
    ]
    assert entries[0]["meta"]["tenant"] == "t1" and entries[0]["meta"]["logger"] == "tests.client.handler"
    assert "ValueError: bad value" in entries[2]["meta"]["exception"]


def test_pending_entries_are_flushed_at_interpreter_exit(server: ServerProcess) -> None:
    script = textwrap.dedent(
        f"""
        import logging
        from logpilot_server.client import LogPilotHandler
        logging.getLogger().addHandler(LogPilotHandler("exit-flush", url="{server.base_url}", api_key="{API_KEY}", flush_interval=60))
        logging.getLogger().setLevel(logging.INFO)
        for i in range(300):
            logging.info("line %d", i)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    with LogPilotClient(server.base_url, API_KEY) as client:
        assert len(client.fetch("exit-flush", "c", limit=1000)) == 300
