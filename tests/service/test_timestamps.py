"""Timestamps as the original's clients send them, and as its LocalDateTime is written back."""

from __future__ import annotations

import pytest
from logpilot_server.errors import MalformedRequest
from logpilot_server.timestamps import format_local, format_utc, parse_timestamp

T = 1_758_796_200_000  # 2025-09-25T10:30:00 UTC


@pytest.mark.parametrize(
    ("sent", "ms"),
    [
        ("2025-09-25T10:30:00", T),
        ("2025-09-25T10:30", T),
        ("2025-09-25T10:30:00.123456789", T + 123),
        ("2025-09-25T10:30:00Z", T),
        ("2025-09-25T12:30:00+02:00", T),
        ([2025, 9, 25, 10, 30], T),
        ([2025, 9, 25, 10, 30, 0, 5_000_000], T + 5),
        (None, 42),
        ("", 42),
    ],
)
def test_client_timestamps_are_read_as_utc(sent: object, ms: int) -> None:
    assert parse_timestamp(sent, 42) == ms


@pytest.mark.parametrize(
    "sent",
    [
        "25/09/2025",
        "2025-09-25",
        "2025-02-30T10:00:00",
        "2025-09-25 10:30:00",
        1758796200000,
        True,
        {},
        [2025, 9],
        [2025, 9, 25, 10, 30, 0, 1_000_000_000],
        [2025, 13, 1, 0, 0],
        [2025, 9, 25, 10, "30"],
    ],
)
def test_unparseable_timestamps_are_bad_requests(sent: object) -> None:
    with pytest.raises(MalformedRequest, match="timestamp"):
        parse_timestamp(sent, 0, "entry[3]: ")


def test_formats_match_javas_iso_local_date_time_and_our_log_lines() -> None:
    assert [format_local(T + d) for d in (0, 500, 120, 7, 999)] == [
        "2025-09-25T10:30:00",
        "2025-09-25T10:30:00.5",
        "2025-09-25T10:30:00.12",
        "2025-09-25T10:30:00.007",
        "2025-09-25T10:30:00.999",
    ]
    assert format_local(-1) == "1969-12-31T23:59:59.999"
    assert format_utc(T + 5) == "2025-09-25T10:30:00.005Z"
