"""Pods that no NetworkPolicy selects accept traffic from anywhere in the cluster."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import meta_v1, networking_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def _pod_selector(policy: networking_v1.NetworkPolicy) -> meta_v1.LabelSelector | None:
    return policy.spec.podSelector if policy.spec else None


def check(ctx: LintContext) -> Iterator[Finding]:
    covered = ctx.covered_by("NetworkPolicy", networking_v1.NetworkPolicy, _pod_selector)
    for w in ctx.workloads:
        if w not in covered:
            yield RULE.finding(w.resource, w.labels_path, "no NetworkPolicy selects its pods")


RULE = Rule(
    id="network-policy-missing",
    severity=WARNING,
    summary="A workload's pods are not covered by any NetworkPolicy",
    description=(
        "Kubernetes admits all traffic to a pod that no NetworkPolicy selects: one compromised pod anywhere "
        "in the cluster can reach it. Matches kube-linter's non-isolated-pod and checkov's CKV2_K8S_6 (which "
        "reports a workload's pod template as a Pod named after the workload and its labels)."
    ),
    fix="add a NetworkPolicy in the namespace whose podSelector selects these pods",
    kinds=(*WORKLOAD_KINDS, "NetworkPolicy"),
    covers=("CKV2_K8S_6", "non-isolated-pod"),
    check=check,
)
