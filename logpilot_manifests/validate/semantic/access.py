"""Defensive reads of a decoded object: a wrongly typed field reads as absent (the schema reports its type)."""

from __future__ import annotations

from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def str_map(value: Any) -> dict[str, Any]:
    """A map with string keys (labels, annotations, data); other keys are the schema's concern."""
    return {k: v for k, v in mapping(value).items() if isinstance(k, str)}
