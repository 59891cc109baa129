"""Fixtures for the service tests: real servers on loopback ports and a throwaway PostgreSQL.

`postgres` starts its own PostgreSQL from the installed binaries (initdb, pg_ctl) in a temp folder on a free
port; as root it runs them as the `postgres` user. Without the binaries the PostgreSQL tests skip, except when
the CI environment variable is set: then they fail. `pg_database` gives each test its own database.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

API_KEY = "test-key-1"
SECOND_KEY = "test-key-2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command() -> list[str]:
    """The installed console script, or the module when the script is not on PATH."""
    script = Path(sys.executable).with_name("logpilot-server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "logpilot_server"]


@dataclass
class ServerProcess:
    """A `logpilot-server` subprocess on free loopback ports."""

    env: dict[str, str]
    http_port: int
    grpc_port: int
    management_port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.management_port}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def start(self, wait: bool = True, timeout: float = 20.0) -> ServerProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(server_command(), env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.logs()}")
            with contextlib.suppress(httpx.HTTPError):
                if (
                    httpx.get(f"{self.management_url}/actuator/health/readiness", timeout=1.0).status_code
                    == 200
                ):
                    return
            time.sleep(0.05)
        raise AssertionError(f"server not ready after {timeout}s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Sends `sig` and returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"server did not stop within {timeout}s:\n{self.logs()}") from None
        self.proc = None
        return code


def make_server(tmp_path: Path, **env_overrides: str) -> ServerProcess:
    """A server description with test defaults: SQLite under tmp_path, one API key plus a rotation key."""
    http_port, grpc_port, management_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGPILOT_")}
    env.update(
        {
            "LOGPILOT_HOST": "127.0.0.1",
            "LOGPILOT_HTTP_PORT": str(http_port),
            "LOGPILOT_GRPC_PORT": str(grpc_port),
            "LOGPILOT_MANAGEMENT_PORT": str(management_port),
            "LOGPILOT_SQLITE_PATH": str(tmp_path / "logpilot.db"),
            "LOGPILOT_API_KEYS": f"{API_KEY},{SECOND_KEY}",
            "LOGPILOT_SHUTDOWN_GRACE_SECONDS": "10",
        }
    )
    env.update(env_overrides)
    return ServerProcess(env, http_port, grpc_port, management_port, tmp_path / "server.log")


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[object]:
    """Call it with LOGPILOT_* overrides to start a server; every server is stopped at teardown."""
    started: list[ServerProcess] = []

    def factory(wait: bool = True, **env: str) -> ServerProcess:
        server = make_server(tmp_path / f"s{len(started)}", **env)
        server.log_path.parent.mkdir(parents=True, exist_ok=True)
        started.append(server)
        return server.start(wait=wait)

    yield factory
    hung = []
    for server in started:
        try:
            server.stop()
        except AssertionError as exc:  # stop every server before reporting the first that hung
            hung.append(str(exc))
    assert not hung, "\n".join(hung)


# --- PostgreSQL -------------------------------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster; `stop()`/`start()` simulate an outage."""

    bindir: Path
    datadir: Path
    port: int
    as_user: list[str]

    @property
    def admin_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._pg_ctl("-w", "-l", str(self.datadir / "server.log"), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-w", "-m", mode, "stop")

    def create_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (skip when not installed, fail in CI)."""
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        message = "PostgreSQL binaries (initdb, pg_ctl) not found"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install postgresql")
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="logpilot-pg-"))
    datadir = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root but there is no postgres user to run PostgreSQL as")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = PostgresServer(bindir, datadir, free_port(), as_user)
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_database(postgres: PostgresServer) -> str:
    """A fresh, empty database on the session's PostgreSQL; returns its DSN."""
    return postgres.dsn(postgres.create_database())
