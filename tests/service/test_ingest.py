"""Group commit on a real SQLite store: many requests per transaction, and one bad request fails alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from logpilot_server.config import IngestSettings, SqliteSettings
from logpilot_server.core.ingest import Ingestor
from logpilot_server.errors import StorageRejected, StorageUnavailable
from logpilot_server.metrics import Metrics
from logpilot_server.storage.sqlite import SqliteStorage


def _ingestor(tmp_path: Path, **settings: int) -> tuple[Ingestor, SqliteStorage, Metrics]:
    storage = SqliteStorage(SqliteSettings(path=str(tmp_path / "ingest.db")))
    storage.open()
    metrics = Metrics()
    return Ingestor(storage, IngestSettings(**settings), metrics), storage, metrics


def test_concurrent_requests_share_transactions_and_get_their_own_ids(tmp_path: Path) -> None:
    ingestor, storage, metrics = _ingestor(tmp_path)

    async def main() -> list[int]:
        ingestor.start()
        firsts = await asyncio.gather(
            *(ingestor.append([("c", "INFO", f"{i}-{j}", None, 1) for j in range(3)]) for i in range(200))
        )
        await ingestor.close()
        return list(firsts)

    firsts = asyncio.run(main())
    rows = storage.read_after("c", 0, 1000)
    assert len(rows) == 600
    for i, first in enumerate(firsts):
        assert [r[3] for r in rows if first <= r[0] < first + 3] == [f"{i}-{j}" for j in range(3)]
    transactions = metrics.storage_write_rows.series[("sqlite",)][-1]
    assert transactions < 200, "requests waiting together are committed together"
    assert metrics.logs_received.values[("INFO", "c")] == 600
    storage.close()


def test_a_request_the_storage_refuses_fails_alone(tmp_path: Path) -> None:
    ingestor, storage, _ = _ingestor(tmp_path)

    async def main() -> list[object]:
        ingestor.start()
        bad = [("c", "INFO", "bad", ["not", "text"], 1)]  # a value SQLite cannot bind
        good = [("c", "INFO", "good", None, 1)]
        results = await asyncio.gather(
            *(ingestor.append(bad if i == 5 else good) for i in range(10)), return_exceptions=True
        )
        assert ingestor.healthy
        after = await ingestor.append(good)
        await ingestor.close()
        return [*results, after]

    results = asyncio.run(main())
    assert isinstance(results[5], StorageRejected)
    assert all(isinstance(r, int) for i, r in enumerate(results) if i != 5)
    assert [r[3] for r in storage.read_after("c", 0, 100)] == ["good"] * 10
    storage.close()


def test_pending_rows_are_bounded(tmp_path: Path) -> None:
    ingestor, storage, _ = _ingestor(tmp_path, max_pending_rows=10)

    async def main() -> list[object]:
        ingestor.start()
        results = await asyncio.gather(
            *(ingestor.append([("c", "INFO", "x", None, 1)] * 6) for _ in range(5)), return_exceptions=True
        )
        await ingestor.close()
        return results

    results = asyncio.run(main())
    assert any(isinstance(r, StorageUnavailable) for r in results)
    assert any(isinstance(r, int) for r in results)
    storage.close()


def test_writes_after_close_are_refused(tmp_path: Path) -> None:
    ingestor, storage, _ = _ingestor(tmp_path)

    async def main() -> None:
        ingestor.start()
        await ingestor.close()
        with pytest.raises(StorageUnavailable):
            await ingestor.append([("c", "INFO", "x", None, 1)])

    asyncio.run(main())
    storage.close()
