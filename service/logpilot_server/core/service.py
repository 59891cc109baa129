"""The request layer both API adapters call: store entries, read them, move consumer offsets.

REST and gRPC only translate their wire format to these calls and the results back; the rules (what an
entry must be, batch limits, read limits, what a seek means) live here and in `entries`, once.

Consumption is Kafka-style: per (channel, consumer) committed offsets, fetch after the offset, seek. An
offset is the id of the last entry the consumer has processed; a fetch returns entries with a greater id in
id order. Storage guarantees ids become visible in order (see storage.base.Storage.write), so an offset never
passes an entry that is committed later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ..errors import InvalidArgument
from ..storage.base import NewRow, OffsetUpdate, Storage, StoredRow
from .entries import MAX_ID, check_channel, normalize_level, row_from_json, row_from_message, rows_from
from .ingest import GroupCommitWriter

if TYPE_CHECKING:
    from ..config import Settings

T = TypeVar("T")
SeekOperation = Literal["EARLIEST", "LATEST", "SPECIFIC"]
MAX_CONSUMER_ID_LENGTH = 255


def check_consumer_id(consumer_id: object) -> str:
    """A non-empty string of at most 255 characters, without NUL."""
    if type(consumer_id) is not str or not consumer_id:
        raise InvalidArgument("consumerId is required and must be a non-empty string")
    if len(consumer_id) > MAX_CONSUMER_ID_LENGTH:
        raise InvalidArgument(f"consumerId is longer than {MAX_CONSUMER_ID_LENGTH} characters")
    if "\x00" in consumer_id:
        raise InvalidArgument("consumerId must not contain NUL characters")
    return consumer_id


def check_log_id(value: object, name: str, minimum: int) -> int:
    """An integer id within the 64-bit range both stores hold (JSON's 5.0 is the integer 5, as in JSON Schema)."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or not minimum <= value <= MAX_ID:
        raise InvalidArgument(f"{name} must be an integer between {minimum} and {MAX_ID}")
    return value


class StoredBatch:
    """What a store call reports: how many entries, the first id (ids are contiguous; None when empty)."""

    __slots__ = ("count", "first_id", "rows")

    def __init__(self, rows: list[NewRow], first_id: int | None) -> None:
        self.rows = rows
        self.count = len(rows)
        self.first_id = first_id

    @property
    def last_id(self) -> int | None:
        return None if self.first_id is None else self.first_id + self.count - 1


class LogService:
    """Writes go through the group-commit writer; reads run on a small thread pool so the event loop keeps
    serving while a query runs."""

    def __init__(
        self, storage: Storage, writer: GroupCommitWriter, settings: Settings, readers: int = 4
    ) -> None:
        self._storage = storage
        self._writer = writer
        self.max_limit = settings.consumers.max_fetch_limit
        self.max_batch = settings.http.max_batch_size
        self._executor = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="logpilot-reader")

    # --- storing ----------------------------------------------------------------------------------------

    async def _store(self, rows: list[NewRow]) -> StoredBatch:
        return StoredBatch(rows, await self._writer.append(rows) if rows else None)

    async def store_json(self, entry: Any, arrival: int) -> StoredBatch:
        """One entry from a parsed JSON body (REST `POST /api/logs`)."""
        return await self._store([row_from_json(entry, arrival)])

    async def store_json_batch(self, entries: Any) -> StoredBatch:
        """A parsed JSON array of entries (REST `POST /api/logs/batch`); an empty array stores nothing."""
        if type(entries) is not list:
            raise InvalidArgument("the body must be a JSON array of log entries")
        rows = rows_from(entries, row_from_json, self.max_batch, "entry")
        # The parsed body (thousands of dicts) must not live on while the write is awaited: with several
        # batches waiting, the garbage collector would traverse them all again and again.
        del entries
        return await self._store(rows)

    async def store_message(self, request: Any, arrival: int) -> StoredBatch:
        """One gRPC LogRequest (`SendLog`)."""
        return await self._store([row_from_message(request, arrival)])

    async def store_messages(self, requests: Any) -> StoredBatch:
        """gRPC LogRequests (`SendLogs`); none stores nothing."""
        return await self._store(rows_from(requests, row_from_message, self.max_batch, "log_requests"))

    # --- reading ----------------------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def check_limit(self, limit: object) -> int:
        if type(limit) is not int or limit < 1 or limit > self.max_limit:
            raise InvalidArgument(f"limit must be an integer between 1 and {self.max_limit}")
        return limit

    async def fetch(
        self, channel: str, consumer_id: str, limit: int, auto_commit: bool = True
    ) -> list[StoredRow]:
        """Entries after the consumer's offset; with auto_commit the offset moves past them before returning."""
        check_channel(channel)
        check_consumer_id(consumer_id)
        limit = self.check_limit(limit)
        offset, rows = await self._run(self._storage.fetch_for_consumer, channel, consumer_id, limit)
        if auto_commit and rows:
            last_id, *_ = rows[-1]
            await self._writer.commit_offsets((OffsetUpdate(channel, consumer_id, last_id),))
        return rows

    async def latest(self, channel: str | None, limit: int) -> list[StoredRow]:
        """The newest entries of a channel (of every channel when None), newest first; no offset involved."""
        if channel is not None:
            check_channel(channel)
        return await self._run(self._storage.latest, channel, self.check_limit(limit))

    async def query(
        self, channel: str | None, level: str | None, from_ts: int | None, to_ts: int | None, limit: int
    ) -> list[StoredRow]:
        """Entries filtered by channel, level and time range (ms, inclusive), oldest first."""
        if channel is not None:
            check_channel(channel)
        if level is not None:
            level = normalize_level(level)
        for name, value in (("fromTimestamp", from_ts), ("toTimestamp", to_ts)):
            if value is not None:
                check_log_id(value, name, -MAX_ID)
        if from_ts is not None and to_ts is not None and from_ts > to_ts:
            raise InvalidArgument("fromTimestamp is after toTimestamp")
        return await self._run(self._storage.query, channel, level, from_ts, to_ts, self.check_limit(limit))

    # --- consumer offsets -------------------------------------------------------------------------------

    async def commit(self, channel: object, consumer_id: object, last_log_id: object) -> None:
        """Sets the offset explicitly (used with autoCommit=false)."""
        channel = check_channel(channel)
        consumer_id = check_consumer_id(consumer_id)
        last_log_id = check_log_id(last_log_id, "lastLogId", 0)
        await self._writer.commit_offsets((OffsetUpdate(channel, consumer_id, last_log_id),))

    async def seek(
        self, channel: object, consumer_id: object, operation: object, log_id: object = None
    ) -> int:
        """EARLIEST: from the first entry; LATEST: only entries stored from now on; SPECIFIC: from log_id on.

        Returns the new offset (the next fetch returns entries with a greater id).
        """
        channel = check_channel(channel)
        consumer_id = check_consumer_id(consumer_id)
        op = operation.upper() if isinstance(operation, str) else operation
        if log_id is not None:
            check_log_id(log_id, "logId", 1)
        if op == "EARLIEST":
            offset = 0
        elif op == "LATEST":
            offset = await self._run(self._storage.max_id, channel)
        elif op == "SPECIFIC":
            if log_id is None:
                raise InvalidArgument("SPECIFIC seek needs logId, a positive integer")
            offset = check_log_id(log_id, "logId", 1) - 1
        else:
            raise InvalidArgument("operation must be EARLIEST, LATEST or SPECIFIC")
        await self._writer.commit_offsets((OffsetUpdate(channel, consumer_id, offset),))
        return offset

    async def run_blocking(self, fn: Callable[..., T], *args: object) -> T:
        """Runs a storage call (health, metrics) on the reader pool."""
        return await self._run(fn, *args)

    def close(self) -> None:
        """Stops the reader threads without waiting for a read still running (its request is gone)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
