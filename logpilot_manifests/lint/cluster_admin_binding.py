"""Bindings to the cluster-admin ClusterRole: full control of the cluster."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext, as_dict, as_list
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind in ("ClusterRoleBinding", "RoleBinding"):
        for b in ctx.of_kind(kind):
            ref = as_dict(b.obj.get("roleRef"))
            if ref.get("kind") == "ClusterRole" and ref.get("name") == "cluster-admin":
                subjects = [
                    f"{s.get('kind')} {str(s.get('namespace')) + '/' if s.get('namespace') else ''}{s.get('name')}"
                    for s in as_list(b.obj.get("subjects"))
                    if isinstance(s, dict)
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
