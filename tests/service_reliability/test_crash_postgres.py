"""Crash safety on PostgreSQL: `kill -9` while REST and gRPC producers send batches; after a restart every
acknowledged log is in the database exactly once (tests/service/test_durability.py does this for SQLite)."""

from __future__ import annotations

import signal
import time

import httpx

from .conftest import API_KEY, report, stored_rows
from .test_graceful_shutdown import Load


def test_kill_9_under_load_on_postgres_keeps_every_acknowledged_log_once(
    server_factory, pg_database: str
) -> None:  # type: ignore[no-untyped-def]
    env = {
        "LOGPILOT_PROTOCOL": "all",
        "LOGPILOT_STORAGE_TYPE": "postgres",
        "LOGPILOT_POSTGRES_DSN": pg_database,
    }
    srv = server_factory(**env)
    load = Load(srv)
    load.start()
    time.sleep(1.5)
    assert srv.stop(signal.SIGKILL) == -signal.SIGKILL
    load.join()
    srv.start()  # the same database: recovery is PostgreSQL's, the server only has to come back
    stored = [m for _, m in stored_rows(srv, "term")]
    stored_set = set(stored)
    found = load.acked & stored_set
    report(
        "crash-postgres",
        sent=len(load.sent),
        acknowledged=len(load.acked),
        found=len(found),
        duplicates=len(stored) - len(stored_set),
        stored_unacknowledged=len(stored_set - load.acked),
        failed_requests=load.errors,
    )
    assert len(load.acked) > 500
    assert found == load.acked, f"{len(load.acked - found)} acknowledged logs lost"
    assert len(stored) == len(stored_set), "a log was stored twice"
    # what was stored without an acknowledgment can only come from requests cut off by the kill
    assert stored_set <= load.sent
    with httpx.Client(base_url=srv.base_url, headers={"X-API-KEY": API_KEY}) as c:
        assert c.post("/api/logs", json={"channel": "term", "message": "after restart"}).status_code == 201
