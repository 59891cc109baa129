"""Workload selectors are immutable: a label that changes between releases (version, release, chart) in a
selector makes the next deploy fail or orphan the old pods."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext, as_dict, as_list, get_in
from .rule import ERROR, Rule

MUTABLE_KEYS = frozenset({"version", "release", "app.kubernetes.io/version", "helm.sh/chart", "chart"})
_SELECTOR_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout")


def check(ctx: LintContext) -> Iterator[Finding]:
    for kind in _SELECTOR_KINDS:
        for r in ctx.of_kind(kind):
            selector = get_in(r.obj, ("spec", "selector"))
            if not isinstance(selector, dict):
                continue
            keys: list[object] = list(as_dict(selector.get("matchLabels")))
            keys += [e.get("key") for e in as_list(selector.get("matchExpressions")) if isinstance(e, dict)]
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
