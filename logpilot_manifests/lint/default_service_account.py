"""Pods running as their namespace's default ServiceAccount, and bindings that give it permissions."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext, as_list
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        name = w.pod_spec.get("serviceAccountName") or w.pod_spec.get("serviceAccount") or "default"
        if name == "default":
            yield RULE.finding(
                w.resource,
                f"{w.spec_path}.serviceAccountName",
                "the pod runs as the namespace's default ServiceAccount",
            )
    for sa in ctx.of_kind("ServiceAccount"):
        if sa.name == "default" and sa.obj.get("automountServiceAccountToken") is not False:
            yield RULE.finding(
                sa,
                "automountServiceAccountToken",
                "the default ServiceAccount mounts its token into every pod",
            )
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for b in ctx.of_kind(kind):
            for i, s in enumerate(as_list(b.obj.get("subjects"))):
                if isinstance(s, dict) and s.get("kind") == "ServiceAccount" and s.get("name") == "default":
                    yield RULE.finding(b, f"subjects[{i}]", "grants permissions to a default ServiceAccount")


RULE = Rule(
    id="default-service-account",
    severity=WARNING,
    summary="A pod uses, or a binding empowers, the default ServiceAccount",
    description=(
        "Every pod that names no ServiceAccount runs as 'default': permissions given to it go to all of them. "
        "Least privilege means one ServiceAccount per workload, and a default ServiceAccount that mounts no "
        "token. Covers kube-linter's default-service-account and checkov's CKV_K8S_41 (default "
        "ServiceAccount automounting) and CKV_K8S_42 (bindings to it)."
    ),
    fix="create a ServiceAccount for the workload and set serviceAccountName (default: automountServiceAccountToken: false)",
    kinds=(*WORKLOAD_KINDS, "ServiceAccount", "RoleBinding", "ClusterRoleBinding"),
    tags=("security", "rbac"),
    covers=("CKV_K8S_41", "CKV_K8S_42", "default-service-account"),
    check=check,
)
