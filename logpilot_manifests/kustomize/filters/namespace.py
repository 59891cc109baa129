"""The namespace transformer: set metadata.namespace on namespaced objects, rename v1 Namespace objects,
set the namespace of role-binding subjects (those named 'default', by default) and at every other field
the namespace field specs name (webhook service references, custom kinds from ``configurations``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...errors import BuildError
from ..fieldspec import FieldSpec, visit
from ..resource import Resource

_META_NAMESPACE = ("metadata", "namespace")
_META_NAME = ("metadata", "name")
_SUBJECTS_NAMESPACE = ("subjects", "namespace")
_BINDINGS = ("RoleBinding", "ClusterRoleBinding")


def set_namespace(
    resources: list[Resource],
    namespace: str,
    specs: Iterable[FieldSpec],
    unset_only: bool = False,
    role_binding_subjects: str = "defaultOnly",
) -> None:
    """``role_binding_subjects``: 'defaultOnly' (subjects named default), 'allServiceAccounts' or 'none'."""
    if not namespace:
        return
    specs = tuple(s for s in specs if s.path != _META_NAMESPACE)

    def setter(parent: dict[str, Any], key: str) -> None:
        old = parent.get(key)
        if isinstance(old, dict | list):
            raise BuildError("namespace field specs must target scalar nodes")
        if unset_only and old not in (None, ""):
            return
        parent[key] = namespace

    for res in resources:
        if not res.obj:
            continue
        res.remember_id()
        if not res.is_cluster_scoped():
            setter(res.metadata, "namespace")
        is_v1 = res.api_version == "v1"
        binding = res.kind in _BINDINGS
        if binding:
            _set_subjects(res, role_binding_subjects, setter)
        for spec in specs:
            if spec.path == _META_NAME and not is_v1:
                continue
            if binding and spec.path == _SUBJECTS_NAMESPACE:
                continue
            if spec.applies_to(res):
                visit(res.obj, spec.path, setter, spec.create)
    _check_conflicts(resources)


def _set_subjects(res: Resource, mode: str, setter: Any) -> None:
    if mode == "none":
        return
    for subject in res.obj.get("subjects") or []:
        if not isinstance(subject, dict):
            continue
        if mode == "allServiceAccounts":
            chosen = subject.get("kind") == "ServiceAccount"
        else:
            chosen = subject.get("name") == "default"
        if chosen:
            setter(subject, "namespace")


def _check_conflicts(resources: list[Resource]) -> None:
    seen: dict[tuple[str, str, str, str, str], Resource] = {}
    for res in resources:
        rid = res.id
        key = (rid.group, rid.version, rid.kind, rid.name, rid.effective_namespace)
        other = seen.get(key)
        if other is not None:
            raise BuildError(
                f"namespace transformation produces an ID conflict: {rid.kind} '{rid.name}' from "
                f"{other.origin or '?'} and from {res.origin or '?'} now have the same name and namespace"
            )
        seen[key] = res
