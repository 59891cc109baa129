"""PostgreSQL backend (psycopg 3 with a connection pool) for several replicas sharing one database.

Why an advisory lock around each write transaction: with a plain sequence, replica A may take ids 1..1000 and
replica B ids 1001..2000, B commits first, a consumer reads up to 2000 and commits offset 2000, then A commits
and entries 1..1000 are never delivered to it. Filtering reads by transaction horizon (xmin) would avoid that
too, but needs xid bookkeeping in every row and query. Instead every transaction that stores logs first
takes one transaction-scoped advisory lock, then draws its ids from the sequence and commits: ids are
therefore handed out in commit order, and an id only becomes visible after every smaller id is visible (the
lock is released after the commit is visible). The cost is that writes from all replicas are serialised, which group commit makes
cheap: one transaction carries every request that arrived while the previous one was committing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
import psycopg_pool

from ..config import PostgresSettings
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

# Arbitrary but fixed keys for pg_advisory_xact_lock: one for writes, one for schema migration.
_WRITE_LOCK = 0x4C6F6750  # "LogP"
_MIGRATE_LOCK = 0x4C6F674D  # "LogM"

_MIGRATIONS: list[str] = [
    """
    CREATE SEQUENCE IF NOT EXISTS logs_id_seq AS bigint;
    CREATE TABLE IF NOT EXISTS logs (
        id bigint PRIMARY KEY,
        channel text NOT NULL,
        level text NOT NULL,
        message text NOT NULL,
        meta text,
        ts bigint NOT NULL
    );
    CREATE INDEX IF NOT EXISTS logs_channel_id ON logs (channel, id);
    CREATE TABLE IF NOT EXISTS consumer_offsets (
        channel text NOT NULL,
        consumer_id text NOT NULL,
        last_log_id bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, consumer_id)
    );
    """,
]
_COLUMNS = "id, channel, level, message, meta, ts"
_UPSERT_OFFSET = (
    "INSERT INTO consumer_offsets (channel, consumer_id, last_log_id) VALUES (%s, %s, %s) "
    "ON CONFLICT (channel, consumer_id) DO UPDATE SET last_log_id = excluded.last_log_id, updated_at = now()"
)


class PostgresStorage(Storage):
    """The shared store; see the module docstring for how ids stay in commit order."""

    name = "postgres"

    def __init__(self, settings: PostgresSettings) -> None:
        if settings.dsn is None:
            raise StorageUnavailable("no PostgreSQL DSN configured (LOGPILOT_POSTGRES_DSN)")
        self._settings = settings
        self._pool = psycopg_pool.ConnectionPool(
            settings.dsn.get_secret_value(),
            min_size=settings.pool_min_size,
            max_size=max(settings.pool_max_size, settings.pool_min_size, 1),
            timeout=settings.connect_timeout_seconds,
            open=False,
            kwargs={
                "autocommit": True,
                "connect_timeout": max(1, int(settings.connect_timeout_seconds)),
                "options": f"-c statement_timeout={int(settings.statement_timeout_seconds * 1000)}",
            },
            name="logpilot",
        )

    def open(self) -> None:
        try:
            self._pool.open(wait=True, timeout=self._settings.connect_timeout_seconds * 2)
        except psycopg_pool.PoolTimeout as exc:
            raise StorageUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc
        self._migrate()

    def _migrate(self) -> None:
        """Applies the migrations this version knows, once, even when several replicas start together."""
        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS logpilot_schema (version integer NOT NULL)")
                row = conn.execute("SELECT max(version) FROM logpilot_schema").fetchone()
                current = int(row[0]) if row and row[0] is not None else 0
                for version, script in enumerate(_MIGRATIONS, start=1):
                    if version > current:
                        conn.execute(script)
                        conn.execute("INSERT INTO logpilot_schema (version) VALUES (%s)", (version,))
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StorageUnavailable(f"PostgreSQL schema migration failed: {exc}") from exc

    def write(self, rows: Sequence[NewRow], offsets: Sequence[OffsetUpdate]) -> int:
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                first_id = 0
                if rows:
                    # Offsets alone do not draw ids, so only transactions with rows take the lock. The lock is
                    # in a CTE: a CTE calling a volatile function is never inlined, and the outer select
                    # evaluates nextval only on the CTE's row, i.e. once the lock is held.
                    count = len(rows)
                    cur.execute(
                        "WITH lock AS (SELECT pg_advisory_xact_lock(%s)) "
                        "SELECT setval('logs_id_seq', nextval('logs_id_seq') + %s - 1) FROM lock",
                        (_WRITE_LOCK, count),
                    )
                    last = cur.fetchone()
                    assert last is not None
                    first_id = int(last[0]) - count + 1
                    with cur.copy("COPY logs (id, channel, level, message, meta, ts) FROM STDIN") as copy:
                        write_row = copy.write_row
                        for log_id, row in enumerate(rows, first_id):
                            write_row((log_id, *row))
                if offsets:
                    cur.executemany(_UPSERT_OFFSET, offsets)
        except (psycopg.DataError, psycopg.IntegrityError, OverflowError, ValueError, TypeError) as exc:
            raise StorageRejected(f"PostgreSQL refused the data: {exc}") from exc
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StorageUnavailable(f"PostgreSQL write failed: {exc}") from exc
        return first_id

    def _select(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        try:
            with self._pool.connection() as conn:
                return conn.execute(sql, params).fetchall()
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StorageUnavailable(f"PostgreSQL read failed: {exc}") from exc

    def read_after(self, channel: str, after_id: int, limit: int) -> list[StoredRow]:
        return self._select(
            f"SELECT {_COLUMNS} FROM logs WHERE channel = %s AND id > %s ORDER BY id LIMIT %s",
            (channel, after_id, limit),
        )

    def fetch_for_consumer(self, channel: str, consumer_id: str, limit: int) -> tuple[int, list[StoredRow]]:
        rows = self._select(
            "WITH o AS (SELECT coalesce((SELECT last_log_id FROM consumer_offsets "
            "WHERE channel = %s AND consumer_id = %s), 0) AS off) "
            f"SELECT o.off, l.* FROM o LEFT JOIN LATERAL (SELECT {_COLUMNS} FROM logs "
            "WHERE channel = %s AND id > o.off ORDER BY id LIMIT %s) l ON true",
            (channel, consumer_id, channel, limit),
        )
        offset = int(rows[0][0]) if rows else 0
        return offset, [r[1:] for r in rows if r[1] is not None]

    def latest(self, channel: str | None, limit: int) -> list[StoredRow]:
        if channel is None:
            return self._select(f"SELECT {_COLUMNS} FROM logs ORDER BY id DESC LIMIT %s", (limit,))
        return self._select(
            f"SELECT {_COLUMNS} FROM logs WHERE channel = %s ORDER BY id DESC LIMIT %s", (channel, limit)
        )

    def query(
        self, channel: str | None, level: str | None, from_ts: int | None, to_ts: int | None, limit: int
    ) -> list[StoredRow]:
        where, params = where_clause("%s", channel, level, from_ts, to_ts)
        return self._select(f"SELECT {_COLUMNS} FROM logs {where}ORDER BY id LIMIT %s", (*params, limit))

    def get_offset(self, channel: str, consumer_id: str) -> int:
        rows = self._select(
            "SELECT last_log_id FROM consumer_offsets WHERE channel = %s AND consumer_id = %s",
            (channel, consumer_id),
        )
        return int(rows[0][0]) if rows else 0

    def max_id(self, channel: str) -> int:
        rows = self._select("SELECT coalesce(max(id), 0) FROM logs WHERE channel = %s", (channel,))
        return int(rows[0][0])

    def consumer_lags(self) -> list[ConsumerLag]:
        return consumer_lags_from(self._select(CONSUMER_LAGS_QUERY, ()))

    def channels(self) -> list[str]:
        return [str(r[0]) for r in self._select(CHANNELS_QUERY, ())]

    def oldest(self, channel: str, limit: int) -> list[tuple[int, int]]:
        rows = self._select(
            "SELECT id, ts FROM logs WHERE channel = %s ORDER BY id LIMIT %s", (channel, limit)
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def nth_newest_id(self, channel: str, n: int) -> int:
        rows = self._select(
            "SELECT id FROM logs WHERE channel = %s ORDER BY id DESC LIMIT 1 OFFSET %s", (channel, n)
        )
        return int(rows[0][0]) if rows else 0

    def delete_through(self, channel: str, last_id: int, limit: int) -> int:
        try:
            with self._pool.connection() as conn:
                cur = conn.execute(
                    "DELETE FROM logs WHERE id IN "
                    "(SELECT id FROM logs WHERE channel = %s AND id <= %s ORDER BY id LIMIT %s)",
                    (channel, last_id, limit),
                )
                return cur.rowcount
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StorageUnavailable(f"PostgreSQL delete failed: {exc}") from exc

    def size_bytes(self) -> int:
        rows = self._select(
            "SELECT pg_total_relation_size('logs') + pg_total_relation_size('consumer_offsets')", ()
        )
        return int(rows[0][0])

    def ping(self) -> None:
        # The columns every query reads, not `SELECT 1`: health must not say UP while real queries fail.
        self._select(f"SELECT {_COLUMNS} FROM logs ORDER BY id DESC LIMIT 1", ())
        self._select("SELECT channel, consumer_id, last_log_id FROM consumer_offsets LIMIT 1", ())

    def close(self) -> None:
        self._pool.close()
