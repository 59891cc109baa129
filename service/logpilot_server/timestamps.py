"""Timestamps: epoch milliseconds (UTC) inside; the original LogPilot's `LocalDateTime` text on the API.

The original's clients (Java SDK, Logback appender) send a `LocalDateTime` without a zone, either as ISO text
(`2025-09-25T10:30:00.123`) or, as Jackson writes it by default, as an array `[2025, 9, 25, 10, 30, 0,
123000000]` (seconds and nanoseconds omitted when zero). We read both as UTC, also accept an explicit zone
(`Z`, `+09:00`), and answer in the original's format: ISO local date-time in UTC, seconds always, the
fraction only when non-zero and without trailing zeros (Java's `ISO_LOCAL_DATE_TIME`).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import cast

from .errors import MalformedRequest

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now_ms() -> int:
    """The current time: epoch milliseconds, UTC."""
    return time.time_ns() // 1_000_000


@lru_cache(maxsize=4096)
def _second_text(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


# The fraction of a second as Java's ISO_LOCAL_DATE_TIME writes it: none, or without trailing zeros.
_FRACTIONS = ("", *(f".{millis:03d}".rstrip("0") for millis in range(1, 1000)))


def format_local(ms: int) -> str:
    """The original's output format: `2025-09-25T10:30:00`, `2025-09-25T10:30:00.5`, `...:00.123` (UTC)."""
    second, millis = divmod(ms, 1000)
    return _second_text(second) + _FRACTIONS[millis]


def format_utc(ms: int) -> str:
    """ISO-8601 UTC with milliseconds and `Z` (the service's own log lines): `2025-09-25T10:30:00.123Z`."""
    second, millis = divmod(ms, 1000)
    return f"{_second_text(second)}.{millis:03d}Z"


def _from_datetime(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _from_text(text: str, where: str) -> int:
    # ISO date and time, 'T' between them as Jackson requires (a bare date is not a date-time).
    if len(text) < 16 or text[10] != "T":
        raise MalformedRequest(f"{where}timestamp {text!r:.60} is not an ISO date-time (2025-09-25T10:30:00)")
    try:
        return _from_datetime(datetime.fromisoformat(text))
    except ValueError:
        raise MalformedRequest(f"{where}timestamp {text!r:.60} is not a valid date-time") from None


def _from_fields(fields: list[object], where: str) -> int:
    # Jackson's array form: year, month, day, hour, minute[, second[, nanoseconds]].
    if not 5 <= len(fields) <= 7 or any(type(f) is not int for f in fields):
        raise MalformedRequest(
            f"{where}timestamp array must be [year, month, day, hour, minute, second?, nanosecond?]"
        )
    ints = cast("list[int]", fields)  # every field was checked to be an int above
    year, month, day, hour, minute, second, nanos = (*ints, 0, 0)[:7]
    if not 0 <= nanos < 1_000_000_000:
        raise MalformedRequest(f"{where}timestamp nanoseconds out of range")
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise MalformedRequest(f"{where}timestamp is not a valid date-time: {exc}") from None
    return _from_datetime(value) + nanos // 1_000_000


def parse_timestamp(value: object, default: int, where: str = "") -> int:
    """A client's timestamp as epoch ms; `default` (the arrival time) when absent, null or empty."""
    if value is None or value == "":
        return default
    if type(value) is str:
        return _from_text(value, where)
    if type(value) is list:
        return _from_fields(value, where)
    raise MalformedRequest(f"{where}timestamp must be an ISO date-time string (2025-09-25T10:30:00)")
