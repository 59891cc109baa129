"""Containers without CPU and memory requests and limits: the scheduler cannot place them well and one
runaway pod can starve its node."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            res = c.resources
            sections = (("requests", res.requests if res else None), ("limits", res.limits if res else None))
            missing = [
                f"{section}.{what}"
                for section, amounts in sections
                for what in ("cpu", "memory")
                if not amounts or amounts.get(what) in (None, "")
            ]
            if missing:
                yield RULE.finding(
                    w.resource,
                    f"{path}.resources",
                    f"container '{c.name}' has no {', '.join(missing)}",
                )


RULE = Rule(
    id="missing-resources",
    severity=ERROR,
    summary="A container has no CPU/memory requests or limits",
    description=(
        "Requests let the scheduler place the pod and make its QoS class Burstable or Guaranteed rather than "
        "BestEffort (the first evicted); limits stop one runaway container from starving its node. A "
        "LimitRange default is not counted: the manifests should say what the container needs."
    ),
    fix="set resources.requests and resources.limits for cpu and memory on every container",
    kinds=WORKLOAD_KINDS,
    tags=("reliability",),
    covers=(
        "CKV_K8S_10",
        "CKV_K8S_11",
        "CKV_K8S_12",
        "CKV_K8S_13",
        "unset-cpu-requirements",
        "unset-memory-requirements",
    ),
    check=check,
)
