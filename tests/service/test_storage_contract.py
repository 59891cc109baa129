"""One contract suite for every storage backend: SQLite and PostgreSQL behave the same."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from logpilot_server.config import PostgresSettings, SqliteSettings
from logpilot_server.errors import StorageUnavailable
from logpilot_server.storage.base import OffsetUpdate, Storage, StoredRowFields, field_of

ID, MESSAGE, META = (field_of(StoredRowFields, name) for name in ("id", "message", "meta"))


def _row(
    channel: str, message: str, level: str = "INFO", ts: int = 1_700_000_000_000, meta: str | None = None
):
    return (channel, level, message, meta, ts)


@pytest.fixture(params=["sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "sqlite":
        from logpilot_server.storage.sqlite import SqliteStorage

        store: Storage = SqliteStorage(SqliteSettings(path=str(tmp_path / "store.db")))
    else:
        from logpilot_server.storage.postgres import PostgresStorage

        dsn = request.getfixturevalue("pg_database")
        store = PostgresStorage(PostgresSettings(dsn=dsn))
    store.open()
    yield store
    store.close()


def test_write_returns_contiguous_increasing_ids(storage: Storage) -> None:
    first = storage.write([_row("a", "1"), _row("a", "2"), _row("b", "3")], [])
    second = storage.write([_row("a", "4")], [])
    assert second == first + 3
    rows = storage.read_after("a", 0, 10)
    assert [ID(r) for r in rows] == [first, first + 1, second]
    assert [MESSAGE(r) for r in rows] == ["1", "2", "4"]


def test_rows_round_trip_every_field(storage: Storage) -> None:
    log_id = storage.write([_row("ch", "hello", "ERROR", 1_234_567, '{"k":"v"}')], [])
    assert storage.read_after("ch", 0, 1) == [(log_id, "ch", "ERROR", "hello", '{"k":"v"}', 1_234_567)]


def test_read_after_respects_channel_offset_and_limit(storage: Storage) -> None:
    first = storage.write([_row("a" if i % 2 else "b", str(i)) for i in range(10)], [])
    a_ids = [first + i for i in range(10) if i % 2]
    assert [ID(r) for r in storage.read_after("a", 0, 100)] == a_ids
    assert [ID(r) for r in storage.read_after("a", a_ids[1], 2)] == a_ids[2:4]
    assert storage.read_after("missing", 0, 10) == []


def test_offsets_default_to_zero_and_are_updated_in_the_write_transaction(storage: Storage) -> None:
    assert storage.get_offset("a", "c1") == 0
    first = storage.write([_row("a", "x"), _row("a", "y")], [OffsetUpdate("a", "c1", 5)])
    assert storage.get_offset("a", "c1") == 5
    storage.write([], [OffsetUpdate("a", "c1", first), OffsetUpdate("a", "c2", 1)])
    assert storage.get_offset("a", "c1") == first
    assert storage.get_offset("a", "c2") == 1
    assert storage.get_offset("b", "c1") == 0


def test_fetch_for_consumer_returns_offset_and_entries_after_it(storage: Storage) -> None:
    first = storage.write([_row("a", str(i)) for i in range(5)], [])
    storage.write([], [OffsetUpdate("a", "c", first + 1)])
    offset, rows = storage.fetch_for_consumer("a", "c", 2)
    assert offset == first + 1
    assert [ID(r) for r in rows] == [first + 2, first + 3]
    assert storage.fetch_for_consumer("a", "new", 10)[0] == 0
    assert storage.fetch_for_consumer("empty", "c", 10) == (0, [])


def test_latest_is_newest_first_and_max_id_per_channel(storage: Storage) -> None:
    first = storage.write([_row("a", str(i)) for i in range(5)] + [_row("b", "other")], [])
    assert [MESSAGE(r) for r in storage.latest("a", 3)] == ["4", "3", "2"]
    assert [MESSAGE(r) for r in storage.latest(None, 2)] == ["other", "4"]
    assert storage.max_id("a") == first + 4
    assert storage.max_id("b") == first + 5
    assert storage.max_id("none") == 0


def test_query_filters_by_channel_level_and_time(storage: Storage) -> None:
    storage.write(
        [
            _row("a", "1", "INFO", 100),
            _row("a", "2", "ERROR", 200),
            _row("b", "3", "ERROR", 300),
            _row("a", "4", "ERROR", 400),
        ],
        [],
    )
    assert [MESSAGE(r) for r in storage.query("a", "ERROR", None, None, 10)] == ["2", "4"]
    assert [MESSAGE(r) for r in storage.query(None, None, 150, 300, 10)] == ["2", "3"]
    assert [MESSAGE(r) for r in storage.query(None, None, None, None, 2)] == ["1", "2"]


def test_consumer_lag_counts_uncommitted_entries(storage: Storage) -> None:
    first = storage.write([_row("a", str(i)) for i in range(4)], [])
    storage.write([], [OffsetUpdate("a", "c1", first + 1), OffsetUpdate("a", "c2", first + 3)])
    assert {(lag.consumer_id, lag.lag) for lag in storage.consumer_lags()} == {("c1", 2), ("c2", 0)}


def test_size_and_ping(storage: Storage) -> None:
    storage.write([_row("a", "x" * 1000)], [])
    assert storage.size_bytes() > 1000
    storage.ping()


def test_unicode_and_empty_message_survive(storage: Storage) -> None:
    storage.write([_row("ünï", "", meta='{"emoji":"🚀"}'), _row("ünï", "日本語\n\ttab")], [])
    rows = storage.read_after("ünï", 0, 10)
    assert [MESSAGE(r) for r in rows] == ["", "日本語\n\ttab"]
    assert META(rows[0]) == '{"emoji":"🚀"}'


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    import sqlite3

    from logpilot_server.storage.sqlite import SqliteStorage

    store = SqliteStorage(SqliteSettings(path=str(tmp_path / "wal.db")))
    store.open()
    store.close()
    with sqlite3.connect(tmp_path / "wal.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_postgres_unreachable_raises_storage_unavailable() -> None:
    from logpilot_server.storage.postgres import PostgresStorage

    from .conftest import free_port

    store = PostgresStorage(
        PostgresSettings(dsn=f"host=127.0.0.1 port={free_port()} user=x dbname=x", connect_timeout_seconds=1)
    )
    with pytest.raises(StorageUnavailable):
        store.open()
    store.close()


def test_postgres_migration_is_idempotent_across_instances(pg_database: str) -> None:
    from logpilot_server.storage.postgres import PostgresStorage

    stores = [PostgresStorage(PostgresSettings(dsn=pg_database)) for _ in range(3)]
    threads = [threading.Thread(target=s.open) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stores[0].write([_row("a", "x")], []) >= 1
    for s in stores:
        s.close()


def test_postgres_concurrent_writers_never_let_a_consumer_skip(pg_database: str) -> None:
    """Several writers (as several replicas would) and a consumer that commits offsets as it reads:
    every entry is seen exactly once and in id order."""
    from logpilot_server.storage.postgres import PostgresStorage

    writers = [PostgresStorage(PostgresSettings(dsn=pg_database)) for _ in range(4)]
    for w in writers:
        w.open()
    reader = writers[0]
    per_writer, batch = 40, 25
    done = threading.Event()
    errors: list[BaseException] = []

    def produce(store: Storage, n: int) -> None:
        try:
            for i in range(per_writer):
                store.write([_row("c", f"{n}-{i}-{j}") for j in range(batch)], [])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=produce, args=(w, n)) for n, w in enumerate(writers)]
    for t in threads:
        t.start()
    seen: list[int] = []

    def consume() -> None:
        offset = 0
        while True:
            finished = done.is_set()
            rows = reader.read_after("c", offset, 37)
            seen.extend(ID(r) for r in rows)
            if rows:
                offset = ID(rows[-1])
            elif finished:
                return

    consumer = threading.Thread(target=consume)
    consumer.start()
    for t in threads:
        t.join()
    done.set()
    consumer.join(60)
    assert not errors
    total = len(writers) * per_writer * batch
    assert len(seen) == total
    assert seen == sorted(seen)
    assert len(set(seen)) == total
    stored = [ID(r) for r in reader.read_after("c", 0, total + 10)]
    assert seen == stored
    for w in writers:
        w.close()
