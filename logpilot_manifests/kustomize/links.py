"""Label and annotation values that kustomize stores as one shared YAML node.

When a labels (or annotations) transformer adds a key to several maps of one object (its metadata and its
pod templates), kustomize inserts the very same YAML node at each place. A later in-place write to any of
them (an overlay's labels transformer on an existing key, a strategic merge patch of that value) changes all
of them. kustomize v5.5.0 behaves so, and its output shows it: an overlay's `labels` without
includeTemplates still changes template labels that a base's `labels` created. ``Linked`` values model the
shared node: the same Python object at several places of one object, found again by identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .resource import Resource

Location = tuple[Any, ...]


class Linked(str):
    """A string value placed, as one shared node, at several fields of one object."""

    __slots__ = ()


def _walk(node: Any, path: Location) -> Iterator[tuple[Location, Linked]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, Linked):
                yield (*path, k), v
            elif isinstance(v, dict | list):
                yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, Linked):
                yield (*path, i), v
            elif isinstance(v, dict | list):
                yield from _walk(v, (*path, i))


def _set(obj: Any, loc: Location, value: Any) -> None:
    for step in loc[:-1]:
        obj = obj[step]
    obj[loc[-1]] = value


def _get(obj: Any, loc: Location) -> Any:
    try:
        for step in loc:
            obj = obj[step]
    except (KeyError, IndexError, TypeError):
        return _MISSING
    return obj


_MISSING = object()


def rewrite_shared(res: Resource, old: Linked, value: str) -> None:
    """An in-place write of ``value`` over the shared node ``old``: every place holding it changes."""
    new = Linked(value)
    for loc, v in list(_walk(res.obj, ())):
        if v is old:
            _set(res.obj, loc, new)


def snapshot(res: Resource) -> dict[int, tuple[Linked, list[Location]]]:
    """Where each shared value of ``res`` is, before an operation that may write some of them in place."""
    groups: dict[int, tuple[Linked, list[Location]]] = {}
    if res.linked:
        for loc, v in _walk(res.obj, ()):
            groups.setdefault(id(v), (v, []))[1].append(loc)
    return groups


def propagate(res: Resource, before: dict[int, tuple[Linked, list[Location]]]) -> None:
    """After a strategic merge: a shared value overwritten at one place is overwritten at all of them."""
    for old, locs in before.values():
        if len(locs) < 2:
            continue
        written = [_get(res.obj, loc) for loc in locs]
        changed = [w for w in written if w is not old and isinstance(w, str)]
        if not changed:
            continue
        new = Linked(changed[-1])
        for loc, w in zip(locs, written, strict=True):
            if w is old or w is changed[-1]:
                _set(res.obj, loc, new)


def unlink(res: Resource) -> None:
    """Plain strings again (JSON patches rebuild every node; output wants plain values)."""
    if res.linked:
        for loc, v in list(_walk(res.obj, ())):
            _set(res.obj, loc, str(v))
        res.linked = False
