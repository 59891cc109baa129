"""Explicit nulls, read as the API server's decoder reads them: a null gives a field its zero value, so
validation treats the field as unset (``selector: null`` is a missing selector)."""

from __future__ import annotations

from typing import Any


def has_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(v is None or has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(has_null(v) for v in value)
    return False


def without_nulls(value: Any) -> Any:
    """``value`` with the keys whose value is null left out."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value
