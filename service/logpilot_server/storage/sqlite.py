"""SQLite backend: one file in WAL mode, one writer connection, one read connection per reader thread.

Ids: the writer takes the write lock first (BEGIN IMMEDIATE), so ids are handed out and committed in the same
order even if another process opened the same file; readers therefore never see an id below one still to come.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import SqliteSettings
from ..errors import StorageRejected, StorageUnavailable
from .base import (
    CHANNELS_QUERY,
    CONSUMER_LAGS_QUERY,
    ConsumerLag,
    NewRow,
    OffsetUpdate,
    Storage,
    StoredRow,
    consumer_lags_from,
    where_clause,
)
from .sqlite_schema import SchemaError, ensure_schema

log = logging.getLogger("logpilot.storage")

_COLUMNS = "id, channel, level, message, meta, ts"
_INSERT = "INSERT INTO logs (channel, level, message, meta, ts) VALUES (?, ?, ?, ?, ?)"
_UPSERT_OFFSET = (
    "INSERT INTO consumer_offsets (channel, consumer_id, last_log_id) VALUES (?, ?, ?) "
    "ON CONFLICT (channel, consumer_id) DO UPDATE SET last_log_id = excluded.last_log_id, "
    "updated_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
)


def _check_writable(conn: sqlite3.Connection) -> None:
    """Takes the write lock and runs a statement that would write but matches nothing, then rolls back:
    SQLite refuses it on a read-only file and when the lock stays taken past the busy timeout."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM consumer_offsets WHERE 0")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class SqliteStorage(Storage):
    """The embedded default store."""

    name = "sqlite"
    inline_writes = True

    def __init__(self, settings: SqliteSettings) -> None:
        self._settings = settings
        self._path = Path(settings.path)
        self._local = threading.local()
        self._writer: sqlite3.Connection | None = None
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None
        self._probe_lock = threading.Lock()
        self._maintenance: sqlite3.Connection | None = None
        self._maintenance_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False, timeout=10.0)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute(f"PRAGMA synchronous = {self._settings.synchronous}")
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"cannot open SQLite database {self._path}: {exc}") from exc
        return conn

    def open(self) -> None:
        if str(self._path) != ":memory:":
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageUnavailable(f"cannot create {self._path.parent}: {exc.strerror}") from exc
        conn = self._connect()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageUnavailable(f"SQLite database {self._path} cannot use WAL mode (got {mode})")
            upgrade = ensure_schema(conn)
            _check_writable(conn)  # a read-only file fails start-up instead of every write
            # Writes run on the event loop (inline_writes): never wait long for another process's lock;
            # a locked database fails the write (503) and the ingest probe resumes writes when it clears.
            conn.execute("PRAGMA busy_timeout = 2000")
        except SchemaError as exc:
            conn.close()
            raise StorageUnavailable(f"SQLite database {self._path}: {exc}") from exc
        except sqlite3.Error as exc:
            conn.close()
            raise StorageUnavailable(
                f"cannot create or upgrade the schema in {self._path} (nothing was changed): {exc}"
            ) from exc
        if upgrade is not None:
            log.warning(
                "upgraded %s from the original LogPilot schema: %d logs and %d consumer offsets kept",
                self._path,
                upgrade.logs,
                upgrade.offsets,
            )
        self._writer = conn

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def write(self, rows: Sequence[NewRow], offsets: Sequence[OffsetUpdate]) -> int:
        conn = self._writer
        if conn is None:
            raise StorageUnavailable("SQLite storage is not open")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                first_id = 0
                if rows:
                    conn.executemany(_INSERT, rows)
                    # AUTOINCREMENT under the write lock gives contiguous ids to one statement's rows.
                    last_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
                    first_id = last_id - len(rows) + 1
                if offsets:
                    conn.executemany(_UPSERT_OFFSET, offsets)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            raise StorageUnavailable(f"SQLite write failed: {exc}") from exc
        except (sqlite3.Error, OverflowError, ValueError, TypeError) as exc:
            raise StorageRejected(f"SQLite refused the data: {exc}") from exc
        return first_id

    def _select(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        try:
            return self._reader().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite read failed: {exc}") from exc

    def read_after(self, channel: str, after_id: int, limit: int) -> list[StoredRow]:
        return self._select(
            f"SELECT {_COLUMNS} FROM logs WHERE channel = ? AND id > ? ORDER BY id LIMIT ?",
            (channel, after_id, limit),
        )

    def fetch_for_consumer(self, channel: str, consumer_id: str, limit: int) -> tuple[int, list[StoredRow]]:
        conn = self._reader()
        try:
            conn.execute("BEGIN")
            try:
                offset = self._offset(conn, channel, consumer_id)
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM logs WHERE channel = ? AND id > ? ORDER BY id LIMIT ?",
                    (channel, offset, limit),
                ).fetchall()
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite read failed: {exc}") from exc
        return offset, rows

    def latest(self, channel: str | None, limit: int) -> list[StoredRow]:
        if channel is None:
            return self._select(f"SELECT {_COLUMNS} FROM logs ORDER BY id DESC LIMIT ?", (limit,))
        return self._select(
            f"SELECT {_COLUMNS} FROM logs WHERE channel = ? ORDER BY id DESC LIMIT ?", (channel, limit)
        )

    def query(
        self, channel: str | None, level: str | None, from_ts: int | None, to_ts: int | None, limit: int
    ) -> list[StoredRow]:
        where, params = where_clause("?", channel, level, from_ts, to_ts)
        return self._select(f"SELECT {_COLUMNS} FROM logs {where}ORDER BY id LIMIT ?", (*params, limit))

    @staticmethod
    def _offset(conn: sqlite3.Connection, channel: str, consumer_id: str) -> int:
        row = conn.execute(
            "SELECT last_log_id FROM consumer_offsets WHERE channel = ? AND consumer_id = ?",
            (channel, consumer_id),
        ).fetchone()
        return int(row[0]) if row else 0

    def get_offset(self, channel: str, consumer_id: str) -> int:
        try:
            return self._offset(self._reader(), channel, consumer_id)
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite read failed: {exc}") from exc

    def max_id(self, channel: str) -> int:
        rows = self._select("SELECT coalesce(max(id), 0) FROM logs WHERE channel = ?", (channel,))
        return int(rows[0][0])

    def consumer_lags(self) -> list[ConsumerLag]:
        return consumer_lags_from(self._select(CONSUMER_LAGS_QUERY, ()))

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                total += Path(f"{self._path}{suffix}").stat().st_size
        return total

    def channels(self) -> list[str]:
        return [str(r[0]) for r in self._select(CHANNELS_QUERY, ())]

    def oldest(self, channel: str, limit: int) -> list[tuple[int, int]]:
        rows = self._select("SELECT id, ts FROM logs WHERE channel = ? ORDER BY id LIMIT ?", (channel, limit))
        return [(int(r[0]), int(r[1])) for r in rows]

    def nth_newest_id(self, channel: str, n: int) -> int:
        rows = self._select(
            "SELECT id FROM logs WHERE channel = ? ORDER BY id DESC LIMIT 1 OFFSET ?", (channel, n)
        )
        return int(rows[0][0]) if rows else 0

    def delete_through(self, channel: str, last_id: int, limit: int) -> int:
        # Its own connection: the writer's belongs to the event loop. Each statement is one short
        # transaction, so the writer waits at most for one batch.
        with self._maintenance_lock:
            try:
                if self._maintenance is None:
                    self._maintenance = self._connect()
                return self._maintenance.execute(
                    "DELETE FROM logs WHERE id IN "
                    "(SELECT id FROM logs WHERE channel = ? AND id <= ? ORDER BY id LIMIT ?)",
                    (channel, last_id, limit),
                ).rowcount
            except sqlite3.Error as exc:
                raise StorageUnavailable(f"SQLite delete failed: {exc}") from exc

    def capacity_bytes(self) -> int | None:
        try:
            fs = os.statvfs(self._path.parent if str(self._path.parent) else ".")
        except OSError:
            return None
        return fs.f_blocks * fs.f_frsize

    def ping(self) -> None:
        """Reads both tables through the columns every query uses, then checks the file takes writes.

        `SELECT 1` would answer while every real query fails (a foreign schema) or every write fails (a
        read-only file, a lock held past the busy timeout): health must not say UP then.
        """
        if not self._path.exists():
            raise StorageUnavailable(f"SQLite database {self._path} is missing")
        self._select(f"SELECT {_COLUMNS} FROM logs ORDER BY id DESC LIMIT 1", ())
        self._select("SELECT channel, consumer_id, last_log_id FROM consumer_offsets LIMIT 1", ())
        with self._probe_lock:
            try:
                if self._probe is None:
                    self._probe = self._connect()
                    self._probe.execute("PRAGMA busy_timeout = 1000")
                _check_writable(self._probe)
            except sqlite3.Error as exc:
                raise StorageUnavailable(f"SQLite database {self._path} does not take writes: {exc}") from exc

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        with self._probe_lock:
            if self._probe is not None:
                self._probe.close()
                self._probe = None
        with self._maintenance_lock:
            if self._maintenance is not None:
                self._maintenance.close()
                self._maintenance = None
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._writer.close()
            self._writer = None
