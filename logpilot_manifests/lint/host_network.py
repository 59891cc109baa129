"""Pods sharing the node's network namespace (`hostNetwork: true`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.pod.hostNetwork is True:
            yield RULE.finding(
                w.resource, f"{w.spec_path}.hostNetwork", "the pod shares the node's network namespace"
            )


RULE = Rule(
    id="host-network",
    severity=ERROR,
    summary="A pod shares the node's network namespace (hostNetwork)",
    description=(
        "A pod with hostNetwork: true sees every interface of the node, its loopback services included, and bypasses NetworkPolicies. Forbidden by Pod Security 'baseline'; node agents that need it opt out "
        "with a reason."
    ),
    fix="remove hostNetwork: true from the pod spec",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_19", "host-network"),
    check=check,
)
