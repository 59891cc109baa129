"""Checks several kinds share: counts, percentages, quantities, ports, CIDRs and base64 data."""

from __future__ import annotations

import base64
import binascii

from ..quantity import Quantity, QuantityError, quantity_of
from .errors import ErrorList, Path
from .names import is_percent, is_valid_port_name, is_valid_port_num

IntOrString = int | str


def nonnegative(value: int | None, path: Path, errs: ErrorList) -> None:
    if value is not None and value < 0:
        errs.invalid(path, value, "must be greater than or equal to 0")


def int_or_percent(value: IntOrString | None, path: Path, errs: ErrorList) -> int | None:
    """``ValidatePositiveIntOrPercent``; returns the number or percentage for the callers' cross-checks."""
    if value is None:
        return None
    if isinstance(value, str):
        msgs = is_percent(value)
        errs.invalid_each(path, value, msgs)
        if msgs:
            return None
        n = int(value[:-1])
    else:
        n = value
    if n < 0:
        errs.invalid(path, value, "must be greater than or equal to 0")
    return n


def not_more_than_100_percent(value: IntOrString | None, path: Path, errs: ErrorList) -> None:
    if isinstance(value, str) and not is_percent(value) and int(value[:-1]) > 100:
        errs.invalid(path, value, "must not be greater than 100%")


def quantity(value: str | int | float, path: Path, errs: ErrorList) -> Quantity | None:
    """The quantity ``value`` holds, or None after an error with the decoder's message."""
    try:
        return quantity_of(value)
    except QuantityError as exc:
        errs.invalid(path, value, str(exc))
        return None


def nonnegative_quantity(value: str | int | float, path: Path, errs: ErrorList) -> None:
    q = quantity(value, path, errs)
    if q is not None and q.value < 0:
        errs.invalid(path, str(q), "must be greater than or equal to 0")


def port_num_or_name(value: IntOrString, path: Path, errs: ErrorList) -> None:
    """A port given by number or by name (``ValidatePortNumOrName``): a string is always a name, even when
    it holds digits, as the IntOrString decoder reads it."""
    if isinstance(value, str):
        errs.invalid_each(path, value, is_valid_port_name(value))
    else:
        errs.invalid_each(path, value, is_valid_port_num(value))


def base64_error(value: str) -> str | None:
    """Go's ``illegal base64 data at input byte N`` for a string that is not standard base64, else None."""
    cleaned = value.replace("\r", "").replace("\n", "")
    try:
        base64.b64decode(cleaned, validate=True)
        return None
    except (binascii.Error, ValueError):
        pass
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    pos = 0
    for i, ch in enumerate(value):
        if ch in "\r\n":
            continue
        if ch not in alphabet:
            pos = i
            break
        pos = i + 1
    else:
        pos = len(value) - len(value) % 4 if len(cleaned) % 4 else len(value)
    return f"illegal base64 data at input byte {pos}"


def base64_field(value: str, path: Path, errs: ErrorList) -> None:
    """A ``[]byte`` field: the API server decodes it as standard base64 (newlines ignored)."""
    bad = base64_error(value)
    if bad:
        errs.invalid(path, "<value>", bad)
