"""Incoming log entries into storage rows, for REST and gRPC alike, and stored rows into REST JSON.

One validation (`make_row`) serves both protocols, so they cannot drift. They differ only where the original
LogPilot's do: an unknown level is refused over REST (its JSON binding fails) and stored as INFO over gRPC
(its servicer maps it so); a client's timestamp is kept over REST (gRPC's LogRequest has none).

These loops are the ingest hot path: they work on plain dicts and named tuples, not model objects, and each
converter first runs an inline test narrower than `make_row`'s rules (a call per entry costs more than the
test); an entry it does not pass goes to `make_row`, which accepts it or says what is wrong. So the fast path
can only be stricter than the rules, never looser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import orjson

from ..errors import InvalidArgument, MalformedRequest
from ..storage.base import NewRow, StoredRow
from ..timestamps import format_local, now_ms, parse_timestamp

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
_LEVEL_NAMES = {name: name for name in LEVELS} | {"WARNING": "WARN", "": "INFO"}
MAX_CHANNEL_LENGTH = 255
MAX_ID = 2**63 - 1
# Levels already in their stored form: the only ones the inline fast paths take.
_EXACT_LEVELS = frozenset(LEVELS)


def normalize_level(level: object, where: str = "", unknown_is_info: bool = False) -> str:
    """DEBUG, INFO, WARN or ERROR (case-insensitive; WARNING means WARN; missing means INFO).

    Anything else is refused, or read as INFO when `unknown_is_info` (the original's gRPC behaviour).
    """
    if level is None:
        return "INFO"
    if type(level) is str:
        name = _LEVEL_NAMES.get(level) or _LEVEL_NAMES.get(level.upper())
        if name is not None:
            return name
    if unknown_is_info:
        return "INFO"
    raise InvalidArgument(f"{where}level must be one of DEBUG, INFO, WARN, ERROR (got {level!r:.40})")


def check_channel(channel: object, where: str = "") -> str:
    """A non-empty string of at most 255 characters, without NUL (PostgreSQL text cannot hold it)."""
    if type(channel) is not str or not channel:
        raise InvalidArgument(f"{where}channel is required and must be a non-empty string")
    if len(channel) > MAX_CHANNEL_LENGTH:
        raise InvalidArgument(f"{where}channel is longer than {MAX_CHANNEL_LENGTH} characters")
    if "\x00" in channel:
        raise InvalidArgument(f"{where}channel must not contain NUL characters")
    return channel


def check_message(message: object, where: str = "") -> str:
    """Any string without NUL characters (may be empty)."""
    if type(message) is not str:
        raise InvalidArgument(f"{where}message is required and must be a string")
    if "\x00" in message:
        raise InvalidArgument(f"{where}message must not contain NUL characters")
    return message


def make_row(
    channel: object,
    level: object,
    message: object,
    meta: str | None,
    ts: int,
    where: str = "",
    unknown_level_is_info: bool = False,
) -> NewRow:
    """The one validation of an entry, whichever protocol brought it."""
    if type(channel) is not str or not channel or len(channel) > MAX_CHANNEL_LENGTH or "\x00" in channel:
        check_channel(channel, where)
    if type(message) is not str or "\x00" in message:
        check_message(message, where)
    name = _LEVEL_NAMES.get(level) if type(level) is str else None
    if name is None:
        name = normalize_level(level, where, unknown_level_is_info)
    # The inline type() tests above only route bad values to the check_* functions, which raise; mypy cannot
    # follow that, and a cast() would add a call per entry on the ingest path.
    return (channel, name, message, meta, ts)  # type: ignore[return-value]


def row_from_json(item: Any, arrival: int, where: str = "") -> NewRow:
    """One JSON object (already parsed) into a row; unknown fields are ignored, as the original does."""
    if type(item) is not dict:
        raise InvalidArgument(f"{where}a log entry must be a JSON object")
    meta = item.get("meta")
    if meta is not None:
        if type(meta) is not dict:
            raise MalformedRequest(f"{where}meta must be a JSON object")
        try:
            meta = orjson.dumps(meta).decode() if meta else None
        except TypeError as exc:  # not from a JSON body: an integer beyond 64 bits
            raise MalformedRequest(f"{where}meta cannot be stored: {exc}") from None
    ts = item.get("timestamp")
    ts = arrival if ts is None else parse_timestamp(ts, arrival, where)
    channel, level, message = item.get("channel"), item.get("level"), item.get("message")
    if (
        type(channel) is str
        and 0 < len(channel) <= MAX_CHANNEL_LENGTH
        and "\x00" not in channel
        and type(message) is str
        and "\x00" not in message
        and type(level) is str
        and level in _EXACT_LEVELS
    ):
        return (channel, level, message, meta, ts)
    return make_row(channel, level, message, meta, ts, where)


class EntryMessage(Protocol):
    """The fields of the protobuf LogRequest that make an entry."""

    channel: str
    level: str
    message: str
    meta: Any


def row_from_message(request: EntryMessage, arrival: int, where: str = "") -> NewRow:
    """One gRPC LogRequest into a row: an unknown level is stored as INFO, the arrival time is its time."""
    meta = request.meta
    meta_text = orjson.dumps(dict(meta)).decode() if meta else None
    channel, level, message = request.channel, request.level, request.message
    # protobuf strings are always str
    if (
        0 < len(channel) <= MAX_CHANNEL_LENGTH
        and "\x00" not in channel
        and "\x00" not in message
        and type(level) is str
        and level in _EXACT_LEVELS
    ):
        return (channel, level, message, meta_text, arrival)
    return make_row(channel, level, message, meta_text, arrival, where, True)


def rows_from(
    items: Sequence[Any], to_row: Callable[[Any, int, str], NewRow], max_batch: int, label: str
) -> list[NewRow]:
    """A batch into rows (possibly none: an empty batch is accepted and stores nothing).

    The first invalid entry fails the whole batch, and its message names the entry (`label[index]`).
    """
    if len(items) > max_batch:
        raise InvalidArgument(f"the batch has {len(items)} entries; the limit is {max_batch}")
    arrival = now_ms()
    try:
        return [to_row(item, arrival, "") for item in items]
    except InvalidArgument:
        for index, item in enumerate(items):
            to_row(item, arrival, f"{label}[{index}]: ")
        raise


def rows_to_json(rows: Sequence[StoredRow]) -> bytes:
    """Stored rows as the REST JSON array, timestamps in the original's LocalDateTime format (UTC)."""
    fragment = orjson.Fragment
    empty = _EMPTY
    prev_ts = -1
    stamp = ""
    out: list[dict[str, object]] = []
    append = out.append
    for log_id, channel, level, message, meta, ts in rows:
        if ts != prev_ts:  # entries of one request usually share a timestamp
            stamp = format_local(ts)
            prev_ts = ts
        append(
            {
                "id": log_id,
                "channel": channel,
                "level": level,
                "message": message,
                "meta": fragment(meta) if meta else empty,
                "timestamp": stamp,
            }
        )
    return orjson.dumps(out)


_EMPTY: dict[str, Any] = {}
