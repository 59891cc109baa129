"""Workload selectors are immutable: a label that changes between releases (version, release, chart) in a
selector makes the next deploy fail or orphan the old pods."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.crds import argoproj_io_v1alpha1 as argo
from ..models.k8s import apps_v1, batch_v1
from .context import LintContext
from .rule import ERROR, Rule

MUTABLE_KEYS = frozenset({"version", "release", "app.kubernetes.io/version", "helm.sh/chart", "chart"})
_SELECTOR_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout")
_MODELS = (
    apps_v1.Deployment,
    apps_v1.StatefulSet,
    apps_v1.DaemonSet,
    apps_v1.ReplicaSet,
    batch_v1.Job,
    argo.Rollout,
)


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind in _SELECTOR_KINDS:
        for r in ctx.of_kind(kind):
            model = ctx.model(r)
            selector = model.spec.selector if isinstance(model, _MODELS) and model.spec else None
            if selector is None:
                continue
            keys = [*(selector.matchLabels or {}), *(e.key for e in selector.matchExpressions or [])]
            for key in keys:
                if key in MUTABLE_KEYS:
                    yield RULE.finding(r, "spec.selector", f"selector uses the mutable label '{key}'")


RULE = Rule(
    id="mutable-selector-label",
    severity=ERROR,
    summary="A workload selector uses a label that changes between releases",
    description=(
        "spec.selector cannot change after creation: a version label there makes the next release fail to "
        "apply, or (with a new name) orphans the old pods. Blue/green slots that never change colour opt out "
        "by annotation."
    ),
    fix="select on stable labels (app.kubernetes.io/name, app.kubernetes.io/instance); keep version labels off selectors",
    kinds=_SELECTOR_KINDS,
    tags=("reliability",),
    check=check,
)
