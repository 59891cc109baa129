"""Roles and ClusterRoles granting ``*`` verbs, resources or API groups."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import rbac_v1
from .context import LintContext
from .rule import ERROR, Rule

_ROLES: tuple[tuple[str, type[rbac_v1.Role | rbac_v1.ClusterRole]], ...] = (
    ("Role", rbac_v1.Role),
    ("ClusterRole", rbac_v1.ClusterRole),
)


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind, cls in _ROLES:
        for role, model in ctx.models(kind, cls):
            for i, rule in enumerate(model.rules or []):
                fields = (("verbs", rule.verbs), ("resources", rule.resources), ("apiGroups", rule.apiGroups))
                wild = [name for name, values in fields if values and "*" in values]
                if wild and wild != ["apiGroups"]:
                    yield RULE.finding(role, f"rules[{i}]", f"grants '*' {' and '.join(wild)}")


RULE = Rule(
    id="rbac-wildcard",
    severity=ERROR,
    summary="A Role or ClusterRole grants '*' verbs or resources",
    description=(
        "A wildcard grants every present and future verb or resource (CRDs included), Secrets and "
        "escalation verbs among them (CIS 5.1.3). A '*' API group alone, with listed resources and verbs, is "
        "not flagged. checkov's CKV_K8S_49 fails a '*' in verbs or resources the same way; an aggregated "
        "ClusterRole without rules passes both."
    ),
    fix="list the verbs and resources the subject needs instead of '*'",
    kinds=("Role", "ClusterRole"),
    tags=("security", "rbac"),
    precision="very-high",
    covers=("CKV_K8S_49", "wildcard-in-rules"),
    check=check,
)
