"""Production workloads with several replicas and nothing spreading them across zones."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import SCALABLE, LintContext
from .rule import WARNING, Rule
from .spreading import ZONE_KEYS, spread_keys


def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.production:
        return
    for w in ctx.workloads:
        if w.resource.kind not in SCALABLE:
            continue
        replicas = ctx.replicas(w)
        if replicas is not None and replicas > 1 and not spread_keys(w) & ZONE_KEYS:
            yield RULE.finding(
                w.resource,
                f"{w.spec_path}.topologySpreadConstraints",
                f"{replicas} replicas and nothing spreads them across zones",
            )


RULE = Rule(
    id="zone-spread-missing",
    severity=WARNING,
    summary="A production workload's replicas are not spread across zones",
    description=(
        "Spreading over nodes does not survive the loss of a zone. A topologySpreadConstraint or anti-affinity "
        "on topology.kubernetes.io/zone selecting the workload's own pods keeps replicas in several zones. "
        "Production environments only."
    ),
    fix="add a topologySpreadConstraint with topologyKey topology.kubernetes.io/zone selecting the pods",
    kinds=(*SCALABLE, "HorizontalPodAutoscaler"),
    tags=("reliability",),
    production_only=True,
    check=check,
)
