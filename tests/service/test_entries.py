"""The hot-path validation agrees with the documented request models (the OpenAPI document)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logpilot_server.api.openapi import CommitRequest, LogIn
from logpilot_server.core.entries import check_channel, row_from_json, rows_to_json
from logpilot_server.core.service import check_consumer_id, check_log_id
from logpilot_server.errors import InvalidArgument
from logpilot_server.storage.base import StoredRowFields as StoredRow
from pydantic import ValidationError

texts = st.one_of(st.sampled_from(["", "a", "x" * 255, "x" * 256, "a\x00b", "ünï"]), st.text(max_size=5))
values = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    texts,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(texts, st.integers(), max_size=2),
)
levels = st.one_of(
    st.sampled_from(["DEBUG", "info", "Warn", "WARNING", "error", "", "FATAL", "trace"]), values
)
entries = st.fixed_dictionaries(
    {},
    optional={
        "channel": st.one_of(texts, values),
        "message": st.one_of(texts, values),
        "level": levels,
        "meta": values,
        "extra": values,
    },
)


def _accepted_by_model(entry: dict[str, Any]) -> bool:
    try:
        LogIn.model_validate(entry, strict=True)
    except ValidationError:
        return False
    return True


def _accepted_by_hot_path(entry: dict[str, Any]) -> bool:
    try:
        row_from_json(entry, 0)
    except InvalidArgument:
        return False
    return True


@settings(max_examples=400, deadline=None, derandomize=True)
@given(entries)
def test_hot_path_validation_matches_the_documented_model(entry: dict[str, Any]) -> None:
    assert _accepted_by_hot_path(entry) == _accepted_by_model(entry), entry


@pytest.mark.parametrize("value", [0, -1, 2**63, 1.5, True, "1", None])
def test_offsets_outside_the_64_bit_range_or_not_integers_are_refused(value: object) -> None:
    with pytest.raises(InvalidArgument):
        check_log_id(value, "lastLogId", 1)
    documented = {"channel": "c", "consumerId": "c", "lastLogId": value}
    if value != 0:
        with pytest.raises(ValidationError):
            CommitRequest.model_validate(documented, strict=True)


def test_nul_characters_are_refused_everywhere() -> None:
    for check in (check_channel, check_consumer_id):
        with pytest.raises(InvalidArgument):
            check("a\x00")
    with pytest.raises(InvalidArgument):
        row_from_json({"channel": "c", "message": "a\x00"}, 0)


def test_rendering_keeps_meta_and_formats_timestamps_as_the_original_local_date_time() -> None:
    rendered = orjson.loads(
        rows_to_json(
            [
                StoredRow(7, "c", "WARN", "m", '{"k":[1,2]}', 1_700_000_000_007),
                StoredRow(8, "c", "INFO", "", None, 0),
                StoredRow(9, "c", "INFO", "", None, 1_700_000_000_500),
            ]
        )
    )
    assert rendered == [
        {
            "id": 7,
            "channel": "c",
            "level": "WARN",
            "message": "m",
            "meta": {"k": [1, 2]},
            "timestamp": "2023-11-14T22:13:20.007",
        },
        {
            "id": 8,
            "channel": "c",
            "level": "INFO",
            "message": "",
            "meta": {},
            "timestamp": "1970-01-01T00:00:00",
        },
        {
            "id": 9,
            "channel": "c",
            "level": "INFO",
            "message": "",
            "meta": {},
            "timestamp": "2023-11-14T22:13:20.5",
        },
    ]
