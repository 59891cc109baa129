"""Pods running as their namespace's default ServiceAccount, and bindings that give it permissions."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..kustomize.resource import Resource
from ..models.k8s import core_v1, rbac_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        name = w.pod.serviceAccountName or w.pod.serviceAccount or "default"
        if name == "default":
            yield RULE.finding(
                w.resource,
                f"{w.spec_path}.serviceAccountName",
                "the pod runs as the namespace's default ServiceAccount",
            )
    for sa, account in ctx.models("ServiceAccount", core_v1.ServiceAccount):
        if sa.name == "default" and account.automountServiceAccountToken is not False:
            yield RULE.finding(
                sa,
                "automountServiceAccountToken",
                "the default ServiceAccount mounts its token into every pod",
            )
    bindings: list[tuple[Resource, list[rbac_v1.Subject] | None]] = [
        *((b, m.subjects) for b, m in ctx.models("RoleBinding", rbac_v1.RoleBinding)),
        *((b, m.subjects) for b, m in ctx.models("ClusterRoleBinding", rbac_v1.ClusterRoleBinding)),
    ]
    for b, subjects in bindings:
        for i, s in enumerate(subjects or []):
            if s.kind == "ServiceAccount" and s.name == "default":
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
