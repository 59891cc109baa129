"""Bindings to the cluster-admin ClusterRole: full control of the cluster."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import rbac_v1
from .context import LintContext
from .rule import ERROR, Rule

_BINDINGS: tuple[tuple[str, type[rbac_v1.ClusterRoleBinding | rbac_v1.RoleBinding]], ...] = (
    ("ClusterRoleBinding", rbac_v1.ClusterRoleBinding),
    ("RoleBinding", rbac_v1.RoleBinding),
)


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind, cls in _BINDINGS:
        for b, model in ctx.models(kind, cls):
            ref = model.roleRef
            if ref.kind == "ClusterRole" and ref.name == "cluster-admin":
                subjects = [
                    f"{s.kind} {s.namespace + '/' if s.namespace else ''}{s.name}"
                    for s in model.subjects or []
                ]
                scope = "the whole cluster" if kind == "ClusterRoleBinding" else f"namespace '{b.namespace}'"
                yield RULE.finding(
                    b,
                    "roleRef.name",
                    f"grants cluster-admin over {scope} to {', '.join(subjects) or 'no subject'}",
                )


RULE = Rule(
    id="cluster-admin-binding",
    severity=ERROR,
    summary="A binding grants the cluster-admin role",
    description=(
        "cluster-admin can do anything to any object; a ServiceAccount bound to it turns any compromise of its "
        "pods into a compromise of the cluster (CIS 5.1.1). A RoleBinding to it grants everything in the "
        "namespace, Secrets included."
    ),
    fix="bind a Role or ClusterRole listing only the verbs and resources the subject needs",
    kinds=("ClusterRoleBinding", "RoleBinding"),
    tags=("security", "rbac"),
    precision="very-high",
    covers=("cluster-admin-role-binding",),
    check=check,
)
