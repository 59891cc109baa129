"""Group commit on a real SQLite store: many requests per transaction, and one bad request fails alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from logpilot_server.config import IngestSettings, SqliteSettings
from logpilot_server.core.ingest import GroupCommitWriter
from logpilot_server.errors import StorageRejected, StorageUnavailable
from logpilot_server.metrics import Metrics
from logpilot_server.storage.base import NewRowFields as NewRow
from logpilot_server.storage.base import StoredRowFields as StoredRow
from logpilot_server.storage.sqlite import SqliteStorage


def _writer(tmp_path: Path, **settings: int) -> tuple[GroupCommitWriter, SqliteStorage, Metrics]:
    storage = SqliteStorage(SqliteSettings(path=str(tmp_path / "ingest.db")))
    storage.open()
    metrics = Metrics()
    return GroupCommitWriter(storage, IngestSettings(**settings), metrics), storage, metrics


def test_concurrent_requests_share_transactions_and_get_their_own_ids(tmp_path: Path) -> None:
    writer, storage, metrics = _writer(tmp_path)

    async def main() -> list[int]:
        writer.start()
        firsts = await asyncio.gather(
            *(writer.append([NewRow("c", "INFO", f"{i}-{j}", None, 1) for j in range(3)]) for i in range(200))
        )
        await writer.close()
        return list(firsts)

    firsts = asyncio.run(main())
    rows = [StoredRow._make(r) for r in storage.read_after("c", 0, 1000)]
    assert len(rows) == 600
    for i, first in enumerate(firsts):
        assert [r.message for r in rows if first <= r.id < first + 3] == [f"{i}-{j}" for j in range(3)]
    transactions = metrics.storage_write_rows.series[("sqlite",)][-1]
    assert transactions < 200, "requests waiting together are committed together"
    assert metrics.logs_received.values[("INFO", "c")] == 600
    storage.close()


def test_a_request_the_storage_refuses_fails_alone(tmp_path: Path) -> None:
    writer, storage, _ = _writer(tmp_path)

    async def main() -> list[object]:
        writer.start()
        bad = [NewRow("c", "INFO", "bad", ["not", "text"], 1)]  # type: ignore[arg-type]  # SQLite cannot bind it
        good = [NewRow("c", "INFO", "good", None, 1)]
        results = await asyncio.gather(
            *(writer.append(bad if i == 5 else good) for i in range(10)), return_exceptions=True
        )
        assert writer.healthy
        after = await writer.append(good)
        await writer.close()
        return [*results, after]

    results = asyncio.run(main())
    assert isinstance(results[5], StorageRejected)
    assert all(isinstance(r, int) for i, r in enumerate(results) if i != 5)
    assert [StoredRow._make(r).message for r in storage.read_after("c", 0, 100)] == ["good"] * 10
    storage.close()


def test_pending_rows_are_bounded(tmp_path: Path) -> None:
    writer, storage, _ = _writer(tmp_path, max_pending_rows=10)

    async def main() -> list[object]:
        writer.start()
        results = await asyncio.gather(
            *(writer.append([NewRow("c", "INFO", "x", None, 1)] * 6) for _ in range(5)),
            return_exceptions=True,
        )
        await writer.close()
        return results

    results = asyncio.run(main())
    assert any(isinstance(r, StorageUnavailable) for r in results)
    assert any(isinstance(r, int) for r in results)
    storage.close()


def test_writes_after_close_are_refused(tmp_path: Path) -> None:
    writer, storage, _ = _writer(tmp_path)

    async def main() -> None:
        writer.start()
        await writer.close()
        with pytest.raises(StorageUnavailable):
            await writer.append([NewRow("c", "INFO", "x", None, 1)])

    asyncio.run(main())
    storage.close()
