"""A Service whose selector matches no pod template in its namespace sends traffic nowhere."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for svc, model in ctx.models("Service", core_v1.Service):
        selector = model.spec.selector if model.spec else None
        if not selector:
            continue
        if not ctx.selected_by_map(svc.namespace, selector):
            shown = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
            yield RULE.finding(
                svc, "spec.selector", f"selector {shown} matches no pod template in the namespace"
            )


RULE = Rule(
    id="service-selector-unmatched",
    severity=ERROR,
    summary="A Service selector matches no pod template",
    description=(
        "A typo in a Service selector gives a Service with no endpoints: every request fails. A Service with "
        "no selector (endpoints managed elsewhere) is not checked."
    ),
    fix="make the Service's spec.selector a subset of the workload's pod template labels",
    kinds=("Service", *WORKLOAD_KINDS),
    tags=("reliability",),
    covers=("dangling-service",),
    check=check,
)
