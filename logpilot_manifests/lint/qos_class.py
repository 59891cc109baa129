"""Production containers whose memory limit exceeds their request: the pod is Burstable, not Guaranteed."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LONG_RUNNING, WORKLOAD_KINDS, LintContext, as_dict
from .quantity import parse_quantity
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.production:
        return
    for w in ctx.workloads:
        if w.resource.kind not in LONG_RUNNING:
            continue
        for path, c in w.containers(init=False):
            res = as_dict(c.get("resources"))
            request = parse_quantity(as_dict(res.get("requests")).get("memory"))
            limit = parse_quantity(as_dict(res.get("limits")).get("memory"))
            if request is not None and limit is not None and request < limit:
                yield RULE.finding(
                    w.resource,
                    f"{path}.resources.requests.memory",
                    f"container '{c.get('name')}' requests {res['requests']['memory']} of memory but may use "
                    f"{res['limits']['memory']}",
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
