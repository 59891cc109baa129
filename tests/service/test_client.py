"""The Python client and logging handler against a real server, over REST and gRPC."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
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
        start, end = client.send_batch(
            [{"channel": channel, "message": "two"}, {"channel": channel, "message": "three"}]
        )
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
