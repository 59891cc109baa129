"""A workload with more than one replica and no PodDisruptionBudget: a node drain may stop all of them at once."""

from __future__ import annotations

from collections.abc import Iterator

from . import WARNING, Finding, finding
from .context import SCALABLE, LintContext, get_in, selector_matches

ID = "pdb-missing"
SEVERITY = WARNING
SUMMARY = "A workload with replicas > 1 has no PodDisruptionBudget"
FIX = "add a PodDisruptionBudget (minAvailable or maxUnavailable) selecting the workload's pods"


def check(ctx: LintContext) -> Iterator[Finding]:
    pdbs = ctx.of_kind("PodDisruptionBudget")
    for w in ctx.workloads:
        if w.resource.kind not in SCALABLE:
            continue
        replicas = ctx.replicas(w)
        if replicas <= 1:
            continue
        covered = any(
            p.namespace == w.resource.namespace
            and selector_matches(get_in(p.obj, ("spec", "selector")), w.labels)
            for p in pdbs
        )
        if not covered:
            yield finding(
                ID,
                w.resource,
                "spec.replicas",
                f"{replicas} replicas and no PodDisruptionBudget selects its pods",
            )
