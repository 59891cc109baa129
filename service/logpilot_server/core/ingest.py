"""Group commit: every request waiting at that moment goes into one storage transaction.

Requests enqueue their rows and await a future; the writer takes everything queued, writes it in one
transaction, and only then resolves the futures, so a request is acknowledged only after its rows are
committed. While a transaction runs, new requests pile up and form the next one: the busier the server, the
bigger (and cheaper per row) the transactions.

Two writers: for a store whose writes are local and short (SQLite, `Storage.inline_writes`), the write runs on
the event loop itself, scheduled once per loop iteration for everything that arrived in it; this avoids the
hand-off to another thread and the two threads fighting over the GIL, which costs a third of the throughput.
For a networked store (PostgreSQL) a dedicated writer thread does it, so a slow or unreachable database never
blocks the event loop. Memory is bounded by `max_pending_rows`; beyond it, requests
fail fast with StorageUnavailable instead of queueing. After a failed write the storage is considered down:
writes fail at once (503 / UNAVAILABLE) while a background probe pings the storage every half second, and
the first successful ping lets writes through again.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

from ..config import IngestSettings
from ..errors import LogPilotError, StorageRejected, StorageUnavailable
from ..metrics import Metrics
from ..storage.base import NewRow, NewRowFields, OffsetUpdate, Storage, field_of

log = logging.getLogger("logpilot.ingest")

# While storage is down, how often the background probe pings it.
_PROBE_INTERVAL = 0.5
_CHANNEL, _LEVEL = field_of(NewRowFields, "channel"), field_of(NewRowFields, "level")


class _Written(NamedTuple):
    """What one group's transaction did, handed from the writer to `_resolve` on the event loop."""

    first_id: int
    error: BaseException | None  # the whole transaction failed
    outcomes: (
        list[tuple[int, BaseException | None]] | None
    )  # per op (first id, error) when written one by one
    elapsed: float
    row_count: int


class _Op:
    __slots__ = ("rows", "offsets", "future")

    def __init__(
        self, rows: Sequence[NewRow], offsets: Sequence[OffsetUpdate], future: asyncio.Future[int]
    ) -> None:
        self.rows = rows
        self.offsets = offsets
        self.future = future


class GroupCommitWriter:
    """Every write of the service, log rows and consumer offsets alike, in group commits.

    `append` and `commit_offsets` are called from the event loop.
    """

    def __init__(self, storage: Storage, settings: IngestSettings, metrics: Metrics) -> None:
        self._storage = storage
        self._max_group = settings.max_group_rows
        self._max_pending = settings.max_pending_rows
        self._metrics = metrics
        self._queue: queue.SimpleQueue[_Op | None] = queue.SimpleQueue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._inline = storage.inline_writes
        self._accepting = False
        self._batch: list[_Op] = []
        self._flush_scheduled = False
        self._pending_rows = 0
        self._down = False
        self._probe: asyncio.Task[None] | None = None
        self.last_error: str | None = None
        self._labels = (storage.name,)

    @property
    def pending_rows(self) -> int:
        return self._pending_rows

    @property
    def healthy(self) -> bool:
        """False while the last write failed and no write has succeeded since."""
        return self.last_error is None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._accepting = True
        if not self._inline:
            self._thread = threading.Thread(target=self._run, name="logpilot-writer", daemon=True)
            self._thread.start()

    async def append(self, rows: Sequence[NewRow]) -> int:
        """Stores rows; returns the first id (the others follow contiguously) once committed."""
        return await self._submit(rows, ())

    async def commit_offsets(self, offsets: Sequence[OffsetUpdate]) -> None:
        """Stores consumer offsets through the same writer (one transaction with whatever else is waiting)."""
        await self._submit((), offsets)

    async def _submit(self, rows: Sequence[NewRow], offsets: Sequence[OffsetUpdate]) -> int:
        loop = self._loop
        if loop is None or not self._accepting:
            raise StorageUnavailable("the writer is not running")
        if self._down:
            raise StorageUnavailable(f"storage unavailable: {self.last_error}")
        count = len(rows)
        if self._pending_rows + count > self._max_pending and self._pending_rows:
            raise StorageUnavailable("too many writes waiting for storage; retry later")
        self._pending_rows += count
        future: asyncio.Future[int] = loop.create_future()
        op = _Op(rows, offsets, future)
        if self._inline:
            self._batch.append(op)
            if not self._flush_scheduled:
                self._flush_scheduled = True
                loop.call_soon(self._flush_inline)
        else:
            self._queue.put(op)
        return await future

    def _flush_inline(self) -> None:
        """Runs on the event loop once per iteration: writes what arrived, in groups of max_group_rows."""
        self._flush_scheduled = False
        pending, self._batch = self._batch, []
        index, count = 0, len(pending)
        while index < count:
            group = [pending[index]]
            total = len(group[0].rows)
            index += 1
            while index < count and total + len(pending[index].rows) <= self._max_group:
                group.append(pending[index])
                total += len(pending[index].rows)
                index += 1
            self._resolve(group, self._write_group(group))

    def _run(self) -> None:
        q = self._queue
        max_group = self._max_group
        stop = False
        while not stop:
            first = q.get()
            if first is None:
                break
            ops = [first]
            total = len(first.rows)
            while total < max_group:
                try:
                    nxt = q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                ops.append(nxt)
                total += len(nxt.rows)
            assert self._loop is not None
            try:
                self._loop.call_soon_threadsafe(self._resolve, ops, self._write_group(ops))
            except RuntimeError:
                return  # the loop is closed: nobody is waiting any more

    def _write_group(self, ops: list[_Op]) -> _Written:
        """One transaction for all ops."""
        rows = ops[0].rows if len(ops) == 1 else list(chain.from_iterable(op.rows for op in ops))
        offsets = [u for op in ops for u in op.offsets]
        started = time.perf_counter()
        error: BaseException | None = None
        first_id = 0
        outcomes: list[tuple[int, BaseException | None]] | None = None
        try:
            first_id = self._storage.write(rows, offsets)
        except StorageRejected as exc:
            # Data one request sent was refused: write the requests one by one so only that one fails.
            outcomes = [self._write_alone(op) for op in ops] if len(ops) > 1 else [(0, exc)]
        except BaseException as exc:  # every failure must reach the waiting requests
            error = exc
        return _Written(first_id, error, outcomes, time.perf_counter() - started, len(rows))

    def _write_alone(self, op: _Op) -> tuple[int, BaseException | None]:
        try:
            return self._storage.write(op.rows, op.offsets), None
        except BaseException as exc:
            return 0, exc

    def _resolve(self, ops: list[_Op], written: _Written) -> None:
        """Runs on the event loop: acknowledges (or fails) every request of one transaction."""
        first_id, error, outcomes, elapsed, row_count = written
        self._pending_rows -= row_count
        metrics = self._metrics
        if error is not None:
            metrics.storage_errors.inc(self._labels)
            self.last_error = str(error)
            if not self._down:
                self._down = True
                self._probe = asyncio.get_running_loop().create_task(self._probe_storage())
            if not isinstance(error, LogPilotError):
                log.error("storage write failed", exc_info=error)
                error = StorageUnavailable(f"storage write failed: {error}")
            else:
                log.warning("storage write failed: %s", error)
            for op in ops:
                if not op.future.done():
                    op.future.set_exception(error)
            return
        if outcomes is None:
            outcomes = []
            next_id = first_id
            for op in ops:
                outcomes.append((next_id, None))
                next_id += len(op.rows)
        self.last_error = None
        metrics.storage_write_duration.observe(elapsed, self._labels)
        metrics.storage_write_rows.observe(row_count, self._labels)
        stored: list[_Op] = []
        for op, (op_first_id, op_error) in zip(ops, outcomes, strict=True):
            if op_error is None:
                stored.append(op)
                if not op.future.done():
                    op.future.set_result(op_first_id)
            else:
                metrics.storage_errors.inc(self._labels)
                if not isinstance(op_error, LogPilotError):
                    log.error("storage write failed", exc_info=op_error)
                    op_error = StorageUnavailable(f"storage write failed: {op_error}")
                if not op.future.done():
                    op.future.set_exception(op_error)
        if len(stored) == 1 and len(stored[0].rows) == 1:
            row = stored[0].rows[0]
            metrics.count_logs((((_LEVEL(row), _CHANNEL(row)), 1),))
        elif stored:
            counts: Counter[tuple[str, str]] = Counter()
            for op in stored:
                op_rows = op.rows
                channels = set(map(_CHANNEL, op_rows))
                if len(channels) == 1:
                    # The usual batch: one channel; counting levels alone avoids a tuple per row.
                    (channel,) = channels
                    for level, count in Counter(map(_LEVEL, op_rows)).items():
                        counts[(level, channel)] += count
                else:
                    counts.update(zip(map(_LEVEL, op_rows), map(_CHANNEL, op_rows), strict=True))
            metrics.count_logs(counts.items())

    async def _probe_storage(self) -> None:
        """Pings the storage until it answers, then lets writes through again."""
        while self._down:
            await asyncio.sleep(_PROBE_INTERVAL)
            try:
                await asyncio.to_thread(self._storage.ping)
            except Exception as exc:
                self.last_error = str(exc)
                continue
            log.info("storage reachable again; accepting writes")
            self.last_error = None
            self._down = False

    async def close(self) -> None:
        """Writes whatever is queued, then stops the writer thread."""
        if self._probe is not None:
            self._probe.cancel()
        self._accepting = False
        if self._inline:
            self._flush_inline()
            return
        if self._thread is None:
            return
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        # Let the final _resolve callback run before the loop goes away.
        await asyncio.sleep(0)
        self._thread = None
