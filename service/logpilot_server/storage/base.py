"""The narrow storage interface every backend implements, and the row shapes it speaks.

The rows are named by `NewRow` and `StoredRow`, but the hot paths pass plain tuples in their field order: a
named tuple costs five times a plain one to build (hundreds of thousands per second on ingest), and a plain
tuple unpacks faster. Code reads a field by name through `field_of`, or unpacks a row into named variables;
never by a bare index.
Writes happen on one writer thread per process (see core.ingest); reads may come from several threads.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple


class NewRowFields(NamedTuple):
    """An entry to store; the column order of the INSERT statements."""

    channel: str
    level: str
    message: str
    meta: str | None  # a JSON object's text
    ts: int  # epoch milliseconds, UTC


class StoredRowFields(NamedTuple):
    """A stored entry; the column order of every SELECT of entries."""

    id: int
    channel: str
    level: str
    message: str
    meta: str | None
    ts: int


# The shapes as they travel: a plain tuple in the fields' order, or the named tuple itself.
NewRow = tuple[str, str, str, str | None, int]
StoredRow = tuple[int, str, str, str, str | None, int]


def field_of(row_type: type[NamedTuple], name: str) -> Callable[[Sequence[Any]], Any]:
    """A getter of one named field for rows of `row_type`'s shape (a C-level itemgetter)."""
    return itemgetter(row_type._fields.index(name))


class OffsetUpdate(NamedTuple):
    """Set a consumer's committed offset: the next fetch returns entries with id > last_log_id."""

    channel: str
    consumer_id: str
    last_log_id: int


class ConsumerLag(NamedTuple):
    """How many entries of its channel a consumer has not committed yet."""

    channel: str
    consumer_id: str
    lag: int


class Storage(ABC):
    """A log store with per-channel consumer offsets; ids increase in commit order."""

    name: str
    # True when a write is local and short enough to run on the event loop (see core.ingest).
    inline_writes: bool = False

    @abstractmethod
    def open(self) -> None:
        """Connects and creates or migrates the schema."""

    @abstractmethod
    def write(self, rows: Sequence[NewRow], offsets: Sequence[OffsetUpdate]) -> int:
        """Stores rows and offset updates in ONE transaction; returns the id of the first row (ids contiguous).

        Every id handed out is greater than every id already visible to readers once this commits, so a
        consumer reading `id > offset` in id order never skips an entry that becomes visible later.
        Raises StorageUnavailable when the store cannot be reached, StorageRejected when it refuses the data
        itself; in both cases nothing was stored.
        """

    @abstractmethod
    def read_after(self, channel: str, after_id: int, limit: int) -> list[StoredRow]:
        """Entries of a channel with id > after_id, in id order."""

    @abstractmethod
    def fetch_for_consumer(self, channel: str, consumer_id: str, limit: int) -> tuple[int, list[StoredRow]]:
        """The consumer's committed offset and the entries after it (one round trip where possible)."""

    @abstractmethod
    def latest(self, channel: str | None, limit: int) -> list[StoredRow]:
        """The newest `limit` entries of a channel (of all channels when None), newest first."""

    @abstractmethod
    def query(
        self, channel: str | None, level: str | None, from_ts: int | None, to_ts: int | None, limit: int
    ) -> list[StoredRow]:
        """Entries filtered by channel, level and timestamp range (inclusive, ms), in id order."""

    @abstractmethod
    def get_offset(self, channel: str, consumer_id: str) -> int:
        """The committed offset (0 when the consumer never committed)."""

    @abstractmethod
    def max_id(self, channel: str) -> int:
        """The highest id in a channel (0 when empty)."""

    @abstractmethod
    def consumer_lags(self) -> list[ConsumerLag]:
        """Lag of every known consumer, for the metrics endpoint."""

    @abstractmethod
    def size_bytes(self) -> int:
        """Bytes the store occupies on disk."""

    # --- retention (core.retention): reads, then deletes in small transactions of the oldest rows ---

    @abstractmethod
    def channels(self) -> list[str]:
        """Every channel that holds entries."""

    @abstractmethod
    def oldest(self, channel: str, limit: int) -> list[tuple[int, int]]:
        """(id, timestamp ms) of the channel's `limit` oldest entries, in id order."""

    @abstractmethod
    def nth_newest_id(self, channel: str, n: int) -> int:
        """The id just below the channel's `n` newest entries (0 when it holds no more than `n`)."""

    @abstractmethod
    def delete_through(self, channel: str, last_id: int, limit: int) -> int:
        """Deletes, in one short transaction, at most `limit` of the channel's oldest entries with
        id <= last_id; returns how many. Runs beside the writer without holding it up for long."""

    def capacity_bytes(self) -> int | None:
        """Bytes of the volume the store lives on, when the store knows it (a local file does)."""
        return None

    @abstractmethod
    def ping(self) -> None:
        """Raises StorageUnavailable unless the store answers a trivial query."""

    @abstractmethod
    def close(self) -> None:
        """Releases connections; pending writes must have been flushed by the caller."""


def where_clause(
    placeholder: str, channel: str | None, level: str | None, from_ts: int | None, to_ts: int | None
) -> tuple[str, list[object]]:
    """The WHERE part of a ListLogs query and its parameters; ``placeholder`` is the driver's (``?``, ``%s``)."""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (("channel =", channel), ("level =", level), ("ts >=", from_ts), ("ts <=", to_ts)):
        if value is not None:
            clauses.append(f"{column} {placeholder}")
            params.append(value)
    return (f"WHERE {' AND '.join(clauses)} " if clauses else ""), params


# Consumer lag per (channel, consumer): the same SQL on SQLite and PostgreSQL (no parameters).
CONSUMER_LAGS_QUERY = (
    "SELECT o.channel, o.consumer_id, "
    "(SELECT count(*) FROM logs l WHERE l.channel = o.channel AND l.id > o.last_log_id) "
    "FROM consumer_offsets o ORDER BY o.channel, o.consumer_id"
)


def consumer_lags_from(rows: Sequence[Sequence[Any]]) -> list[ConsumerLag]:
    return [ConsumerLag(str(r[0]), str(r[1]), int(r[2])) for r in rows]


# Channels holding entries: a loose index scan over (channel, id), one index seek per channel instead of a
# scan of every row; the same SQL on SQLite and PostgreSQL (no parameters).
CHANNELS_QUERY = (
    "WITH RECURSIVE c(channel) AS ("
    "SELECT min(channel) FROM logs "
    "UNION ALL SELECT (SELECT min(channel) FROM logs WHERE channel > c.channel) FROM c WHERE c.channel IS NOT NULL"
    ") SELECT channel FROM c WHERE channel IS NOT NULL"
)
