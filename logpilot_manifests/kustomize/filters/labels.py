"""commonLabels, labels and commonAnnotations: set string pairs at every applicable field spec path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..fieldspec import FieldSpec, visit
from ..links import Linked, rewrite_shared
from ..resource import Resource


def set_pairs(resources: list[Resource], pairs: dict[str, str], specs: Iterable[FieldSpec]) -> None:
    """Add ``pairs`` to the map at each spec path (created when the spec says so).

    As in kustomize, a key added at several places of one object is one shared value there, and setting a
    key that holds a shared value rewrites it everywhere it is shared (see links.py).
    """
    if not pairs:
        return
    specs = list(specs)
    for res in resources:
        _set_on(res, pairs, [spec for spec in specs if spec.applies_to(res)])


def _set_on(res: Resource, pairs: dict[str, str], specs: list[FieldSpec]) -> None:
    shared = {k: Linked(v) for k, v in pairs.items()}
    added: set[str] = set()

    def setter(parent: dict[str, Any], key: str) -> None:
        target = parent.get(key)
        if not isinstance(target, dict):
            target = {}
            parent[key] = target
        for k, v in pairs.items():
            old = target.get(k, _ABSENT)
            if old is _ABSENT:
                target[k] = shared[k]
                added.add(k)
            elif isinstance(old, Linked):
                rewrite_shared(res, old, v)
            else:
                target[k] = v

    for spec in specs:
        visit(res.obj, spec.path, setter, spec.create)
    if added:
        res.linked = True


_ABSENT = object()
