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


def _ranks(first: tuple[str, ...] | list[str], last: tuple[str, ...] | list[str]) -> dict[str, int]:
    rank = {kind: i - len(first) for i, kind in enumerate(first)}
    rank.update({kind: 1 + i for i, kind in enumerate(last)})
    return rank


_DEFAULT_RANK = _ranks(ORDER_FIRST, ORDER_LAST)


def _gvk_string(group: str, version: str, kind: str) -> str:
    return f"{group or '~G'}_{version or '~V'}_{kind or '~K'}"


def _sort_key(res: Resource, rank: dict[str, int]) -> tuple[int, str, str]:
    rid = res.id
    gvk = _gvk_string(rid.group, rid.version, rid.kind)
    if rid.kind == "Namespace" and not rid.group:
        # kustomize sorts core Namespaces before Namespace kinds of other groups
        gvk = "\x00" + gvk
    ids = f"{rid.kind or '[noKind]'}.{rid.version or '[noVer]'}.{rid.group or '[noGrp]'}|{rid.namespace or '~X'}|{rid.name or '~N'}"
    return (rank.get(rid.kind, 0), gvk, ids)


def legacy_order(
    resources: list[Resource], order_first: list[str] | None = None, order_last: list[str] | None = None
) -> list[Resource]:
    """Sort in kustomize's legacy order (or with the kinds of sortOptions.legacySortOptions)."""
    rank = (
        _DEFAULT_RANK
        if order_first is None and order_last is None
        else _ranks(order_first or [], order_last or [])
    )
    return sorted(resources, key=lambda r: _sort_key(r, rank))
