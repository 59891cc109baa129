"""namePrefix / nameSuffix: rename every object except CRDs, APIServices and Namespaces."""

from __future__ import annotations

from ..resource import Resource

_SKIP = {("", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"), ("", "Namespace")}


def _skipped(res: Resource) -> bool:
    org = res.orig_id()
    return ("", org.kind) in _SKIP or (org.group, org.kind) in _SKIP


def add_prefix(resources: list[Resource], prefix: str) -> None:
    if not prefix:
        return
    for res in resources:
        if _skipped(res):
            continue
        res.prefixes.append(prefix)
        res.set_name(prefix + res.name)


def add_suffix(resources: list[Resource], suffix: str) -> None:
    if not suffix:
        return
    for res in resources:
        if _skipped(res):
            continue
        res.suffixes.append(suffix)
        res.set_name(res.name + suffix)
