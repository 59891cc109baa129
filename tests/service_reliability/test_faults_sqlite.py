"""Storage faults on the embedded default (SQLite), seen from a client of the real server process on loopback:
a write that fails is never acknowledged (503), a retry after the fault clears stores it, nothing twice.

Faults: the disk full (a file size limit on the server process, RLIMIT_FSIZE, raised again with prlimit),
the database locked past the busy timeout (another connection holding the write lock), an I/O error and a
read-only file system (EIO / EROFS injected into the server's writes with `strace -e inject`), and start-up
on a read-only file (the server run as an unprivileged user).
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.tools import missing

from .conftest import API_KEY, ServerProcess, make_server, report, stored_rows

H = {"X-API-KEY": API_KEY}


def _start(server: ServerProcess, preexec: Callable[[], None] | None = None) -> ServerProcess:
    """Like ServerProcess.start, with a hook run in the server process before it executes."""
    server.log_path.parent.mkdir(parents=True, exist_ok=True)
    from ..service.conftest import server_command

    with server.log_path.open("ab") as log:
        server.proc = subprocess.Popen(
            server_command(), env=server.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec
        )
    server.wait_ready()
    return server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = make_server(tmp_path, LOGPILOT_PROTOCOL="rest")
    yield srv
    with contextlib.suppress(AssertionError):
        srv.stop()


def _batch(tag: str, size: int, message_bytes: int = 16) -> list[dict[str, str]]:
    return [{"channel": "faults", "message": f"{tag}-{i}-" + "x" * message_bytes} for i in range(size)]


def _post_until_stored(client: httpx.Client, body: list[dict[str, str]], timeout: float = 20.0) -> list[int]:
    """The client's retry loop: repeat the same batch while the server answers 503; returns its statuses."""
    statuses: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.post("/api/logs/batch", json=body).status_code
        statuses.append(status)
        if status != 503:
            return statuses
        time.sleep(0.2)
    raise AssertionError(f"still refused after {timeout}s: {statuses[-5:]}")


def _assert_each_stored_once(server: ServerProcess, acknowledged: list[list[dict[str, str]]]) -> int:
    messages = [m for _, m in stored_rows(server, "faults")]
    expected = [entry["message"] for body in acknowledged for entry in body]
    assert sorted(messages) == sorted(expected), "stored logs differ from the acknowledged ones"
    assert len(set(messages)) == len(messages), "a log was stored twice"
    return len(messages)


def _readiness(server: ServerProcess) -> int:
    return httpx.get(f"{server.management_url}/actuator/health/readiness", timeout=10).status_code


def test_disk_full_is_refused_then_the_retry_stores_each_log_once(server: ServerProcess) -> None:
    limit = 3 * 1024 * 1024

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    _start(server, small_disk)
    assert server.proc is not None
    acknowledged: list[list[dict[str, str]]] = []
    refused: list[dict[str, str]] | None = None
    with httpx.Client(base_url=server.base_url, headers=H, timeout=30) as client:
        for k in range(100):
            body = _batch(f"b{k}", 200, 1000)
            r = client.post("/api/logs/batch", json=body)
            if r.status_code == 201:
                acknowledged.append(body)
                continue
            assert r.status_code == 503, r.text
            assert "write failed" in r.json()["message"]
            refused = body
            break
        assert refused is not None, "the size limit was never reached"
        # Still full: the same batch is refused again, and nothing of it was stored.
        assert client.post("/api/logs/batch", json=refused).status_code == 503
        refused_messages = {entry["message"] for entry in refused}
        assert not refused_messages & {m for _, m in stored_rows(server, "faults")}
        resource.prlimit(
            server.proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
        )
        statuses = _post_until_stored(client, refused)
        assert statuses[-1] == 201
        acknowledged.append(refused)
    stored = _assert_each_stored_once(server, acknowledged)
    assert server.stop() == 0
    report("sqlite-disk-full", acknowledged_batches=len(acknowledged), stored=stored, retries=len(statuses))


def test_lock_held_past_the_busy_timeout_is_refused_and_readiness_turns_down(server: ServerProcess) -> None:
    _start(server)
    acknowledged: list[list[dict[str, str]]] = []
    with httpx.Client(base_url=server.base_url, headers=H, timeout=30) as client:
        first = _batch("before", 10)
        assert client.post("/api/logs/batch", json=first).status_code == 201
        acknowledged.append(first)
        blocker = sqlite3.connect(server.env["LOGPILOT_SQLITE_PATH"], isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            locked = _batch("locked", 10)
            r = client.post("/api/logs/batch", json=locked)
            assert r.status_code == 503 and "locked" in r.text, r.text
            assert _readiness(server) == 503
            health = httpx.get(f"{server.management_url}/actuator/health", timeout=10).json()
            assert health["status"] == "DOWN" and health["components"]["storage"]["status"] == "DOWN"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        statuses = _post_until_stored(client, locked)
        acknowledged.append(locked)
    assert _readiness(server) == 200
    stored = _assert_each_stored_once(server, acknowledged)
    assert server.stop() == 0
    report("sqlite-locked", stored=stored, retries=len(statuses))


@contextlib.contextmanager
def _failing_writes(pid: int, errno_name: str) -> Iterator[None]:
    """Every pwrite64 of the process fails with `errno_name` while the block runs (strace fault injection)."""
    strace = shutil.which("strace")
    if strace is None:
        missing("strace", "it injects the I/O faults; Debian's strace package")
    tracer = subprocess.Popen(
        [
            strace,
            "-qq",
            "-o",
            "/dev/null",
            "-f",
            "-p",
            str(pid),
            "-e",
            "trace=pwrite64",
            "-e",
            f"inject=pwrite64:error={errno_name}",
        ],
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)  # attaching to every thread takes a moment
    if tracer.poll() is not None:
        pytest.skip(
            f"strace cannot attach here: {tracer.stderr.read().decode(errors='replace') if tracer.stderr else ''}"
        )
    try:
        yield
    finally:
        tracer.terminate()  # strace detaches from the process on SIGTERM
        tracer.wait(10)


@pytest.mark.parametrize(("errno_name", "fragment"), [("EIO", "I/O error"), ("EROFS", "")])
def test_io_errors_are_refused_and_the_retry_stores_each_log_once(
    server: ServerProcess, errno_name: str, fragment: str
) -> None:
    _start(server)
    assert server.proc is not None
    acknowledged: list[list[dict[str, str]]] = []
    with httpx.Client(base_url=server.base_url, headers=H, timeout=60) as client:
        first = _batch("before", 50)
        assert client.post("/api/logs/batch", json=first).status_code == 201
        acknowledged.append(first)
        failing = _batch(f"during-{errno_name}", 50)
        with _failing_writes(server.proc.pid, errno_name):
            refused = [client.post("/api/logs/batch", json=failing) for _ in range(3)]
        assert all(r.status_code == 503 for r in refused), [r.status_code for r in refused]
        assert fragment in refused[0].text
        statuses = _post_until_stored(client, failing)
        acknowledged.append(failing)
        after = _batch("after", 50)
        assert client.post("/api/logs/batch", json=after).status_code == 201
        acknowledged.append(after)
    stored = _assert_each_stored_once(server, acknowledged)
    assert server.stop() == 0
    report(f"sqlite-{errno_name.lower()}", stored=stored, refused=len(refused), retries=len(statuses))


def test_start_up_on_a_read_only_file_fails_naming_it(tmp_path: Path) -> None:
    db = tmp_path / "logpilot.db"
    from logpilot_server.config import SqliteSettings
    from logpilot_server.storage.sqlite import SqliteStorage

    store = SqliteStorage(SqliteSettings(path=str(db)))
    store.open()  # this version's schema: start-up reaches the write check
    store.write([("faults", "INFO", "kept", None, 1)], [])
    store.close()
    before = db.read_bytes()
    # Immutable: not even root may write it (the server runs as root here; file modes would not stop it).
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(db)], capture_output=True, check=False).returncode:
        pytest.skip("cannot make a file immutable here (chattr +i)")
    try:
        server = make_server(tmp_path, LOGPILOT_SQLITE_PATH=str(db), LOGPILOT_PROTOCOL="rest")
        server.start(wait=False)
        assert server.proc is not None
        code = server.proc.wait(30)
        server.proc = None
    finally:
        subprocess.run([chattr, "-i", str(db)], check=True)
    output = server.logs()
    assert code == 1, output
    assert "start-up failed" in output and "readonly database" in output, output
    assert db.read_bytes() == before
    report("sqlite-read-only-start", exit_code=code)
