"""Production services with no alert about them: nobody hears when they fail."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding
from ..models.crds import monitoring_coreos_com_v1 as monitoring_v1
from ..models.k8s import core_v1
from .context import LONG_RUNNING, LintContext
from .rule import WARNING, Rule

_TOKEN = re.compile(r"[A-Za-z0-9_.-]+")


def _alert_words(ctx: LintContext) -> set[str]:
    """The words (label values, metric and object names) of every alert's expression and labels."""
    words: set[str] = set()
    for _, model in ctx.models("PrometheusRule", monitoring_v1.PrometheusRule):
        for group in model.spec.groups or []:
            for r in group.rules or []:
                if r.alert:
                    words.update(_TOKEN.findall(f"{r.expr} {r.labels or {}}"))
    return words


def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.production:
        return
    alerted = _alert_words(ctx)
    for svc, model in ctx.models("Service", core_v1.Service):
        selector = model.spec.selector if model.spec else None
        workloads = [
            w for w in ctx.selected_by_map(svc.namespace, selector) if w.resource.kind in LONG_RUNNING
        ]
        if not workloads:
            continue
        words = {svc.namespace, svc.name, *(w.resource.name for w in workloads)}
        words |= {w.labels.get("app.kubernetes.io/name", "") for w in workloads} | {
            w.labels.get("app", "") for w in workloads
        }
        words.discard("")
        if not words & alerted:
            yield RULE.finding(
                svc,
                "metadata.name",
                "no PrometheusRule alert mentions this service, its workloads or namespace",
            )


RULE = Rule(
    id="alerts-missing",
    severity=WARNING,
    summary="A production service has no alert",
    description=(
        "A service in production needs at least one alert (a PrometheusRule) whose expression or labels "
        "name its namespace, its name or its workloads' app label, so that failures page someone. "
        "Production environments only."
    ),
    fix="add a PrometheusRule with alerts on the service's errors, saturation and restarts",
    kinds=("Service", "PrometheusRule", "Deployment", "StatefulSet", "DaemonSet", "Rollout"),
    tags=("reliability", "observability"),
    production_only=True,
    precision="medium",
    check=check,
)
