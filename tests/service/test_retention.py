"""Retention by age and by count, per channel, on SQLite and PostgreSQL; and in a running server, beside writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from logpilot_server.config import PostgresSettings, RetentionSettings, SqliteSettings
from logpilot_server.core.retention import Retention
from logpilot_server.metrics import Metrics
from logpilot_server.storage.base import OffsetUpdate, Storage

from .conftest import API_KEY
from .test_original_metrics import parse

NOW = 1_800_000_000_000
DAY = 86_400_000


@pytest.fixture(params=["sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "sqlite":
        from logpilot_server.storage.sqlite import SqliteStorage

        store: Storage = SqliteStorage(SqliteSettings(path=str(tmp_path / "store.db")))
    else:
        from logpilot_server.storage.postgres import PostgresStorage

        store = PostgresStorage(PostgresSettings(dsn=request.getfixturevalue("pg_database")))
    store.open()
    yield store
    store.close()


def _fill(storage: Storage, channel: str, ages_days: list[float]) -> list[int]:
    rows = [
        (channel, "INFO", f"{channel}-{i}", None, NOW - int(age * DAY)) for i, age in enumerate(ages_days)
    ]
    first = storage.write(rows, [])
    return list(range(first, first + len(rows)))


def _messages(storage: Storage, channel: str) -> list[str]:
    return [r[3] for r in storage.read_after(channel, 0, 10_000)]


def test_channels_are_listed_once_each(storage: Storage) -> None:
    _fill(storage, "b", [1, 1])
    _fill(storage, "a", [1])
    _fill(storage, "b", [1])
    assert storage.channels() == ["a", "b"]


def test_age_limit_deletes_the_oldest_prefix_in_batches(storage: Storage) -> None:
    _fill(storage, "app", [10, 9, 8, 7, 6, 2, 1, 0])
    _fill(storage, "other", [10, 10])
    settings = RetentionSettings(max_age_days=5, batch_rows=2, channels={"other": {"max-age-days": 0}})
    deleted = Retention(storage, settings, Metrics()).enforce(NOW)
    assert deleted == {"age": 5}
    assert _messages(storage, "app") == ["app-5", "app-6", "app-7"]
    assert _messages(storage, "other") == ["other-0", "other-1"]  # its own limit: keep for ever


def test_an_old_entry_behind_a_newer_one_waits_for_it(storage: Storage) -> None:
    # Deleting oldest ids first keeps every channel one contiguous run: no hole opens in front of a consumer.
    _fill(storage, "app", [9, 1, 9])
    Retention(storage, RetentionSettings(max_age_days=5), Metrics()).enforce(NOW)
    assert _messages(storage, "app") == ["app-1", "app-2"]


def test_count_limit_keeps_the_newest_rows_per_channel(storage: Storage) -> None:
    _fill(storage, "app", [0] * 25)
    _fill(storage, "audit", [0] * 25)
    settings = RetentionSettings(max_rows=10, batch_rows=4, channels={"audit": {"max-rows": 20}})
    assert Retention(storage, settings, Metrics()).enforce(NOW) == {"count": 20}
    assert _messages(storage, "app") == [f"app-{i}" for i in range(15, 25)]
    assert _messages(storage, "audit") == [f"audit-{i}" for i in range(5, 25)]


def test_a_consumer_behind_deleted_logs_continues_at_the_oldest_remaining(storage: Storage) -> None:
    ids = _fill(storage, "app", [0] * 10)
    storage.write([], [OffsetUpdate("app", "slow", ids[1])])
    Retention(storage, RetentionSettings(max_rows=3), Metrics()).enforce(NOW)
    offset, rows = storage.fetch_for_consumer("app", "slow", 100)
    assert offset == ids[1] and [r[0] for r in rows] == ids[7:]
    assert [lag.lag for lag in storage.consumer_lags()] == [3]


def test_server_enforces_retention_in_the_background_while_writes_continue(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory(
        LOGPILOT_PROTOCOL="rest",
        LOGPILOT_RETENTION_MAX_ROWS="100",
        LOGPILOT_RETENTION_INTERVAL_SECONDS="0.2",
    )
    headers = {"X-API-KEY": API_KEY}
    failures: list[int] = []
    acknowledged = 0
    stop = threading.Event()

    def write_singles() -> None:
        nonlocal acknowledged
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as client:
            while not stop.is_set():
                r = client.post("/api/logs", json={"channel": "steady", "message": "s"})
                if r.status_code == 201:
                    acknowledged += 1
                else:
                    failures.append(r.status_code)

    writer = threading.Thread(target=write_singles)
    writer.start()
    try:
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
            batch = [{"channel": "bulk", "message": f"m{i}"} for i in range(5000)]
            for _ in range(6):
                assert client.post("/api/logs/batch", json=batch).status_code == 201
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                kept = client.get(
                    "/api/logs/bulk", params={"consumerId": "probe", "limit": 10_000, "autoCommit": "false"}
                )
                if len(kept.json()) == 100:
                    break
                time.sleep(0.2)
            assert [e["message"] for e in kept.json()] == [f"m{i}" for i in range(4900, 5000)]
    finally:
        stop.set()
        writer.join()
    assert not failures and acknowledged > 0
    series = parse(httpx.get(f"{server.management_url}/actuator/prometheus").text)
    deleted = sum(
        v for labels, v in series["logpilot_retention_deleted_rows_total"] if labels["reason"] == "count"
    )
    assert deleted >= 30_000 - 100
    assert series["logpilot_retention_last_pass_timestamp_seconds"][0][1] > 0
