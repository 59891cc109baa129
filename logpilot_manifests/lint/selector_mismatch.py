"""Workloads whose selector does not match their own pod template: the API server rejects them."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext, get_in, selector_matches
from .rule import ERROR, Rule

_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout")


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.resource.kind not in _KINDS:
            continue
        selector = get_in(w.resource.obj, ("spec", "selector"))
        if isinstance(selector, dict) and not selector_matches(selector, w.labels):
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
