"""PodDisruptionBudgets that allow no disruption at all: node drains hang until someone deletes them."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import policy_v1
from .context import LintContext
from .rule import WARNING, Rule


def _percent(value: str | int | None) -> int | None:
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return int(value[:-1])
    return None


def check(ctx: LintContext) -> Iterator[Finding]:
    for pdb, model in ctx.models("PodDisruptionBudget", policy_v1.PodDisruptionBudget):
        spec = model.spec or policy_v1.PodDisruptionBudgetSpec()
        if spec.maxUnavailable in (0, "0", "0%"):
            yield RULE.finding(pdb, "spec.maxUnavailable", "maxUnavailable 0 allows no voluntary eviction")
            continue
        if _percent(spec.minAvailable) == 100:
            yield RULE.finding(pdb, "spec.minAvailable", "minAvailable 100% allows no voluntary eviction")
            continue
        minimum = spec.minAvailable
        if not isinstance(minimum, int):
            continue
        for w in ctx.selected(pdb.namespace, spec.selector):
            replicas = ctx.replicas(w)
            if replicas is not None and minimum >= replicas:
                yield RULE.finding(
                    pdb,
                    "spec.minAvailable",
                    f"minAvailable {minimum} with {w.resource.kind} {w.resource.name} at {replicas} replica(s) "
                    "allows no voluntary eviction",
                )


RULE = Rule(
    id="pdb-blocks-eviction",
    severity=WARNING,
    summary="A PodDisruptionBudget allows no voluntary disruption",
    description=(
        "maxUnavailable: 0, minAvailable: 100%, or a minAvailable at or above the workload's replicas blocks "
        "every drain: cluster upgrades stall on the node. Covers kube-linter's pdb-max-unavailable and "
        "pdb-min-available."
    ),
    fix="allow at least one pod to go: maxUnavailable: 1, or minAvailable below the replica count",
    kinds=(
        "PodDisruptionBudget",
        "Deployment",
        "StatefulSet",
        "ReplicaSet",
        "Rollout",
        "HorizontalPodAutoscaler",
    ),
    tags=("reliability",),
    covers=("pdb-max-unavailable", "pdb-min-available"),
    check=check,
)
