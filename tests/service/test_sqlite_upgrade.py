"""Start-up on a database the original (Java) LogPilot wrote upgrades it in place and keeps every log.

The original database is built here with the original's own DDL and values as its driver stores them
(sqlite-jdbc's default: DATETIME as epoch milliseconds; the other `date_class` settings as text or Julian day).
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from logpilot_server.config import SqliteSettings
from logpilot_server.errors import StorageUnavailable
from logpilot_server.storage.sqlite import SqliteStorage

from .conftest import API_KEY, make_server

H = {"X-API-KEY": API_KEY}

_ORIGINAL_DDL = """
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    meta TEXT,
    timestamp DATETIME NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS consumer_offsets (
    consumer_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    last_log_id INTEGER NOT NULL,
    PRIMARY KEY (consumer_id, channel)
);
CREATE INDEX IF NOT EXISTS idx_logs_channel ON logs(channel);
"""

# (channel, level, message, meta, timestamp as the original's driver stored it) -> expected epoch ms
_ORIGINAL_ROWS = [
    (("orders", "INFO", "created", '{"orderId":"42"}', 1_700_000_000_123), 1_700_000_000_123),
    (("orders", "ERROR", "declined", None, 1_700_000_001_000), 1_700_000_001_000),
    (("audit", "WARN", "login ünïcode", '{"user":"a","n":1}', 1_700_000_002_500), 1_700_000_002_500),
    (("orders", "DEBUG", "text date", None, "2023-11-14 22:13:23.456"), 1_700_000_003_456),
    (("audit", "INFO", "julian date", None, 2460263.5), 1_700_006_400_000),
    (("orders", "INFO", "to be deleted", None, 1_700_000_009_000), None),
]


def write_original_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(_ORIGINAL_DDL)
    for (channel, level, message, meta, ts), _ in _ORIGINAL_ROWS:
        conn.execute(
            "INSERT INTO logs (channel, level, message, meta, timestamp) VALUES (?, ?, ?, ?, ?)",
            (channel, level, message, meta, ts),
        )
    conn.execute("DELETE FROM logs WHERE message = 'to be deleted'")  # the sequence stays at 6
    conn.executemany(
        "INSERT INTO consumer_offsets (consumer_id, channel, last_log_id) VALUES (?, ?, ?)",
        [("billing", "orders", 2), ("auditor", "audit", 5)],
    )
    conn.close()


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_opening_an_original_database_keeps_every_field_and_offset(tmp_path: Path) -> None:
    db = tmp_path / "logpilot.db"
    write_original_database(db)
    store = SqliteStorage(SqliteSettings(path=str(db)))
    store.open()
    try:
        rows = store.query(None, None, None, None, 100)
        expected = [
            (i, *row[:4], ts) for i, (row, ts) in enumerate(_ORIGINAL_ROWS, start=1) if ts is not None
        ]
        assert rows == expected
        assert store.get_offset("orders", "billing") == 2
        assert store.get_offset("audit", "auditor") == 5
        store.ping()
        # The id sequence continues after the highest id the original handed out (6, deleted).
        assert store.write([("orders", "INFO", "new", None, 1)], []) == 7
    finally:
        store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    assert {r[1] for r in conn.execute("PRAGMA table_info(logs)")} == {
        "id",
        "channel",
        "level",
        "message",
        "meta",
        "ts",
    }
    conn.close()


def test_a_failed_upgrade_leaves_the_original_untouched(tmp_path: Path) -> None:
    db = tmp_path / "logpilot.db"
    write_original_database(db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE logs SET timestamp = 'not a date' WHERE id = 3")
    conn.close()
    before = _dump(db)
    store = SqliteStorage(SqliteSettings(path=str(db)))
    with pytest.raises(StorageUnavailable, match="log 3 .*'not a date'.*nothing was changed"):
        store.open()
    store.close()
    assert _dump(db) == before


def test_a_foreign_logs_table_is_refused_without_change(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT)")
    conn.close()
    before = _dump(db)
    store = SqliteStorage(SqliteSettings(path=str(db)))
    with pytest.raises(StorageUnavailable, match="neither this version's schema nor the original"):
        store.open()
    store.close()
    assert _dump(db) == before


def test_server_started_on_an_original_database_serves_its_logs_and_offsets(tmp_path: Path) -> None:
    db = tmp_path / "data" / "logpilot.db"
    db.parent.mkdir()
    write_original_database(db)
    server = make_server(tmp_path, LOGPILOT_SQLITE_PATH=str(db), LOGPILOT_PROTOCOL="rest")
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, headers=H, timeout=10) as client:
            fetched = client.get("/api/logs/orders", params={"consumerId": "billing", "limit": 10})
            assert fetched.status_code == 200, fetched.text
            # billing had committed id 2: it resumes at id 4, the next entry of its channel.
            assert [(e["id"], e["message"]) for e in fetched.json()] == [(4, "text date")]
            audit = client.get("/api/logs/audit", params={"consumerId": "new-reader"}).json()
            assert [(e["id"], e["message"]) for e in audit] == [(3, "login ünïcode"), (5, "julian date")]
            assert audit[0]["meta"] == {"user": "a", "n": 1}
            created = client.post("/api/logs", json={"channel": "orders", "message": "after upgrade"})
            assert created.status_code == 201 and created.json()["id"] == 7
        health = httpx.get(f"{server.management_url}/actuator/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "UP"
        assert "upgraded" in server.logs() and "5 logs and 2 consumer offsets kept" in server.logs()
    finally:
        assert server.stop() == 0


def test_server_exits_1_on_a_database_it_cannot_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "logpilot.db"
    write_original_database(db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE logs SET timestamp = x'00' WHERE id = 1")
    conn.close()
    before = _dump(db)
    server = make_server(tmp_path, LOGPILOT_SQLITE_PATH=str(db))
    server.start(wait=False)
    assert server.proc is not None
    try:
        code = server.proc.wait(30)
    except subprocess.TimeoutExpired:
        server.stop()
        raise
    server.proc = None
    assert code == 1, server.logs()
    assert "log 1 of the original database" in server.logs()
    assert _dump(db) == before
