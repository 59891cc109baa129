"""A workload with more than one replica and no PodDisruptionBudget: a node drain may stop all of them at once."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import meta_v1, policy_v1
from .context import SCALABLE, LintContext
from .rule import WARNING, Rule


def _selector(pdb: policy_v1.PodDisruptionBudget) -> meta_v1.LabelSelector | None:
    return pdb.spec.selector if pdb.spec else None


def check(ctx: LintContext) -> Iterator[Finding]:
    covered = ctx.covered_by("PodDisruptionBudget", policy_v1.PodDisruptionBudget, _selector)
    for w in ctx.workloads:
        if w.resource.kind not in SCALABLE or w in covered:
            continue
        replicas = ctx.replicas(w)
        if replicas is not None and replicas > 1:
            yield RULE.finding(
                w.resource,
                "spec.replicas",
                f"{replicas} replicas and no PodDisruptionBudget selects its pods",
            )


RULE = Rule(
    id="pdb-missing",
    severity=WARNING,
    summary="A workload with replicas > 1 has no PodDisruptionBudget",
    description=(
        "Voluntary disruptions (node drains, cluster upgrades) evict pods without regard to the service; a "
        "PodDisruptionBudget keeps enough replicas up. Replicas count spec.replicas or an HPA's minReplicas."
    ),
    fix="add a PodDisruptionBudget (minAvailable or maxUnavailable) selecting the workload's pods",
    kinds=(*SCALABLE, "PodDisruptionBudget", "HorizontalPodAutoscaler"),
    tags=("reliability",),
    check=check,
)
