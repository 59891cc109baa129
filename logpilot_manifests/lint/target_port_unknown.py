"""Services whose targetPort no selected container declares: traffic goes to a closed port."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext, as_list, get_in
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for svc in ctx.of_kind("Service"):
        workloads = ctx.selected_by_map(svc.namespace, get_in(svc.obj, ("spec", "selector")))
        if not workloads:
            continue  # no selector, or one that matches nothing: service-selector-unmatched's case
        names = {
            str(p["name"])
            for w in workloads
            for _, c in w.containers(init=False)
            for p in as_list(c.get("ports"))
            if isinstance(p, dict) and p.get("name")
        }
        for i, port in enumerate(as_list(get_in(svc.obj, ("spec", "ports")))):
            target = port.get("targetPort") if isinstance(port, dict) else None
            if isinstance(target, str) and not target.isdigit() and target not in names:
                yield RULE.finding(
                    svc,
                    f"spec.ports[{i}].targetPort",
                    f"targetPort '{target}' is not a port name of the selected containers",
                )


RULE = Rule(
    id="target-port-unknown",
    severity=ERROR,
    summary="A Service targetPort matches no port of the containers it selects",
    description=(
        "A named targetPort must be a port name of the selected containers, or the Service has no endpoints "
        "on that port. A numeric one is not checked: containers may listen on ports they do not declare "
        "(real projects' metrics ports often are). kube-linter's invalid-target-ports checks only the name's "
        "syntax; a malformed name is never declared, so this rule flags it too."
    ),
    fix="use a port name or number declared in the selected containers' ports",
    kinds=("Service", *WORKLOAD_KINDS),
    tags=("reliability",),
    covers=("invalid-target-ports",),
    check=check,
)
