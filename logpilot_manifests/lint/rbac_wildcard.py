"""Roles and ClusterRoles granting ``*`` verbs, resources or API groups."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext, as_list
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind in ("Role", "ClusterRole"):
        for role in ctx.of_kind(kind):
            for i, rule in enumerate(as_list(role.obj.get("rules"))):
                if not isinstance(rule, dict):
                    continue
                wild = [f for f in ("verbs", "resources", "apiGroups") if "*" in as_list(rule.get(f))]
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
