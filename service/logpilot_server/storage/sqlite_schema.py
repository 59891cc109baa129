"""The SQLite schema, and the in-place upgrade of a database the original (Java) LogPilot wrote.

The original's tables are `logs(id, channel, level, message, meta, timestamp DATETIME, created_at)` and
`consumer_offsets(consumer_id, channel, last_log_id)`. Its driver (sqlite-jdbc, default `date_class` INTEGER)
stores a timestamp as epoch milliseconds; a database written with another `date_class` holds text
(`yyyy-MM-dd HH:mm:ss.SSS`, read as UTC) or a Julian day number, and those are converted too.

The upgrade copies both tables into this schema inside ONE transaction (SQLite's DDL is transactional): ids,
channels, levels, messages, meta, timestamps and consumer offsets are kept, and the id sequence continues
after the highest id the original ever handed out. If anything fails, the transaction rolls back and the
original tables are left exactly as they were. `created_at` (the original's insert time) is not kept.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

SCHEMA_VERSION = 1

_LOGS_TABLE = """CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    meta TEXT,
    ts INTEGER NOT NULL
)"""
_LOGS_INDEX = "CREATE INDEX IF NOT EXISTS logs_channel_id ON logs (channel, id)"
_OFFSETS_TABLE = """CREATE TABLE IF NOT EXISTS consumer_offsets (
    channel TEXT NOT NULL,
    consumer_id TEXT NOT NULL,
    last_log_id INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)),
    PRIMARY KEY (channel, consumer_id)
) WITHOUT ROWID"""

# The original's `timestamp` as epoch milliseconds, whichever storage class sqlite-jdbc used for it.
_ORIGINAL_TS_MS = """CASE typeof(timestamp)
    WHEN 'integer' THEN timestamp
    WHEN 'real' THEN CAST(round((timestamp - 2440587.5) * 86400000) AS INTEGER)
    WHEN 'text' THEN CAST(round((julianday(timestamp) - 2440587.5) * 86400000) AS INTEGER)
END"""


class SchemaError(Exception):
    """The database holds tables this version cannot read or upgrade; nothing was changed."""


class Upgrade(NamedTuple):
    """What an upgrade from the original's schema carried over."""

    logs: int
    offsets: int


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}


def ensure_schema(conn: sqlite3.Connection) -> Upgrade | None:
    """Creates the schema, or upgrades the original's in place; returns what an upgrade carried over.

    `conn` must be in autocommit mode (isolation_level None). Raises SchemaError or sqlite3.Error; after an
    error the database is unchanged.
    """
    log_columns = _columns(conn, "logs")
    if not log_columns or "ts" in log_columns:
        offset_columns = _columns(conn, "consumer_offsets")
        if offset_columns and not {"channel", "consumer_id", "last_log_id"} <= offset_columns:
            raise SchemaError(f"table consumer_offsets has unexpected columns {sorted(offset_columns)}")
        for statement in (_LOGS_TABLE, _LOGS_INDEX, _OFFSETS_TABLE):
            conn.execute(statement)
        if not log_columns:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return None
    if not {"id", "channel", "level", "message", "meta", "timestamp"} <= log_columns:
        raise SchemaError(
            f"table logs has columns {sorted(log_columns)}: neither this version's schema nor the original "
            "LogPilot's (id, channel, level, message, meta, timestamp)"
        )
    return _upgrade_original(conn)


def _upgrade_original(conn: sqlite3.Connection) -> Upgrade:
    conn.execute("BEGIN IMMEDIATE")
    try:
        bad = conn.execute(
            f"SELECT id, timestamp FROM logs WHERE ({_ORIGINAL_TS_MS}) IS NULL ORDER BY id LIMIT 1"
        ).fetchone()
        if bad is not None:
            raise SchemaError(
                f"log {bad[0]} of the original database has timestamp {bad[1]!r}, which is not a date; "
                "nothing was changed"
            )
        sequence = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'logs'").fetchone()
        conn.execute("ALTER TABLE logs RENAME TO logs_original")
        has_offsets = bool(_columns(conn, "consumer_offsets"))
        if has_offsets:
            conn.execute("ALTER TABLE consumer_offsets RENAME TO consumer_offsets_original")
        conn.execute(_LOGS_TABLE)
        conn.execute(_OFFSETS_TABLE)
        copied = conn.execute(
            "INSERT INTO logs (id, channel, level, message, meta, ts) "
            f"SELECT id, channel, level, message, meta, {_ORIGINAL_TS_MS} FROM logs_original ORDER BY id"
        ).rowcount
        offsets = 0
        if has_offsets:
            offsets = conn.execute(
                "INSERT INTO consumer_offsets (channel, consumer_id, last_log_id) "
                "SELECT channel, consumer_id, last_log_id FROM consumer_offsets_original"
            ).rowcount
            conn.execute("DROP TABLE consumer_offsets_original")
        conn.execute("DROP TABLE logs_original")
        conn.execute(_LOGS_INDEX)  # after the copy: one index build instead of one insert per row
        if sequence is not None:
            # Ids the original handed out and later deleted are never handed out again.
            seq = int(sequence[0])
            if not conn.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'logs'", (seq,)
            ).rowcount:
                conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('logs', ?)", (seq,))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return Upgrade(copied, offsets)
