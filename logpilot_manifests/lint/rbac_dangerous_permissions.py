"""Roles granting permissions that escalate: bind, escalate, impersonate, approving certificates, admission
webhooks, the nodes/proxy subresource, and reading every Secret of a cluster."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext, as_list
from .rule import ERROR, Rule

# (verbs, resources, what it allows); a '*' verb or resource counts as any (rbac-wildcard reports it too).
_DANGEROUS = (
    ({"bind"}, {"roles", "clusterroles", "rolebindings", "clusterrolebindings"}, "binding any role"),
    ({"escalate"}, {"roles", "clusterroles"}, "granting permissions it does not hold"),
    ({"impersonate"}, {"users", "groups", "serviceaccounts", "userextras"}, "acting as other users"),
    ({"update", "patch"}, {"certificatesigningrequests/approval"}, "approving certificates"),
    ({"create", "update", "patch", "delete"}, {"validatingwebhookconfigurations", "mutatingwebhookconfigurations"},
     "controlling admission webhooks"),
    ({"create", "get"}, {"nodes/proxy"}, "running commands in any pod through the kubelet"),
)  # fmt: skip
_READ = {"get", "list", "watch"}


def _strs(value: object) -> set[str]:
    return {str(v).lower() for v in as_list(value)}


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind in ("Role", "ClusterRole"):
        for role in ctx.of_kind(kind):
            for i, rule in enumerate(as_list(role.obj.get("rules"))):
                if not isinstance(rule, dict):
                    continue
                verbs, resources = _strs(rule.get("verbs")), _strs(rule.get("resources"))
                if "*" in verbs and "*" in resources:
                    continue  # everything: rbac-wildcard's finding
                for want_verbs, want_resources, what in _DANGEROUS:
                    v = verbs & want_verbs or ("*" in verbs and want_verbs)
                    r = resources & want_resources or ("*" in resources and want_resources)
                    if v and r:
                        yield RULE.finding(
                            role,
                            f"rules[{i}]",
                            f"{'/'.join(sorted(v))} on {'/'.join(sorted(r))} allows {what}",
                        )
                if (
                    kind == "ClusterRole"
                    and "secrets" in resources
                    and verbs & (_READ | {"*"})
                    and not as_list(rule.get("resourceNames"))
                ):
                    yield RULE.finding(role, f"rules[{i}]", "reads every Secret in the cluster")


RULE = Rule(
    id="rbac-dangerous-permissions",
    severity=ERROR,
    summary="A Role grants a permission that escalates privileges",
    description=(
        "bind and escalate on roles, impersonate, approving CertificateSigningRequests, writing admission "
        "webhook configurations, nodes/proxy and cluster-wide Secret reads each let the holder gain more "
        "than it was given. Covers checkov's CKV_K8S_155 to CKV_K8S_158 and the RBAC graph checks "
        "CKV2_K8S_2 to CKV2_K8S_5 for the roles themselves."
    ),
    fix="remove the permission, or restrict it with resourceNames to the objects the subject must manage",
    kinds=("Role", "ClusterRole"),
    tags=("security", "rbac"),
    covers=("CKV_K8S_155", "CKV_K8S_156", "CKV_K8S_157", "CKV_K8S_158", "access-to-secrets"),
    check=check,
)
