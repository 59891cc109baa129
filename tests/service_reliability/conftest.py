"""Shared pieces of the service reliability scenarios: the service tests' fixtures (real servers on loopback
ports, a throwaway PostgreSQL), a figures line for bench/reliability.py, and direct row counts in storage.

Every scenario prints one line `RELIABILITY {json}` with its figures (logs sent, acknowledged, found, ...),
which `bench/reliability.py` collects into RELIABILITY.md.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from ..service.conftest import (  # noqa: F401  (fixtures re-exported for this directory)
    API_KEY,
    SECOND_KEY,
    PostgresServer,
    ServerProcess,
    free_port,
    make_server,
    pg_database,
    postgres,
    server_factory,
)


def report(scenario: str, **figures: Any) -> None:
    """Prints the scenario's machine-readable summary line (one per run)."""
    print(
        "RELIABILITY "
        + orjson.dumps({"scenario": scenario, **figures}, option=orjson.OPT_NON_STR_KEYS).decode(),
        flush=True,
    )


def sqlite_path(server: ServerProcess) -> Path:
    return Path(server.env["LOGPILOT_SQLITE_PATH"])


def stored_rows(server: ServerProcess, channel: str | None = None) -> list[tuple[int, str]]:
    """(id, message) of every stored log, read straight from the server's storage, not through its API."""
    where, params = ("WHERE channel = %s", (channel,)) if channel is not None else ("", ())
    if server.env.get("LOGPILOT_STORAGE_TYPE") == "postgres":
        import psycopg

        with psycopg.connect(server.env["LOGPILOT_POSTGRES_DSN"]) as conn:
            return [
                (int(r[0]), str(r[1])) for r in conn.execute(f"SELECT id, message FROM logs {where}", params)
            ]
    with sqlite3.connect(f"file:{sqlite_path(server)}?mode=ro", uri=True) as conn:
        sql = f"SELECT id, message FROM logs {where.replace('%s', '?')}"
        return [(int(r[0]), str(r[1])) for r in conn.execute(sql, params)]


def count_rows(server: ServerProcess, table: str) -> int:
    """Rows in one of the server's tables (logs, consumer_offsets), counted in storage."""
    if server.env.get("LOGPILOT_STORAGE_TYPE") == "postgres":
        import psycopg

        with psycopg.connect(server.env["LOGPILOT_POSTGRES_DSN"]) as conn:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            return int(row[0]) if row else 0
    with sqlite3.connect(f"file:{sqlite_path(server)}?mode=ro", uri=True) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
