"""Containers that keep the runtime's default capabilities (NET_RAW among them): ``drop: [ALL]`` is missing."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            caps = c.securityContext.capabilities if c.securityContext else None
            dropped = {d.upper() for d in (caps.drop if caps and caps.drop else [])}
            if "ALL" not in dropped and "CAP_ALL" not in dropped:
                still = "" if dropped & {"NET_RAW", "CAP_NET_RAW"} else " (NET_RAW included)"
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext.capabilities.drop",
                    f"container '{c.name}' keeps the default capabilities{still}",
                )


RULE = Rule(
    id="capabilities-not-dropped",
    severity=WARNING,
    summary="A container does not drop all capabilities",
    description=(
        "Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, SETUID...); Pod Security "
        "'restricted' requires drop: [ALL]. One rule covers kube-linter's drop-net-raw-capability and "
        "checkov's CKV_K8S_28 (NET_RAW) and CKV_K8S_37 (ALL): dropping ALL drops NET_RAW."
    ),
    fix="set securityContext.capabilities.drop: [ALL] (add back NET_BIND_SERVICE only if needed)",
    kinds=WORKLOAD_KINDS,
    covers=("CKV_K8S_28", "CKV_K8S_37", "drop-net-raw-capability"),
    check=check,
)
