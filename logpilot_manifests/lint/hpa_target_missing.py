"""HorizontalPodAutoscalers whose scaleTargetRef names no object of these manifests."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for hpa, model in ctx.autoscalers():
        kind, name = model.spec.scaleTargetRef.kind, model.spec.scaleTargetRef.name
        if not ctx.has(kind, hpa.namespace, name):
            yield RULE.finding(
                hpa, "spec.scaleTargetRef", f"scales {kind} '{name}', which these manifests do not define"
            )


RULE = Rule(
    id="hpa-target-missing",
    severity=ERROR,
    summary="A HorizontalPodAutoscaler targets an object the manifests do not define",
    description=(
        "An autoscaler whose target is missing (a typo, or a name changed by a prefix) scales nothing and "
        "the workload keeps its static replica count. kube-linter's dangling-horizontalpodautoscaler."
    ),
    fix="point spec.scaleTargetRef at the workload's kind and name (kustomize updates names it renames)",
    kinds=("HorizontalPodAutoscaler", "Deployment", "StatefulSet", "ReplicaSet", "Rollout"),
    tags=("reliability",),
    precision="very-high",
    covers=("dangling-horizontalpodautoscaler",),
    check=check,
)
