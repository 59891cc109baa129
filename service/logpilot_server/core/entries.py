"""Validating incoming log entries into storage rows, and rendering stored rows for REST.

These loops are the ingest hot path: they work on plain dicts and tuples, not model objects.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from ..errors import InvalidArgument
from ..storage.base import NewRow, StoredRow

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
_LEVEL_NAMES = {name: name for name in LEVELS} | {"WARNING": "WARN", "": "INFO"}
MAX_CHANNEL_LENGTH = 255


def now_ms() -> int:
    """Server-assigned timestamp: epoch milliseconds, UTC."""
    return time.time_ns() // 1_000_000


def normalize_level(level: object, where: str = "") -> str:
    """DEBUG, INFO, WARN or ERROR (case-insensitive; WARNING means WARN; missing means INFO)."""
    if level is None:
        return "INFO"
    if type(level) is str:
        name = _LEVEL_NAMES.get(level) or _LEVEL_NAMES.get(level.upper())
        if name is not None:
            return name
    raise InvalidArgument(f"{where}level must be one of DEBUG, INFO, WARN, ERROR (got {level!r:.40})")


MAX_ID = 2**63 - 1


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


def row_from_json(item: Any, ts: int, where: str = "") -> NewRow:
    """One JSON object (already parsed) into a storage row; unknown fields are ignored."""
    if type(item) is not dict:
        raise InvalidArgument(f"{where}a log entry must be a JSON object")
    channel = item.get("channel")
    if type(channel) is not str or not channel or len(channel) > MAX_CHANNEL_LENGTH or "\x00" in channel:
        check_channel(channel, where)
    message = item.get("message")
    if type(message) is not str or "\x00" in message:
        check_message(message, where)
    level = item.get("level")
    name = _LEVEL_NAMES.get(level) if type(level) is str else None
    if name is None:
        name = normalize_level(level, where)
    meta = item.get("meta")
    if meta is not None:
        if type(meta) is not dict:
            raise InvalidArgument(f"{where}meta must be a JSON object")
        meta = orjson.dumps(meta).decode() if meta else None
    return (channel, name, message, meta, ts)


def rows_from_json(items: Any, max_batch: int) -> list[NewRow]:
    """A parsed JSON array of entries into rows, all stamped with the same arrival time."""
    if type(items) is not list:
        raise InvalidArgument("the body must be a JSON array of log entries")
    if not items:
        raise InvalidArgument("the batch is empty")
    if len(items) > max_batch:
        raise InvalidArgument(f"the batch has {len(items)} entries; the limit is {max_batch}")
    ts = now_ms()
    convert = row_from_json
    try:
        return [convert(item, ts) for item in items]
    except InvalidArgument:
        for index, item in enumerate(items):
            convert(item, ts, f"entry {index}: ")
        raise


def rows_to_json(rows: list[StoredRow]) -> bytes:
    """Stored rows as the REST JSON array (ISO-8601 UTC timestamps with milliseconds)."""
    fragment = orjson.Fragment
    empty = _EMPTY
    strftime, gmtime = time.strftime, time.gmtime
    prev_ts = prev_second = -1
    prefix = stamp = ""
    out = []
    append = out.append
    for log_id, channel, level, message, meta, ts in rows:
        if ts != prev_ts:
            # Entries of one request share a timestamp; entries of one second share its prefix.
            second, millis = divmod(ts, 1000)
            if second != prev_second:
                prefix = strftime("%Y-%m-%dT%H:%M:%S", gmtime(second))
                prev_second = second
            stamp = f"{prefix}.{millis:03d}Z"
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
