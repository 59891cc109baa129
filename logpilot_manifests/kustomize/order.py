"""kustomize's default ("legacy") output order: some kinds first, webhook configurations last, the rest
in between; ties broken by group/version/kind, then namespace and name."""

from __future__ import annotations

from .resource import Resource

ORDER_FIRST = (
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
)
ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")

_RANK = {kind: i - len(ORDER_FIRST) for i, kind in enumerate(ORDER_FIRST)}
_RANK.update({kind: 1 + i for i, kind in enumerate(ORDER_LAST)})


def _gvk_string(group: str, version: str, kind: str) -> str:
    return f"{group or '~G'}_{version or '~V'}_{kind or '~K'}"


def _sort_key(res: Resource) -> tuple[int, str, str]:
    rid = res.id
    gvk = _gvk_string(rid.group, rid.version, rid.kind)
    if rid.kind == "Namespace" and not rid.group:
        # kustomize sorts core Namespaces before Namespace kinds of other groups
        gvk = "\x00" + gvk
    ids = f"{rid.kind or '[noKind]'}.{rid.version or '[noVer]'}.{rid.group or '[noGrp]'}|{rid.namespace or '~X'}|{rid.name or '~N'}"
    return (_RANK.get(rid.kind, 0), gvk, ids)


def legacy_order(resources: list[Resource]) -> list[Resource]:
    return sorted(resources, key=_sort_key)
