"""The namespace transformer: set metadata.namespace on namespaced objects, rename Namespace objects,
and update the namespace of role-binding subjects named 'default' and of webhook service references."""

from __future__ import annotations

from typing import Any

from ...errors import BuildError
from ..fieldspec import visit
from ..resource import Resource
from ..specs import NAMESPACE


def set_namespace(resources: list[Resource], namespace: str) -> None:
    if not namespace:
        return
    for res in resources:
        if not res.obj:
            continue
        res.remember_id()
        if not res.is_cluster_scoped():
            res.metadata["namespace"] = namespace
        if res.kind == "Namespace" and res.api_version == "v1":
            res.metadata["name"] = namespace
        if res.kind in ("RoleBinding", "ClusterRoleBinding"):
            for subject in res.obj.get("subjects") or []:
                if isinstance(subject, dict) and subject.get("name") == "default":
                    subject["namespace"] = namespace
        for spec in NAMESPACE:
            if spec.applies_to(res):

                def setter(parent: dict[str, Any], key: str) -> None:
                    parent[key] = namespace

                visit(res.obj, spec.path, setter, spec.create)
    _check_conflicts(resources)


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
