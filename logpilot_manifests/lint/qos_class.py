"""Production containers whose memory limit exceeds their request: the pod is Burstable, not Guaranteed."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..validate.quantity import quantity_or_none
from .context import LONG_RUNNING, WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.production:
        return
    for w in ctx.workloads:
        if w.resource.kind not in LONG_RUNNING:
            continue
        for path, c in w.containers(init=False):
            res = c.resources
            request = res.requests.get("memory") if res and res.requests else None
            limit = res.limits.get("memory") if res and res.limits else None
            if request is None or limit is None:
                continue
            requested, allowed = quantity_or_none(request), quantity_or_none(limit)
            if requested is not None and allowed is not None and requested < allowed:
                yield RULE.finding(
                    w.resource,
                    f"{path}.resources.requests.memory",
                    f"container '{c.name}' requests {request} of memory but may use {limit}",
                )


RULE = Rule(
    id="qos-class",
    severity=WARNING,
    summary="A production container's memory request is below its limit (Burstable QoS)",
    description=(
        "Memory cannot be throttled: a pod using more than it requested is among the first the kubelet evicts "
        "under node memory pressure, and the scheduler packs nodes by requests. Requesting the limit gives "
        "the memory side of the Guaranteed QoS class (CPU may stay burstable: it is throttled, not killed). "
        "Production environments only; a missing request or limit is missing-resources."
    ),
    fix="set resources.requests.memory equal to resources.limits.memory in production",
    kinds=WORKLOAD_KINDS,
    tags=("reliability",),
    production_only=True,
    precision="medium",
    check=check,
)
