"""Privileged containers: every device and capability of the node, no isolation left."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            sc = c.securityContext
            if sc is not None and sc.privileged is True:
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext.privileged",
                    f"container '{c.name}' is privileged",
                )


RULE = Rule(
    id="privileged-container",
    severity=ERROR,
    summary="A container runs privileged",
    description=(
        "privileged: true gives the container all capabilities and the host's devices: root in it is root on "
        "the node. Forbidden by Pod Security 'baseline' and 'restricted'."
    ),
    fix="remove securityContext.privileged (grant only the capabilities the process needs)",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_16", "privileged-container"),
    check=check,
)
