"""A Service whose selector matches no pod template in its namespace sends traffic nowhere."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext, get_in

ID = "service-selector-unmatched"
SEVERITY = ERROR
SUMMARY = "A Service selector matches no pod template"
FIX = "make the Service's spec.selector a subset of the workload's pod template labels"


def check(ctx: LintContext) -> Iterator[Finding]:
    for svc in ctx.of_kind("Service"):
        selector = get_in(svc.obj, ("spec", "selector"))
        if not isinstance(selector, dict) or not selector:
            continue
        wanted = {str(k): str(v) for k, v in selector.items()}
        if not any(
            w.resource.namespace == svc.namespace and all(w.labels.get(k) == v for k, v in wanted.items())
            for w in ctx.workloads
        ):
            shown = ", ".join(f"{k}={v}" for k, v in sorted(wanted.items()))
            yield finding(
                ID, svc, "spec.selector", f"selector {shown} matches no pod template in the namespace"
            )
