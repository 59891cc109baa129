"""commonLabels, labels and commonAnnotations: set string pairs at every applicable field spec path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..fieldspec import FieldSpec, visit
from ..resource import Resource


def set_pairs(resources: list[Resource], pairs: dict[str, str], specs: Iterable[FieldSpec]) -> None:
    """Add ``pairs`` to the map at each spec path (created when the spec says so)."""
    if not pairs:
        return
    specs = list(specs)

    def setter(parent: dict[str, Any], key: str) -> None:
        target = parent.get(key)
        if not isinstance(target, dict):
            target = {}
            parent[key] = target
        target.update(pairs)

    for res in resources:
        for spec in specs:
            if spec.applies_to(res):
                visit(res.obj, spec.path, setter, spec.create)
