"""Roles granting permissions that escalate (bind, escalate, impersonate, approving certificates, admission
webhooks, nodes/proxy and pods/exec, services/status, reading every Secret), and the bindings that hand such a
role to a ServiceAccount or a node."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import rbac_v1
from .context import LintContext
from .rule import ERROR, Rule

# (API group, verbs, resources, what it allows); a '*' group, verb or resource counts as any.
_RBAC, _CORE = "rbac.authorization.k8s.io", ""
_DANGEROUS = (
    (_RBAC, {"bind"}, {"roles", "clusterroles", "rolebindings", "clusterrolebindings"}, "binding any role"),
    (_RBAC, {"escalate"}, {"roles", "clusterroles"}, "granting permissions it does not hold"),
    (_CORE, {"impersonate"}, {"users", "groups", "serviceaccounts"}, "acting as other users"),
    ("authentication.k8s.io", {"impersonate"}, {"userextras", "uids"}, "acting as other users"),
    ("certificates.k8s.io", {"update", "patch"}, {"certificatesigningrequests/approval"}, "approving certificates"),
    ("admissionregistration.k8s.io", {"create", "update", "patch", "delete"},
     {"validatingwebhookconfigurations", "mutatingwebhookconfigurations"}, "controlling admission webhooks"),
    (_CORE, {"create", "get"}, {"nodes/proxy"}, "running commands in any pod through the kubelet"),
    (_CORE, {"create"}, {"pods/exec"}, "running commands in pods"),
    (_CORE, {"update", "patch"}, {"services/status"}, "redirecting traffic through a Service's status (CVE-2020-8554)"),
    (_CORE, {"get", "list", "watch"}, {"secrets"}, "reading every Secret"),
)  # fmt: skip
_SUBJECT_KINDS = ("ServiceAccount", "Node")
_ROLES: tuple[tuple[str, type[rbac_v1.Role | rbac_v1.ClusterRole]], ...] = (
    ("Role", rbac_v1.Role),
    ("ClusterRole", rbac_v1.ClusterRole),
)
_BINDINGS: tuple[tuple[str, type[rbac_v1.RoleBinding | rbac_v1.ClusterRoleBinding]], ...] = (
    ("RoleBinding", rbac_v1.RoleBinding),
    ("ClusterRoleBinding", rbac_v1.ClusterRoleBinding),
)


def dangers(role: rbac_v1.Role | rbac_v1.ClusterRole) -> Iterator[tuple[int, str]]:
    """(rule index, what it allows) for every escalating permission of a Role or ClusterRole."""
    for i, rule in enumerate(role.rules or []):
        verbs = {v.lower() for v in rule.verbs}
        resources = {r.lower() for r in rule.resources or []}
        groups = set(rule.apiGroups or [])
        if "*" in verbs and "*" in resources and "*" in groups:
            yield i, "'*' on '*' allows everything, escalation included"
            continue
        for group, want_verbs, want_resources, what in _DANGEROUS:
            if group not in groups and "*" not in groups:
                continue
            v = verbs & want_verbs or ("*" in verbs and want_verbs)
            r = resources & want_resources or ("*" in resources and want_resources)
            if not (v and r) or ("secrets" in want_resources and rule.resourceNames):
                continue
            if "secrets" in want_resources and isinstance(role, rbac_v1.Role):
                what = "reading every Secret of its namespace"
            yield i, f"{'/'.join(sorted(v))} on {'/'.join(sorted(r))} allows {what}"


def check(ctx: LintContext) -> Iterator[Finding]:
    risky: dict[tuple[str, str, str], str] = {}
    for kind, role_cls in _ROLES:
        for role, model in ctx.models(kind, role_cls):
            found = list(dangers(model))
            if found:
                risky[(kind, role.namespace, role.name)] = found[0][1]
            for i, what in found:
                yield RULE.finding(role, f"rules[{i}]", what)
    for kind, binding_cls in _BINDINGS:
        for b, binding in ctx.models(kind, binding_cls):
            ref = binding.roleRef
            ns = b.namespace if ref.kind == "Role" else ""
            granted = risky.get((ref.kind, ns, ref.name))
            subjects = [s for s in binding.subjects or [] if s.kind in _SUBJECT_KINDS]
            if granted and subjects:
                names = ", ".join(f"{s.kind} {s.name}" for s in subjects)
                yield RULE.finding(b, "roleRef", f"gives {names} {ref.kind} '{ref.name}': {granted}")


RULE = Rule(
    id="rbac-dangerous-permissions",
    severity=ERROR,
    summary="A Role grants a permission that escalates privileges, or a binding hands one out",
    description=(
        "bind and escalate on roles, impersonate, approving CertificateSigningRequests, writing admission "
        "webhook configurations, nodes/proxy and pods/exec, services/status and reading all Secrets each let "
        "the holder gain more than it was given. The role is flagged, and so is each binding that gives it to "
        "a ServiceAccount or node. Covers checkov's CKV_K8S_155 to CKV_K8S_158 (roles) and CKV2_K8S_1 to "
        "CKV2_K8S_5 (bindings). checkov matches verbs and resources across all of a role's rules together "
        "and ignores API groups (a '*' resource of a custom group counts as Secrets); this rule matches them "
        "within one rule and its API groups, as the API server grants them. So checkov fails some roles this "
        "rule passes: those are the precision this rule adds, not objects it misses."
    ),
    fix="remove the permission, or restrict it with resourceNames to the objects the subject must manage",
    kinds=("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"),
    tags=("security", "rbac"),
    covers=(
        "CKV_K8S_155",
        "CKV_K8S_156",
        "CKV_K8S_157",
        "CKV_K8S_158",
        "CKV2_K8S_1",
        "CKV2_K8S_2",
        "CKV2_K8S_3",
        "CKV2_K8S_4",
        "CKV2_K8S_5",
        "access-to-secrets",
    ),
    check=check,
)
