"""Containers binding a port on the node (``hostPort``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            for p in c.ports or []:
                if p.hostPort not in (None, 0):
                    yield RULE.finding(
                        w.resource,
                        f"{path}.ports[{p.name or p.containerPort}].hostPort",
                        f"container '{c.name}' binds host port {p.hostPort}",
                    )


RULE = Rule(
    id="host-port",
    severity=ERROR,
    summary="A container binds a port on the node (hostPort)",
    description=(
        "A hostPort exposes the container on the node's address outside any Service or NetworkPolicy, and "
        "limits scheduling to one such pod per node. Pod Security 'baseline' forbids it. hostPort: 0 means "
        "none and passes, as it does for checkov's CKV_K8S_26."
    ),
    fix="remove hostPort and expose the port through a Service",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_26",),
    check=check,
)
