"""Workload selectors are immutable: a label that changes between releases (version, release, chart) in a
selector makes the next deploy fail or orphan the old pods."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext, get_in

ID = "mutable-selector-label"
SEVERITY = ERROR
SUMMARY = "A workload selector uses a label that changes between releases"
FIX = "select on stable labels (app.kubernetes.io/name, app.kubernetes.io/instance); keep version labels off selectors"

MUTABLE_KEYS = frozenset({"version", "release", "app.kubernetes.io/version", "helm.sh/chart", "chart"})
_SELECTOR_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout"})


def check(ctx: LintContext) -> Iterator[Finding]:
    for r in ctx.resources:
        if r.kind not in _SELECTOR_KINDS:
            continue
        selector = get_in(r.obj, ("spec", "selector"))
        if not isinstance(selector, dict):
            continue
        keys = list((selector.get("matchLabels") or {}).keys())
        keys += [e.get("key") for e in selector.get("matchExpressions") or [] if isinstance(e, dict)]
        for key in keys:
            if key in MUTABLE_KEYS:
                yield finding(ID, r, "spec.selector", f"selector uses the mutable label '{key}'")
