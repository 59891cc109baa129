"""Kubernetes resource quantities (``512Mi``, ``1.5``, ``250m``) as numbers, for comparing requests with limits."""

from __future__ import annotations

import re

from ..models.k8s.apimachinery import Quantity

_SUFFIX = {
    "": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}  # fmt: skip
_QUANTITY = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|)")


def parse_quantity(value: Quantity) -> float | None:
    """The quantity's value, or None when it is not one."""
    if isinstance(value, int | float):
        return float(value)
    m = _QUANTITY.fullmatch(value.strip())
    return float(m.group(1)) * _SUFFIX[m.group(2)] if m else None
