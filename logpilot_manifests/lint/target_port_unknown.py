"""Services whose targetPort no selected container declares: traffic goes to a closed port."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext, as_list, get_in, int_value
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for svc in ctx.of_kind("Service"):
        workloads = ctx.selected_by_map(svc.namespace, get_in(svc.obj, ("spec", "selector")))
        if not workloads:
            continue  # no selector, or one that matches nothing: service-selector-unmatched's case
        if not all(w.readable for w in workloads):
            continue  # a pod template that does not fit its schema: unfit-object's case
        names: set[str] = set()
        numbers: set[int] = set()
        undeclared = False
        for w in workloads:
            for _, c in w.containers(init=False):
                ports = [p for p in as_list(c.get("ports")) if isinstance(p, dict)]
                undeclared = undeclared or not ports
                names.update(str(p["name"]) for p in ports if p.get("name"))
                numbers.update(n for p in ports if (n := int_value(p.get("containerPort"))) is not None)
        for i, port in enumerate(as_list(get_in(svc.obj, ("spec", "ports")))):
            if not isinstance(port, dict):
                continue
            target = port.get("targetPort", port.get("port"))
            number = int_value(target)
            if number is None and isinstance(target, str) and target.isdigit():
                number = int(target)
            if number is not None:
                # Containers may listen on ports they do not declare, so a number is checked only when every
                # selected container declares its ports and none is this one.
                if not undeclared and numbers and number not in numbers:
                    yield RULE.finding(
                        svc,
                        f"spec.ports[{i}].targetPort",
                        f"targetPort {number} is not a port the selected containers declare",
                    )
            elif isinstance(target, str) and target not in names:
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
        "on that port. A numeric one is flagged when every selected container declares its ports and none "
        "is that number: the program may still listen there, but an undeclared port is invisible to named "
        "references and readers (real projects' undeclared metrics ports show up here; declare them). "
        "kube-linter's invalid-target-ports checks only the name's syntax; a malformed name is never "
        "declared, so this rule flags it too."
    ),
    fix="use a port name or number declared in the selected containers' ports",
    kinds=("Service", *WORKLOAD_KINDS),
    tags=("reliability",),
    precision="medium",
    covers=("invalid-target-ports",),
    check=check,
)
