"""Pods naming a ServiceAccount that the manifests do not define: the pod is never created."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        name = w.pod.serviceAccountName or w.pod.serviceAccount
        if not name or name == "default":
            continue
        if not ctx.has("ServiceAccount", w.resource.namespace, name):
            ns = w.resource.namespace or "(no namespace)"
            yield RULE.finding(
                w.resource,
                f"{w.spec_path}.serviceAccountName",
                f"ServiceAccount '{name}' is not defined in namespace {ns} by these manifests",
            )


RULE = Rule(
    id="service-account-missing",
    severity=ERROR,
    summary="A pod names a ServiceAccount the manifests do not define",
    description=(
        "The ReplicaSet controller cannot create pods for a ServiceAccount that does not exist, so the "
        "rollout stalls with no error on the Deployment. A ServiceAccount created by another tool is an "
        "exception to declare (annotation or configuration exclusion)."
    ),
    fix="add the ServiceAccount to the manifests (same namespace) or fix the name",
    kinds=(*WORKLOAD_KINDS, "ServiceAccount"),
    tags=("reliability", "rbac"),
    covers=("non-existent-service-account",),
    check=check,
)
