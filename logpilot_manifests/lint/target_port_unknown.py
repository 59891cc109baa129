"""Services whose targetPort no selected container declares: traffic goes to a closed port."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for svc, model in ctx.models("Service", core_v1.Service):
        spec = model.spec or core_v1.ServiceSpec()
        workloads = ctx.selected_by_map(svc.namespace, spec.selector)
        if not workloads:
            continue  # no selector, or one that matches nothing: service-selector-unmatched's case
        if not all(w.readable for w in workloads):
            continue  # a pod template that does not fit its schema: unfit-object's case
        names: set[str] = set()
        numbers: set[int] = set()
        undeclared = False
        for w in workloads:
            for _, c in w.containers(init=False):
                ports = c.ports or []
                undeclared = undeclared or not ports
                names.update(p.name for p in ports if p.name)
                numbers.update(p.containerPort for p in ports)
        for i, port in enumerate(spec.ports or []):
            target = port.port if port.targetPort is None else port.targetPort
            if isinstance(target, str) and target.isdigit():
                target = int(target)
            if isinstance(target, int):
                # Containers may listen on ports they do not declare, so a number is checked only when every
                # selected container declares its ports and none is this one.
                if not undeclared and numbers and target not in numbers:
                    yield RULE.finding(
                        svc,
                        f"spec.ports[{i}].targetPort",
                        f"targetPort {target} is not a port the selected containers declare",
                    )
            elif target not in names:
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
