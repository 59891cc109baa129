"""Pods sharing the node's IPC namespace (`hostIPC: true`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.pod.hostIPC is True:
            yield RULE.finding(
                w.resource, f"{w.spec_path}.hostIPC", "the pod shares the node's IPC namespace"
            )


RULE = Rule(
    id="host-ipc",
    severity=ERROR,
    summary="A pod shares the node's IPC namespace (hostIPC)",
    description=(
        "A pod with hostIPC: true shares System V shared memory and semaphores with every process on the node. Forbidden by Pod Security 'baseline'; node agents that need it opt out "
        "with a reason."
    ),
    fix="remove hostIPC: true from the pod spec",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_18", "host-ipc"),
    check=check,
)
