"""Pods sharing the node's process ID namespace (`hostPID: true`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.pod.hostPID is True:
            yield RULE.finding(
                w.resource, f"{w.spec_path}.hostPID", "the pod shares the node's process ID namespace"
            )


RULE = Rule(
    id="host-pid",
    severity=ERROR,
    summary="A pod shares the node's process ID namespace (hostPID)",
    description=(
        "A pod with hostPID: true sees and can signal every process on the node, and read their environment through /proc. Forbidden by Pod Security 'baseline'; node agents that need it opt out "
        "with a reason."
    ),
    fix="remove hostPID: true from the pod spec",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_17", "host-pid"),
    check=check,
)
