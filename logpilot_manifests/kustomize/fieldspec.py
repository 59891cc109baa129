"""Field specs: which field paths of which kinds a transformer touches (kustomize's builtin config).

A path is written as kustomize writes it, ``spec/template/spec/containers/image``: lists met on the way are
walked element by element; ``\\/`` escapes a slash inside a key (annotation keys).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from ..errors import BuildError
from .resource import Resource


class FieldSpec(NamedTuple):
    """A path in objects of a kind (empty kind/group/version = any)."""

    path: tuple[str, ...]
    kind: str = ""
    group: str = ""
    version: str = ""
    create: bool = False

    def applies_to(self, res: Resource) -> bool:
        if self.kind and self.kind != res.kind:
            return False
        if self.group or self.version:
            group, _, version = res.api_version.rpartition("/")
            if self.group and self.group != group:
                return False
            if self.version and self.version != version:
                return False
        return True

    def selects(self, group: str, version: str, kind: str) -> bool:
        """Whether objects of this group/version/kind are among the ones the spec names."""
        return (
            (not self.kind or self.kind == kind)
            and (not self.group or self.group == group)
            and (not self.version or self.version == version)
        )


def split_path(path: str) -> tuple[str, ...]:
    """'metadata/annotations/a\\/b' -> ('metadata', 'annotations', 'a/b')."""
    parts: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path) and path[i + 1] == "/":
            cur.append("/")
            i += 2
            continue
        if ch == "/":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return tuple(p for p in parts if p != "")


def fs(path: str, kind: str = "", group: str = "", version: str = "", create: bool = False) -> FieldSpec:
    return FieldSpec(split_path(path), kind, group, version, create)


Visitor = Callable[[dict[str, Any], str], None]


class _WildcardStep(Exception):
    """A ``*`` step of a field spec path reached a map."""


def visit(
    node: Any, path: tuple[str, ...], visitor: Visitor, create: bool = False, owner: object = None
) -> None:
    """Call ``visitor(parent_map, last_key)`` for every place ``path`` reaches in ``node``.

    Lists on the way are walked element by element. With ``create``, missing maps on the way are created
    (the visitor then sees a parent map without the last key); otherwise a missing step ends that branch.
    A key written ``name[]`` names a list: it is walked like any list but never created. A ``*`` step is no
    wildcard: reaching it at a map is an error (as in kustomize; a walk that ends before it is not), naming
    ``owner`` (the object walked) when given.
    """
    try:
        _visit(node, path, visitor, create)
    except _WildcardStep:
        of = f" of object {owner}" if owner is not None else ""
        raise BuildError(
            f"considering field '{'/'.join(path)}'{of}: fieldName: *: a wildcard is not supported in a field spec path"
        ) from None


def _visit(node: Any, path: tuple[str, ...], visitor: Visitor, create: bool) -> None:
    if not path:
        return
    if isinstance(node, list):
        for item in node:
            _visit(item, path, visitor, create)
        return
    if not isinstance(node, dict):
        return
    key = path[0]
    is_list = key.endswith("[]")
    if is_list:
        key = key[:-2]
    if key == "*":
        raise _WildcardStep
    if len(path) == 1:
        if key in node or create:
            visitor(node, key)
        return
    child = node.get(key)
    if child is None:
        # a missing list is never created, only maps are
        if not create or is_list:
            return
        child = {}
        node[key] = child
    _visit(child, path[1:], visitor, create)


def apply_specs(
    resources: Iterable[Resource],
    specs: Iterable[FieldSpec],
    visitor: Callable[[Resource, dict[str, Any], str], None],
) -> None:
    """Apply ``visitor`` at every field spec path that applies to each resource."""
    specs = list(specs)
    for res in resources:
        for spec in specs:
            if spec.applies_to(res):
                visit(res.obj, spec.path, functools.partial(visitor, res), spec.create, res.id)
