"""Workloads with several replicas and nothing keeping them on different nodes."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import SCALABLE, LintContext
from .rule import WARNING, Rule
from .spreading import spread_keys


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.resource.kind not in SCALABLE:
            continue
        replicas = ctx.replicas(w)
        if replicas is not None and replicas > 1 and not spread_keys(w):
            yield RULE.finding(
                w.resource,
                f"{w.spec_path}.affinity",
                f"{replicas} replicas with no pod anti-affinity or topology spread over its own pods",
            )


RULE = Rule(
    id="replicas-not-spread",
    severity=WARNING,
    summary="Replicas may all land on one node (no anti-affinity or topology spread)",
    description=(
        "The scheduler may put every replica on the same node: losing it loses the service. A podAntiAffinity "
        "term or a topologySpreadConstraint whose selector matches the workload's own pods, on any topology "
        "key, is accepted (kube-linter's no-anti-affinity accepts anti-affinity only). Replicas count an "
        "HPA's minReplicas."
    ),
    fix="add topologySpreadConstraints (topologyKey kubernetes.io/hostname) selecting the workload's pods",
    kinds=(*SCALABLE, "HorizontalPodAutoscaler"),
    tags=("reliability",),
    covers=("no-anti-affinity",),
    check=check,
)
