"""namePrefix / nameSuffix: rename every object except CRDs, APIServices and Namespaces, and add the same
affix at any other field the transformer's field specs name (custom kinds from ``configurations``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..fieldspec import FieldSpec, visit
from ..resource import Resource

_SKIP = {("", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"), ("", "Namespace")}
_NAME = ("metadata", "name")


def _skipped(res: Resource) -> bool:
    org = res.orig_id()
    return ("", org.kind) in _SKIP or (org.group, org.kind) in _SKIP


def _add(resources: list[Resource], affix: str, is_prefix: bool, specs: Iterable[FieldSpec]) -> None:
    specs = tuple(specs)
    prefix, suffix = (affix, "") if is_prefix else ("", affix)

    def setter(parent: dict[str, Any], key: str) -> None:
        value = parent.get(key)
        if isinstance(value, str):
            parent[key] = prefix + value + suffix

    for res in resources:
        if _skipped(res):
            continue
        org = res.orig_id()
        for spec in specs:
            if not spec.selects(org.group, org.version, org.kind):
                continue
            if spec.path == _NAME:
                # kustomize records the affix (even an empty one) for the name-reference pass
                (res.prefixes if is_prefix else res.suffixes).append(affix)
                if affix:
                    res.set_name(prefix + res.name + suffix)
                continue
            visit(res.obj, spec.path, setter)


def add_prefix(resources: list[Resource], prefix: str, specs: Iterable[FieldSpec]) -> None:
    _add(resources, prefix, True, specs)


def add_suffix(resources: list[Resource], suffix: str, specs: Iterable[FieldSpec]) -> None:
    _add(resources, suffix, False, specs)
