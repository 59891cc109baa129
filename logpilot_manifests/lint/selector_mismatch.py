"""Workloads whose selector does not match their own pod template: the API server rejects them."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.crds import argoproj_io_v1alpha1 as argo
from ..models.k8s import apps_v1
from ..models.selectors import selector_matches
from .context import LintContext
from .rule import ERROR, Rule

_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout")
_MODELS = (apps_v1.Deployment, apps_v1.StatefulSet, apps_v1.DaemonSet, apps_v1.ReplicaSet, argo.Rollout)


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.resource.kind not in _KINDS:
            continue
        model = ctx.model(w.resource)
        selector = model.spec.selector if isinstance(model, _MODELS) else None
        if selector is not None and not selector_matches(selector, w.labels):
            yield RULE.finding(
                w.resource, "spec.selector", "the selector does not match the pod template's labels"
            )


RULE = Rule(
    id="selector-mismatch",
    severity=ERROR,
    summary="A workload's selector does not match its pod template",
    description=(
        "spec.selector must select the pods spec.template creates; otherwise the API server rejects the "
        "object (or, for a Rollout, the controller never sees its pods)."
    ),
    fix="make spec.selector.matchLabels a subset of spec.template.metadata.labels",
    kinds=_KINDS,
    tags=("reliability",),
    precision="very-high",
    covers=("mismatching-selector",),
    check=check,
)
